"""受理 takes what acceptance needs (who mediates, the level, category and risk); 上报 names the level
and the urgency, and the leaders of that level are told — as an alert to acknowledge if urgent."""

import pytest

from gridcase.cases.models import Category, Level, Risk, State
from gridcase.notifications.models import Alert, Notification
from gridcase.workdays.selectors import add_working_days

pytestmark = pytest.mark.django_db


def form_of(client, case, action) -> str:
    return client.get(f"/cases/{case.pk}/{action}/").content.decode()


def test_the_mediator_accepts_at_the_town_assigns_and_corrects_the_category_and_risk(login, make_case, users):
    case = make_case(title="跨村的土地纠纷")
    client = login("mediator")
    land = Category.objects.get(code="03")

    page = form_of(client, case, "accept")
    assert all(text in page for text in ("承办调解员", "办理层级", "纠纷类型", "风险等级", "受理意见", str(users["leader"])))
    response = client.post(f"/cases/{case.pk}/accept/", {
        "version": case.version, "mediators": [users["mediator"].pk], "level": Level.TOWN, "category": land.pk,
        "risk": Risk.SERIOUS, "note": "涉及两村，由镇调委会受理"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.state, case.level, case.category, case.risk) == (State.ACCEPTED, Level.TOWN, land, Risk.SERIOUS)
    assert list(case.mediators.all()) == [users["mediator"]]
    assert case.deadline == add_working_days(case.level_entered_at, 20)
    event = case.events.get(kind="case.accepted")
    assert event.reason == "涉及两村，由镇调委会受理" and event.data["level"] == ["village", "town"]
    assert event.data["changes"] == {"category": ["邻里纠纷", land.name], "risk": ["1", "2"]}


def test_a_village_cadre_cannot_accept_at_the_town_and_keeps_what_was_typed(login, make_case, users):
    case = make_case()
    client = login("cadre")

    assert 'value="town"' not in form_of(client, case, "accept")
    page = client.post(f"/cases/{case.pk}/accept/", {"version": case.version, "level": Level.TOWN,
                                                    "note": "我写的受理意见"}).content.decode()

    assert "选择一个有效的选项" in page and "我写的受理意见" in page
    case.refresh_from_db()
    assert case.state == State.REGISTERED


def test_a_mediator_from_elsewhere_cannot_be_assigned_at_acceptance(login, make_case, users):
    case = make_case()

    page = login("cadre").post(f"/cases/{case.pk}/accept/", {"version": case.version,
                                                            "mediators": [users["mediator2"].pk]}).content.decode()

    assert "选择一个有效的选项" in page  # the other town's mediator is not offered
    case.refresh_from_db()
    assert case.state == State.REGISTERED and not case.mediators.exists()


def test_accepting_without_choosing_leaves_the_acceptor_in_charge(login, make_case, users):
    case = make_case()

    login("cadre").post(f"/cases/{case.pk}/accept/", {"version": case.version, "level": "", "risk": ""})

    case.refresh_from_db()
    assert case.state == State.ACCEPTED and list(case.mediators.all()) == [users["cadre"]]
    assert case.level == Level.VILLAGE and case.risk == Risk.GENERAL


def test_an_urgent_report_to_the_town_alerts_its_leader_and_mediator(login, make_case, users):
    case = make_case(title="两村争水")
    client = login("cadre")

    page = form_of(client, case, "escalate")
    assert "上报至" in page and "镇（街道）" in page and "县（区）" in page and "紧急" in page
    client.post(f"/cases/{case.pk}/escalate/", {"version": case.version, "to_level": Level.TOWN, "urgent": "on",
                                                "reason": "涉及两村用水，村里调不了"})

    case.refresh_from_db()
    assert (case.state, case.level) == (State.ESCALATED, Level.TOWN)
    told = Notification.objects.filter(url=f"/cases/{case.pk}/", kind="case.escalated")
    assert {n.recipient.username for n in told} == {"leader", "mediator"}
    assert all("两村争水" in n.title and "涉及两村用水" in n.body and n.alert_id for n in told)
    assert Alert.objects.get(subject_kind="case", subject_id=case.pk).acknowledged_at is None
    assert case.events.get(kind="case.escalated").data["urgent"] is True


def test_a_report_to_the_county_tells_the_county_not_the_town(login, make_case, users):
    case = make_case()

    login("leader").post(f"/cases/{case.pk}/escalate/", {"version": case.version, "to_level": Level.COUNTY,
                                                         "reason": "涉及县属企业"})

    told = Notification.objects.filter(url=f"/cases/{case.pk}/")
    assert {n.recipient.username for n in told} == {"admin", "admin2"} and not told.filter(alert__isnull=False).exists()
    case.refresh_from_db()
    assert case.level == Level.COUNTY


def test_a_report_without_a_reason_is_refused_and_nobody_is_told(login, make_case):
    case = make_case()

    page = login("cadre").post(f"/cases/{case.pk}/escalate/", {"version": case.version, "to_level": Level.TOWN,
                                                              "reason": ""}).content.decode()

    assert "该字段是必填项" in page and not Notification.objects.exists()


def test_the_api_still_accepts_and_escalates_with_the_page_s_defaults(make_case, users):
    from gridcase.cases.actions import ACTIONS

    case = make_case()
    for action, data in (("accept", {"note": "受理"}), ("escalate", {"reason": "跨村"})):
        form_class, perform = ACTIONS[action]
        form = form_class(data={**data, "version": case.version})
        assert form.is_valid(), form.errors
        case = perform(case, users["cadre"], dict(form.cleaned_data))
    assert (case.state, case.level) == (State.ESCALATED, Level.TOWN)


def test_a_closed_case_shows_when_it_closed_not_a_deadline(login, make_case, users):
    from gridcase.cases import services

    case = services.case_decline(case=make_case(title="不予受理的纠纷"), actor=users["cadre"], reason="不属调解范围")

    page = login("cadre").get(f"/cases/{case.pk}/").content.decode()
    listing = login("cadre").get("/cases/").content.decode()

    assert "结案于" in page and "期限</" not in page and "受理期限" not in page
    row = listing[listing.index("不予受理的纠纷"):].split("</tr>")[0]
    assert case.deadline.strftime("%Y-%m-%d") not in row
