"""Sweeps at once (two beat ticks, two workers) still move a topic on and remind about it once."""

from datetime import timedelta

import pytest

from gridcase.accounts.models import User
from gridcase.deliberation import services
from gridcase.deliberation.models import State, TopicEvent
from gridcase.escalation import engine
from gridcase.lib import clock
from gridcase.notifications.models import Notification
from tests.conftest import run_concurrently
from tests.deliberation.test_browser import publicised_topic


def test_concurrent_sweeps_end_a_publicity_and_remind_an_overdue_topic_exactly_once(committed_deliberation):
    due = publicised_topic()
    overdue = publicised_topic()
    with clock.travel(overdue.publicity_ends_at + timedelta(minutes=1)):
        services.publicity_end(topic_id=overdue.pk)
    services.topic_assign(topic=overdue, actor=User.objects.get(username="cadre"), responsible=None,
                          responsible_name="主任", deadline=clock.today())  # overdue by the time publicity ends

    results = run_concurrently(lambda: engine.sweep(now=due.publicity_ends_at + timedelta(minutes=1)), 4)
    assert sum(results) == 2  # between them the sweeps looked at both topics, each once
    assert TopicEvent.objects.filter(kind="topic.publicity_ended", topic=due).count() == 1
    due.refresh_from_db()
    assert due.state == State.EXECUTING and due.events.filter(kind="topic.publicity_ended").count() == 1
    assert overdue.events.filter(kind="topic.execution_overdue").count() == 1
    assert Notification.objects.filter(kind="deliberation.overdue", recipient__username="cadre").count() == 1


@pytest.mark.parametrize("times", [4])
def test_concurrent_objections_from_one_address_respect_the_limit(committed_deliberation, settings, times):
    settings.DELIBERATION_OBJECTIONS_PER_HOUR = 2
    topic = publicised_topic()

    def lodge():
        try:
            return services.objection_lodge(topic=topic, text="反对", ip="198.51.100.200").pk
        except services.TooManyObjections:
            return None

    results = run_concurrently(lodge, times)
    assert sum(r is not None for r in results) == 2
    assert topic.objections.count() == 2
