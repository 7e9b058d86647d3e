"""Deliberation deadlines through the rules engine: the end of publicity moves a topic on once, its
execution is reminded the day before to the person responsible and the oversight group and, once
overdue, told to the village cadres and the town leader — nobody of another village or town."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from gridcase.deliberation import services
from gridcase.deliberation.models import State
from gridcase.escalation import engine
from gridcase.escalation.models import Rule, RuleFiring
from gridcase.lib import clock
from gridcase.notifications.models import Notification

pytestmark = pytest.mark.django_db


def told(kind: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for username in Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True):
        found[username] = found.get(username, 0) + 1
    return found


def local(day, hour=0, minute=0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


def sweep_twice(when: datetime) -> None:
    engine.sweep(now=when)
    engine.sweep(now=when)


@pytest.mark.parametrize(("passed", "state"), [(True, State.EXECUTING), (False, State.CLOSED)])
def test_the_end_of_publicity_moves_the_topic_on_once(make_topic, passed, state):
    topic = make_topic(State.PUBLICITY, passed=passed)
    assert topic.next_check_at == topic.publicity_ends_at

    sweep_twice(topic.publicity_ends_at - timedelta(seconds=1))
    topic.refresh_from_db()
    assert topic.state == State.PUBLICITY
    sweep_twice(topic.publicity_ends_at)
    topic.refresh_from_db()

    assert topic.state == state
    ended = topic.events.get(kind="topic.publicity_ended")
    assert ended.actor is None and ended.data["rule"] == Rule.objects.get(name="议题公示期满进入执行").pk
    assert RuleFiring.objects.of(topic).count() == 1


def test_execution_is_reminded_the_day_before_and_told_once_overdue(make_topic, users, supervisor):
    topic = make_topic(State.EXECUTING)
    deadline = clock.today() + timedelta(days=10)
    topic = services.topic_assign(topic=topic, actor=users["cadre"], responsible=users["worker"], responsible_name="",
                                  deadline=deadline)
    reminder = Rule.objects.get(name="议定事项到期前1天提醒")
    due = engine.due_at(reminder, topic)
    # A working day before the end of the deadline's day: its first moment if it is a working day.
    assert due <= local(deadline) and topic.next_check_at == due

    sweep_twice(due - timedelta(minutes=1))
    assert told("deliberation.reminded") == {}
    sweep_twice(local(deadline, 12))
    assert told("deliberation.reminded") == {"worker": 1, "supervisor": 1}
    assert Notification.objects.filter(kind="deliberation.reminded").first().body == f"完成期限 {deadline}，请按期完成"

    sweep_twice(local(deadline, 23, 59))
    assert told("deliberation.overdue") == {}  # due today is not overdue
    sweep_twice(local(deadline + timedelta(days=2), 9))
    assert told("deliberation.overdue") == {"cadre": 1, "leader": 1}
    event = topic.events.get(kind="topic.execution_overdue")
    assert event.reason == f"已超过完成期限 2 天（期限 {deadline}）" and event.actor is None
    assert told("deliberation.reminded") == {"worker": 1, "supervisor": 1}  # still once
