from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gridcase.notifications import selectors, services

PER_PAGE = 20


def _on_this_site(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure())


@login_required
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
@require_POST
def read(request, notification_id: int):
    """Mark read, then follow the notification's link (or go back to the inbox page it was on)."""
    notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
    for url in (notification.url, request.POST.get("next", "")):
        if _on_this_site(request, url):
            return redirect(url)
    return redirect("notifications:inbox")


@login_required
@require_POST
def read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
