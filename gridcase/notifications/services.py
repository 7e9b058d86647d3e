"""Writes for notifications: create them with one delivery per channel, send a delivery, mark read;
urgent alerts, their acknowledgement (签收) and the escalation of silence."""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gridcase.accounts.models import User
from gridcase.lib import clock
from gridcase.lib.tasks import enqueue_on_commit
from gridcase.notifications import selectors, tasks
from gridcase.notifications.channels import ChannelError, channel_load, channel_name, configured_channels
from gridcase.notifications.models import Alert, Delivery, Notification

logger = logging.getLogger("gridcase.notifications")

# Longer than the longest wait between retries (tasks.deliver), so a delivery with a retry still due is left alone.
STALE_AFTER = timedelta(minutes=15)
# A first attempt comes within seconds of the commit; one still untried after this lost its task
# (no retry can be waiting for it), so it is queued again without waiting for STALE_AFTER.
NEVER_TRIED_AFTER = timedelta(seconds=30)
REQUEUE_BATCH = 5000
ERROR_MAX_CHARS = 2000


class DeliveryFailed(Exception):
    """The channel raised. The delivery has recorded the attempt; its status says whether to try again."""

    def __init__(self, delivery: Delivery):
        super().__init__(delivery.last_error)
        self.delivery = delivery


def notify(*, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "",
           alert: Alert | None = None) -> list[Notification]:
    """Put a notification in each recipient's inbox (once per person) and send it through the
    channels of NOTIFICATION_CHANNELS each person takes (all, unless they chose some). The deliveries
    are queued when the transaction commits, so nothing goes out for work that is rolled back. `url`
    is a path on this site, e.g. /cases/12/. Outside an `alert`, a person's quiet hours hold the
    pushed copies back until they end; an alert ignores them."""
    people = list({user.pk: user for user in recipients}.values())
    if not people:
        return []
    channels = configured_channels()
    contacts = selectors.contacts_of(users=people)
    now = clock.now()
    notifications = [Notification(recipient=user, kind=kind, title=title, body=body, url=url, alert=alert)
                     for user in people]
    for notification in notifications:
        notification.full_clean(exclude=["recipient", "alert"])  # users and the alert already in hand
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        deliveries = []
        for notification in notifications:
            contact = contacts.get(notification.recipient_id)
            chosen = set(contact.channels) if contact and contact.channels else None
            held = None if alert else quiet_until(contact, now)
            deliveries += [Delivery(notification=notification, channel=path, not_before=held) for path in channels
                           if chosen is None or channel_name(path) in chosen]
        for delivery in Delivery.objects.bulk_create(deliveries):
            enqueue_on_commit(tasks.deliver, delivery.pk)
    return notifications


def quiet_until(contact, now: datetime) -> datetime | None:
    """The end of the person's quiet hours if `now` falls in them (a window may cross midnight)."""
    if contact is None or contact.quiet_from is None or contact.quiet_until is None or contact.quiet_from == contact.quiet_until:
        return None
    local = timezone.localtime(now)
    start, end, at = contact.quiet_from, contact.quiet_until, local.time()
    inside = start <= at < end if start < end else (at >= start or at < end)
    if not inside:
        return None
    day = local.date() if at < end else local.date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, end))


def delivery_send(*, delivery_id: int, max_attempts: int) -> Delivery | None:
    """Send one pending delivery through its channel, at most once however many workers try.

    The row is claimed first — marked 发送中 and committed, with SELECT … FOR UPDATE SKIP LOCKED so a
    concurrent call finds nothing to do — and sent after, outside the transaction. A call for a
    delivery that is gone, sent, failed, already being sent or held back by quiet hours returns None
    (the last with `not_before` in the future: the task asks again then). If the channel raises, the
    attempt and its error are recorded (the delivery is marked failed once it has had `max_attempts`,
    or at once when no retry can help, such as a person without a phone) and DeliveryFailed is raised
    for the caller to retry. A worker that dies mid-send leaves the delivery 发送中: it is never sent
    again automatically (deliveries_requeue_stale marks it failed for an admin to see), because a
    message twice is worse than once for an alert, whose silence escalates anyway.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(pk=delivery_id, status=Delivery.Status.PENDING).first()
        )
        if delivery is None or (delivery.not_before and delivery.not_before > clock.now()):
            return None
        delivery.attempts += 1
        delivery.status = Delivery.Status.SENDING
        delivery.save(update_fields=["status", "attempts", "updated_at"])
    notification = (Notification.objects.select_related("recipient", "alert")
                    .get(pk=delivery.notification_id))
    error = None
    try:
        with transaction.atomic():  # a channel's own database error must not spoil what follows
            channel_load(delivery.channel).send(notification)
    except Exception as exc:
        error = exc
        # A channel's own refusal is said for people; anything else keeps its type for whoever debugs it.
        said = str(exc) if isinstance(exc, ChannelError) else f"{type(exc).__name__}: {exc}"
        delivery.last_error = said[:ERROR_MAX_CHARS]
        final = isinstance(exc, ChannelError) and exc.final
        delivery.status = Delivery.Status.FAILED if final or delivery.attempts >= max_attempts else Delivery.Status.PENDING
    else:
        delivery.status = Delivery.Status.SENT
        delivery.sent_at = clock.now()
    delivery.save(update_fields=["status", "last_error", "sent_at", "updated_at"])
    if error is None:
        return delivery
    if delivery.status == Delivery.Status.FAILED:
        logger.warning("delivery %s of notification %s through %s failed after %s attempts: %s",
                       delivery.pk, delivery.notification_id, delivery.channel, delivery.attempts, delivery.last_error)
    raise DeliveryFailed(delivery) from error


def deliveries_requeue_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Queue again the pending deliveries untouched for `older_than`, or never tried for
    NEVER_TRIED_AFTER (their task was lost: the broker was down at commit, a worker died past its
    retries) and those whose quiet hours are over; mark failed, for an admin to see, the ones a
    worker died while sending. Still at most once: see delivery_send."""
    now = clock.now()
    with transaction.atomic():
        Delivery.objects.filter(status=Delivery.Status.SENDING, updated_at__lt=now - older_than).update(
            status=Delivery.Status.FAILED, updated_at=now,
            last_error="发送中断：工作进程在发送时退出，结果未知；为免重复，不再自动重发")
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(Q(updated_at__lt=now - older_than)
                    | Q(attempts=0, updated_at__lt=now - min(older_than, NEVER_TRIED_AFTER)),
                    status=Delivery.Status.PENDING)
            .exclude(not_before__gt=now)
            .order_by("updated_at")
            .values_list("pk", flat=True)[:REQUEUE_BATCH]
        )
        Delivery.objects.filter(pk__in=ids).update(updated_at=now)
        for delivery_id in ids:
            enqueue_on_commit(tasks.deliver, delivery_id)
    return len(ids)


def notification_mark_read(*, user: User, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read; the first reading time stays. 404 if not theirs."""
    notification = selectors.notification_get(user=user, notification_id=notification_id)
    if notification.read_at is None:
        now = clock.now()
        if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
            notification.read_at = now
        else:
            notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    """Mark all the user's unread notifications read; returns how many there were."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=clock.now())


def alert_raise(*, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "",
                subject_kind: str = "", subject_id: int | None = None, area_code: str = "",
                ack_minutes: int = 15) -> Alert:
    """An urgent notice that must be acknowledged: sent now to `recipients` on every channel (quiet
    hours ignored); if nobody has acknowledged it after `ack_minutes`, the sweep sends it again and
    to the next step of the area's escalation policy (alerts_escalate_silent)."""
    now = clock.now()
    people = list(recipients)
    alert = Alert(kind=kind, title=title, body=body, url=url, subject_kind=subject_kind, subject_id=subject_id,
                  area_code=area_code, ack_minutes=ack_minutes, created_at=now,
                  # With nobody to tell first, the policy's first step is due at once.
                  next_escalation_at=now + timedelta(minutes=ack_minutes) if people else now)
    alert.full_clean()
    with transaction.atomic():
        alert.save()
        notify(recipients=people, kind=kind, title=title, body=body, url=url, alert=alert)
    return alert


def alert_acknowledge(*, user: User, notification_id: int) -> Alert:
    """签收: the person acknowledges an alert they were sent; the first acknowledgement stops its
    escalation and stays (a second one changes nothing). 404 for anybody else's notification."""
    notification = notification_mark_read(user=user, notification_id=notification_id)
    if notification.alert_id is None:
        raise selectors.NotAnAlert
    now = clock.now()
    Alert.objects.filter(pk=notification.alert_id, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=user, next_escalation_at=None)
    return Alert.objects.select_related("acknowledged_by").get(pk=notification.alert_id)


def alerts_escalate_silent(*, now: datetime | None = None, batch_size: int = 200) -> int:
    """Periodic: every alert nobody has acknowledged in time is sent again to everyone told so far
    and to the next step of its escalation policy; after the last step it is sent once more and the
    escalation ends. Two sweeps never take the same alert (SKIP LOCKED; the next time moves on in the
    same transaction), and a sweep that dies sends nothing (the notifications roll back with it)."""
    now = now or clock.now()
    with transaction.atomic():
        due = list(Alert.objects.select_for_update(skip_locked=True)
                   .filter(acknowledged_at__isnull=True, next_escalation_at__lte=now)
                   .order_by("next_escalation_at")[:batch_size])
        for alert in due:
            steps = selectors.policy_steps(area_code=alert.area_code)
            told = list(User.objects.filter(notifications__alert=alert).distinct())
            people = told
            if alert.step < len(steps):
                people = told + list(selectors.step_people(step=steps[alert.step], area_code=alert.area_code))
                alert.step += 1
                alert.next_escalation_at = now + timedelta(minutes=alert.ack_minutes)
            else:
                alert.next_escalation_at = None
            alert.save(update_fields=["step", "next_escalation_at"])
            notify(recipients=people, kind=alert.kind, title=f"（第 {alert.step + 1} 次提醒，尚未签收）{alert.title}"[:200],
                   body=alert.body, url=alert.url, alert=alert)
    return len(due)
