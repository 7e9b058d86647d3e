"""Two sweeps racing over the same silent alerts, on real commits: each alert goes one step once."""

from datetime import timedelta

from gridcase.accounts.models import User
from gridcase.notifications.services import alerts_escalate_silent
from tests.conftest import run_concurrently
from tests.notifications.test_alerts import raise_alert, told, tuyuan_policy


def test_two_sweeps_at_once_escalate_each_alert_once(committed_alerts):
    tuyuan_policy()
    users = {u.username: u for u in User.objects.all()}
    alerts = [raise_alert(users, subject_id=n) for n in range(1, 6)]
    later = alerts[-1].created_at + timedelta(minutes=15)

    done = run_concurrently(lambda: alerts_escalate_silent(now=later), times=2)
    assert sum(done) == 5
    for alert in alerts:
        assert told(alert) == ["leader", "leader", "mediator"]
