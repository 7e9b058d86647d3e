from dataclasses import dataclass
from datetime import datetime

from django.db.models import F, QuerySet, Value
from django.db.models.functions import StrIndex
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from gridcase.accounts.models import User
from gridcase.accounts.selectors import users_covering
from gridcase.notifications.channels import channel_label
from gridcase.notifications.models import Alert, ContactPreference, Delivery, EscalationPolicy, Notification, PolicyStep


class NotAnAlert(Http404):
    """Acknowledging a notification that asks for no acknowledgement."""


def unread_count(*, user) -> int:
    """One count on the partial index of unread notifications."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def inbox(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("alert").order_by("-created_at", "-id")


def notification_get(*, user, notification_id: int) -> Notification:
    """The user's own notification, or 404: whether it exists for somebody else is not theirs to know."""
    return get_object_or_404(Notification.objects.select_related("alert"), pk=notification_id, recipient=user)


def contacts_of(*, users: list[User]) -> dict[int, ContactPreference]:
    return {c.user_id: c for c in ContactPreference.objects.filter(user__in=users)}


def policy_steps(*, area_code: str) -> list[PolicyStep]:
    """The steps of the escalation policy of the nearest area at or above `area_code` (town before county)."""
    policy = (EscalationPolicy.objects.annotate(_at=StrIndex(Value(area_code), F("area__code"))).filter(_at=1)
              .order_by("-area__code").first()) if area_code else None
    return list(policy.steps.prefetch_related("users").order_by("order")) if policy else []


def step_people(*, step: PolicyStep, area_code: str) -> list[User]:
    people = [user for user in step.users.all() if user.is_active]
    if step.role:
        covering = users_covering(code=area_code, roles=[step.role])
        if step.level:
            covering = covering.filter(area__level=step.level)
        people += list(covering)
    return people


@dataclass(frozen=True)
class TrailLine:
    at: datetime
    text: str
    state: str = ""  # "sent", "failed", "acknowledged"…: the line's colour


def alert_trail(*, subject_kind: str, subject_id: int) -> list[TrailLine]:
    """What happened to the subject's urgent alerts, in time order: who was told, on which channel,
    delivered or failed (with the error), who acknowledged and after how long. For the subject's page."""
    alerts = list(Alert.objects.filter(subject_kind=subject_kind, subject_id=subject_id)
                  .select_related("acknowledged_by"))
    if not alerts:
        return []
    lines = []
    deliveries = (Delivery.objects.filter(notification__alert__in=alerts)
                  .select_related("notification__recipient").order_by("notification__created_at", "id"))
    for delivery in deliveries:
        notification = delivery.notification
        what = channel_label(delivery.channel)
        status = delivery.get_status_display()
        error = f"：{delivery.last_error}" if delivery.status == Delivery.Status.FAILED and delivery.last_error else ""
        lines.append(TrailLine(at=delivery.sent_at or notification.created_at,
                               text=_("通知 %(who)s（%(channel)s）%(status)s%(error)s") % {
                                   "who": notification.recipient, "channel": what,
                                   "status": status, "error": error},
                               state=delivery.status))
    for alert in alerts:
        lines.append(TrailLine(at=alert.created_at, text=_("紧急提醒：%(title)s（%(minutes)s 分钟内须签收）") % {
            "title": alert.title, "minutes": alert.ack_minutes}, state="raised"))
        if alert.acknowledged_at:
            minutes = max(0, round((alert.acknowledged_at - alert.created_at).total_seconds() / 60))
            lines.append(TrailLine(at=alert.acknowledged_at, text=_("%(who)s 已签收（用时 %(minutes)s 分钟）") % {
                "who": alert.acknowledged_by or _("（已注销用户）"), "minutes": minutes}, state="acknowledged"))
    return sorted(lines, key=lambda line: line.at)
