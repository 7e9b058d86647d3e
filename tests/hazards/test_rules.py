"""Overdue hazards escalate through the same rules engine as cases, with the default hazard rules."""

import pytest

from gridcase.cases.models import Level
from gridcase.escalation import engine
from gridcase.escalation.models import Kind, Rule, RuleFiring
from gridcase.hazards import services
from gridcase.hazards.models import HazardEvent, Severity, State
from gridcase.lib import clock
from gridcase.notifications.models import Notification
from tests.hazards.conftest import at, photo

pytestmark = pytest.mark.django_db


def notified(user, kind):
    return Notification.objects.filter(recipient=user, kind=kind, url__startswith="/hazards/").exists()


def test_the_default_hazard_rules_are_seeded_for_hazards_only():
    rules = Rule.objects.filter(kind=Kind.HAZARD)
    assert set(rules.values_list("name", flat=True)) >= {"隐患整改到期前2个工作日提醒", "隐患整改超期上报乡镇",
                                                          "隐患超期5个工作日上报县"}
    assert all(rule.kind == Kind.CASE for rule in engine.rules_for("321302112210001"))
    assert all(rule.kind == Kind.HAZARD for rule in engine.rules_for("321302112210001", Kind.HAZARD))


def test_the_village_cadre_is_reminded_two_working_days_before_the_deadline(rectifying, users):
    hazard = rectifying()  # deadline Friday 6 Nov 23:59:59
    reminder = Rule.objects.get(name="隐患整改到期前2个工作日提醒")
    assert engine.due_at(reminder, hazard) == at(2026, 11, 4, 23, 59, 59)

    engine.sweep(now=at(2026, 11, 4, 23, 59))
    assert not hazard.events.filter(kind="hazard.rule_warning").exists()
    engine.sweep(now=at(2026, 11, 5, 8, 0))

    assert hazard.events.get(kind="hazard.rule_warning").reason.startswith("整改期限仅剩 2 个工作日")
    assert notified(users["cadre"], "rule.notify") and notified(users["worker"], "rule.notify")
    assert not notified(users["cadre2"], "rule.notify")


def test_an_overdue_hazard_escalates_to_the_town_exactly_once(rectifying, users):
    hazard = rectifying()
    late = at(2026, 11, 9, 9, 0)  # the Monday after the deadline

    engine.sweep(now=late)
    engine.sweep(now=late)
    hazard.refresh_from_db()

    assert (hazard.state, hazard.level) == (State.RECTIFYING, Level.TOWN)
    escalations = HazardEvent.objects.filter(hazard=hazard, kind="hazard.escalated")
    assert escalations.count() == 1
    assert escalations.get().actor is None and escalations.get().data["to_level"] == Level.TOWN
    assert RuleFiring.objects.of(hazard).filter(rule__name="隐患整改超期上报乡镇").count() == 1
    assert notified(users["leader"], "rule.escalate_to") and not notified(users["leader2"], "rule.escalate_to")


def test_five_working_days_overdue_goes_to_the_county(rectifying, users):
    hazard = rectifying()
    engine.sweep(now=at(2026, 11, 9, 9, 0))
    engine.sweep(now=at(2026, 11, 13, 23, 0))  # four working days and a bit
    hazard.refresh_from_db()
    assert hazard.level == Level.TOWN

    engine.sweep(now=at(2026, 11, 14, 9, 0))
    engine.sweep(now=at(2026, 11, 16, 9, 0))
    hazard.refresh_from_db()

    assert hazard.level == Level.COUNTY
    assert [e.data["to_level"] for e in hazard.events.filter(kind="hazard.escalated")] == ["town", "county"]
    assert notified(users["admin"], "rule.escalate_to")
    # Now only the county supervises it: the village cadre can no longer sign it off.
    with clock.travel(at(2026, 11, 16, 10, 0)):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo()])
        with pytest.raises(services.NotAllowed, match="无权"):
            services.hazard_close(hazard=hazard, actor=users["cadre"])
        services.hazard_close(hazard=hazard, actor=users["admin"])


def test_a_hazard_rectified_in_time_never_escalates(rectifying, users):
    hazard = rectifying()
    with clock.travel(at(2026, 11, 5, 16, 0)):
        services.hazard_complete(hazard=hazard, actor=users["worker"], photos=[photo()])
    engine.sweep(now=at(2026, 11, 30, 9, 0))
    hazard.refresh_from_db()

    assert hazard.level == Level.VILLAGE and not hazard.events.filter(kind="hazard.escalated").exists()


def test_an_approved_extension_postpones_the_escalation(rectifying, users):
    hazard = rectifying()
    with clock.travel(at(2026, 11, 3, 10, 0)):
        services.hazard_request_extension(hazard=hazard, actor=users["worker"],
                                          new_deadline=services.end_of_day(at(2026, 11, 27).date()), reason="等配件")
        services.hazard_decide_extension(hazard=hazard, actor=users["leader"], approve=True)

    engine.sweep(now=at(2026, 11, 9, 9, 0))
    hazard.refresh_from_db()
    assert hazard.level == Level.VILLAGE
    engine.sweep(now=at(2026, 11, 30, 9, 0))
    hazard.refresh_from_db()
    assert hazard.level == Level.TOWN


def test_a_major_hazard_goes_to_the_town_when_reported(make_hazard, users):
    hazard = make_hazard(severity=Severity.MAJOR)
    hazard.refresh_from_db()

    assert hazard.level == Level.TOWN
    assert hazard.events.filter(kind="hazard.escalated", actor=None).count() == 1
    with pytest.raises(services.NotAllowed, match="无权"):  # the town verifies it now
        services.hazard_verify(hazard=hazard, actor=users["cadre"])
    services.hazard_verify(hazard=hazard, actor=users["leader"])


def test_case_rules_do_not_touch_hazards_and_hazard_rules_do_not_touch_cases(make_case, make_hazard, users):
    Rule.objects.create(kind=Kind.CASE, name="案件立即通知", reason="案件规则", action="notify", states=["registered"],
                        notify=["town_leader"])
    hazard = make_hazard()
    case = make_case()

    assert not hazard.events.filter(kind="hazard.rule_warning").exists()
    assert case.events.filter(kind="case.rule_warning").count() == 1
    assert not RuleFiring.objects.of(case).filter(rule__kind=Kind.HAZARD).exists()


def hazard_rule_form(**fields):
    return {"kind": "hazard", "name": "屠园镇隐患超期3日上报县", "reason": "超期 3 个工作日上报县", "priority": 50,
            "active": "on", "anchor": "level_entered", "deadline_offset": 3, "states": ["rectifying"],
            "action": "escalate_to", "target_level": "county", "notify": ["county_admin"], **fields}


def test_the_rules_page_shows_the_kind_and_a_county_admin_adds_a_hazard_rule(login):
    client = login("admin")
    page = client.get("/rules/").content.decode()
    assert "隐患整改超期上报乡镇" in page and "kind-hazard" in page and "kind-case" in page

    assert client.post("/rules/new/", hazard_rule_form()).status_code == 302
    rule = Rule.objects.get(name="屠园镇隐患超期3日上报县")
    assert (rule.kind, rule.deadline_offset) == (Kind.HAZARD, 3)


@pytest.mark.parametrize(("fields", "error"), [
    ({"people_at_least": 5}, "不适用于「隐患」规则"),
    ({"states": ["mediating"]}, "请选择「隐患」的状态"),
    ({"action": "refer", "refer_to": "court"}, "隐患规则只能上报或通知"),
])
def test_a_hazard_rule_refuses_what_only_cases_have(login, fields, error):
    page = login("admin").post("/rules/new/", hazard_rule_form(**fields))
    assert page.status_code == 200 and error in page.content.decode()
    assert not Rule.objects.filter(name="屠园镇隐患超期3日上报县").exists()
