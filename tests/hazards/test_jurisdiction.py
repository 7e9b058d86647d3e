"""A user of another village or town cannot read or change anything of a hazard: 404 everywhere."""

import re

import pytest

from gridcase.hazards import services
from gridcase.hazards.models import State
from gridcase.lib import clock
from tests.hazards.conftest import at, photo

pytestmark = pytest.mark.django_db

BBOX = "118.0,33.5,118.6,34.2"  # the whole demo county


def listed(client, **params) -> set[str]:
    html = client.get("/hazards/", params).content.decode()
    return set(re.findall(r'<td><a href="/hazards/\d+/">([^<]+)</a></td>', html))


def on_map(client) -> set[int]:
    return {f["properties"]["id"] for f in client.get("/hazards/api/points/", {"bbox": BBOX}).json()["features"]}


@pytest.fixture
def guhe_hazard(make_hazard):
    return make_hazard(photos=[photo()])  # 古河村, 屠园镇


@pytest.mark.parametrize("outsider", ["cadre2", "worker2", "leader2", "mediator2"])
def test_an_outsider_cannot_see_or_touch_the_hazard(login, guhe_hazard, outsider):
    client = login(outsider)
    pk = guhe_hazard.pk
    photo_id = guhe_hazard.photos.get().pk

    assert guhe_hazard.number not in listed(client) and pk not in on_map(client)
    assert guhe_hazard.number not in listed(client, q=guhe_hazard.number)
    for url in (f"/hazards/{pk}/", f"/hazards/{pk}/verify/", f"/hazards/{pk}/photo/", f"/hazards/{pk}/plan/",
                f"/hazards/{pk}/photos/{photo_id}/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/hazards/{pk}/verify/", {"version": 1, "severity": 1}).status_code == 404
    guhe_hazard.refresh_from_db()
    assert (guhe_hazard.state, guhe_hazard.version) == (State.REPORTED, 1)


@pytest.mark.parametrize("insider", ["worker", "cadre", "leader", "admin"])
def test_the_grid_village_town_and_county_see_it(login, guhe_hazard, insider):
    client = login(insider)
    assert guhe_hazard.number in listed(client) and guhe_hazard.pk in on_map(client)
    assert client.get(f"/hazards/{guhe_hazard.pk}/").status_code == 200


def test_a_grid_worker_sees_the_hazards_of_their_grids_only(login, make_hazard, users, fire):
    mine = make_hazard()
    other_grid = users["cadre"].area.children.exclude(pk__in=users["worker"].grids.all()).order_by("code").first()
    theirs = services.hazard_report(actor=users["cadre"], title="本村其他网格的隐患", category=fire,
                                    location=other_grid.geom.point_on_surface)
    client = login("worker")

    assert mine.number in listed(client) and theirs.number not in listed(client)
    assert client.get(f"/hazards/{theirs.pk}/").status_code == 404
    assert on_map(client) == {mine.pk}


def test_another_town_cannot_decide_an_extension(rectifying, users):
    hazard = rectifying()
    with clock.travel(at(2026, 11, 3, 9, 0)):
        services.hazard_request_extension(hazard=hazard, actor=users["worker"],
                                          new_deadline=services.end_of_day(at(2026, 11, 30).date()), reason="等材料")
        with pytest.raises(services.NotAllowed):
            services.hazard_decide_extension(hazard=hazard, actor=users["leader2"], approve=True)


def test_the_points_api_wants_a_valid_bbox(login, guhe_hazard):
    client = login("cadre")
    assert client.get("/hazards/api/points/").status_code == 400
    assert client.get("/hazards/api/points/", {"bbox": "1,2,3"}).status_code == 400
    assert client.get("/hazards/api/points/", {"bbox": "0,0,1,1"}).json()["features"] == []


def test_anonymous_users_get_nothing(client, guhe_hazard):
    assert client.get(f"/hazards/{guhe_hazard.pk}/").status_code == 302
    assert client.get("/hazards/api/points/", {"bbox": BBOX}).status_code in (401, 403)
