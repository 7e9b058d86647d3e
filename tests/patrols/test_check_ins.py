"""A check point counts when the kept track passes within its radius (on the spheroid, in PostGIS)."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point

from geodata.models import KeyArea
from gridcase.patrols import services
from gridcase.patrols.models import CheckIn, CheckPoint

from .conftest import grid_start, offset, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def patrol(start_patrol):
    return start_patrol()


def check_point(patrol, *, north_m: float, east_m: float = 100, radius_m: int = 30, name="东门"):
    lon, lat = offset(*grid_start(patrol), east_m=east_m, north_m=north_m)
    location = Point(lon, lat, srid=4326)
    key_area = KeyArea.objects.create(name=f"测试重点地区{name}", area=patrol.grid,
                                      geom=MultiPolygon(location.buffer(0.002)))
    return CheckPoint.objects.create(key_area=key_area, name=name, location=location, radius_m=radius_m)


def upload_walk_east(patrol, n=30):
    """A walk due east from the grid's inner point: 14 m every 10 s, 406 m in all."""
    points = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=n)
    return services.track_ingest(patrol=patrol, actor=patrol.workers.first(), points=points)


def test_the_track_passing_within_the_radius_checks_in(patrol):
    near = check_point(patrol, north_m=20, name="近")  # 20 m north of the line, radius 30
    far = check_point(patrol, north_m=40, name="远")  # 40 m: missed
    wide = check_point(patrol, north_m=40, radius_m=50, name="宽")  # 40 m, radius 50: counts

    upload_walk_east(patrol)

    assert set(CheckIn.objects.filter(patrol=patrol).values_list("check_point__name", flat=True)) == {"近", "宽"}
    check_in = CheckIn.objects.get(check_point=near)
    assert check_in.distance_m == pytest.approx(20, abs=0.5)
    # The fix nearest the point (100 m east = after 7 steps of 14 m) gives the time.
    assert check_in.at == patrol.started_at + timedelta(minutes=1, seconds=70)
    assert not CheckIn.objects.filter(check_point=far).exists() and CheckIn.objects.filter(check_point=wide).exists()


def test_the_line_between_fixes_counts_not_only_the_fixes(patrol):
    # Fixes 14 m apart; a point midway between two fixes, 25 m off the line, is > 25 m from every fix
    # but 25 m from the line.
    point = check_point(patrol, east_m=7 * 14 + 7, north_m=25)

    upload_walk_east(patrol)

    assert CheckIn.objects.filter(check_point=point).exists()


def test_a_check_in_is_recorded_once_however_often_uploaded(patrol):
    check_point(patrol, north_m=10)
    upload_walk_east(patrol, n=15)
    upload_walk_east(patrol, n=30)

    assert CheckIn.objects.filter(patrol=patrol).count() == 1


def test_a_dropped_fix_does_not_check_in(patrol):
    point = check_point(patrol, east_m=70, north_m=400)  # where the fifth fix jumps to
    points = walk(grid_start(patrol), patrol.started_at + timedelta(minutes=1), n=10)
    lon, lat = offset(points[5]["lon"], points[5]["lat"], north_m=400)  # 400 m north in 10 s
    points[5] = {**points[5], "lon": lon, "lat": lat}

    result = services.track_ingest(patrol=patrol, actor=patrol.workers.first(), points=points)

    assert result.dropped_for == {"speed": 1}
    assert not CheckIn.objects.filter(check_point=point).exists()
