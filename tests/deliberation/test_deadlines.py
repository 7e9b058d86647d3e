"""Deadlines as rules (seeded, applied by the one escalation sweep): publicity that ends with no open
objection moves the topic on by itself; overdue execution is reminded to the village's cadres and
the town's leaders, once."""

from datetime import timedelta

import pytest
from django.conf import settings

from gridcase.deliberation import services
from gridcase.deliberation.models import State, TopicEvent
from gridcase.escalation import engine
from gridcase.escalation import tasks as escalation_tasks
from gridcase.lib import clock
from gridcase.notifications.models import Notification

pytestmark = pytest.mark.django_db


def sweep() -> dict[str, int]:
    """What one rules sweep now does to topics: publicity periods ended, overdue notices sent."""
    def counts():
        return {"publicity_ended": TopicEvent.objects.filter(kind="topic.publicity_ended").count(),
                "overdue_reminded": TopicEvent.objects.filter(kind="topic.execution_overdue").count()}

    before = counts()
    engine.sweep()
    return {key: value - before[key] for key, value in counts().items()}


def test_topics_are_swept_by_the_one_escalation_sweep_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["escalation-sweep"] == {"task": "gridcase.escalation.tasks.sweep", "schedule": 60}
    assert not any("deliberation" in entry["task"] or "requests" in entry["task"] for entry in schedule.values())


def test_publicity_ending_without_objection_moves_the_topic_into_execution(make_topic):
    topic = make_topic(State.PUBLICITY)
    with clock.travel(topic.publicity_ends_at - timedelta(minutes=1)):
        assert sweep()["publicity_ended"] == 0
    topic.refresh_from_db()
    assert topic.state == State.PUBLICITY
    with clock.travel(topic.publicity_ends_at + timedelta(minutes=1)):
        escalation_tasks.sweep.apply().get()
        assert sweep()["publicity_ended"] == 0  # once
    topic.refresh_from_db()
    event = topic.events.last()
    assert topic.state == State.EXECUTING and event.kind == "topic.publicity_ended" and event.actor is None


def test_the_publicity_period_is_a_setting(make_topic, settings):
    settings.DELIBERATION_PUBLICITY_DAYS = 3
    topic = make_topic(State.PUBLICITY)
    assert topic.publicity_ends_at - topic.publicity_started_at == timedelta(days=3)


def test_an_open_objection_holds_the_topic_however_long_it_waits(make_topic):
    topic = make_topic(State.OBJECTED)
    with clock.travel(topic.publicity_ends_at + timedelta(days=30)):
        assert sweep()["publicity_ended"] == 0
    topic.refresh_from_db()
    assert topic.state == State.OBJECTED


def test_an_objection_after_the_period_is_refused(make_topic):
    topic = make_topic(State.PUBLICITY)
    with clock.travel(topic.publicity_ends_at + timedelta(seconds=1)), pytest.raises(services.NotAllowed, match="公示期已结束"):
        services.objection_lodge(topic=topic, text="太晚了", ip="192.0.2.1")


def test_overdue_execution_is_reminded_to_the_cadres_and_the_town_leader_once(make_topic, users):
    topic = make_topic(State.EXECUTING)
    deadline = clock.today() + timedelta(days=5)
    services.topic_assign(topic=topic, actor=users["cadre"], responsible=None, responsible_name="村委会主任",
                          deadline=deadline)
    with clock.travel(clock.now() + timedelta(days=5)):
        assert sweep()["overdue_reminded"] == 0  # due today is not overdue
    with clock.travel(clock.now() + timedelta(days=7)):
        assert sweep()["overdue_reminded"] == 1
        assert sweep()["overdue_reminded"] == 0
    reminded = set(Notification.objects.filter(kind="deliberation.overdue").values_list("recipient__username", flat=True))
    assert reminded == {"cadre", "leader"}
    event = topic.events.last()
    assert event.kind == "topic.execution_overdue" and "超过完成期限 2 天" in event.reason and event.actor is None


def test_a_new_deadline_gets_its_own_reminder(make_topic, users):
    topic = make_topic(State.EXECUTING)
    services.topic_assign(topic=topic, actor=users["cadre"], responsible=None, responsible_name="主任",
                          deadline=clock.today() - timedelta(days=1))
    # Already overdue: the rules, looking at the change itself, tell at once; the sweep has nothing left.
    assert topic.events.filter(kind="topic.execution_overdue").count() == 1
    assert sweep()["overdue_reminded"] == 0
    topic.refresh_from_db()
    services.topic_assign(topic=topic, actor=users["cadre"], responsible=None, responsible_name="主任",
                          deadline=clock.today() + timedelta(days=1), expected_version=topic.version)
    with clock.travel(clock.now() + timedelta(days=3)):
        assert sweep()["overdue_reminded"] == 1
    assert Notification.objects.filter(kind="deliberation.overdue", recipient=users["cadre"]).count() == 2


def test_completed_work_is_not_reminded(make_topic, users):
    topic = make_topic(State.COMPLETED)
    with clock.travel(clock.now() + timedelta(days=60)):
        assert sweep()["overdue_reminded"] == 0
    assert topic.execution_deadline is not None
