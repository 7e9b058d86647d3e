"""Deliberation fixtures: 古河村 (cadre, worker; 屠园镇's adviser and leader), its oversight group,
and topics walked to any state through the real services."""

from contextlib import nullcontext
from datetime import timedelta

import pytest
from django.db import connection

from gridcase.accounts.models import User
from gridcase.deliberation import services
from gridcase.deliberation.models import AttendeeRole, ListItem, State
from gridcase.lib import clock


@pytest.fixture
def village(users):
    return users["cadre"].area


@pytest.fixture
def supervisor(village):
    user = User.objects.create_user(username="supervisor", first_name="监督员老王", area=village)
    services.supervisor_add(village=village, user=user)
    return user


@pytest.fixture
def item():
    return ListItem.objects.get(code="R08")  # 僵尸车


ATTENDEES = [(AttendeeRole.COMMITTEE, "王书记", True), (AttendeeRole.ADVISER, "李律师", True),
             (AttendeeRole.GRID_WORKER, "赵网格", True), (AttendeeRole.MEDIATOR, "钱调解", True),
             (AttendeeRole.LEGAL_LITERATE, "孙明白", False), (AttendeeRole.REPRESENTATIVE, "周代表", True)]


@pytest.fixture
def meeting(users, village):
    return services.meeting_create(
        # Held before the oldest minutes make_topic records (ten days ago): minutes need a meeting that took place.
        actor=users["cadre"], village=village, held_at=clock.now() - timedelta(days=11), place="古河村党群服务中心",
        location=village.geom.point_on_surface,
        attendees=[services.AttendeeInput(role=r, name=n, present=p) for r, n, p in ATTENDEES])


def present_count() -> int:
    return sum(p for _r, _n, p in ATTENDEES)


@pytest.fixture
def make_topic(users, village, item, meeting, supervisor):
    """A topic of 古河村 walked to `state` (and whether its vote passes)."""

    def make(state: str = State.COLLECTED, passed: bool = True, **fields):
        # Topics that must outlive their publicity are decided ten days ago, so that every event
        # stays in time order with what the test does now.
        past = state in (State.EXECUTING, State.CLOSED, State.COMPLETION_REPORTED, State.COMPLETED)
        with clock.travel(clock.now() - timedelta(days=10)) if past else nullcontext():
            topic = _until_publicity(state, passed, fields)
        if topic.state != State.PUBLICITY or state == State.PUBLICITY:
            return _fresh(topic)
        if state == State.OBJECTED:
            services.objection_lodge(topic=topic, text="应先联系车主", ip="198.51.100.1")
            return _fresh(topic)
        with clock.travel(topic.publicity_ends_at + timedelta(minutes=1)):
            services.publicity_end(topic_id=topic.pk)
        if state in (State.EXECUTING, State.CLOSED):
            return _fresh(topic)
        cadre = users["cadre"]
        services.topic_assign(topic=topic, actor=cadre, responsible=users["worker"], responsible_name="",
                              deadline=clock.today() + timedelta(days=30))
        services.completion_report(topic=topic, actor=cadre, note="已拖走两辆车")
        if state == State.COMPLETION_REPORTED:
            return _fresh(topic)
        services.completion_confirm(topic=topic, actor=supervisor)
        return _fresh(topic)

    def _until_publicity(state, passed, fields):
        cadre, adviser = users["cadre"], users["adviser"]
        fields.setdefault("title", "清理小区僵尸车")
        fields.setdefault("description", "三号楼前两辆废弃轿车长期占用车位")
        topic = services.topic_propose(actor=users["worker"], village=village, list_item=item, **fields)
        if state == State.COLLECTED:
            return topic
        if state == State.REJECTED:
            return services.topic_reject(topic=topic, actor=cadre, reason="不属于村民自治事项")
        services.topic_accept(topic=topic, actor=cadre)
        if state == State.ACCEPTED:
            return _fresh(topic)
        agenda = services.meeting_add_topic(meeting=meeting, actor=cadre, topic=topic)
        if state == State.SCHEDULED:
            return _fresh(topic)
        services.minutes_record(item=agenda, actor=cadre, discussion="大家同意张贴通知后清理", decision="限期十五日内清理",
                                votes_for=4 if passed else 1, votes_against=1 if passed else 4, votes_abstain=0)
        if state == State.DECIDED:
            return _fresh(topic)
        return services.legal_review(topic=topic, actor=adviser, approve=True, opinion="程序合法")

    return make


def _fresh(topic):
    topic.refresh_from_db()
    return topic


def kinds(topic) -> list[tuple[str, str, str]]:
    return list(topic.events.order_by("at", "id").values_list("kind", "from_state", "to_state"))




@pytest.fixture
def other_village(users):
    return users["cadre2"].area




TABLES = ("deliberation_topic, deliberation_topicevent, deliberation_meeting, deliberation_attendee, "
          "deliberation_agendaitem, deliberation_legalreview, deliberation_objection, deliberation_progress, "
          "deliberation_progressphoto, deliberation_supervisor, deliberation_surveyresponse, escalation_rulefiring")


@pytest.fixture
def committed_deliberation(committed):
    """Real commits (for browsers and concurrent sessions); the deliberation tables are emptied after."""
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
