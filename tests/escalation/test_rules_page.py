import pytest

from gridcase.escalation.models import Rule

pytestmark = pytest.mark.django_db


def rule_form(**fields):
    return {"name": "屠园镇群体纠纷3人", "reason": "屠园镇：3 人以上即上报", "priority": 5, "active": "on",
            "people_at_least": 3, "anchor": "level_entered", "action": "escalate_to", "target_level": "town",
            "levels": ["village"], "notify": ["town_leader"], **fields}


def test_a_town_leader_adds_a_rule_for_their_town(login):
    from geodata.models import Area

    tuyuan = Area.objects.get(code="321302112")
    response = login("leader").post("/rules/new/", rule_form(area=tuyuan.pk))

    assert response.status_code == 302
    assert Rule.objects.get(name="屠园镇群体纠纷3人").area == tuyuan


def test_a_town_leader_cannot_touch_the_general_rules_or_another_town(login):
    from geodata.models import Area

    general = Rule.objects.filter(area__isnull=True).first()
    client = login("leader")

    assert client.get(f"/rules/{general.pk}/").status_code == 403
    page = client.post("/rules/new/", rule_form(area=Area.objects.get(code="321302101").pk))
    assert page.status_code == 200 and not Rule.objects.filter(name="屠园镇群体纠纷3人").exists()


def test_a_county_admin_edits_a_general_rule(login):
    general = Rule.objects.get(name="群体性纠纷直接上报乡镇")
    response = login("admin").post(f"/rules/{general.pk}/", rule_form(name=general.name, area="", people_at_least=6))

    general.refresh_from_db()
    assert response.status_code == 302 and general.people_at_least == 6


def test_others_may_not_open_the_rules_page(login):
    for username in ("cadre", "worker", "mediator", "adviser"):
        assert login(username).get("/rules/").status_code == 403


def test_a_rule_without_any_condition_is_refused(login):
    page = login("admin").post("/rules/new/", rule_form(people_at_least="", levels=[], area=""))
    assert page.status_code == 200 and "至少要有一个条件" in page.content.decode()
