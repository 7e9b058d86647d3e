"""The hazard pages: report at a point, act on a hazard, stale forms, the list's filters."""

import re
import uuid

import pytest

from gridcase.hazards import services
from gridcase.hazards.models import Hazard, Severity, State
from gridcase.lib import clock
from tests.hazards.conftest import at, photo

pytestmark = pytest.mark.django_db


def report_form(users, **fields) -> dict:
    point = users["worker"].grids.order_by("code").first().geom.point_on_surface
    return {"client_id": str(uuid.uuid4()), "title": "废弃民房墙体开裂", "category": fields.pop("category"),
            "severity": 2, "description": "", "lon": point.x, "lat": point.y, "responsible_kind": "person",
            "responsible_name": "房主李四", "responsible_contact": "", **fields}


def test_a_worker_reports_a_hazard_and_a_retry_does_not_duplicate_it(login, users, fire):
    client = login("worker")
    form = report_form(users, category=fire.pk, photos=[photo()])
    assert "picker.js" in client.get("/hazards/new/").content.decode()

    first = client.post("/hazards/new/", form)
    form["photos"] = [photo()]
    again = client.post("/hazards/new/", form)

    hazard = Hazard.objects.get()
    assert first.url == again.url == f"/hazards/{hazard.pk}/"
    assert hazard.photos.count() == 1 and hazard.severity == 2


def test_a_point_outside_the_jurisdiction_is_explained_and_the_input_kept(login, users, fire):
    elsewhere = users["worker2"].grids.order_by("code").first()
    point = elsewhere.geom.point_on_surface
    page = login("worker").post("/hazards/new/", report_form(users, category=fire.pk, lon=point.x, lat=point.y))

    html = page.content.decode()
    assert page.status_code == 200 and "不在您的辖区内" in html and elsewhere.name in html
    assert "废弃民房墙体开裂" in html and not Hazard.objects.exists()


def test_the_detail_page_offers_what_the_user_may_do(login, make_hazard):
    hazard = make_hazard()
    cadre_page = login("cadre").get(f"/hazards/{hazard.pk}/").content.decode()
    assert f"/hazards/{hazard.pk}/verify/" in cadre_page and f"/hazards/{hazard.pk}/reject/" in cadre_page
    assert 'id="pin"' in cadre_page and "上报隐患" in cadre_page  # map and timeline

    worker_page = login("worker").get(f"/hazards/{hazard.pk}/").content.decode()
    assert f"/hazards/{hazard.pk}/verify/" not in worker_page


def test_a_transition_through_its_form(login, make_hazard):
    hazard = make_hazard()
    client = login("cadre")
    response = client.post(f"/hazards/{hazard.pk}/verify/", {"version": 1, "severity": Severity.MAJOR, "note": "属实"})

    assert response.status_code == 302
    hazard.refresh_from_db()
    assert (hazard.state, hazard.severity) == (State.VERIFIED, Severity.MAJOR)


def test_the_after_photo_form_refuses_a_non_image(login, rectifying):
    hazard = rectifying()
    with clock.travel(at(2026, 11, 3, 9, 0)):
        page = login("worker").post(f"/hazards/{hazard.pk}/complete/",
                                    {"version": hazard.version, "photos": [photo("a.png", b"MZ\x90 not an image")]})
    assert page.status_code == 200 and "只接受" in page.content.decode()
    hazard.refresh_from_db()
    assert hazard.state == State.RECTIFYING


def test_a_stale_form_shows_what_changed_and_keeps_the_input(login, make_hazard, users):
    hazard = make_hazard()
    services.hazard_verify(hazard=hazard, actor=users["leader"])

    page = login("cadre").post(f"/hazards/{hazard.pk}/reject/", {"version": 1, "reason": "我写的不予核实理由"})

    html = page.content.decode()
    assert page.status_code == 200 and "已被他人修改" in html and "我写的不予核实理由" in html
    assert 'name="version" value="2"' in html
    hazard.refresh_from_db()
    assert hazard.state == State.VERIFIED


def test_the_list_filters_by_state_category_severity_and_overdue(login, make_hazard, rectifying, users, fire):
    late = rectifying(title="整改中的隐患")  # deadline 6 Nov 2026
    with clock.travel(at(2026, 11, 2, 9, 0)):
        fresh = make_hazard(title="新上报的隐患", severity=Severity.SERIOUS)
    client = login("cadre")

    def numbers(**params):
        return set(re.findall(r'<td><a href="/hazards/\d+/">([^<]+)</a></td>', client.get("/hazards/", params).content.decode()))

    assert numbers(state="reported") == {fresh.number}
    assert numbers(severity=2) == {fresh.number}
    assert numbers(category=fire.pk) == {late.number, fresh.number}
    with clock.travel(at(2026, 11, 9, 9, 0)):
        assert numbers(overdue="on") == {late.number}
    with clock.travel(at(2026, 11, 5, 9, 0)):
        assert numbers(overdue="on") == set()
    assert "没有符合条件的隐患" in client.get("/hazards/", {"state": "closed"}).content.decode()


def test_the_home_page_lists_hazard_tasks_and_the_map_has_a_hazard_layer(login, make_hazard):
    hazard = make_hazard(title="待核实的隐患")
    page = login("cadre").get("/").content.decode()

    assert f"/hazards/{hazard.pk}/" in page and "待核实" in page
    assert "/hazards/api/points/" in page
