"""Topics on the home page's 我的待办: each step waits on the part that takes it (workflow.ACTORS) —
the legal adviser's reviews, overdue after the review time; the cadre's; the oversight group's."""

from datetime import timedelta

import pytest

from gridcase.deliberation.models import State
from gridcase.front.selectors import home_tasks
from gridcase.lib import clock

pytestmark = pytest.mark.django_db


def listed(user) -> dict:
    return {task.title: task for task in home_tasks(user=user)}


def test_the_legal_adviser_gets_the_decisions_to_review_overdue_after_five_working_days(make_topic, users):
    make_topic(State.DECIDED, title="清理僵尸车")

    fresh = listed(users["adviser"])["清理僵尸车"]
    with clock.travel(clock.now() + timedelta(days=14)):
        late = listed(users["adviser"])["清理僵尸车"]

    assert fresh.what == "待法律审核" and fresh.deadline is not None and not fresh.overdue
    assert late.overdue and home_tasks(user=users["adviser"]).total == 1
    assert "清理僵尸车" not in listed(users["adviser2"]) and "清理僵尸车" not in listed(users["cadre"])


def test_each_step_waits_on_whoever_takes_it(make_topic, users, supervisor):
    make_topic(State.COLLECTED, title="新征集的议题")
    make_topic(State.PUBLICITY, title="公示中的议题")
    make_topic(State.COMPLETION_REPORTED, title="报告完成的议题")

    assert {"新征集的议题"} <= set(listed(users["cadre"])) and "公示中的议题" not in listed(users["cadre"])
    assert "报告完成的议题" in listed(supervisor) and "报告完成的议题" not in listed(users["cadre"])
    assert not {"新征集的议题", "公示中的议题", "报告完成的议题"} & set(listed(users["adviser"]))
    assert not {"新征集的议题", "公示中的议题", "报告完成的议题"} & set(listed(users["cadre2"]))
