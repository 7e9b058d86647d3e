"""The default rules, seeded by migration, each doing what it says."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from geodata.models import Area
from gridcase.cases import services
from gridcase.cases.models import Level, Risk, State
from gridcase.escalation import engine
from gridcase.escalation.models import Action, Rule, RuleFiring
from gridcase.lib import clock
from gridcase.notifications.models import Notification

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def notified(user, kind=None):
    found = Notification.objects.filter(recipient=user)
    return found.filter(kind=kind).exists() if kind else found.exists()


def accepted_village_case(make_case, users, when: datetime, **fields):
    with clock.travel(when):
        case = make_case(**fields)
        return services.case_accept(case=case, actor=users["cadre"])


def test_a_village_case_unsettled_after_ten_working_days_goes_to_the_town(make_case, users):
    case = accepted_village_case(make_case, users, at(2026, 11, 2, 9, 0))  # a Monday

    engine.sweep(now=at(2026, 11, 16, 8, 59))  # 9 working days and 23 hours
    case.refresh_from_db()
    assert case.level == Level.VILLAGE
    engine.sweep(now=at(2026, 11, 16, 9, 1))
    case.refresh_from_db()

    assert (case.state, case.level) == (State.ESCALATED, Level.TOWN)
    event = case.events.get(kind="case.escalated")
    assert event.actor is None and event.reason.startswith("村级受理后 10 个工作日内未调解成功")
    assert notified(users["mediator"], "rule.escalate_one") and not notified(users["mediator2"])


def test_the_ten_days_skip_the_spring_festival_and_count_the_adjusted_saturdays(make_case, users):
    # Accepted Friday 13 Feb 2026. Working days after it: Sat 14 Feb (调休), 24–27 Feb, Sat 28 Feb (调休),
    # 2–5 Mar: the tenth is Thursday 5 March; 15–23 Feb are the Spring Festival holiday.
    case = accepted_village_case(make_case, users, at(2026, 2, 13, 10, 0))
    ten_day_rule = Rule.objects.get(name="村级10个工作日未化解上报乡镇")

    assert engine.due_at(ten_day_rule, case) == at(2026, 3, 5, 10, 0)


@pytest.mark.parametrize("fields", [{"people_involved": 5}, {"risk": Risk.MAJOR}, {"violence_risk": True}],
                         ids=["group-dispute", "major-risk", "violence-risk"])
def test_serious_disputes_go_to_the_town_at_once_and_the_town_leader_is_told(make_case, users, fields):
    case = make_case(**fields)

    assert (case.state, case.level) == (State.ESCALATED, Level.TOWN)
    assert case.events.get(kind="case.escalated").reason.endswith("直接上报乡镇（街道）")
    assert notified(users["leader"], "rule.escalate_to") and not notified(users["leader2"])


def test_an_edit_that_makes_it_a_group_dispute_escalates_it(make_case, users):
    case = services.case_accept(case=make_case(), actor=users["cadre"])

    case = services.case_update(case=case, actor=users["cadre"], expected_version=case.version, people_involved=8)

    case.refresh_from_db()
    assert (case.state, case.level) == (State.ESCALATED, Level.TOWN)


def test_a_town_case_unsettled_after_twenty_working_days_goes_to_the_county(make_case, users):
    with clock.travel(at(2026, 11, 2, 9, 0)):
        case = make_case(people_involved=6)  # at the town at once
    with clock.travel(at(2026, 11, 3, 9, 0)):
        case = services.case_accept(case=case, actor=users["mediator"])

    engine.sweep(now=at(2026, 11, 30, 9, 1))  # 20 working days after 2 Nov 09:00 (no holidays in between)
    case.refresh_from_db()

    assert (case.state, case.level) == (State.ESCALATED, Level.COUNTY)
    assert notified(users["admin"], "rule.escalate_one")


def test_the_assignee_is_warned_when_eighty_percent_of_the_time_has_passed(make_case, users):
    case = accepted_village_case(make_case, users, at(2026, 11, 2, 9, 0))

    engine.sweep(now=at(2026, 11, 12, 9, 1))  # 8 of 10 working days
    case.refresh_from_db()

    assert case.state == State.ACCEPTED and case.level == Level.VILLAGE
    assert case.events.get(kind="case.rule_warning").reason == "办理期限已过 80%，请抓紧办理"
    assert notified(users["cadre"], "rule.notify")
    assert case.next_check_at == at(2026, 11, 16, 9, 0)  # the ten-day rule is next


def test_a_town_override_replaces_the_general_rule_in_that_town_only(make_case, users):
    general = Rule.objects.get(name="村级10个工作日未化解上报乡镇")
    Rule.objects.create(name="屠园镇5日", reason="屠园镇要求 5 个工作日", area=Area.objects.get(code="321302112"),
                        overrides=general, levels=["village"], states=general.states, working_days=5,
                        anchor=general.anchor, action=Action.ESCALATE_ONE)
    tuyuan = accepted_village_case(make_case, users, at(2026, 11, 2, 9, 0))
    with clock.travel(at(2026, 11, 2, 9, 0)):
        gengche = services.case_accept(case=make_case(username="worker2"), actor=users["cadre2"])

    engine.sweep(now=at(2026, 11, 9, 9, 1))
    tuyuan.refresh_from_db()
    gengche.refresh_from_db()

    assert tuyuan.level == Level.TOWN and tuyuan.events.get(kind="case.escalated").reason == "屠园镇要求 5 个工作日"
    assert gengche.level == Level.VILLAGE


def test_an_inactive_rule_does_not_fire(make_case):
    rule = Rule.objects.get(name="群体性纠纷直接上报乡镇")
    rule.active = False
    rule.save()

    case = make_case(people_involved=30)

    assert case.level == Level.VILLAGE and case.state == State.REGISTERED


def test_sweeping_twice_escalates_once(make_case, users):
    case = accepted_village_case(make_case, users, at(2026, 11, 2, 9, 0))
    later = at(2026, 12, 1, 9, 0)

    engine.sweep(now=later)
    engine.sweep(now=later)
    case.refresh_from_db()
    engine.evaluate(case=case, now=later)

    assert case.events.filter(kind="case.escalated").count() == 1
    assert RuleFiring.objects.of(case).filter(rule__name="村级10个工作日未化解上报乡镇").count() == 1


def test_settled_cases_are_left_alone(make_case, users):
    case = accepted_village_case(make_case, users, at(2026, 11, 2, 9, 0))
    with clock.travel(at(2026, 11, 3, 9, 0)):
        services.case_start_mediation(case=case, actor=users["cadre"], held_on=at(2026, 11, 3).date(), place="村部",
                                      attendees="双方", content="调解")
        case = services.case_settle(case=case, actor=users["cadre"], signed_on=at(2026, 11, 3).date(), terms="和解")

    assert case.next_check_at is None
    assert engine.sweep(now=at(2026, 12, 31, 9, 0)) == 0


def test_the_sweep_selects_due_cases_through_its_index(make_case, users):
    from django.db import connection

    from gridcase.cases.models import Case

    query = Case.objects.select_for_update(of=("self",), skip_locked=True).filter(
        next_check_at__lte=at(2026, 12, 1, 9, 0)).order_by("next_check_at")[:500]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "case_due_for_rules" in plan, plan


def test_a_late_sweep_escalates_once_and_starts_the_next_level_then(make_case, users):
    case = accepted_village_case(make_case, users, at(2026, 11, 2, 9, 0))
    late = at(2026, 12, 28, 9, 0)  # the sweep ran six weeks late

    engine.sweep(now=late)
    case.refresh_from_db()

    assert (case.level, case.level_entered_at) == (Level.TOWN, late)
    assert case.events.filter(kind="case.escalated").count() == 1
    assert case.next_check_at > late  # the town's twenty days count from now, not from acceptance
