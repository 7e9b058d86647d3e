from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridcase.notifications import selectors, services
from gridcase.notifications.forms import ContactPreferenceForm
from gridcase.notifications.models import ContactPreference

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


@login_required
def acknowledge(request, notification_id: int):
    """签收. The link in a message opens this page (after logging in); the button acknowledges.
    A GET never acknowledges: chat apps open links in messages to draw their previews."""
    notification = selectors.notification_get(user=request.user, notification_id=notification_id)
    if notification.alert is None:
        return redirect(notification.url if _on_this_site(request, notification.url) else "notifications:inbox")
    if request.method == "POST":
        alert = services.alert_acknowledge(user=request.user, notification_id=notification.pk)
        if alert.acknowledged_by_id == request.user.pk:
            messages.success(request, _("已签收：%(title)s") % {"title": alert.title})
        else:
            messages.info(request, _("%(who)s 已于 %(at)s 签收") % {
                "who": alert.acknowledged_by, "at": timezone.localtime(alert.acknowledged_at).strftime("%H:%M")})
        return redirect(notification.url if _on_this_site(request, notification.url) else "notifications:inbox")
    return render(request, "notifications/acknowledge.html", {"notification": notification, "alert": notification.alert})


@login_required
def contact_settings(request):
    """接收设置: the person's own channels, addresses and quiet hours."""
    contact = ContactPreference.objects.filter(user=request.user).first() or ContactPreference(user=request.user)
    form = ContactPreferenceForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("接收设置已保存"))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})
