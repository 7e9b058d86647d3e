"""/api/v1/patrols/: patrols with their track, start/finish/cancel, and the phone's track upload."""

import uuid

import pytest

from gridcase.lib import clock
from gridcase.patrols import services
from gridcase.patrols.models import Patrol, Status, TrackPoint
from tests.patrols.conftest import walk

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


def grid_of(user):
    return user.grids.order_by("code").first()


def start_of(grid) -> tuple[float, float]:
    point = grid.geom.point_on_surface
    return point.x, point.y


@pytest.fixture
def patrol(users):
    """An ad hoc patrol the worker started just now in their first grid."""
    return services.patrol_create(actor=users["worker"], grid=grid_of(users["worker"]))


def test_a_worker_starts_a_patrol_and_a_retry_returns_the_same_one(api, users):
    grid = grid_of(users["worker"])
    body = {"client_id": str(uuid.uuid4()), "grid": grid.code, "type": "night"}
    first = api("worker").post("/api/v1/patrols/", body)
    assert first.status_code == 201, first.json()
    patrol = first.json()
    assert patrol["properties"]["status"] == "ongoing" and patrol["geometry"] is None
    assert patrol["properties"]["workers"] == [str(users["worker"])]
    assert first["Location"] == f"/api/v1/patrols/{patrol['id']}/"
    again = api("worker").post("/api/v1/patrols/", body)
    assert again.status_code == 200 and again.json()["id"] == patrol["id"]
    assert Patrol.objects.count() == 1


def test_a_grid_of_another_town_is_refused(api, users):
    response = api("worker").post("/api/v1/patrols/", {"grid": grid_of(users["worker2"]).code})
    assert response.status_code == 400 and "grid" in response.json()["errors"]
    assert Patrol.objects.count() == 0


def test_the_track_upload_counts_what_it_stored_and_a_repeat_is_duplicates(api, patrol):
    worker = api("worker")
    fixes = walk(start_of(patrol.grid), clock.now(), n=5)
    path = f"/api/v1/patrols/{patrol.pk}/track/"

    first = worker.post(path, {"points": fixes + [{"t": "昨天", "lon": 118.3, "lat": 33.9}]})
    assert first.status_code == 200, first.json()
    assert {k: first.json()[k] for k in ("received", "stored", "duplicates", "dropped", "invalid", "kept_total")} == {
        "received": 6, "stored": 5, "duplicates": 0, "dropped": 0, "invalid": 1, "kept_total": 5}
    again = worker.post(path, {"points": fixes})
    assert {k: again.json()[k] for k in ("stored", "duplicates")} == {"stored": 0, "duplicates": 5}
    assert TrackPoint.objects.filter(patrol=patrol).count() == 5

    assert worker.post(path, {"points": "not a list"}).status_code == 400


def test_the_detail_is_the_track_line_and_its_tag_follows_the_uploads(api, patrol):
    cadre, worker = api("cadre"), api("worker")
    before = cadre.get(f"/api/v1/patrols/{patrol.pk}/")
    assert before["ETag"] == '"1.0.0"' and before.json()["geometry"] is None
    worker.post(f"/api/v1/patrols/{patrol.pk}/track/", {"points": walk(start_of(patrol.grid), clock.now(), n=5)})
    after = cadre.get(f"/api/v1/patrols/{patrol.pk}/", HTTP_IF_NONE_MATCH=before["ETag"])
    assert after.status_code == 200 and after["ETag"] == '"1.5.0"'
    assert after.json()["geometry"]["type"] == "LineString" and len(after.json()["geometry"]["coordinates"]) == 5
    # Walking 1.4 m/s for 4 × 10 s: 56 m.
    assert round(after.json()["properties"]["distance_m"]) == 56
    assert cadre.get(f"/api/v1/patrols/{patrol.pk}/", HTTP_IF_NONE_MATCH='"1.5.0"').status_code == 304

    listed = cadre.get("/api/v1/patrols/?status=ongoing").json()
    assert [f["id"] for f in listed["features"]] == [patrol.pk]
    assert listed["features"][0]["geometry"]["type"] == "LineString"
    assert cadre.get("/api/v1/patrols/?status=finished").json()["features"] == []
    assert cadre.get("/api/v1/patrols/?zoom=40").status_code == 400
    assert cadre.get(f"/api/v1/patrols/{patrol.pk}/check-ins/").json() == []


def test_finish_needs_the_version_and_a_stale_cancel_changes_nothing(api, patrol):
    worker = api("worker")
    path = f"/api/v1/patrols/{patrol.pk}/transitions/"
    assert worker.post(path + "finish", {}).status_code == 428
    finished = worker.post(path + "finish", {}, HTTP_IF_MATCH='"1.0.0"')
    assert finished.status_code == 200 and finished.json()["properties"]["status"] == "finished"
    assert finished["ETag"] == '"2.0.0"'

    stale = worker.post(path + "cancel", {"reason": "下雨"}, HTTP_IF_MATCH='"1"')
    assert stale.status_code == 412 and stale.json()["current_version"] == 2
    wrong = worker.post(path + "start", {}, HTTP_IF_MATCH='"2"')
    assert wrong.status_code == 409 and wrong.json()["allowed_actions"] == []
    patrol.refresh_from_db()
    assert patrol.status == Status.FINISHED and patrol.version == 2
    assert [e.kind for e in patrol.events.all()] == ["patrol.started", "patrol.finished"]


def test_another_towns_patrol_is_not_found(api, patrol):
    other = api("worker2")
    assert other.get(f"/api/v1/patrols/{patrol.pk}/").status_code == 404
    assert other.get(f"/api/v1/patrols/{patrol.pk}/check-ins/").status_code == 404
    upload = other.post(f"/api/v1/patrols/{patrol.pk}/track/", {"points": walk(start_of(patrol.grid), clock.now(), n=2)})
    assert upload.status_code == 404
    assert other.post(f"/api/v1/patrols/{patrol.pk}/transitions/finish", {}, HTTP_IF_MATCH='"1"').status_code == 404
    assert api("cadre2").get("/api/v1/patrols/").json()["features"] == []
    assert TrackPoint.objects.count() == 0


def test_a_read_only_token_cannot_upload_or_finish(api, patrol):
    reader = api("worker", scopes=["read"])
    assert reader.get(f"/api/v1/patrols/{patrol.pk}/").status_code == 200
    fixes = walk(start_of(patrol.grid), clock.now(), n=2)
    assert reader.post(f"/api/v1/patrols/{patrol.pk}/track/", {"points": fixes}).status_code == 403
    assert reader.post(f"/api/v1/patrols/{patrol.pk}/transitions/finish", {}, HTTP_IF_MATCH='"1"').status_code == 403
    patrol.refresh_from_db()
    assert patrol.status == Status.ONGOING and TrackPoint.objects.count() == 0


def test_an_idempotency_key_replays_the_upload_answer(api, patrol):
    worker = api("worker")
    body = {"points": walk(start_of(patrol.grid), clock.now(), n=3)}
    first = worker.post(f"/api/v1/patrols/{patrol.pk}/track/", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    again = worker.post(f"/api/v1/patrols/{patrol.pk}/track/", body, HTTP_IDEMPOTENCY_KEY="batch-1")
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert again.json()["stored"] == 3


def test_every_zoom_simplifies_a_track_without_a_server_error(api, patrol):
    # Found by an outside probe: once a patrol had a track, every ?zoom= answered 500 (the simplified
    # line came back multi, which a line column cannot hold).
    api("worker").post(f"/api/v1/patrols/{patrol.pk}/track/", {"points": walk(start_of(patrol.grid), clock.now(), n=8)})
    cadre = api("cadre")
    for zoom in range(21):
        response = cadre.get(f"/api/v1/patrols/?zoom={zoom}")
        assert response.status_code == 200, (zoom, response.content[:200])
        assert response.json()["features"][0]["geometry"]["type"] == "LineString"
