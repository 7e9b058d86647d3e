import random

import pytest
import shapely
from django.db.models import Count

from geodata.demo import divisions, short_village_name, subdivide
from geodata.importer.core import significant_m2
from geodata.models import Area, KeyArea, Level
from geodata.shapes import to_shapely
from gridcase.accounts.models import Role, User
from tests.conftest import GUHE

pytestmark = pytest.mark.django_db


def test_the_demo_county_has_the_real_towns_and_villages():
    towns, villages = divisions()

    assert Area.objects.filter(level=Level.TOWN).count() == len(towns) == 18
    assert Area.objects.filter(level=Level.VILLAGE).count() == sum(map(len, villages.values())) == 208
    assert Area.objects.get(code="321302112").name == "屠园镇"
    assert Area.objects.get(code=GUHE).name == "古河村"


def test_every_village_has_between_four_and_twelve_grids_with_households():
    counts = Area.objects.filter(level=Level.VILLAGE).annotate(n=Count("children")).values_list("n", flat=True)

    assert min(counts) >= 4 and max(counts) <= 12
    assert not Area.objects.filter(level=Level.GRID, households__isnull=True).exists()


def test_the_grids_tile_the_county_without_gaps():
    county = to_shapely(Area.objects.get(code="321302").geom)
    grids = shapely.union_all([to_shapely(a.geom) for a in Area.objects.filter(level=Level.GRID)])

    assert significant_m2(county.symmetric_difference(grids), 1.0) == 0


def test_the_demo_has_key_areas_and_twelve_users():
    assert KeyArea.objects.count() == 36
    roles = dict(User.objects.filter(username__in=["admin", "worker", "leader2"]).values_list("username", "role"))
    assert roles == {"admin": Role.COUNTY_ADMIN, "worker": Role.GRID_WORKER, "leader2": Role.TOWN_LEADER}
    assert User.objects.get(username="cadre").area.code == GUHE


def test_subdivision_is_deterministic_and_exact():
    square = shapely.geometry.box(0, 0, 1, 1)

    first = subdivide(square, 7, random.Random(1))
    second = subdivide(square, 7, random.Random(1))

    assert [c.wkb for c in first] == [c.wkb for c in second]
    assert sum(c.area for c in first) == pytest.approx(1.0)


@pytest.mark.parametrize(("official", "short"), [
    ("古河村委会", "古河村"), ("凤凰居委会", "凤凰社区"), ("文雨社区居民委员会", "文雨社区"), ("虚拟社区", "虚拟社区"),
])
def test_village_names_are_shortened_as_people_say_them(official, short):
    assert short_village_name(official) == short
