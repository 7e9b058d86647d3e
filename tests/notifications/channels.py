"""Channels for the tests. A Delivery row names its channel by dotted path, so the Celery worker
process imports these too when a test queues deliveries through them."""

import threading

import redis
from django.conf import settings
from django.db import connection

from gridcase.notifications.channels import Channel

HERE = "tests.notifications.channels"


class RecordingChannel(Channel):
    """Remembers, in this process, which notifications it sent."""

    name = "test-recording"
    sent: list[int] = []

    def send(self, notification) -> None:
        RecordingChannel.sent.append(notification.pk)


class FailingChannel(Channel):
    name = "test-failing"
    calls = 0

    def send(self, notification) -> None:
        FailingChannel.calls += 1
        raise RuntimeError("短信网关不可用")


class BrokenQueryChannel(Channel):
    """Fails inside the database, as a channel that keeps its own records might."""

    name = "test-broken-query"

    def send(self, notification) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")


class RedisCountingChannel(Channel):
    """Counts sends in Redis, where the test process can see what a worker process sent."""

    name = "test-redis-counting"

    @staticmethod
    def key(notification_id: int) -> str:
        return f"test:notifications:sent:{notification_id}"

    def send(self, notification) -> None:
        redis.Redis.from_url(settings.REDIS_URL).incr(self.key(notification.pk))


class BlockingChannel(Channel):
    """Holds the send open until the test releases it, to let another caller race for the same row."""

    name = "test-blocking"
    started = threading.Event()
    release = threading.Event()
    sent: list[int] = []

    def send(self, notification) -> None:
        BlockingChannel.started.set()
        assert BlockingChannel.release.wait(10), "the test never released the send"
        BlockingChannel.sent.append(notification.pk)
