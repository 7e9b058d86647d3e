import logging
import threading
import time
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from gridcase.celery import app
from gridcase.front.tasks import ping
from gridcase.notifications.models import Delivery
from gridcase.notifications.services import DeliveryFailed, deliveries_requeue_stale, delivery_send, notify
from gridcase.notifications.tasks import RETRY_BASE_SECONDS, deliver, requeue_stale_deliveries
from tests.notifications.channels import BlockingChannel, FailingChannel, RecordingChannel, RedisCountingChannel
from tests.notifications.conftest import LOGGING

# The Celery worker and a racing thread are other database sessions and see only committed rows, so
# these tests commit; afterwards only this app's tables are emptied (the demo county stays).
committed = pytest.mark.django_db(transaction=True, available_apps=["gridcase.notifications"])
PENDING, SENT, FAILED = Delivery.Status.PENDING, Delivery.Status.SENT, Delivery.Status.FAILED


def one_delivery(user, **fields) -> Delivery:
    [made] = notify(recipients=[user], kind="case.escalated", title="纠纷已上报至镇", url="/cases/12/", **fields)
    return made.deliveries.get()


def wait_for(condition, seconds: float = 15):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@committed
def test_the_worker_sends_a_committed_delivery_once_however_often_it_is_queued(celery_worker, users, channels):
    channels("RedisCountingChannel")
    store = redis.Redis.from_url(settings.REDIS_URL)

    delivery = one_delivery(users["mediator"])  # commits, which queues it
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).status != PENDING)
    for _ in range(3):
        deliver.delay(delivery.pk)
    ping.delay().get(timeout=15)  # the worker takes tasks in order: the three are done

    delivery.refresh_from_db()
    assert delivery.status == SENT and delivery.attempts == 1 and delivery.sent_at is not None
    assert store.getdel(RedisCountingChannel.key(delivery.notification_id)) == b"1"


@committed
def test_the_worker_records_a_failed_attempt_and_schedules_the_retry_after_a_backoff(celery_worker, users, channels):
    channels("FailingChannel")

    delivery = one_delivery(users["mediator"])
    wait_for(lambda: Delivery.objects.get(pk=delivery.pk).attempts == 1)
    retry = {}

    def retry_scheduled():
        for tasks in (app.control.inspect(timeout=1).scheduled() or {}).values():
            for task in tasks:
                if task["request"]["name"] == deliver.name and list(task["request"]["args"]) == [delivery.pk]:
                    retry.update(task)
        return bool(retry)

    wait_for(retry_scheduled)

    delivery.refresh_from_db()
    assert delivery.status == PENDING and delivery.last_error == "RuntimeError: 短信网关不可用"
    wait = timezone.datetime.fromisoformat(retry["eta"]) - delivery.updated_at
    assert timedelta(seconds=RETRY_BASE_SECONDS - 5) < wait < timedelta(seconds=RETRY_BASE_SECONDS + 5)


@pytest.mark.django_db
def test_a_failing_channel_is_tried_six_times_then_marked_failed_with_its_error(users, channels):
    # In this process (apply), where the retries run at once instead of over 15 minutes of backoff;
    # the worker test above shows the worker records an attempt and schedules its retry.
    channels("FailingChannel")
    delivery = one_delivery(users["mediator"])

    result = deliver.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert result.successful()  # the failure is on the delivery; the task ends quietly
    assert FailingChannel.calls == 6 and delivery.attempts == 6
    assert delivery.status == FAILED and delivery.last_error == "RuntimeError: 短信网关不可用" and delivery.sent_at is None
    assert deliver.apply(args=[delivery.pk]).successful() and FailingChannel.calls == 6  # failed stays failed


@pytest.mark.django_db
def test_a_channel_that_recovers_is_sent_on_the_next_try(users, channels, monkeypatch):
    channels("FailingChannel")
    delivery = one_delivery(users["mediator"])
    outages = iter([True, True])
    original = FailingChannel.send
    monkeypatch.setattr(FailingChannel, "send", lambda self, n: original(self, n) if next(outages, False) else None)

    deliver.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == SENT and delivery.attempts == 3 and delivery.last_error.startswith("RuntimeError")


@pytest.mark.django_db
def test_a_channel_failing_in_the_database_still_has_its_attempt_recorded(users, channels):
    channels("BrokenQueryChannel")
    delivery = one_delivery(users["mediator"])

    with pytest.raises(DeliveryFailed):
        delivery_send(delivery_id=delivery.pk, max_attempts=6)

    delivery.refresh_from_db()
    assert delivery.status == PENDING and delivery.attempts == 1 and "no_such_table" in delivery.last_error


@pytest.mark.django_db
def test_the_default_channel_writes_one_log_line(users, settings, caplog):
    del settings.NOTIFICATION_CHANNELS
    delivery = one_delivery(users["mediator"])
    assert delivery.channel == LOGGING

    with caplog.at_level(logging.INFO, logger="gridcase.notifications"):
        deliver.apply(args=[delivery.pk])

    delivery.refresh_from_db()
    assert delivery.status == SENT
    [line] = [r.getMessage() for r in caplog.records if r.name == "gridcase.notifications"]
    assert "case.escalated" in line and "纠纷已上报至镇" in line and str(users["mediator"].pk) in line


@pytest.mark.django_db
def test_a_sent_delivery_is_not_sent_again_and_a_missing_one_is_ignored(users, channels):
    channels("RecordingChannel")
    delivery = one_delivery(users["mediator"])

    deliver.apply(args=[delivery.pk])
    deliver.apply(args=[delivery.pk])

    assert RecordingChannel.sent == [delivery.notification_id]
    assert deliver.apply(args=[delivery.pk + 1000]).successful()


@committed
def test_two_workers_racing_for_one_delivery_send_it_once(users, channels, queued):
    channels("BlockingChannel")
    delivery = one_delivery(users["mediator"])
    assert queued == [delivery.pk]  # no broker here: the two callers below are the two workers

    def first_worker():
        try:
            deliver.apply(args=[delivery.pk])
        finally:
            connection.close()

    first = threading.Thread(target=first_worker)
    first.start()
    try:
        assert BlockingChannel.started.wait(10)  # the first holds the row and is sending
        second = deliver.apply(args=[delivery.pk])
        delivery.refresh_from_db()
        # The first has claimed it (发送中, committed before it sends): the second finds nothing to do.
        assert second.successful() and delivery.status == Delivery.Status.SENDING and delivery.attempts == 1
    finally:
        BlockingChannel.release.set()
        first.join(10)

    delivery.refresh_from_db()
    assert BlockingChannel.sent == [delivery.notification_id]
    assert delivery.status == SENT and delivery.attempts == 1


@pytest.mark.django_db
def test_a_delivery_whose_task_was_lost_is_queued_again_once(users, channels, queued, django_capture_on_commit_callbacks):
    channels("RecordingChannel")
    with django_capture_on_commit_callbacks(execute=True):
        made = notify(recipients=[users["leader"], users["cadre"], users["worker"]], kind="case.escalated", title="纠纷")
    lost, fresh, sent = (n.deliveries.get() for n in made)
    long_ago = timezone.now() - timedelta(minutes=20)
    Delivery.objects.filter(pk__in=[lost.pk, sent.pk]).update(updated_at=long_ago)
    Delivery.objects.filter(pk=sent.pk).update(status=SENT)
    queued.clear()

    with django_capture_on_commit_callbacks(execute=True):
        assert requeue_stale_deliveries.apply().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue_stale() == 0  # just touched: not again at once

    assert queued == [lost.pk]
    lost.refresh_from_db()
    assert lost.updated_at > long_ago and lost.status == PENDING and fresh.pk not in queued


@pytest.mark.django_db
def test_a_delivery_never_tried_is_queued_again_after_half_a_minute(users, channels, queued, django_capture_on_commit_callbacks):
    channels("RecordingChannel")
    with django_capture_on_commit_callbacks(execute=True):
        [made] = notify(recipients=[users["leader"]], kind="case.escalated", title="纠纷")
    untried = made.deliveries.get()
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue_stale() == 0  # its first task may still be on its way
    Delivery.objects.filter(pk=untried.pk).update(updated_at=timezone.now() - timedelta(seconds=31))
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_requeue_stale() == 1
    assert queued == [untried.pk]
