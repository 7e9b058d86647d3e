"""Who sees which dashboard, heat map and choropleth: own territory, a child, a sibling, an outsider."""

from datetime import date

import pytest

from geodata.models import Area
from tests.conftest import GENGCHE, GUHE, TUYUAN
from tests.dashboards import scenario

pytestmark = pytest.mark.django_db


def _bbox(code):
    return ",".join(str(v) for v in Area.objects.get(code=code).geom.extent)


def _heat(client, code, **extra):
    return client.get("/api/dashboards/heat/", {"bbox": _bbox(code), "zoom": 13, "period": "month",
                                                "start": "2026-10-01", **extra})


@pytest.fixture
def october(make_case):
    return scenario.build(make_case)


def test_a_town_leader_sees_the_heat_of_their_town(october, login):
    body = _heat(login("leader"), TUYUAN).json()
    assert body["total"] == 6  # A–F registered in October
    assert body["size"] == 1000
    assert all(f["geometry"]["type"] == "Polygon" for f in body["features"])


def test_another_towns_leader_gets_nothing_from_that_towns_box(october, login):
    body = _heat(login("leader2"), TUYUAN).json()
    assert body["total"] == 0 and body["features"] == []


def test_the_county_admin_sees_every_town(october, login):
    assert _heat(login("admin"), TUYUAN).json()["total"] == 6


def test_heat_map_checks_its_parameters(login):
    client = login("leader")
    assert client.get("/api/dashboards/heat/", {"zoom": 12}).status_code == 400
    assert client.get("/api/dashboards/heat/", {"bbox": "1,2,3", "zoom": 12}).status_code == 400
    assert _heat(client, TUYUAN, period="decade").status_code == 400


def test_roles_without_a_dashboard_are_refused(login):
    for username in ("worker", "mediator", "adviser"):
        client = login(username)
        assert client.get("/dashboard/").status_code == 403
        assert _heat(client, TUYUAN).status_code == 403


def test_a_leader_opens_own_town_and_its_villages_but_not_another_town(login):
    client = login("leader")
    assert client.get("/dashboard/").status_code == 200
    assert client.get(f"/dashboard/{GUHE}/").status_code == 200
    assert client.get(f"/dashboard/{GENGCHE}/").status_code == 404
    assert client.get(f"/dashboard/{GENGCHE}001/").status_code == 404
    assert client.get(f"/dashboard/{TUYUAN[:6]}/").status_code == 404  # the county above


def test_a_village_cadre_sees_only_their_village(login, users):
    client = login("cadre")
    assert client.get("/dashboard/").context["area"] == users["cadre"].area
    assert client.get(f"/dashboard/{TUYUAN}/").status_code == 404


def test_choropleth_and_hot_spots_stay_in_the_jurisdiction(october, login):
    client = login("leader2")
    assert client.get("/api/dashboards/choropleth/", {"code": TUYUAN}).status_code == 404
    assert client.get("/api/dashboards/hot-spots/", {"code": TUYUAN}).status_code == 404
    body = login("leader").get("/api/dashboards/choropleth/", {"code": TUYUAN, "measure": "volume", "period": "month",
                                                               "start": "2026-10-01"}).json()
    villages = {f["id"]: f["properties"] for f in body["features"]}
    assert villages[GUHE]["num"] == 6
    assert all(code.startswith(TUYUAN) for code in villages)


def test_per_1000_households_divides_by_the_villages_grids(october, login):
    body = login("leader").get("/api/dashboards/choropleth/", {"code": TUYUAN, "measure": "per_1000",
                                                               "period": "month", "start": "2026-10-01"}).json()
    guhe = next(f["properties"] for f in body["features"] if f["id"] == GUHE)
    homes = sum(Area.objects.filter(level="grid", code__startswith=GUHE).values_list("households", flat=True))
    assert guhe["households"] == homes
    assert guhe["value"] == round(1000 * 6 / homes, 2)


def test_hot_spots_find_repeated_disputes_at_one_place(make_case, login):
    for day in (3, 10, 17):
        scenario.register(make_case, scenario.at(10, day), title=f"排水沟 {day}")
    spots = login("leader").get("/api/dashboards/hot-spots/", {"code": TUYUAN, "period": "month",
                                                                "start": "2026-10-01"}).json()["spots"]
    assert [(s["category"], s["count"]) for s in spots] == [("邻里纠纷", 3)]
    assert date.fromisoformat(spots[0]["first"][:10]) == date(2026, 10, 3)


def test_the_choropleth_is_cached_and_a_change_shows_at_once(october, make_case, login):
    from gridcase.dashboards import rollup

    rollup.refresh()
    client = login("leader")
    params = {"code": TUYUAN, "measure": "volume", "period": "month", "start": "2026-10-01"}

    def guhe():
        body = client.get("/api/dashboards/choropleth/", params).json()
        return next(f["properties"]["num"] for f in body["features"] if f["id"] == GUHE)

    assert guhe() == 6
    scenario.register(make_case, scenario.at(10, 25), title="又一件")
    assert guhe() == 7  # the change dirtied October: computed live, not the cached answer
    rollup.refresh_dirty()
    assert guhe() == 7  # from the rebuilt rollup
    assert client.get("/api/dashboards/choropleth/", {**params, "code": GENGCHE}).status_code == 404  # checked first
