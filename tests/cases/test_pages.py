import uuid

import pytest

from gridcase.cases.models import Case, State

pytestmark = pytest.mark.django_db


def register_form(point, **extra):
    return {"client_id": str(uuid.uuid4()), "title": "宅基地边界纠纷", "category": "03", "narrative": "两户因围墙位置争执",
            "lon": point.x, "lat": point.y, "people_involved": 2, "amount": "", "risk": 1, "source": "grid_worker",
            "party-TOTAL_FORMS": 2, "party-INITIAL_FORMS": 0, "party-0-role": "applicant", "party-0-name": "王五",
            "party-0-phone": "13900001111", "party-0-id_number": "", "party-0-address": "",
            "party-1-role": "respondent", "party-1-name": "", "party-1-phone": "", "party-1-id_number": "",
            "party-1-address": "", **extra}


def category_pk(code):
    from gridcase.cases.models import Category

    return Category.objects.get(code=code).pk


def test_a_grid_worker_registers_a_case_and_lands_on_its_page(login, users):
    point = users["worker"].grids.first().geom.point_on_surface
    response = login("worker").post("/cases/new/", register_form(point, category=category_pk("03")))

    case = Case.objects.get(title="宅基地边界纠纷")
    assert response.status_code == 302 and response.url == f"/cases/{case.pk}/"
    assert case.parties.get().phone_masked == "139****1111" and case.state == State.REGISTERED


def test_a_double_submitted_form_creates_one_case(login, users):
    point = users["worker"].grids.first().geom.point_on_surface
    client = login("worker")
    form = register_form(point, category=category_pk("03"))

    first, second = client.post("/cases/new/", form), client.post("/cases/new/", form)

    assert first.url == second.url and Case.objects.filter(title="宅基地边界纠纷").count() == 1


def test_a_point_outside_my_grids_is_refused_and_what_i_typed_is_kept(login, users):
    point = users["worker2"].grids.first().geom.point_on_surface
    page = login("worker").post("/cases/new/", register_form(point, category=category_pk("03")))

    html = page.content.decode()
    assert page.status_code == 200 and "不在您的辖区内" in html
    assert "两户因围墙位置争执" in html and "王五" in html
    assert not Case.objects.filter(title="宅基地边界纠纷").exists()


def test_the_case_page_offers_only_the_actions_allowed_now(login, make_case):
    case = make_case()

    cadre_page = login("cadre").get(f"/cases/{case.pk}/").content.decode()
    adviser_page = login("adviser").get(f"/cases/{case.pk}/").content.decode()

    assert f"/cases/{case.pk}/accept/" in cadre_page and f"/cases/{case.pk}/settle/" not in cadre_page
    assert f"/cases/{case.pk}/accept/" not in adviser_page and "当前没有您可执行的操作" in adviser_page
    assert 'data-kind="case.registered">登记<' in cadre_page  # the timeline


def test_a_refused_action_is_a_clear_message_not_an_error_page(login, make_case):
    case = make_case()

    page = login("cadre").post(f"/cases/{case.pk}/settle/", {"version": case.version, "signed_on": "2026-11-23",
                                                             "terms": "和解", "judicial_confirmation": "none"})

    assert page.status_code == 200 and "当前状态为「已登记」" in page.content.decode()


def test_the_list_filters_counts_and_pages(login, make_case, users):
    from gridcase.cases import services

    for i in range(27):
        make_case(title=f"纠纷{i}")
    services.case_accept(case=Case.objects.get(title="纠纷3"), actor=users["cadre"])
    client = login("leader")

    first = client.get("/cases/").content.decode()
    accepted = client.get("/cases/", {"state": "accepted"}).content.decode()
    second = client.get("/cases/", {"page": 2}).content.decode()

    assert "共 27 件" in first and "第 1/2 页" in first
    assert '待受理 <span class="count">26</span>' in first and '调解中 <span class="count">1</span>' in first
    assert "纠纷3" in accepted and "共 1 件" in accepted
    assert "第 2/2 页" in second
    assert "没有符合条件的案件" in client.get("/cases/", {"state": "closed"}).content.decode()


def test_a_town_leader_assigns_several_cases_at_once(login, make_case, users):
    mine = [make_case(title=f"待指派{i}") for i in range(3)]
    other_town = make_case(username="worker2", title="耿车镇的案件")
    client = login("leader")

    response = client.post("/cases/assign/", {"mediator": users["mediator"].pk,
                                              "case": [c.pk for c in mine] + [other_town.pk]})

    assert response.status_code == 302
    for case in mine:
        assert list(case.mediators.all()) == [users["mediator"]]
        assert case.events.filter(kind="case.assigned").exists()
    assert not other_town.mediators.exists()
    assert "已将 3 件指派给" in client.get("/cases/").content.decode()


def test_only_handlers_assign_and_only_to_their_own_people(login, make_case, users):
    case = make_case()

    assert login("worker").post("/cases/assign/", {"mediator": users["mediator"].pk, "case": [case.pk]}).status_code == 403
    assert login("leader").post("/cases/assign/", {"mediator": users["mediator2"].pk, "case": [case.pk]}).status_code == 404
    assert not case.mediators.exists()


def test_the_queues_sort_by_deadline(login, make_case, users):
    from datetime import timedelta

    from gridcase.cases import services
    from gridcase.lib import clock

    with clock.travel(clock.now() - timedelta(days=20)):
        older = services.case_accept(case=make_case(title="期限较早"), actor=users["cadre"])
    newer = services.case_accept(case=make_case(title="期限较晚"), actor=users["cadre"])
    make_case(title="还未受理")

    page = login("cadre").get("/cases/", {"queue": "mediating", "order": "deadline"}).content.decode()

    assert older.deadline < newer.deadline
    assert page.index("期限较早") < page.index("期限较晚") and "还未受理" not in page
