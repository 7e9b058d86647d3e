"""The lifecycle: every transition writes its event; refused ones say the state and what is allowed."""

from datetime import date

import pytest

from gridcase.cases import services
from gridcase.cases.models import Agreement, CaseEvent, FollowUp, Level, ReferralBody, State
from gridcase.cases.workflow import TRANSITIONS

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 23)


def kinds(case):
    return list(case.events.order_by("at", "id").values_list("kind", "from_state", "to_state"))


def test_a_dispute_goes_from_registration_to_closure_with_every_step_on_record(make_case, users):
    cadre, worker = users["cadre"], users["worker"]
    case = make_case()
    case = services.case_accept(case=case, actor=cadre, expected_version=case.version)
    case = services.case_start_mediation(case=case, actor=cadre, held_on=TODAY, place="古河村调解室",
                                         attendees="张三、李四、村调委会", content="双方陈述", expected_version=case.version)
    services.case_record_session(case=case, actor=cadre, held_on=TODAY, place="现场", attendees="双方", content="查看排水沟")
    case.refresh_from_db()
    case = services.case_settle(case=case, actor=cadre, signed_on=TODAY, terms="李四三日内疏通排水沟",
                                expected_version=case.version)
    case = services.case_follow_up(case=case, actor=worker, visited_on=TODAY, method=FollowUp.Method.VISIT,
                                   satisfaction=FollowUp.Satisfaction.SATISFIED, recurred=False, expected_version=case.version)
    case = services.case_close(case=case, actor=cadre, expected_version=case.version)

    assert case.state == State.CLOSED and case.closed_at is not None
    assert kinds(case) == [
        ("case.registered", "", "registered"), ("case.accepted", "registered", "accepted"),
        ("case.mediation_started", "accepted", "mediating"), ("case.session_recorded", "mediating", "mediating"),
        ("case.settled", "mediating", "settled"), ("case.followed_up", "settled", "followed_up"),
        ("case.closed", "followed_up", "closed"),
    ]
    assert case.sessions.count() == 2 and case.agreement.performance == Agreement.Performance.PENDING
    settled = case.events.get(kind="case.settled")
    assert settled.actor == cadre and settled.level == Level.VILLAGE
    assert case.events.get(kind="case.followed_up").data == {"satisfaction": "satisfied", "recurred": False,
                                                             "method": "visit"}
    assert list(case.events.values_list("version", flat=True)) == sorted(case.events.values_list("version", flat=True))


ACTIONS = {
    "accept": lambda c, u: services.case_accept(case=c, actor=u),
    "decline": lambda c, u: services.case_decline(case=c, actor=u, reason="不属于调解范围"),
    "mediate": lambda c, u: services.case_start_mediation(case=c, actor=u, held_on=TODAY, place="p", attendees="a",
                                                          content="c"),
    "settle": lambda c, u: services.case_settle(case=c, actor=u, signed_on=TODAY, terms="t"),
    "fail": lambda c, u: services.case_fail(case=c, actor=u, reason="双方分歧大"),
    "escalate": lambda c, u: services.case_escalate(case=c, actor=u, reason="需镇里协调"),
    "refer": lambda c, u: services.case_refer(case=c, actor=u, to=ReferralBody.COURT, reason="诉调对接"),
    "follow_up": lambda c, u: services.case_follow_up(case=c, actor=u, visited_on=TODAY, method="phone",
                                                      satisfaction="satisfied", recurred=False),
    "close": lambda c, u: services.case_close(case=c, actor=u),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_an_action_not_allowed_in_the_current_state_is_refused_with_the_state_and_the_choices(make_case, users, action):
    case = make_case()  # registered
    if action in TRANSITIONS[State.REGISTERED]:
        ACTIONS[action](case, users["cadre"])
        case.refresh_from_db()
        assert case.state == TRANSITIONS[State.REGISTERED][action]
        return
    with pytest.raises(services.NotAllowed) as refused:
        ACTIONS[action](case, users["cadre"])
    message = str(refused.value)
    assert "当前状态为「已登记」" in message and "受理" in message and "不予受理" in message
    case.refresh_from_db()
    assert case.state == State.REGISTERED and case.events.count() == 1


def test_each_state_allows_exactly_its_transitions(make_case, users):
    """Walk every state and try every action: the table is the only truth."""
    cadre = users["cadre"]
    path = {State.ACCEPTED: ["accept"], State.MEDIATING: ["accept", "mediate"], State.FAILED: ["accept", "mediate", "fail"],
            State.SETTLED: ["accept", "mediate", "settle"], State.FOLLOWED_UP: ["accept", "mediate", "settle", "follow_up"],
            State.DECLINED: ["decline"], State.REFERRED: ["accept", "refer"]}
    for state, steps in path.items():
        for action in ACTIONS:
            case = make_case()
            for step in steps:
                ACTIONS[step](case, cadre)
            case.refresh_from_db()
            assert case.state == state
            allowed = action in TRANSITIONS[state]
            try:
                ACTIONS[action](case, users["mediator"])  # town mediators handle village cases too
                assert allowed, f"{action} should be refused in {state}"
            except services.NotAllowed as exc:
                assert not allowed, f"{action} should be allowed in {state}: {exc}"


def test_a_decline_needs_a_reason(make_case, users):
    with pytest.raises(services.CaseError, match="必须说明理由"):
        services.case_decline(case=make_case(), actor=users["cadre"], reason="  ")


def test_escalation_moves_the_case_up_one_level_and_the_town_accepts_it(make_case, users):
    case = services.case_accept(case=make_case(), actor=users["cadre"])

    case = services.case_escalate(case=case, actor=users["cadre"], reason="涉及跨村水利设施")
    assert (case.state, case.level) == (State.ESCALATED, Level.TOWN) and not case.mediators.exists()
    with pytest.raises(services.NotAllowed):
        services.case_accept(case=case, actor=users["cadre"])  # a village cadre does not handle town cases

    case = services.case_accept(case=case, actor=users["mediator"])
    assert case.state == State.ACCEPTED and list(case.mediators.all()) == [users["mediator"]]
    event = case.events.get(kind="case.escalated")
    assert event.data["from_level"] == "village" and event.data["to_level"] == "town"
    assert event.reason == "涉及跨村水利设施"


def test_a_county_case_cannot_be_escalated_further(make_case, users):
    case = make_case()
    case = services.case_escalate(case=case, actor=users["admin"], reason="重大", to_level=Level.COUNTY)

    with pytest.raises(services.NotAllowed, match="不能再上报"):
        services.case_escalate(case=case, actor=users["admin"], reason="再上报")


def test_who_may_act(make_case, users):
    case = make_case()

    for username in ("adviser", "worker", "cadre2", "leader2"):
        with pytest.raises(services.NotAllowed, match="无权"):
            services.case_accept(case=case, actor=users[username])
    services.case_accept(case=case, actor=users["leader"])


def test_a_grid_worker_records_the_follow_up_in_their_grid(make_case, users):
    case = make_case()
    for step in ("accept", "mediate", "settle"):
        ACTIONS[step](case, users["cadre"])

    case = ACTIONS["follow_up"](case, users["worker"])

    assert case.state == State.FOLLOWED_UP and case.follow_ups.get().recorded_by == users["worker"]


def test_a_recurring_dispute_is_registered_again_linked_to_the_closed_case(make_case, users):
    case = make_case(parties=[services.PartyInput(name="张三", phone="13812345678")])
    for step in ("accept", "mediate", "settle", "follow_up", "close"):
        ACTIONS[step](case, users["cadre"])

    again = services.case_reopen(case=case, actor=users["worker"], narrative="排水沟再次堵塞，双方又起争执")

    assert again.recurrence_of == case and again.state == State.REGISTERED and again.number != case.number
    assert again.parties.get().phone_masked == "138****5678"
    recurred = case.events.get(kind="case.recurred")
    assert recurred.data["number"] == again.number
    assert again.events.get(kind="case.registered").data["recurrence_of"] == case.number


def test_a_duplicate_is_merged_into_the_other_case(make_case, users):
    first, duplicate = make_case(), make_case(title="同一排水沟纠纷（重复登记）")

    services.case_merge(case=duplicate, actor=users["cadre"], into=first, reason="重复登记")

    duplicate.refresh_from_db()
    assert duplicate.state == State.MERGED and duplicate.merged_into == first
    assert first.events.filter(kind="case.merged_in", data__number=duplicate.number).exists()
    with pytest.raises(services.CaseError):
        services.case_merge(case=first, actor=users["cadre"], into=first)


def test_the_event_log_cannot_be_changed_or_deleted(make_case):
    from django.db import DatabaseError, transaction

    event = make_case().events.get()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).update(reason="改写历史")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        CaseEvent.objects.filter(pk=event.pk).delete()
    assert CaseEvent.objects.get(pk=event.pk).reason == ""


def test_the_agreement_performance_is_kept_up_to_date(make_case, users):
    case = make_case()
    for step in ("accept", "mediate", "settle"):
        ACTIONS[step](case, users["cadre"])

    agreement = services.agreement_update(case=case, actor=users["cadre"], performance=Agreement.Performance.NOT_PERFORMED,
                                          judicial_confirmation=Agreement.Confirmation.APPLIED)

    assert agreement.performance == Agreement.Performance.NOT_PERFORMED
    event = case.events.get(kind="case.agreement_updated")
    assert event.data["changes"]["performance"] == ["pending", "not_performed"]
