"""Request deadlines through the rules engine: each seeded rule fires once at its moment, to the
people of the request's own village and town; a town's own rule replaces a general one there; a
rule of one kind never touches another kind."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from geodata.models import Area
from gridcase.escalation import engine
from gridcase.escalation.models import Kind as RuleKind
from gridcase.escalation.models import Rule, RuleFiring
from gridcase.lib import clock
from gridcase.notifications.models import Notification
from gridcase.requests import services
from gridcase.requests.models import Kind

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


TRIAGED = at(2026, 11, 2, 9, 0)  # a Monday; no holiday in November 2026


def triaged(make_request, users, kind, office=None, username="worker", cadre="cadre"):
    with clock.travel(TRIAGED):
        request = make_request(username=username, received_on=TRIAGED.date())
        return services.request_triage(request=request, actor=users[cadre], kind=kind, office=office)


def told(kind: str) -> dict[str, int]:
    """Who got notifications of `kind`, and how many each."""
    found: dict[str, int] = {}
    for username in Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True):
        found[username] = found.get(username, 0) + 1
    return found


def sweep_twice(when: datetime) -> None:
    engine.sweep(now=when)
    engine.sweep(now=when)


def test_a_major_request_is_reminded_to_its_office_a_working_day_before_its_deadline(make_request, users,
                                                                                      infrastructure):
    request = triaged(make_request, users, Kind.MAJOR, infrastructure)
    # 基础设施 has 15 working days: Mon 2 Nov 09:00 + 15 = Mon 23 Nov 09:00; a working day before is Fri 20 Nov.
    assert request.deadline == at(2026, 11, 23, 9, 0)
    assert request.next_check_at == at(2026, 11, 20, 9, 0)

    sweep_twice(at(2026, 11, 20, 8, 59))
    assert told("request.reminded") == {}
    sweep_twice(at(2026, 11, 20, 9, 1))
    # The office has no handlers in 屠园镇, so its leaders are reminded; nobody of another town.
    assert told("request.reminded") == {"leader": 1}
    notice = Notification.objects.get(kind="request.reminded")
    assert notice.title == f"诉求即将到期：{request.number}" and notice.body.startswith("办理期限 2026-11-23 09:00：")
    assert notice.url == f"/requests/{request.pk}/"
    assert request.events.filter(kind="request.reminded", actor=None).count() == 1


def test_an_overdue_major_request_is_told_to_the_office_handlers_and_the_town_leader_once(make_request, users,
                                                                                          infrastructure):
    infrastructure.members.add(users["mediator"], users["mediator2"])  # handlers in 屠园镇 and in 耿车镇
    request = triaged(make_request, users, Kind.MAJOR, infrastructure)

    sweep_twice(at(2026, 11, 23, 9, 1))  # first seen after the deadline: no late reminder, one overdue notice

    assert told("request.reminded") == {}
    assert told("request.overdue") == {"mediator": 1, "leader": 1}
    assert RuleFiring.objects.of(request).get().rule.name == "大事超期通知"
    request.refresh_from_db()
    assert request.next_check_at is None and request.version == 2  # nobody's open form went stale


def test_a_minor_request_is_chased_in_its_village_only(make_request, users):
    request = triaged(make_request, users, Kind.MINOR)
    assert request.deadline == at(2026, 11, 16, 9, 0)  # the village's 10 working days

    sweep_twice(at(2026, 11, 13, 9, 1))
    sweep_twice(at(2026, 11, 16, 9, 1))

    assert told("request.reminded") == {"cadre": 1}
    assert told("request.overdue") == {"cadre": 1}  # a 小事 is the village's: no town leader
    assert [e.kind for e in request.events.filter(kind__in=["request.reminded", "request.overdue"])] == [
        "request.reminded", "request.overdue"]


def test_a_towns_own_rule_replaces_the_general_one_in_that_town_only(make_request, users):
    general = Rule.objects.get(name="小事超期通知", area=None)
    Rule.objects.create(kind=RuleKind.REQUEST, name="屠园镇小事超期报镇", area=Area.objects.get(code="321302112"),
                        overrides=general, reason="小事超期，镇领导督办", states=general.states, request_kinds=["minor"],
                        deadline_offset=0, action="notify", notify=["village_cadre", "town_leader"], priority=5)
    tuyuan = triaged(make_request, users, Kind.MINOR)
    gengche = triaged(make_request, users, Kind.MINOR, username="worker2", cadre="cadre2")

    sweep_twice(at(2026, 11, 16, 9, 1))

    assert told("request.overdue") == {"cadre": 1, "leader": 1, "cadre2": 1}
    assert Notification.objects.get(recipient=users["leader"]).title == f"小事超期，镇领导督办：{tuyuan.number}"
    assert [f.rule.name for f in RuleFiring.objects.of(tuyuan)] == ["屠园镇小事超期报镇"]
    assert [f.rule.name for f in RuleFiring.objects.of(gengche)] == ["小事超期通知"]


def test_a_request_rule_never_fires_for_a_case_nor_a_case_rule_for_a_request(make_request, make_case, users):
    # Both kinds have a state called "registered"; each rule looks only at its own kind.
    Rule.objects.create(kind=RuleKind.REQUEST, name="新诉求即告村干部", reason="新诉求", states=["registered"],
                        action="notify", notify=["village_cadre"])
    Rule.objects.create(kind=RuleKind.CASE, name="新案件即告镇领导", reason="新案件", states=["registered"],
                        action="notify", notify=["town_leader"])
    request = make_request()
    case = make_case()

    assert [f.rule.name for f in RuleFiring.objects.of(request)] == ["新诉求即告村干部"]
    assert [f.rule.name for f in RuleFiring.objects.of(case)] == ["新案件即告镇领导"]
    assert not engine.matches(Rule.objects.get(name="新诉求即告村干部"), case)
    assert not engine.matches(Rule.objects.get(name="新案件即告镇领导"), request)
    assert request.events.filter(kind="request.rule_warning", note="新诉求").count() == 1
    assert not case.events.filter(kind="case.rule_warning", reason="新诉求").exists()


def test_the_rules_page_adds_a_request_rule_with_request_conditions_only(login):
    client = login("admin")
    page = client.get("/rules/new/", {"kind": "request"}).content.decode()
    assert 'name="request_kinds"' in page and 'name="people_at_least"' not in page and 'value="escalate_one"' not in page
    form = {"kind": "request", "name": "大事超期2日报县", "reason": "大事超期 2 个工作日", "priority": 50, "active": "on",
            "request_kinds": ["major"], "states": ["handling"], "deadline_offset": 2, "action": "notify",
            "notify": ["county_admin", "assignees"], "anchor": "registered"}
    assert client.post("/rules/new/", form).status_code == 302
    rule = Rule.objects.get(name="大事超期2日报县")
    assert (rule.kind, rule.request_kinds, rule.deadline_offset) == ("request", ["major"], 2)

    refused = client.post("/rules/new/", form | {"name": "错误", "action": "escalate_one", "states": ["mediating"],
                                                 "notify": ["supervisors"], "people_at_least": 5}).content.decode()
    for error in ("民情诉求规则只能通知", "请选择「民情诉求」的状态", "「民情诉求」规则不能通知所选人员",
                  "「涉及人数不少于」：该条件不适用于「民情诉求」规则"):
        assert error in refused
    assert not Rule.objects.filter(name="错误").exists()
