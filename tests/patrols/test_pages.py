"""The pages and the JSON API: what each user sees, and what another town's users cannot."""

import json
from datetime import timedelta

import pytest

from gridcase.lib import clock
from gridcase.patrols import services
from gridcase.patrols.models import Patrol, Status, TrackPoint

from .conftest import grid_start, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def patrol(start_patrol, now):
    patrol = start_patrol(minutes_ago=5)
    services.track_ingest(patrol=patrol, actor=patrol.workers.first(),
                          points=walk(grid_start(patrol), patrol.started_at + timedelta(seconds=30), n=20))
    return patrol


def post_points(client, patrol, points):
    return client.post(f"/patrols/api/{patrol.pk}/points/", json.dumps({"points": points}),
                       content_type="application/json")


@pytest.mark.parametrize("outsider", ["worker2", "leader2", "cadre2", "mediator2"])
def test_another_towns_users_get_404_for_every_page_and_api(login, patrol, outsider, now):
    client = login(outsider)
    for url in (f"/patrols/{patrol.pk}/", f"/patrols/{patrol.pk}/record/", f"/patrols/api/{patrol.pk}/track/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/patrols/{patrol.pk}/finish/", {"version": patrol.version}).status_code == 404
    assert post_points(client, patrol, walk(grid_start(patrol), now - timedelta(minutes=1), n=2)).status_code == 404
    html = client.get("/patrols/").content.decode()
    assert f"/patrols/{patrol.pk}/" not in html
    tracks = client.get("/patrols/api/tracks/", {"day": now.date().isoformat()}).json()
    assert tracks["features"] == []
    patrol.refresh_from_db()
    assert patrol.status == Status.ONGOING and patrol.points_kept == 20


def test_a_worker_sees_only_the_patrols_of_their_grids(login, patrol, users, now):
    other_grid = users["cadre"].area.children.exclude(pk__in=users["worker"].grids.all()).first()
    colleague = users["worker"].__class__.objects.create(username="同村网格员", role="grid_worker",
                                                         area=users["cadre"].area)
    colleague.grids.set([other_grid])
    with clock.travel(now):
        theirs = services.patrol_create(actor=users["cadre"], grid=other_grid, workers=[colleague])
        with pytest.raises(services.PatrolError, match="不负责"):
            services.patrol_create(actor=users["cadre"], grid=other_grid, workers=[users["worker"]])
    client = login("worker")

    assert client.get(f"/patrols/{theirs.pk}/").status_code == 404
    assert client.get(f"/patrols/{patrol.pk}/").status_code == 200
    assert f"/patrols/{theirs.pk}/" not in client.get("/patrols/").content.decode()
    assert f"/patrols/{theirs.pk}/" in login("cadre").get("/patrols/").content.decode()


def test_the_phone_uploads_a_batch_twice_and_it_is_stored_once(login, patrol, now):
    client = login("worker")
    points = walk(grid_start(patrol), now - timedelta(seconds=60), n=5)
    for p in points:
        p["t"] = int(clock.now().timestamp() * 1000) - 60_000 + 10_000 * points.index(p)  # epoch ms, as phones send

    first = post_points(client, patrol, points).json()
    again = post_points(client, patrol, points).json()

    assert (first["stored"], first["duplicates"]) == (5, 0)
    assert (again["stored"], again["duplicates"], again["dropped"]) == (0, 5, 0)
    assert TrackPoint.objects.filter(patrol=patrol).count() == 25


def test_bad_upload_bodies_get_a_chinese_reason_and_store_nothing(login, patrol):
    client = login("worker")
    response = client.post(f"/patrols/api/{patrol.pk}/points/", "[1, 2]", content_type="application/json")
    assert response.status_code == 400 and "points" in response.json()["detail"]
    assert post_points(client, patrol, [{"t": "x"}]).json()["errors"][0]["error"].startswith("时间")
    assert login("cadre").post(f"/patrols/api/{patrol.pk}/points/", json.dumps({"points": []}),
                               content_type="application/json").status_code == 403
    assert TrackPoint.objects.filter(patrol=patrol).count() == 20


def test_the_detail_page_shows_the_track_and_its_figures(login, patrol):
    html = login("leader").get(f"/patrols/{patrol.pk}/").content.decode()
    assert "patrol-map" in html and "有效 20 个，剔除 0 个" in html
    data = login("leader").get(f"/patrols/api/{patrol.pk}/track/").json()
    assert data["track"]["type"] == "LineString" and len(data["track"]["coordinates"]) == 20


def test_a_worker_starts_records_and_finishes_a_patrol(login, users, now):
    client = login("worker")
    grid = users["worker"].grids.order_by("code").first()
    form = client.get("/patrols/new/").content.decode()
    assert grid.name in form

    response = client.post("/patrols/new/", {"grid": grid.pk, "type": "night",
                                             "client_id": "7a0b1f0e-58a5-4ad4-9b2c-0d5e3f2a9c11"})
    patrol = Patrol.objects.get(client_id="7a0b1f0e-58a5-4ad4-9b2c-0d5e3f2a9c11")
    assert response.url == f"/patrols/{patrol.pk}/record/"
    assert "js/patrols.js" in client.get(response.url).content.decode()
    # The same form sent twice (a double tap) is one patrol.
    client.post("/patrols/new/", {"grid": grid.pk, "type": "night", "client_id": "7a0b1f0e-58a5-4ad4-9b2c-0d5e3f2a9c11"})
    assert Patrol.objects.filter(workers=users["worker"]).count() == 1

    client.post(f"/patrols/{patrol.pk}/finish/", {"version": patrol.version})
    patrol.refresh_from_db()
    assert patrol.status == Status.FINISHED
    assert list(patrol.events.values_list("kind", flat=True)) == ["patrol.started", "patrol.finished"]


def test_a_stale_finish_is_refused(login, patrol):
    client = login("worker")
    response = client.post(f"/patrols/{patrol.pk}/finish/", {"version": patrol.version + 1}, follow=True)
    assert "已被他人修改" in response.content.decode()
    patrol.refresh_from_db()
    assert patrol.status == Status.ONGOING


def test_a_planned_patrol_is_started_later(login, users, now):
    client = login("cadre")
    grid = users["worker"].grids.first()
    client.post("/patrols/new/", {"grid": grid.pk, "type": "routine", "workers": [users["worker"].pk],
                                  "planned_start": "2026-03-12T09:00", "planned_end": "2026-03-12T11:00",
                                  "client_id": "0c3c9c5e-4d0a-4a84-a1a0-5a3c1f2b9d01"})
    patrol = Patrol.objects.get(client_id="0c3c9c5e-4d0a-4a84-a1a0-5a3c1f2b9d01")
    assert patrol.status == Status.PLANNED and patrol.planned

    login("worker").post(f"/patrols/{patrol.pk}/start/", {"version": patrol.version})
    patrol.refresh_from_db()
    assert patrol.status == Status.ONGOING and patrol.started_at == now


def test_a_case_logged_on_a_patrol_is_listed_as_its_finding(login, patrol, make_case, users):
    case = make_case(patrol=patrol)
    other = make_case(title="另一起")
    html = login("leader").get(f"/patrols/{patrol.pk}/").content.decode()
    assert case.number in html and other.number not in html
    assert login("worker").get(f"/cases/new/?patrol={patrol.pk}").status_code == 200


def test_a_case_cannot_name_a_patrol_of_another_town(make_case, users, now):
    grid = users["worker2"].grids.first()
    with clock.travel(now):
        theirs = services.patrol_create(actor=users["worker2"], grid=grid)
    from gridcase.cases.services import CaseError

    with pytest.raises(CaseError, match="巡逻不在您的辖区内"):
        make_case(patrol=theirs)


def test_leaders_see_the_measures_with_their_definitions(login, patrol):
    html = login("leader").get("/patrols/measures/").content.decode()
    for words in ("重点地区达标", "夜间巡逻占比", "网格覆盖率", "50 米以内的面积占比", "5 公里以内 10 分钟"):
        assert words in html
    assert login("worker").get("/patrols/measures/").status_code == 403


def test_the_dispatch_page_lists_candidates_and_sends_one(login, patrol, users, now):
    client = login("leader")
    start = grid_start(patrol)
    html = client.get("/patrols/dispatch/", {"lon": start[0], "lat": start[1], "note": "争吵"}).content.decode()
    assert str(users["worker"]) in html and "派遣（最近）" in html

    response = client.post("/patrols/dispatch/", {"lon": start[0], "lat": start[1], "note": "争吵",
                                                  "worker": users["worker"].pk,
                                                  "client_id": "5f0e0a52-1c55-4ad4-8e62-3f6f2a0c9b77"})
    assert response.status_code == 302
    assert login("worker").get(response.url).status_code == 200  # the worker opens it from the notification
    assert login("leader2").get(response.url).status_code == 404
    assert login("worker").get("/patrols/dispatch/").status_code == 403


def test_map_layers_give_tracks_by_type_and_key_areas_by_compliance(login, patrol, now):
    client = login("leader")
    tracks = client.get("/patrols/api/tracks/", {"week": now.date().isoformat(), "zoom": 14}).json()
    assert [f["id"] for f in tracks["features"]] == [patrol.pk]
    assert tracks["features"][0]["properties"]["type_label"] == "日常巡查"
    areas = client.get("/patrols/api/key-areas/").json()
    assert areas["features"] and {"met", "colour", "patrols", "required"} <= set(areas["features"][0]["properties"])
    assert client.get("/patrols/api/tracks/", {"day": "2026-13-01"}).status_code == 400
