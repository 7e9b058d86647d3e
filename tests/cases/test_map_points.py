"""Case points for the map: by bounding box and zoom, clustered in PostGIS when there are many."""

import pytest
from django.contrib.gis.geos import Point

from gridcase.cases import selectors
from gridcase.cases.models import Case
from gridcase.cases.selectors import DETAIL_ZOOM
from tests.conftest import GUHE

pytestmark = pytest.mark.django_db
COUNTY_BBOX = "118.0,33.5,118.7,34.1"


@pytest.fixture
def many(make_case, users, settings):
    """30 open cases spread over the worker's two grids."""
    grids = list(users["worker"].grids.order_by("code"))
    for i in range(30):
        grid = grids[i % 2]
        west, south, east, north = grid.geom.extent
        for step in range(1, 50):  # a point inside the grid, varied along its width
            point = Point(west + (east - west) * ((i * 7 + step) % 50) / 50, (south + north) / 2, srid=4326)
            if grid.geom.covers(point):
                break
        else:
            point = grid.geom.point_on_surface
        make_case(location=point, title=f"纠纷{i}")


def get(client, **params):
    response = client.get("/api/cases/points/", params)
    return response.status_code, response.json()


def test_at_low_zoom_the_map_gets_counts_not_points(login, many, monkeypatch):
    monkeypatch.setattr(selectors, "POINT_CAP", 10)
    status, body = get(login("leader"), bbox=COUNTY_BBOX, zoom=9)

    assert status == 200 and body["clustered"] is True and body["total"] == 30
    assert sum(f["properties"]["count"] for f in body["features"]) == 30
    assert len(body["features"]) < 30


def test_close_in_the_map_gets_each_case_with_its_link_data(login, many):
    status, body = get(login("leader"), bbox=COUNTY_BBOX, zoom=DETAIL_ZOOM)

    assert status == 200 and body["clustered"] is False and len(body["features"]) == 30
    props = body["features"][0]["properties"]
    assert set(props) == {"id", "number", "title", "state", "overdue"} and props["number"].startswith("321302112-")


def test_the_box_and_the_jurisdiction_both_limit_what_comes_back(login, many, make_case):
    elsewhere = make_case(username="worker2")

    assert get(login("leader2"), bbox=COUNTY_BBOX, zoom=16)[1]["total"] == 1
    assert get(login("leader"), bbox=COUNTY_BBOX, zoom=16)[1]["total"] == 30
    far_away = "100.0,20.0,100.1,20.1"
    assert get(login("leader"), bbox=far_away, zoom=16)[1]["total"] == 0
    assert elsewhere.pk not in {f["properties"]["id"] for f in get(login("admin"), bbox=far_away, zoom=16)[1]["features"]}


def test_closed_cases_are_left_out_unless_asked_for(login, many, users):
    from gridcase.cases import services

    case = Case.objects.get(title="纠纷0")
    services.case_decline(case=case, actor=users["cadre"], reason="不属于调解范围")
    client = login("leader")

    assert get(client, bbox=COUNTY_BBOX, zoom=16)[1]["total"] == 29
    assert get(client, bbox=COUNTY_BBOX, zoom=16, all=1)[1]["total"] == 30


@pytest.mark.parametrize("params", [{"bbox": "1,2,3", "zoom": 10}, {"bbox": "118,34,117,33", "zoom": 10},
                                    {"bbox": COUNTY_BBOX, "zoom": 99}, {"bbox": COUNTY_BBOX}, {"zoom": 3}])
def test_a_malformed_map_request_is_a_clear_400(login, params):
    status, body = get(login("leader"), **params)
    assert status == 400 and body["detail"]


def test_grid_outlines_are_simplified_for_the_zoom_and_cut_to_the_box(login):
    client = login("admin")

    def vertices(**params):
        features = client.get("/api/geodata/areas/", {"level": "county", **params}).json()["features"]
        return sum(len(ring) for polygon in features[0]["geometry"]["coordinates"] for ring in polygon)

    assert vertices(zoom=8) < vertices(zoom=14) <= vertices()
    guhe_box = client.get(f"/api/geodata/areas/{GUHE}/").json()["geometry"]["coordinates"][0][0]
    lons, lats = [p[0] for p in guhe_box], [p[1] for p in guhe_box]
    in_box = client.get("/api/geodata/areas/", {"level": "village", "bbox": f"{min(lons)},{min(lats)},{max(lons)},{max(lats)}"})
    codes = {f["id"] for f in in_box.json()["features"]}
    assert GUHE in codes and 1 < len(codes) < 20
