"""The transactional outbox: how work asks for a Celery task without depending on Redis being up.

`enqueue` writes the task into the database in the caller's transaction and, once that commits,
tries to hand it to the broker at once. If the broker is down the page does not notice: the row
stays, and `relay` (every few seconds, from Celery beat) sends what is waiting when Redis is back.
A task can arrive twice — a crash between the broker taking it and the row being deleted — so
tasks sent through here must be idempotent; gridcase's are (they claim their rows first).
"""

import logging
import time
from datetime import timedelta

from celery import current_app
from django.db import transaction

from gridcase.lib import clock
from gridcase.outbox.models import Message

logger = logging.getLogger(__name__)

RELAY_BATCH = 200
MAX_BACKOFF = timedelta(minutes=5)
# After a failed send this process stops trying at commit for a while (each try costs the page the
# connect timeout); the relay sends what waits meanwhile.
BROKER_DOWN_PAUSE_SECONDS = 10
_paused_until = 0.0


class BrokerDown(Exception):
    pass


def enqueue(task, *args, **kwargs) -> Message:
    """Ask for `task(*args, **kwargs)` once the current transaction commits. Arguments must be JSON."""
    message = Message.objects.create(task=task.name, args=list(args), kwargs=kwargs)
    if time.monotonic() >= _paused_until:
        transaction.on_commit(lambda: publish_waiting(ids=[message.pk]), robust=True)
    return message


def _publish(message: Message) -> None:
    try:
        # No retries here: a page must not wait for a broker that is down; the relay tries again.
        current_app.send_task(message.task, args=message.args, kwargs=message.kwargs, retry=False,
                               ignore_result=True)
    except Exception as exc:  # kombu/redis raise many kinds; all mean "not sent"
        global _paused_until
        _paused_until = time.monotonic() + BROKER_DOWN_PAUSE_SECONDS
        raise BrokerDown(f"{type(exc).__name__}: {exc}") from exc


def publish_waiting(*, ids: list[int] | None = None, batch: int = RELAY_BATCH) -> int:
    """Send waiting messages (those in `ids`, or all that are due) to the broker; return how many
    went. Rows are claimed with SKIP LOCKED, so relays in several processes never send one twice.
    Stops at the first failure: the broker is down for the rest too."""
    now = clock.now()
    sent = 0
    with transaction.atomic():
        waiting = Message.objects.select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")
        waiting = waiting.filter(pk__in=ids) if ids is not None else waiting.filter(next_attempt_at__lte=now)
        for message in waiting[:batch]:
            try:
                _publish(message)
            except BrokerDown as exc:
                message.attempts += 1
                message.last_error = str(exc)[:500]
                message.next_attempt_at = now + min(MAX_BACKOFF, timedelta(seconds=2**message.attempts))
                message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
                logger.warning("broker down, %s kept in the outbox: %s", message, exc)
                break
            message.delete()
            sent += 1
    return sent


def relay() -> int:
    """Send everything that is due, batch after batch, until the outbox is empty or the broker fails."""
    total = 0
    while (sent := publish_waiting()) == RELAY_BATCH:
        total += sent
    return total + sent
