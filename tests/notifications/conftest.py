import pytest

from gridcase.notifications.tasks import deliver
from gridcase.outbox import services as outbox_services
from tests.notifications.channels import HERE, BlockingChannel, FailingChannel, RecordingChannel

LOGGING = "gridcase.notifications.channels.LoggingChannel"


@pytest.fixture(autouse=True)
def _fresh_test_channels():
    RecordingChannel.sent = []
    FailingChannel.calls = 0
    BlockingChannel.sent = []
    BlockingChannel.started.clear()
    BlockingChannel.release.clear()


@pytest.fixture
def channels(settings):
    """Configure NOTIFICATION_CHANNELS by the test channels' class names (or full paths)."""

    def configure(*names: str) -> list[str]:
        paths = [name if "." in name else f"{HERE}.{name}" for name in names]
        settings.NOTIFICATION_CHANNELS = paths
        return paths

    return configure


@pytest.fixture
def queued(monkeypatch):
    """The delivery ids handed to the broker (through the outbox), kept here instead (no worker sees them)."""
    ids = []

    def keep(message):
        if message.task == deliver.name:
            ids.extend(message.args)

    monkeypatch.setattr(outbox_services, "_publish", keep)
    return ids


@pytest.fixture
def committed_alerts(committed):
    """Real commits, for racing sweeps; the alerts and their notifications are emptied after."""
    from django.db import connection

    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE notifications_alert, notifications_escalationpolicy, notifications_policystep"
                       " RESTART IDENTITY CASCADE")
