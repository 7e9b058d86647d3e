import random

import pytest
from django.contrib.gis.geos import Point

from geodata.models import Area, Level
from geodata.selectors import LocationError, grid_codes_for_points, locate, locate_for_user, point_from_lonlat
from tests.conftest import GENGCHE, GUHE, TUYUAN

pytestmark = pytest.mark.django_db

IN_THE_YELLOW_SEA = (122.5, 33.5)


def inside(code: str) -> Point:
    return Area.objects.get(code=code).geom.point_on_surface


def test_a_point_is_placed_in_its_grid_village_town_and_county():
    grid = Area.objects.filter(parent__code=GUHE).order_by("code").last()

    location = locate(point=inside(grid.code))

    assert location.grid == grid
    assert (location.village.code, location.town.code, location.county.code) == (GUHE, TUYUAN, "321302")


def test_a_point_in_the_sea_is_outside_every_grid():
    with pytest.raises(LocationError, match="不在任何网格内"):
        locate(point=Point(*IN_THE_YELLOW_SEA, srid=4326))


def test_a_point_outside_my_grids_says_which_grid_it_falls_in(users):
    elsewhere = Area.objects.filter(level=Level.GRID, code__startswith=GENGCHE).first()

    with pytest.raises(LocationError) as error:
        locate_for_user(user=users["worker"], point=inside(elsewhere.code))

    assert "不在您的辖区内" in str(error.value) and elsewhere.code in str(error.value)
    assert locate_for_user(user=users["leader2"], point=inside(elsewhere.code)).grid == elsewhere


@pytest.mark.parametrize(("lon", "lat"), [("a", "1"), (None, None), ("nan", "33"), ("200", "33"), ("118", "-91")])
def test_nonsense_coordinates_are_refused(lon, lat):
    with pytest.raises(LocationError):
        point_from_lonlat(lon, lat)


def test_the_set_based_lookup_agrees_with_one_at_a_time():
    rng = random.Random(7)
    west, south, east, north = Area.objects.get(code="321302").geom.extent
    points = [(rng.uniform(west, east), rng.uniform(south, north)) for _ in range(300)] + [IN_THE_YELLOW_SEA]

    codes = grid_codes_for_points(points)

    one_by_one = []
    for lon, lat in points:
        try:
            one_by_one.append(locate(point=Point(lon, lat, srid=4326)).grid.code)
        except LocationError:
            one_by_one.append(None)
    assert codes == one_by_one
    assert codes[-1] is None and sum(c is not None for c in codes) > 50  # both hits and misses


def test_the_locate_api_answers_inside_and_explains_outside(login):
    client = login("worker")
    mine = inside(f"{GUHE}001")

    ok = client.get("/api/geodata/locate/", {"lon": mine.x, "lat": mine.y})
    sea = client.get("/api/geodata/locate/", {"lon": IN_THE_YELLOW_SEA[0], "lat": IN_THE_YELLOW_SEA[1]})
    junk = client.get("/api/geodata/locate/", {"lon": "east", "lat": "33"})

    assert ok.status_code == 200 and ok.json()["grid"]["code"] == f"{GUHE}001"
    assert ok.json()["village"] == {"code": GUHE, "name": "古河村"}
    assert sea.status_code == 400 and sea.json()["detail"] == "该位置不在任何网格内"
    assert junk.status_code == 400 and "数字" in junk.json()["detail"]
