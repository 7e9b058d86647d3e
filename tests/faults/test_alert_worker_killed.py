"""A Celery worker killed (SIGKILL) while it is sending an urgent alert to a 企业微信 robot: the
message is never sent a second time — not when the task comes again (acks_late redelivers it), not
when the sweep for lost deliveries runs — and the delivery is left for an admin to see."""

import signal
from datetime import timedelta

import pytest

from gridcase.accounts.models import User
from gridcase.front.tasks import ping
from gridcase.notifications.models import Delivery
from gridcase.notifications.services import alert_raise, deliveries_requeue_stale
from gridcase.notifications.tasks import deliver
from gridcase.outbox import services as outbox_services
from tests.conftest import WORKER_ARGS, _stop, spawn_celery
from tests.notifications.conftest import committed_alerts  # noqa: F401
from tests.notifications.servers import http_recorder

QUEUE = "faults-alerts"
WECOM = "gridcase.notifications.channels.WeComRobotChannel"


@pytest.fixture
def robot():
    recorder, stop = http_recorder()
    yield recorder
    stop()


def test_a_worker_killed_mid_send_never_sends_the_alert_twice(committed_alerts, robot, settings, monkeypatch):  # noqa: F811
    settings.NOTIFICATION_CHANNELS = [WECOM]
    settings.WECOM_WEBHOOK_URL = f"{robot.url}/cgi-bin/webhook/send?key=faults"
    monkeypatch.setattr(outbox_services, "_publish", lambda message: None)  # sent below, to this test's queue only
    env = {"NOTIFICATION_CHANNELS": WECOM, "WECOM_WEBHOOK_URL": settings.WECOM_WEBHOOK_URL}
    args = (*WORKER_ARGS, "-Q", QUEUE)
    alert = alert_raise(recipients=[User.objects.get(username="leader")], kind="case.escalated",
                        title="群体性纠纷直接上报乡镇", url="/cases/1/", subject_kind="case", subject_id=1,
                        area_code="321302112210")
    delivery = Delivery.objects.get(notification__alert=alert)
    robot.hang = 30  # the robot has the message but has not answered when the worker dies

    worker = spawn_celery(*args, env=env, log="alert-worker-killed.log")
    try:
        deliver.apply_async(args=[delivery.pk], queue=QUEUE)
        robot.wait(1, seconds=60)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            _stop(worker)
    assert Delivery.objects.get(pk=delivery.pk).status == Delivery.Status.SENDING

    robot.hang = 0
    worker = spawn_celery(*args, env=env, log="alert-worker-restarted.log")
    try:
        deliver.apply_async(args=[delivery.pk], queue=QUEUE)  # the broker hands the unacknowledged task out again
        ping.apply_async(queue=QUEUE).get(timeout=60)  # the worker takes tasks in order: that one is done
        deliveries_requeue_stale(older_than=timedelta(0))  # and the periodic sweep for lost deliveries runs
        ping.apply_async(queue=QUEUE).get(timeout=60)
    finally:
        _stop(worker)

    assert len(robot.requests) == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.FAILED and delivery.attempts == 1 and "结果未知" in delivery.last_error
