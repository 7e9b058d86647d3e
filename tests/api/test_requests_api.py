"""/api/v1/requests/: resident requests with their reporters masked, the request page's actions."""

import uuid

import pytest

from gridcase.lib import clock
from gridcase.requests import services
from gridcase.requests.models import PersonalDataView, Request, RequestCategory, State
from tests.conftest import point_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def register_body(worker, **fields) -> dict:
    point = point_in(worker.grids.order_by("code").first())
    return {"client_id": str(uuid.uuid4()), "matter": "村口路灯不亮", "category": RequestCategory.objects.first().code,
            "lon": point.x, "lat": point.y, "reporter_name": "张建国", "contact": "13812345678", **fields}


@pytest.fixture
def make_request(users):
    def make(username="worker", matter="村口路灯坏了一个月", **fields):
        actor = users[username]
        grid = actor.grids.order_by("code").first()
        return services.request_register(actor=actor, matter=matter, category=RequestCategory.objects.first(),
                                         received_on=clock.today(), location=grid.geom.point_on_surface,
                                         reporter=services.Reporter(name="张建国", contact="13812345678"), **fields)

    return make


def test_a_worker_registers_a_request_and_the_reporter_comes_back_masked(api, users):
    body = register_body(users["worker"])
    first = api("worker").post("/api/v1/requests/", body)
    assert first.status_code == 201, first.json()
    item = first.json()["properties"]
    assert item["reporter"] == "张**" and item["contact"] == "138****5678"
    assert "建国" not in first.content.decode() and "13812345678" not in first.content.decode()
    assert item["state"] == "registered" and first["ETag"] == '"1"'
    again = api("worker").post("/api/v1/requests/", body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert PersonalDataView.objects.count() == 0  # the API never shows the full name, so nothing to log


def test_without_a_location_the_village_is_needed(api, users):
    body = register_body(users["worker"], lon=None, lat=None)
    assert api("worker").post("/api/v1/requests/", body).status_code == 400
    village = users["cadre"].area.code
    created = api("worker").post("/api/v1/requests/", {**body, "village": village})
    assert created.status_code == 201 and created.json()["geometry"] is None
    assert created.json()["properties"]["village"] == village
    foreign = api("worker").post("/api/v1/requests/", {**body, "client_id": str(uuid.uuid4()),
                                                      "village": users["cadre2"].area.code})
    assert foreign.status_code == 400 and "village" in foreign.json()["errors"]


def test_the_list_pages_filters_and_masks(api, make_request):
    first = make_request()
    second = make_request(matter="垃圾桶满了没人清")
    make_request(username="worker2")
    cadre = api("cadre")
    page = cadre.get("/api/v1/requests/?page_size=1").json()
    assert [f["id"] for f in page["features"]] == [second.pk]
    assert [f["id"] for f in cadre.get(page["next"]).json()["features"]] == [first.pk]
    assert cadre.get("/api/v1/requests/?state=closed").json()["features"] == []
    assert cadre.get("/api/v1/requests/?kind=major").json()["features"] == []
    assert cadre.get("/api/v1/requests/?state=open").status_code == 400
    listed = cadre.get("/api/v1/requests/").content.decode()
    assert "张建国" not in listed and "13812345678" not in listed


def test_triage_and_reply_through_the_transitions(api, make_request):
    item = make_request()
    cadre = api("cadre")
    path = f"/api/v1/requests/{item.pk}/transitions/"
    assert cadre.get(f"/api/v1/requests/{item.pk}/").json()["properties"]["allowed_actions"] == [
        "triage", "merge", "to_case"]
    triaged = cadre.post(path + "triage", {"kind": "minor", "handling": "one_by_one"}, HTTP_IF_MATCH='"1"')
    assert triaged.status_code == 200, triaged.json()
    assert triaged.json()["properties"]["state"] == "handling" and triaged["ETag"] == '"2"'
    assert cadre.post(path + "close", {"satisfaction": "satisfied"}, HTTP_IF_MATCH='"2"').status_code == 409
    replied = cadre.post(path + "reply", {"reply": "已报修，三日内修复"}, HTTP_IF_MATCH='"2"')
    assert replied.json()["properties"]["state"] == "replied"
    events = cadre.get(f"/api/v1/requests/{item.pk}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["request.registered", "request.triaged", "request.replied"]


def test_merge_names_the_request_kept(api, make_request):
    kept = make_request()
    repeat = make_request(matter="村口路灯还是不亮")
    merged = api("cadre").post(f"/api/v1/requests/{repeat.pk}/transitions/merge", {"into": kept.number},
                               HTTP_IF_MATCH='"1"')
    assert merged.status_code == 200, merged.json()
    assert merged.json()["properties"]["state"] == "merged" and merged.json()["properties"]["merged_into"] == kept.pk


def test_a_stale_write_and_a_worker_triage_are_refused(api, make_request):
    item = make_request()
    cadre = api("cadre")
    cadre.post(f"/api/v1/requests/{item.pk}/transitions/triage", {"kind": "minor"}, HTTP_IF_MATCH='"1"')
    stale = cadre.post(f"/api/v1/requests/{item.pk}/transitions/reply", {"reply": "好"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    refused = api("worker").post(f"/api/v1/requests/{item.pk}/transitions/reply", {"reply": "好"}, HTTP_IF_MATCH='"2"')
    assert refused.status_code == 403
    item.refresh_from_db()
    assert item.state == State.HANDLING and item.reply == ""


def test_another_towns_request_is_not_found(api, make_request):
    theirs = make_request(username="worker2")
    cadre = api("cadre")
    assert cadre.get(f"/api/v1/requests/{theirs.pk}/").status_code == 404
    assert cadre.get(f"/api/v1/requests/{theirs.pk}/events/").status_code == 404
    assert cadre.post(f"/api/v1/requests/{theirs.pk}/transitions/triage", {"kind": "minor"},
                      HTTP_IF_MATCH='"1"').status_code == 404
    # Nor can it be named as the target of a merge.
    mine = make_request()
    response = cadre.post(f"/api/v1/requests/{mine.pk}/transitions/merge", {"into": theirs.number}, HTTP_IF_MATCH='"1"')
    assert response.status_code == 409 and theirs.number in response.json()["detail"]
    mine.refresh_from_db()
    assert mine.state == State.REGISTERED


def test_reads_are_conditional_and_a_read_only_token_cannot_write(api, make_request, users):
    item = make_request()
    reader = api("cadre", scopes=["read"])
    assert reader.get(f"/api/v1/requests/{item.pk}/", HTTP_IF_NONE_MATCH='"1"').status_code == 304
    refused = reader.post(f"/api/v1/requests/{item.pk}/transitions/triage", {"kind": "minor"}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    assert api("worker", scopes=["read"]).post("/api/v1/requests/", register_body(users["worker"])).status_code == 403
    assert Request.objects.count() == 1


def test_an_idempotency_key_replays_the_first_answer(api, users):
    worker = api("worker")
    body = register_body(users["worker"])
    body.pop("client_id")
    first = worker.post("/api/v1/requests/", body, HTTP_IDEMPOTENCY_KEY="req-1")
    again = worker.post("/api/v1/requests/", body, HTTP_IDEMPOTENCY_KEY="req-1")
    assert first.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert Request.objects.count() == 1
