"""Whose token reads what: the token user's jurisdiction, for requests and hazards alike — the own
village (cadre), a sibling grid of the same village (a grid worker holds only some), another town."""

import pytest

from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import HazardCategory
from gridcase.lib import clock
from gridcase.requests import services as request_services
from gridcase.requests.models import RequestCategory
from tests.open311.conftest import first_grid


@pytest.fixture
def elsewhere_in_guhe(world):
    """A request and a hazard in a grid of 古河村 that the grid worker does not hold."""
    cadre, worker = world["cadre"], world["worker"]
    grid = cadre.area.children.exclude(pk__in=worker.grids.all()).order_by("code").first()
    point = grid.geom.point_on_surface
    request = request_services.request_register(
        actor=cadre, matter="村西水渠堵塞", category=RequestCategory.objects.get(code="water"), received_on=clock.today(),
        location=point, client_id="3d5e7f90-1a2b-4c3d-8e9f-a0b1c2d3e4f5")
    hazard = hazard_services.hazard_report(actor=cadre, title="危房外墙开裂", location=point,
                                           category=HazardCategory.objects.get(code="04"))
    return request.number, hazard.number


def visible(georeport, key) -> set[str]:
    answer = georeport.get("requests.json", api_key=key)
    assert answer.status == 200
    return {document["service_request_id"] for document in answer.json()}


def test_own_village_reads_its_requests_and_hazards(georeport, key_for, elsewhere_in_guhe):
    key = key_for("cadre", scopes=["read"])
    assert visible(georeport, key) == set(elsewhere_in_guhe)
    for number in elsewhere_in_guhe:
        assert georeport.get(f"requests/{number}.json", api_key=key).status == 200
    assert georeport.get("tokens/3d5e7f90-1a2b-4c3d-8e9f-a0b1c2d3e4f5.json", api_key=key).status == 200
    # The town above sees them too, and the county.
    assert visible(georeport, key_for("leader")) == visible(georeport, key_for("admin2")) == set(elsewhere_in_guhe)


@pytest.mark.parametrize("username", ["worker", "leader2", "cadre2", "worker2"])
def test_a_sibling_grid_or_another_town_reads_nothing_of_them(georeport, key_for, elsewhere_in_guhe, username):
    key = key_for(username)
    assert visible(georeport, key) == set()
    assert georeport.get("requests.json", api_key=key, service_request_id=",".join(elsewhere_in_guhe)).json() == []
    for number in elsewhere_in_guhe:
        for fmt in ("json", "xml"):
            answer = georeport.get(f"requests/{number}.{fmt}", api_key=key)
            assert answer.status == 404
            assert f"没有这个 service_request_id：{number}" in answer.text
    assert georeport.get("tokens/3d5e7f90-1a2b-4c3d-8e9f-a0b1c2d3e4f5.json", api_key=key).status == 404


def test_another_towns_token_cannot_write_into_this_town(georeport, key_for, world):
    point = first_grid(world["worker"]).geom.point_on_surface
    answer = georeport.post("requests.json", {"api_key": key_for("leader2"), "service_code": "hazard-01",
                                              "lat": f"{point.y:.7f}", "long": f"{point.x:.7f}", "description": "消防通道堵塞"})
    assert answer.status == 400
    assert answer.json()[0]["description"].startswith("该位置不在您的辖区内：它属于 屠园镇古河村")


def test_a_bad_api_key_is_a_403_in_either_format(georeport, key_for):
    for params in ({}, {"api_key": "gc_not-a-key"}, {"api_key": "something"}):
        answer = georeport.get("requests.json", **params)
        assert answer.status == 403
        assert answer.json()[0]["code"] == 403
        error = georeport.get("requests.xml", **params).xml().find("error")
        assert error.findtext("code") == "403"
    # A write-only token cannot read; a bearer header works as well as the parameter.
    assert georeport.get("requests.json", api_key=key_for("cadre", scopes=["write"])).status == 403
    bearer = {"Authorization": f"Bearer {key_for('cadre', scopes=['read'])}"}
    assert georeport.get("requests.json", headers=bearer).status == 200
