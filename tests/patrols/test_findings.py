"""What a grid worker logs during a patrol — a dispute, a hazard, a resident request — links to it."""

import uuid

import pytest

from gridcase.cases.models import Category
from gridcase.hazards.models import HazardCategory
from gridcase.patrols import selectors
from gridcase.requests.models import RequestCategory
from tests.images import PNG

pytestmark = pytest.mark.django_db


def test_findings_of_every_kind_link_to_the_patrol(start_patrol, login, users, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    patrol = start_patrol()
    point = patrol.grid.geom.point_on_surface
    client = login("worker")
    where = {"lon": point.x, "lat": point.y, "patrol": patrol.pk}

    case = client.post("/cases/new/", {**where, "client_id": uuid.uuid4(), "title": "巡逻中遇到邻里争吵",
                                       "category": Category.objects.get(code="02").pk, "people_involved": 2, "risk": 1,
                                       "source": "grid_worker", "party-TOTAL_FORMS": 0, "party-INITIAL_FORMS": 0})
    hazard = client.post("/hazards/new/", {**where, "client_id": uuid.uuid4(), "title": "电动车楼道充电",
                                           "category": HazardCategory.objects.get(name="消防").pk, "severity": 1,
                                           "responsible_kind": "unit", "photos": [SimpleUploadedFile("a.png", PNG)]})
    request = client.post("/requests/new/", {**where, "client_id": uuid.uuid4(), "channel": "walk",
                                             "received_on": patrol.started_at.date().isoformat(),
                                             "village": users["worker"].area_id, "matter": "路灯坏了三盏",
                                             "category": RequestCategory.objects.first().pk})
    assert [case.status_code, hazard.status_code, request.status_code] == [302, 302, 302], \
        [r.context["form"].errors for r in (case, hazard, request) if r.status_code != 302]

    found = selectors.patrol_findings(user=users["cadre"], patrol=patrol)
    assert [c.title for c in found["cases"]] == ["巡逻中遇到邻里争吵"]
    assert [h.title for h in found["hazards"]] == ["电动车楼道充电"]
    assert [r.matter for r in found["requests"]] == ["路灯坏了三盏"]
    page = login("cadre").get(f"/patrols/{patrol.pk}/").content.decode()
    assert "电动车楼道充电" in page and "路灯坏了三盏" in page


def test_a_patrol_of_another_town_cannot_be_named(start_patrol, login, users):
    theirs = start_patrol(username="worker2")
    point = users["worker"].grids.order_by("code").first().geom.point_on_surface
    response = login("worker").post("/hazards/new/", {
        "lon": point.x, "lat": point.y, "patrol": theirs.pk, "client_id": uuid.uuid4(), "title": "井盖缺失",
        "category": HazardCategory.objects.get(name="消防").pk, "severity": 1, "responsible_kind": "unit"})
    assert response.status_code == 200 and "所选巡逻不存在或不在您的辖区内" in response.content.decode()
    assert not theirs.hazards.exists()


# ---------------------------------------------------------------- logged from the patrol page itself


def _finding(client, patrol, **fields):
    point = patrol.grid.geom.point_on_surface
    data = {"client_id": uuid.uuid4(), "kind": "case", "case_category": Category.objects.get(code="02").pk,
            "text": "两户因排水沟堵塞争吵", "lon": point.x, "lat": point.y, **fields}
    return client.post(f"/patrols/{patrol.pk}/findings/", data)


def test_a_finding_logged_on_the_patrol_page_is_linked_to_the_patrol(start_patrol, login, users):
    patrol = start_patrol()
    response = _finding(login("worker"), patrol)

    assert response.status_code == 201, response.content.decode()
    body = response.json()
    assert body["kind"] == "case" and body["title"] == "两户因排水沟堵塞争吵" and "轨迹仍在记录" in body["message"]
    [case] = selectors.patrol_findings(user=users["worker"], patrol=patrol)["cases"]
    assert case.number == body["number"] and body["url"] == f"/cases/{case.pk}/"
    assert case.events.get(kind="case.registered").data["patrol"] == patrol.pk
    [mark] = login("cadre").get(f"/patrols/api/{patrol.pk}/track/").json()["findings"]["features"]
    assert mark["properties"]["number"] == case.number and mark["geometry"]["coordinates"] == pytest.approx(
        list(patrol.grid.geom.point_on_surface.coords))


def test_a_hazard_and_a_request_with_a_photo_are_logged_from_the_patrol_page(start_patrol, login, users, settings,
                                                                             tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    patrol = start_patrol()
    client = login("worker")
    hazard = _finding(client, patrol, kind="hazard", hazard_category=HazardCategory.objects.get(name="消防").pk,
                      text="电动车楼道充电", photos=[SimpleUploadedFile("a.png", PNG)])
    request = _finding(client, patrol, kind="request", request_category=RequestCategory.objects.first().pk,
                       text="路灯坏了三盏")

    assert [hazard.status_code, request.status_code] == [201, 201]
    found = selectors.patrol_findings(user=users["worker"], patrol=patrol)
    assert [h.title for h in found["hazards"]] == ["电动车楼道充电"]
    assert found["hazards"][0].photos.count() == 1
    assert [r.matter for r in found["requests"]] == ["路灯坏了三盏"]


def test_a_case_photo_from_the_patrol_page_is_attached_once_when_the_phone_retries(start_patrol, login, users,
                                                                                    settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    patrol = start_patrol()
    client = login("worker")
    same = uuid.uuid4()
    first = _finding(client, patrol, client_id=same, photos=[SimpleUploadedFile("a.png", PNG)])
    again = _finding(client, patrol, client_id=same, photos=[SimpleUploadedFile("a.png", PNG)])

    assert [first.status_code, again.status_code] == [201, 201]
    assert first.json()["number"] == again.json()["number"]
    [case] = selectors.patrol_findings(user=users["worker"], patrol=patrol)["cases"]
    assert case.attachments.count() == 1


@pytest.mark.parametrize(("fields", "error"), [
    ({"lon": "", "lat": ""}, "尚未获得定位，请稍候再提交"),
    ({"text": ""}, "请用一句话写下发现了什么"),
    ({"case_category": ""}, "请选择纠纷类型"),
])
def test_a_finding_without_place_text_or_category_is_refused_in_chinese(start_patrol, login, users, fields, error):
    patrol = start_patrol()
    response = _finding(login("worker"), patrol, **fields)

    assert response.status_code == 400
    assert error in str(response.json()["errors"])
    assert not selectors.patrol_findings(user=users["worker"], patrol=patrol)["cases"].exists()


def test_a_finding_outside_the_workers_grids_is_refused(start_patrol, login, users):
    patrol = start_patrol()
    elsewhere = users["worker2"].grids.order_by("code").first().geom.point_on_surface
    response = _finding(login("worker"), patrol, lon=elsewhere.x, lat=elsewhere.y)

    assert response.status_code == 400
    assert "辖区" in response.json()["errors"]["__all__"][0]
    assert not patrol.cases.exists()


def test_only_the_patrols_own_workers_log_findings_on_it_and_only_while_it_runs(start_patrol, login, users):
    patrol = start_patrol()
    assert _finding(login("cadre"), patrol).status_code == 403
    assert _finding(login("worker2"), patrol).status_code == 404

    client = login("worker")
    client.post(f"/patrols/{patrol.pk}/finish/", {"version": patrol.version})
    response = _finding(client, patrol)
    assert response.status_code == 400 and "该巡逻已结束，不能再登记发现" in response.json()["errors"]["__all__"][0]
    assert not patrol.cases.exists()
