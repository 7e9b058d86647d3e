"""The security audit log: logins, lockouts, permission changes and second factors, written from
Django's and axes' signals so that no view can forget it. Views of unmasked personal data are
logged where they happen (cases.PersonalDataView)."""

import contextvars

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save, pre_save

from gridcase.accounts.models import AuditEntry, User

# The request being handled, for the actor and IP of changes made through the admin.
current_request: contextvars.ContextVar = contextvars.ContextVar("audit_request", default=None)

# Fields of a user whose change is a change of what they may see or do.
WATCHED_FIELDS = ("role", "area_id", "is_active", "is_staff", "is_superuser")
WATCHED_RELATIONS = {"grids": "负责网格", "groups": "用户组", "user_permissions": "权限"}


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(kind: str, *, username: str = "", actor=None, request=None, **detail) -> AuditEntry:
    request = request or current_request.get()
    if actor is None and request is not None and getattr(request, "user", None) and request.user.is_authenticated:
        actor = request.user
    return AuditEntry.objects.create(kind=kind, username=username, actor=actor, ip=client_ip(request), detail=detail)


def _logged_in(sender, request, user, **kwargs):
    record(AuditEntry.Kind.LOGIN, username=user.username, actor=user, request=request)


def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEntry.Kind.LOGOUT, username=user.username, actor=user, request=request)


def _login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEntry.Kind.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], request=request)


def _locked_out(sender, request, username=None, ip_address=None, **kwargs):
    record(AuditEntry.Kind.LOCKED_OUT, username=(username or "")[:150], request=request)


def _remember_watched(sender, instance: User, update_fields=None, **kwargs):
    if update_fields and not {f.removesuffix("_id") for f in WATCHED_FIELDS} & set(update_fields):
        return  # e.g. last_login on every login
    if instance.pk:
        instance._audit_before = User.objects.filter(pk=instance.pk).values(*WATCHED_FIELDS).first()


def _user_saved(sender, instance: User, created, **kwargs):
    before = getattr(instance, "_audit_before", None)
    after = {field: getattr(instance, field) for field in WATCHED_FIELDS}
    if created:
        changes = {field: [None, value] for field, value in after.items() if value}
    elif before:
        changes = {field: [before[field], after[field]] for field in WATCHED_FIELDS if before[field] != after[field]}
    else:
        changes = {}
    if changes:
        record(AuditEntry.Kind.PERMISSION_CHANGED, username=instance.username, changes=changes, created=created)


def _relation_changed(sender, instance, action, pk_set, **kwargs):
    if not isinstance(instance, User) or action not in {"post_add", "post_remove", "post_clear"}:
        return
    relation = next((name for name in WATCHED_RELATIONS if getattr(User, name).through is sender), None)
    if relation:
        record(AuditEntry.Kind.PERMISSION_CHANGED, username=instance.username,
               changes={relation: {"action": action.removeprefix("post_"), "ids": sorted(pk_set or [])}})


def connect() -> None:
    from axes.signals import user_locked_out

    user_logged_in.connect(_logged_in, dispatch_uid="audit-login")
    user_logged_out.connect(_logged_out, dispatch_uid="audit-logout")
    user_login_failed.connect(_login_failed, dispatch_uid="audit-login-failed")
    user_locked_out.connect(_locked_out, dispatch_uid="audit-locked-out")
    pre_save.connect(_remember_watched, sender=User, dispatch_uid="audit-user-before")
    post_save.connect(_user_saved, sender=User, dispatch_uid="audit-user-saved")
    m2m_changed.connect(_relation_changed, dispatch_uid="audit-user-relations")


class AuditRequestMiddleware:
    """Makes the current request known to the audit signals (who changed a user in the admin)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
