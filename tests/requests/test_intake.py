"""Registering a request: idempotent phone submissions, location optional but within the
jurisdiction, personal data encrypted and masked, versions that refuse a stale form."""

import re
import uuid

import pytest
from django.db import connection

from gridcase.requests import services
from gridcase.requests.models import Channel, PersonalDataView, Request, State

from .conftest import days_ago, today

pytestmark = pytest.mark.django_db


def test_the_same_client_id_twice_is_one_request(make_request):
    client_id = uuid.uuid4()
    first = make_request(client_id=client_id)
    again = make_request(client_id=client_id)
    assert again.pk == first.pk and Request.objects.filter(client_id=client_id).count() == 1


def test_a_client_id_of_another_user_is_refused(make_request):
    client_id = uuid.uuid4()
    make_request(client_id=client_id)
    with pytest.raises(services.RequestError, match="已被其他用户使用"):
        make_request("cadre", client_id=client_id)


def test_the_page_posted_twice_registers_once(login, users, category):
    client = login("worker")
    data = {"client_id": str(uuid.uuid4()), "channel": Channel.PHONE, "received_on": today().isoformat(),
            "village": users["cadre"].area.pk, "category": category.pk, "matter": "自来水管爆了", "reporter_name": "李四",
            "contact": "13900001111", "lon": "", "lat": ""}
    first = client.post("/requests/new/", data)
    second = client.post("/requests/new/", data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    request = Request.objects.get(client_id=data["client_id"])
    assert request.grid is None and request.area_code == request.village_code == users["cadre"].area.code


def test_without_a_location_the_request_belongs_to_its_village_and_its_workers_see_it(make_request, users, login):
    request = make_request("cadre", located=False)
    assert request.village == users["cadre"].area and request.location is None
    assert login("worker").get(f"/requests/{request.pk}/").status_code == 200


def test_a_village_outside_the_jurisdiction_is_refused(make_request, users):
    with pytest.raises(services.RequestError, match="不在您的辖区内"):
        make_request(located=False, village=users["cadre2"].area)


def test_a_location_outside_the_jurisdiction_is_refused(make_request, users):
    elsewhere = users["worker2"].grids.first()
    with pytest.raises(services.RequestError, match=f"不在您的辖区内.*{elsewhere.code}"):
        make_request(location=elsewhere.geom.point_on_surface)


def test_a_location_decides_the_village_and_must_agree_with_a_chosen_one(make_request, users):
    request = make_request()
    assert request.grid == users["worker"].grids.order_by("code").first()
    assert request.village_code == request.grid.code[:12]
    other_village = users["leader"].area.children.exclude(pk=users["cadre"].area.pk).first()
    with pytest.raises(services.RequestError, match="不一致"):
        make_request("leader", location=users["worker"].grids.first().geom.point_on_surface, village=other_village)


def test_bad_input_is_a_clear_error(login, users, category):
    client = login("worker")
    response = client.post("/requests/new/", {"client_id": str(uuid.uuid4()), "channel": "wechat",
                                              "received_on": "2999-01-01", "category": category.pk, "matter": "",
                                              "lon": "118.3", "lat": "", "contact": "abc"})
    html = response.content.decode()
    assert response.status_code == 200 and Request.objects.count() == 0
    assert "反映日期不能晚于今天" in html and "请填写电话号码" in html and "该字段是必填项" in html and "经度和纬度须同时填写" in html


def test_personal_data_is_stored_encrypted_and_shown_masked(make_request, login):
    request = make_request()
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM requests_request WHERE id = %s", [request.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "张建国" not in row and "13812345678" not in row
    assert request.reporter_name_masked == "张**" and request.contact_masked == "138****5678"

    listing = login("worker").get("/requests/").content.decode()
    assert "张**" in listing and "138****5678" not in listing and "张建国" not in listing
    detail = login("leader").get(f"/requests/{request.pk}/").content.decode()
    assert "张建国" not in detail and "138****5678" in detail


def test_the_full_reporter_is_revealed_to_handlers_and_each_view_is_logged(make_request, users, login):
    request = make_request()
    html = login("cadre").get(f"/requests/{request.pk}/?reveal=1").content.decode()
    assert "张建国" in html and "13812345678" in html
    assert PersonalDataView.objects.filter(user=users["cadre"], request=request).count() == 1
    adviser = login("adviser").get(f"/requests/{request.pk}/?reveal=1").content.decode()
    assert "张建国" not in adviser


def test_search_by_full_phone_uses_the_blind_index(make_request, login):
    request = make_request()
    html = login("cadre").get("/requests/", {"q": "138 1234 5678"}).content.decode()
    assert request.number in html
    assert request.number not in login("cadre").get("/requests/", {"q": "13899999999"}).content.decode()


def test_part_of_a_number_finds_the_request(make_request, login):
    first, second = make_request(), make_request(matter="河边护栏断了")
    client = login("cadre")

    def found(q: str) -> set[str]:
        html = client.get("/requests/", {"q": q}).content.decode()
        return {r.number for r in (first, second) if r.number in html}

    town, year, serial = second.number.split("-")  # 321302112-2026-M00012
    assert found(serial) == found(serial.lower()) == found(f"M{int(serial[1:])}") == {second.number}
    assert found(f"{year}-{serial}") == {second.number}
    assert second.number in found(f"{year}-{serial[:-1]}".lower())
    assert found(f"{town[-3:]}-{year}") == {first.number, second.number}
    assert found("M99999") == set()


def test_a_stale_form_is_refused_and_keeps_what_was_typed(make_request, users, login, infrastructure):
    request = make_request()
    seen = request.version
    services.request_triage(request=request, actor=users["leader"], kind="minor")
    response = login("cadre").post(f"/requests/{request.pk}/triage/", {
        "version": seen, "kind": "major", "office": infrastructure.pk, "note": "我的分流意见"})
    html = response.content.decode()
    assert response.status_code == 200 and "已被他人修改" in html and "我的分流意见" in html
    request.refresh_from_db()
    assert request.kind == "minor" and request.events.filter(kind="request.triaged").count() == 1
    assert re.search(rf'name="version" value="{request.version}"', html)


def test_the_version_goes_up_with_every_change(make_request, users):
    request = make_request()
    assert request.version == 1
    request = services.request_triage(request=request, actor=users["cadre"], kind="minor", expected_version=1)
    assert request.version == 2
    with pytest.raises(services.StaleRequest):
        services.request_reply(request=request, actor=users["cadre"], reply="好", expected_version=1)


def test_the_event_log_refuses_changes(make_request):
    from django.db import DatabaseError, transaction

    request = make_request()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        request.events.update(note="改写")


def test_numbers_run_per_town_and_year(make_request):
    first, second = make_request(), make_request(received_on=days_ago(3))
    assert first.number.startswith(f"{first.town_code}-") and first.number[-5:] == "00001"
    assert second.number[-5:] == "00002" and first.state == State.REGISTERED
