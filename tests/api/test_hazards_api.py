"""/api/v1/hazards/: the hazard pages' jurisdiction, action table and services, in JSON."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from geodata.models import Area
from gridcase.hazards.models import Hazard, State
from gridcase.lib import clock
from tests.conftest import GENGCHE, point_in
from tests.hazards.conftest import fire, make_hazard, media  # noqa: F401
from tests.images import PNG

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def report_body(worker, fire, **fields) -> dict:  # noqa: F811
    point = point_in(worker.grids.order_by("code").first())
    return {"client_id": str(uuid.uuid4()), "title": "楼道堆放杂物", "category": fire.code, "lon": point.x,
            "lat": point.y, **fields}


def ids(response) -> list[int]:
    return [feature["id"] for feature in response.json()["features"]]


def test_the_list_pages_filters_and_stays_in_the_jurisdiction(api, make_hazard):  # noqa: F811
    first = make_hazard()
    second = make_hazard(title="危房外墙开裂", severity=3)
    make_hazard(username="worker2")  # 耿车镇
    cadre = api("cadre")

    page = cadre.get("/api/v1/hazards/?page_size=1").json()
    assert page["type"] == "FeatureCollection" and [f["id"] for f in page["features"]] == [second.pk]
    rest = cadre.get(page["next"]).json()
    assert [f["id"] for f in rest["features"]] == [first.pk] and rest["next"] is None

    assert ids(cadre.get("/api/v1/hazards/?severity=3")) == [second.pk]
    assert ids(cadre.get("/api/v1/hazards/?state=closed")) == []
    x, y = first.location.x, first.location.y
    assert ids(cadre.get(f"/api/v1/hazards/?bbox={x + 0.1},{y + 0.1},{x + 0.2},{y + 0.2}")) == []
    assert cadre.get("/api/v1/hazards/?reported_after=2099-01-01T00:00:00%2B08:00").json()["features"] == []
    assert cadre.get("/api/v1/hazards/?state=lost").status_code == 400


def test_a_worker_reports_a_hazard_and_a_retry_returns_the_same_one(api, users, fire):  # noqa: F811
    body = report_body(users["worker"], fire)
    first = api("worker").post("/api/v1/hazards/", body)
    assert first.status_code == 201, first.json()
    hazard = first.json()
    assert first["Location"] == f"/api/v1/hazards/{hazard['id']}/" and first["ETag"] == '"1"'
    assert hazard["geometry"]["type"] == "Point" and hazard["properties"]["state"] == "reported"
    again = api("worker").post("/api/v1/hazards/", body)
    assert again.status_code == 200 and again.json()["id"] == hazard["id"]
    assert Hazard.objects.count() == 1


def test_a_point_outside_the_jurisdiction_is_refused_with_the_grid_named(api, users, fire):  # noqa: F811
    other_grid = Area.objects.filter(level="grid", code__startswith=GENGCHE).first()
    point = point_in(other_grid)
    response = api("worker").post("/api/v1/hazards/", report_body(users["worker"], fire, lon=point.x, lat=point.y))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "/api/v1/problems/outside-jurisdiction"
    assert other_grid.name in response.json()["detail"]
    assert Hazard.objects.count() == 0


def test_an_idempotency_key_replays_the_first_answer(api, users, fire):  # noqa: F811
    body = report_body(users["worker"], fire)
    body.pop("client_id")
    worker = api("worker")  # one token: the key belongs to its sender
    first = worker.post("/api/v1/hazards/", body, HTTP_IDEMPOTENCY_KEY="hazard-1")
    again = worker.post("/api/v1/hazards/", body, HTTP_IDEMPOTENCY_KEY="hazard-1")
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert Hazard.objects.count() == 1


def test_reads_carry_the_version_and_an_unchanged_hazard_is_not_sent_again(api, make_hazard):  # noqa: F811
    hazard = make_hazard()
    cadre = api("cadre")
    first = cadre.get(f"/api/v1/hazards/{hazard.pk}/")
    assert first["ETag"] == '"1"' and first.json()["properties"]["allowed_actions"] == ["verify", "reject", "escalate"]
    assert cadre.get(f"/api/v1/hazards/{hazard.pk}/", HTTP_IF_NONE_MATCH='"1"').status_code == 304
    listed = cadre.get("/api/v1/hazards/")
    assert cadre.get("/api/v1/hazards/", HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304


def test_the_lifecycle_through_the_transitions(api, make_hazard, client, token_for):  # noqa: F811
    hazard = make_hazard()
    cadre, worker = api("cadre"), api("worker")
    path = f"/api/v1/hazards/{hazard.pk}/transitions/"

    assert cadre.post(path + "verify", {"severity": 2}).status_code == 428
    refused = worker.post(path + "verify", {"severity": 2}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 403  # grid workers report; a cadre verifies
    verified = cadre.post(path + "verify", {"severity": 2, "note": "属实"}, HTTP_IF_MATCH='"1"')
    assert verified.status_code == 200 and verified["ETag"] == '"2"'
    assert verified.json()["properties"]["state"] == "verified" and verified.json()["properties"]["severity"] == 2

    wrong = cadre.post(path + "close", {}, HTTP_IF_MATCH='"2"')
    assert wrong.status_code == 409 and wrong.json()["allowed_actions"] == ["rectify", "escalate"]
    missing = cadre.post(path + "rectify", {"responsible_kind": "unit"}, HTTP_IF_MATCH='"2"')
    assert missing.status_code == 400 and {"responsible_name", "deadline"} <= set(missing.json()["errors"])
    deadline = (clock.today() + timedelta(days=5)).isoformat()
    rectifying = cadre.post(path + "rectify", {"responsible_kind": "unit", "responsible_name": "古河村便民超市",
                                                "deadline": deadline}, HTTP_IF_MATCH='"2"')
    assert rectifying.status_code == 200 and rectifying.json()["properties"]["state"] == "rectifying"

    # The rectification needs its after photo: multipart, as on the page.
    completed = client.post(path + "complete", {"photos": SimpleUploadedFile("整改后.png", PNG), "note": "已清理"},
                            HTTP_AUTHORIZATION=f"Bearer {token_for('worker')}", HTTP_IF_MATCH='"3"')
    assert completed.status_code == 200, completed.json()
    assert completed.json()["properties"]["state"] == "rectified"
    assert [p["kind"] for p in completed.json()["properties"]["photos"]] == ["after"]

    events = cadre.get(f"/api/v1/hazards/{hazard.pk}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["hazard.reported", "hazard.verified", "hazard.rectification_ordered",
                                           "hazard.rectified"]


def test_a_stale_write_is_refused_and_changes_nothing(api, make_hazard):  # noqa: F811
    hazard = make_hazard()
    cadre = api("cadre")
    cadre.post(f"/api/v1/hazards/{hazard.pk}/transitions/verify", {"severity": 1}, HTTP_IF_MATCH='"1"')
    stale = cadre.post(f"/api/v1/hazards/{hazard.pk}/transitions/reject", {"reason": "重复上报"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    hazard.refresh_from_db()
    assert hazard.state == State.VERIFIED and hazard.version == 2


def test_another_towns_hazard_is_not_found(api, make_hazard):  # noqa: F811
    theirs = make_hazard(username="worker2")
    cadre = api("cadre")
    assert cadre.get(f"/api/v1/hazards/{theirs.pk}/").status_code == 404
    assert cadre.get(f"/api/v1/hazards/{theirs.pk}/events/").status_code == 404
    refused = cadre.post(f"/api/v1/hazards/{theirs.pk}/transitions/verify", {"severity": 1}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 404 and refused.json()["type"] == "/api/v1/problems/not-found"
    theirs.refresh_from_db()
    assert theirs.state == State.REPORTED


def test_a_read_only_token_cannot_write(api, make_hazard, users, fire):  # noqa: F811
    hazard = make_hazard()
    reader = api("cadre", scopes=["read"])
    assert reader.get(f"/api/v1/hazards/{hazard.pk}/").status_code == 200
    refused = reader.post(f"/api/v1/hazards/{hazard.pk}/transitions/verify", {"severity": 1}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM
    assert api("worker", scopes=["read"]).post("/api/v1/hazards/", report_body(users["worker"], fire)).status_code == 403
    hazard.refresh_from_db()
    assert hazard.version == 1 and Hazard.objects.count() == 1
