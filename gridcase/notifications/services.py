"""Writes for notifications: create them with one delivery per channel, send a delivery, mark read."""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction

from gridcase.accounts.models import User
from gridcase.lib import clock
from gridcase.lib.tasks import enqueue_on_commit
from gridcase.notifications import selectors, tasks
from gridcase.notifications.channels import channel_load, configured_channels
from gridcase.notifications.models import Delivery, Notification

logger = logging.getLogger("gridcase.notifications")

# Longer than the longest wait between retries (tasks.deliver), so a delivery with a retry still due is left alone.
STALE_AFTER = timedelta(minutes=15)
REQUEUE_BATCH = 5000
ERROR_MAX_CHARS = 2000


class DeliveryFailed(Exception):
    """The channel raised. The delivery has recorded the attempt; its status says whether to try again."""

    def __init__(self, delivery: Delivery):
        super().__init__(delivery.last_error)
        self.delivery = delivery


def notify(*, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "") -> list[Notification]:
    """Put a notification in each recipient's inbox (once per person) and send it through every
    channel in NOTIFICATION_CHANNELS. The deliveries are queued when the transaction commits, so
    nothing goes out for work that is rolled back. `url` is a path on this site, e.g. /cases/12/."""
    people = list({user.pk: user for user in recipients}.values())
    if not people:
        return []
    channels = configured_channels()
    notifications = [Notification(recipient=user, kind=kind, title=title, body=body, url=url) for user in people]
    for notification in notifications:
        notification.full_clean(exclude=["recipient"])  # the recipients are users already in hand
    with transaction.atomic():
        Notification.objects.bulk_create(notifications)
        deliveries = Delivery.objects.bulk_create(
            [Delivery(notification=notification, channel=channel) for notification in notifications for channel in channels]
        )
        for delivery in deliveries:
            enqueue_on_commit(tasks.deliver, delivery.pk)
    return notifications


def delivery_send(*, delivery_id: int, max_attempts: int) -> Delivery | None:
    """Send one pending delivery through its channel, at most once however many workers try.

    The row is claimed with SELECT … FOR UPDATE SKIP LOCKED and held while the channel sends, so a
    concurrent call finds nothing to do and returns None, as does a call for a delivery that is gone,
    sent or failed. If the channel raises, the attempt and its error are recorded (the delivery is
    marked failed once it has had `max_attempts`) and DeliveryFailed is raised for the caller to retry.
    A worker killed after the channel sent but before the commit leaves the delivery pending, and it
    goes out again: no channel outside the database can be made exactly-once from here.
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("notification__recipient")
            .filter(pk=delivery_id, status=Delivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return None
        delivery.attempts += 1
        error = None
        try:
            with transaction.atomic():  # a channel's own database error must not spoil the claim
                channel_load(delivery.channel).send(delivery.notification)
        except Exception as exc:
            error = exc
            delivery.last_error = f"{type(exc).__name__}: {exc}"[:ERROR_MAX_CHARS]
            if delivery.attempts >= max_attempts:
                delivery.status = Delivery.Status.FAILED
        else:
            delivery.status = Delivery.Status.SENT
            delivery.sent_at = clock.now()
        delivery.save(update_fields=["status", "attempts", "last_error", "sent_at", "updated_at"])
    if error is None:
        return delivery
    if delivery.status == Delivery.Status.FAILED:
        logger.warning("delivery %s of notification %s through %s failed after %s attempts: %s",
                       delivery.pk, delivery.notification_id, delivery.channel, delivery.attempts, delivery.last_error)
    raise DeliveryFailed(delivery) from error


def deliveries_requeue_stale(*, older_than: timedelta = STALE_AFTER) -> int:
    """Queue again the pending deliveries untouched for `older_than`: their task was lost (the broker
    was down at commit, a worker died past its retries). Still sent at most once: see delivery_send."""
    now = clock.now()
    with transaction.atomic():
        ids = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status=Delivery.Status.PENDING, updated_at__lt=now - older_than)
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
