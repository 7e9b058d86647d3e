"""The procedure from topic to published result: each step writes its event, and each action is
allowed only to its role and in its states."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.db.utils import ProgrammingError

from gridcase.deliberation import services
from gridcase.deliberation.models import LegalReview, State, TopicEvent
from gridcase.deliberation.workflow import TRANSITIONS
from gridcase.lib import clock
from gridcase.notifications.models import Notification
from tests.deliberation.conftest import kinds

pytestmark = pytest.mark.django_db


def test_a_topic_goes_from_collection_to_published_completion_with_every_step_on_record(make_topic, users, supervisor):
    topic = make_topic(State.COMPLETED)

    assert topic.state == State.COMPLETED and topic.completed_at is not None
    assert kinds(topic) == [
        ("topic.collected", "", "collected"), ("topic.accepted", "collected", "accepted"),
        ("topic.scheduled", "accepted", "scheduled"), ("topic.decided", "scheduled", "decided"),
        ("topic.approved", "decided", "publicity"), ("topic.publicity_ended", "publicity", "executing"),
        ("topic.assigned", "executing", "executing"), ("topic.completion_reported", "executing", "completion_reported"),
        ("topic.completion_confirmed", "completion_reported", "completed"),
    ]
    decided = topic.events.get(kind="topic.decided")
    assert decided.actor == users["cadre"] and decided.data == {
        "meeting": topic.decision.meeting_id, "present": 5, "for": 4, "against": 1, "abstain": 0, "passed": True}
    assert topic.events.get(kind="topic.publicity_ended").actor is None
    assert topic.events.get(kind="topic.completion_confirmed").actor == supervisor
    assert topic.legal_reviews.get().outcome == LegalReview.Outcome.APPROVED
    versions = list(topic.events.values_list("version", flat=True))
    assert versions == sorted(versions)


def test_the_leading_group_is_told_of_a_new_topic_and_the_adviser_of_a_decision(make_topic, users):
    topic = make_topic(State.DECIDED)
    assert Notification.objects.filter(recipient=users["cadre"], kind="deliberation.collected", url__endswith=f"/{topic.pk}/").exists()
    assert Notification.objects.filter(recipient=users["adviser"], kind="deliberation.legal_review").exists()
    assert not Notification.objects.filter(recipient=users["adviser2"]).exists()


def test_a_decision_that_fails_the_vote_is_publicised_and_then_closed(make_topic):
    topic = make_topic(State.CLOSED, passed=False)
    assert topic.state == State.CLOSED and not topic.passed
    assert topic.events.last().kind == "topic.publicity_ended"


def test_fast_track_accepts_at_once_with_the_reason(make_topic, users):
    topic = make_topic()
    topic = services.topic_fast_track(topic=topic, actor=users["cadre"], reason="汛期排涝，急事急议")
    assert topic.state == State.ACCEPTED and topic.fast_track and topic.reason == "汛期排涝，急事急议"
    assert topic.events.last().kind == "topic.fast_tracked"


def test_rejecting_needs_a_reason(make_topic, users):
    topic = make_topic()
    with pytest.raises(services.DeliberationError, match="理由"):
        services.topic_reject(topic=topic, actor=users["cadre"], reason="  ")
    topic = services.topic_reject(topic=topic, actor=users["cadre"], reason="属于政府职责，转镇相关部门")
    assert topic.state == State.REJECTED and topic.events.last().reason == "属于政府职责，转镇相关部门"


def test_the_adviser_requiring_a_change_sends_the_decision_back_to_the_meeting(make_topic, users):
    topic = make_topic(State.DECIDED)
    with pytest.raises(services.DeliberationError, match="法律意见"):
        services.legal_review(topic=topic, actor=users["adviser"], approve=False, opinion="")
    topic = services.legal_review(topic=topic, actor=users["adviser"], approve=False,
                                  opinion="清理前须依法公告并通知车主，不得直接处置他人财产")
    assert topic.state == State.SCHEDULED
    assert Notification.objects.filter(recipient=users["cadre"], kind="deliberation.change_required").exists()
    # The meeting decides again, and this time the adviser approves.
    services.minutes_record(item=topic.decision, actor=users["cadre"], discussion="补充公告程序",
                            decision="张贴公告十五日后，由村委会联系交警依法处置", votes_for=5, votes_against=0, votes_abstain=0)
    topic = services.legal_review(topic=topic, actor=users["adviser"], approve=True, opinion="")
    assert topic.state == State.PUBLICITY and topic.legal_reviews.count() == 2
    assert topic.publicity_ends_at - topic.publicity_started_at == timedelta(days=7)


def test_an_objection_goes_back_to_the_leading_group_who_answer_it_and_resume_publicity(make_topic, users):
    topic = make_topic(State.OBJECTED)
    objection = topic.objections.get()
    assert Notification.objects.filter(recipient=users["cadre"], kind="deliberation.objection").exists()
    with pytest.raises(services.DeliberationError, match="未答复"):
        services.topic_resume_publicity(topic=topic, actor=users["cadre"])
    services.objection_answer(objection=objection, actor=users["cadre"], answer="已于村务公开栏张贴通知并电话联系车主")
    topic = services.topic_resume_publicity(topic=topic, actor=users["cadre"])
    assert topic.state == State.PUBLICITY and topic.publicity_ends_at > clock.now() + timedelta(days=6)
    assert [k for k, _f, _t in kinds(topic)][-3:] == ["topic.objection_lodged", "topic.objection_answered",
                                                       "topic.publicity_resumed"]


def test_an_upheld_objection_sends_the_topic_back_to_be_deliberated_again(make_topic, users):
    topic = make_topic(State.OBJECTED)
    topic = services.topic_redeliberate(topic=topic, actor=users["cadre"], reason="异议成立，需补充方案")
    assert topic.state == State.ACCEPTED and topic.publicity_ends_at is None


def test_the_oversight_group_can_send_work_back(make_topic, users, supervisor):
    topic = make_topic(State.COMPLETION_REPORTED)
    topic = services.completion_reject(topic=topic, actor=supervisor, reason="还剩一辆车未清理")
    assert topic.state == State.EXECUTING
    assert Notification.objects.filter(recipient=users["worker"], kind="deliberation.completion_rejected").exists()


def test_progress_and_survey_are_recorded_without_moving_the_topic(make_topic, users):
    topic = make_topic(State.EXECUTING)
    services.progress_add(topic=topic, actor=users["cadre"], note="已张贴通知")
    topic = make_topic(State.COMPLETED, title="楼道杂物清理")
    services.survey_record(topic=topic, actor=users["cadre"], respondent="resident", rating="satisfied")
    with pytest.raises(services.DeliberationError):
        services.survey_record(topic=topic, actor=users["cadre"], respondent="resident", rating="great")
    topic.refresh_from_db()
    assert topic.state == State.COMPLETED and topic.survey.count() == 1


def test_a_case_topic_must_be_a_case_of_the_village(users, village, item, make_case):
    case = make_case()
    topic = services.topic_propose(actor=users["cadre"], village=village, title="排水沟问题", list_item=item,
                                   source="case", case=case)
    assert topic.case == case and topic.events.get().data["case"] == case.number
    with pytest.raises(services.DeliberationError, match="不在该村"):
        services.topic_propose(actor=users["cadre2"], village=users["cadre2"].area, title="x", list_item=item,
                               source="case", case=case)


def test_a_minor_request_becomes_a_topic_and_waits_on_it(users, village, item):
    from gridcase.requests import services as request_services
    from gridcase.requests.models import RequestCategory

    resident = request_services.request_register(
        actor=users["cadre"], matter="小区路灯不亮", category=RequestCategory.objects.first(), village=village,
        received_on=clock.today())
    with pytest.raises(services.DeliberationError, match="转援法议事"):  # not triaged as a 小事 yet
        services.topic_propose(actor=users["cadre"], village=village, title="路灯", list_item=item,
                               source="request", request=resident)
    request_services.request_triage(request=resident, actor=users["cadre"], kind="minor", office=None,
                                    handling="one_by_one", guidance="", note="")
    topic = services.topic_propose(actor=users["cadre"], village=village, title="路灯", list_item=item,
                                   source="request", request=resident)
    resident.refresh_from_db()
    assert topic.request == resident and topic.events.get().data["request"] == resident.number
    assert resident.state == "deliberating" and resident.handling == "deliberation"
    with pytest.raises(services.DeliberationError, match="请选择诉求"):
        services.topic_propose(actor=users["cadre"], village=village, title="路灯", list_item=item, source="request")


def test_a_double_submission_makes_one_topic(users, village, item):
    import uuid

    client_id = uuid.uuid4()
    first = services.topic_propose(actor=users["worker"], village=village, title="路灯", list_item=item, client_id=client_id)
    again = services.topic_propose(actor=users["worker"], village=village, title="路灯", list_item=item, client_id=client_id)
    assert first.pk == again.pk and first.events.count() == 1


def test_the_event_log_refuses_changes(make_topic):
    topic = make_topic()
    event = topic.events.get()
    with pytest.raises(ProgrammingError), transaction.atomic():
        TopicEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(ProgrammingError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM deliberation_topicevent WHERE id = %s", [event.pk])


# ------------------------------------------------------------ every action, by role and by state


def _do(action, topic, user, supervisor):
    calls = {
        "accept": lambda: services.topic_accept(topic=topic, actor=user),
        "fast_track": lambda: services.topic_fast_track(topic=topic, actor=user, reason="急"),
        "reject": lambda: services.topic_reject(topic=topic, actor=user, reason="不采纳"),
        "approve": lambda: services.legal_review(topic=topic, actor=user, approve=True, opinion="合法"),
        "require_change": lambda: services.legal_review(topic=topic, actor=user, approve=False, opinion="须修改"),
        "resume_publicity": lambda: services.topic_resume_publicity(topic=topic, actor=user),
        "redeliberate": lambda: services.topic_redeliberate(topic=topic, actor=user, reason="再议"),
        "report_completion": lambda: services.completion_report(topic=topic, actor=user, note="完成"),
        "confirm_completion": lambda: services.completion_confirm(topic=topic, actor=user),
        "reject_completion": lambda: services.completion_reject(topic=topic, actor=user, reason="未完成"),
        "progress": lambda: services.progress_add(topic=topic, actor=user, note="进展"),
        "survey": lambda: services.survey_record(topic=topic, actor=user, respondent="resident", rating="satisfied"),
    }
    return calls[action]()


# action → (a state where it is allowed, who may, who may not)
MATRIX = {
    "accept": (State.COLLECTED, "cadre", ["worker", "adviser", "leader", "supervisor", "cadre2"]),
    "fast_track": (State.COLLECTED, "cadre", ["worker", "adviser", "leader", "cadre2"]),
    "reject": (State.COLLECTED, "cadre", ["worker", "adviser", "supervisor"]),
    "approve": (State.DECIDED, "adviser", ["cadre", "leader", "adviser2", "supervisor"]),
    "require_change": (State.DECIDED, "adviser", ["cadre", "worker", "adviser2"]),
    "redeliberate": (State.OBJECTED, "cadre", ["adviser", "supervisor", "cadre2"]),
    "report_completion": (State.EXECUTING, "cadre", ["adviser", "supervisor", "leader"]),
    "confirm_completion": (State.COMPLETION_REPORTED, "supervisor", ["cadre", "worker", "adviser", "leader"]),
    "reject_completion": (State.COMPLETION_REPORTED, "supervisor", ["cadre", "adviser"]),
    "progress": (State.EXECUTING, "cadre", ["adviser", "supervisor", "cadre2"]),
    "survey": (State.COMPLETED, "cadre", ["adviser", "worker", "supervisor"]),
}


def _user(name, users, supervisor):
    return supervisor if name == "supervisor" else users[name]


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_each_action_is_refused_to_other_roles_and_allowed_to_its_own(action, make_topic, users, supervisor):
    state, allowed, refused = MATRIX[action]
    topic = make_topic(state)
    for name in refused:
        with pytest.raises(services.NotAllowed, match="无权"):
            _do(action, topic, _user(name, users, supervisor), supervisor)
    topic.refresh_from_db()
    assert topic.state == state
    events = topic.events.count()
    _do(action, topic, _user(allowed, users, supervisor), supervisor)
    topic.refresh_from_db()
    assert topic.events.count() == events + 1
    if action in TRANSITIONS[state]:
        assert topic.events.last().to_state == topic.state != state or action in ("object",)


REFUSED_IN = {
    "accept": State.ACCEPTED, "reject": State.SCHEDULED, "approve": State.SCHEDULED, "require_change": State.PUBLICITY,
    "report_completion": State.PUBLICITY, "confirm_completion": State.EXECUTING, "survey": State.EXECUTING,
    "resume_publicity": State.EXECUTING, "redeliberate": State.PUBLICITY,
}


@pytest.mark.parametrize("action", sorted(REFUSED_IN))
def test_an_action_out_of_its_state_is_refused_with_the_state_named(action, make_topic, users, supervisor):
    topic = make_topic(REFUSED_IN[action])
    actor = supervisor if action == "confirm_completion" else users["adviser" if action in ("approve", "require_change")
                                                                    else "cadre"]
    events = topic.events.count()
    with pytest.raises(services.NotAllowed) as refused:
        _do(action, topic, actor, supervisor)
    assert f"当前状态为「{State(topic.state).label}」" in str(refused.value)
    topic.refresh_from_db()
    assert topic.state == REFUSED_IN[action] and topic.events.count() == events


def test_only_the_villages_proposers_may_put_a_topic_forward(users, village, item, supervisor):
    for name in ("cadre2", "worker2"):
        with pytest.raises(services.NotAllowed):
            services.topic_propose(actor=users[name], village=village, title="x", list_item=item)
    with pytest.raises(services.NotAllowed):
        services.topic_propose(actor=supervisor, village=village, title="x", list_item=item)
    for name in ("worker", "cadre", "mediator", "adviser", "leader"):
        assert services.topic_propose(actor=users[name], village=village, title=f"{name} 的议题", list_item=item).pk


def test_stale_version_is_refused_and_names_the_change(make_topic, users):
    topic = make_topic()
    seen = topic.version
    services.topic_accept(topic=topic, actor=users["cadre"], expected_version=seen)
    with pytest.raises(services.StaleTopic) as stale:
        services.topic_reject(topic=topic, actor=users["cadre"], reason="重复", expected_version=seen)
    assert [e.kind for e in stale.value.changes] == ["topic.accepted"]
    topic.refresh_from_db()
    assert topic.state == State.ACCEPTED
