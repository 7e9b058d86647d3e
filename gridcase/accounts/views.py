"""Login with an optional second factor, and the page where leaders and admins turn it on or off."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridcase.accounts import otp
from gridcase.accounts.models import AuditEntry, TOTPDevice, User
from gridcase.lib import clock

PENDING = "otp_pending"
MAX_TRIES_PER_LOGIN = 5


def locked_out(request, credentials=None, *args, **kwargs):
    """The 429 of a lock-out (axes' and the account-wide one), saying when to try again."""
    response = render(request, "registration/locked_out.html",
                      {"cooloff_timedelta": settings.AXES_COOLOFF_TIME}, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def account_under_attack(username: str) -> bool:
    """Axes locks a name at one address; guessing one account from many addresses meets this ceiling."""
    since = clock.now() - settings.AXES_COOLOFF_TIME
    failures = AuditEntry.objects.filter(kind=AuditEntry.Kind.LOGIN_FAILED, username=username, at__gte=since)
    return failures.count() >= settings.ACCOUNT_FAILURE_LIMIT


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        if account_under_attack(request.POST.get("username", "")):
            return locked_out(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        if not TOTPDevice.objects.filter(user=user).exists():
            return super().form_valid(form)
        # The password was right; the session is not logged in until the code is.
        self.request.session[PENDING] = {"user": user.pk, "backend": user.backend, "next": self.get_success_url(),
                                         "tries": 0}
        return redirect("otp-verify")


@require_http_methods(["GET", "POST"])
def otp_verify(request):
    pending = request.session.get(PENDING)
    if not pending:
        return redirect("login")
    user = User.objects.get(pk=pending["user"])
    error = None
    if request.method == "POST":
        if otp.verify(user, request.POST.get("code", "")):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            return redirect(pending["next"])
        pending["tries"] += 1
        request.session[PENDING] = pending
        if pending["tries"] >= MAX_TRIES_PER_LOGIN or otp.locked(user):
            del request.session[PENDING]
            messages.error(request, _("动态码错误次数过多，请稍后重新登录。"))
            return redirect("login")
        error = _("动态码不正确或已使用，请输入验证器中当前显示的 6 位数字。")
    return render(request, "registration/otp_verify.html", {"error": error})


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    if not otp.offered_to(request.user):
        raise PermissionDenied
    device = TOTPDevice.objects.filter(user=request.user).first()
    error = None
    if request.method == "POST":
        code = request.POST.get("code", "")
        if device:
            if otp.disable(request.user, code):
                messages.success(request, _("已停用两步验证。"))
                return redirect("otp-setup")
        elif otp.enable(request.user, request.session.get("otp_secret", ""), code):
            request.session.pop("otp_secret", None)
            messages.success(request, _("已启用两步验证：以后登录时需输入验证器中的动态码。"))
            return redirect("otp-setup")
        error = _("动态码不正确，请输入验证器中当前显示的 6 位数字。")
    context = {"device": device, "error": error}
    if not device:
        secret = request.session.setdefault("otp_secret", otp.new_secret())
        context.update(secret=secret, qr=otp.qr_svg(otp.provisioning_uri(request.user, secret)))
    return render(request, "accounts/otp_setup.html", context)
