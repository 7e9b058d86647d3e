"""/api/v1/cases/: the same jurisdiction, services and refusals as the pages, in JSON."""

import uuid

import pytest

from geodata.models import Area
from tests.conftest import GENGCHE, point_in

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def new_case_body(worker, **fields) -> dict:
    point = point_in(worker.grids.order_by("code").first())
    return {"client_id": str(uuid.uuid4()), "title": "两户因院墙滴水起争执", "category": "02", "lon": point.x,
            "lat": point.y, "people_involved": 2, **fields}


def test_a_worker_logs_a_case_and_a_retry_returns_the_same_one(api, users):
    worker = api("worker")
    body = new_case_body(users["worker"], parties=[{"name": "李桂兰", "phone": "13812345678"}])

    first = worker.post("/api/v1/cases/", body)
    assert first.status_code == 201, first.json()
    case = first.json()
    assert first["Location"] == f"/api/v1/cases/{case['id']}/" and first["ETag"] == '"1"'
    assert case["type"] == "Feature" and case["geometry"]["type"] == "Point"
    assert case["properties"]["parties"] == [{"role": "applicant", "name": "李桂兰", "id_number_masked": "",
                                              "phone_masked": "138****5678"}]

    again = worker.post("/api/v1/cases/", body)
    assert again.status_code == 200 and again.json()["id"] == case["id"]


def test_a_point_outside_the_jurisdiction_is_refused_with_the_grid_named(api, users):
    other_grid = Area.objects.filter(level="grid", code__startswith=GENGCHE).first()
    point = point_in(other_grid)
    response = api("worker").post("/api/v1/cases/", new_case_body(users["worker"], lon=point.x, lat=point.y))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/api/v1/problems/outside-jurisdiction" and other_grid.name in problem["detail"]


def test_invalid_input_is_a_problem_listing_the_fields(api, users):
    response = api("worker").post("/api/v1/cases/", {"title": "", "category": "nope", "lon": 500})
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert {"title", "category", "lon", "lat"} <= set(response.json()["errors"])


def test_lists_and_details_stay_in_the_jurisdiction(api, make_case):
    mine = make_case()
    theirs = make_case(username="worker2")

    listed = api("cadre").get("/api/v1/cases/").json()
    assert listed["type"] == "FeatureCollection"
    assert [f["id"] for f in listed["features"]] == [mine.pk]
    assert api("cadre").get(f"/api/v1/cases/{theirs.pk}/").status_code == 404
    assert api("cadre").get(f"/api/v1/cases/{theirs.pk}/events/").status_code == 404
    refused = api("cadre").post(f"/api/v1/cases/{theirs.pk}/transitions/accept", {}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 404 and refused.json()["type"] == "/api/v1/problems/not-found"


def test_bbox_and_time_filters(api, make_case):
    case = make_case()
    x, y = case.location.x, case.location.y
    inside = f"{x - 0.001},{y - 0.001},{x + 0.001},{y + 0.001}"
    elsewhere = f"{x + 0.1},{y + 0.1},{x + 0.2},{y + 0.2}"
    cadre = api("cadre")
    assert [f["id"] for f in cadre.get(f"/api/v1/cases/?bbox={inside}").json()["features"]] == [case.pk]
    assert cadre.get(f"/api/v1/cases/?bbox={elsewhere}").json()["features"] == []
    assert cadre.get("/api/v1/cases/?registered_after=2099-01-01T00:00:00%2B08:00").json()["features"] == []
    assert cadre.get("/api/v1/cases/?registered_after=yesterday").status_code == 400


def test_reads_carry_an_etag_and_an_unchanged_case_is_not_sent_again(api, make_case):
    case = make_case()
    cadre = api("cadre")
    first = cadre.get(f"/api/v1/cases/{case.pk}/")
    assert first["ETag"] == '"1"'
    assert cadre.get(f"/api/v1/cases/{case.pk}/", HTTP_IF_NONE_MATCH='"1"').status_code == 304


def test_a_transition_needs_the_version_and_a_stale_one_changes_nothing(api, make_case):
    case = make_case()
    cadre = api("cadre")
    path = f"/api/v1/cases/{case.pk}/transitions/accept"

    assert cadre.post(path, {"note": "受理"}).status_code == 428
    accepted = cadre.post(path, {"note": "受理"}, HTTP_IF_MATCH='"1"')
    assert accepted.status_code == 200 and accepted.json()["properties"]["state"] == "accepted"
    assert accepted["ETag"] == '"2"'

    stale = cadre.patch(f"/api/v1/cases/{case.pk}/", {"title": "改过的标题"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    case.refresh_from_db()
    assert case.title != "改过的标题" and case.version == 2

    again = cadre.post(path, {"note": "再受理一次"}, HTTP_IF_MATCH='"2"')
    assert again.status_code == 409 and again.json()["type"] == "/api/v1/problems/state-conflict"
    assert cadre.post(f"/api/v1/cases/{case.pk}/transitions/fly", {}, HTTP_IF_MATCH='"2"').status_code == 404

    events = cadre.get(f"/api/v1/cases/{case.pk}/events/").json()["results"]
    assert [e["kind"] for e in events] == ["case.registered", "case.accepted"]


def test_a_read_only_token_cannot_write_and_a_revoked_one_cannot_read(api, make_case, token_for, client):
    case = make_case()
    reader = api("cadre", scopes=["read"])
    assert reader.get(f"/api/v1/cases/{case.pk}/").status_code == 200
    refused = reader.post(f"/api/v1/cases/{case.pk}/transitions/accept", {}, HTTP_IF_MATCH='"1"')
    assert refused.status_code == 403 and refused["Content-Type"] == PROBLEM

    from gridcase.api.models import ApiToken
    from gridcase.lib import clock

    ApiToken.objects.update(revoked_at=clock.now())
    gone = reader.get(f"/api/v1/cases/{case.pk}/")
    assert gone.status_code == 401 and gone["WWW-Authenticate"] == "Bearer"
    assert client.get("/api/v1/cases/", HTTP_AUTHORIZATION="Bearer gc_made-up").status_code == 401


def test_tokens_are_stored_as_hashes(token_for):
    from gridcase.api.models import ApiToken

    key = token_for("cadre")
    stored = ApiToken.objects.get()
    assert key not in (stored.key_hash, stored.prefix) and key.startswith(stored.prefix)


def test_problems_speak_english_when_asked(api):
    response = api("cadre").get("/api/v1/cases/999999/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and response.json()["title"] == "Resource not found"


def test_if_match_star_writes_over_any_version_and_a_list_matches_any_of_its_tags(api, make_case):
    case = make_case()
    cadre = api("cadre")
    assert cadre.patch(f"/api/v1/cases/{case.pk}/", {"title": "院墙滴水（一）"}, HTTP_IF_MATCH="*").status_code == 200
    listed = cadre.patch(f"/api/v1/cases/{case.pk}/", {"title": "院墙滴水（二）"}, HTTP_IF_MATCH='"1", "2"')
    assert listed.status_code == 200 and listed["ETag"] == '"3"'
    assert cadre.patch(f"/api/v1/cases/{case.pk}/", {"title": "x"}, HTTP_IF_MATCH='"1", "2"').status_code == 412
