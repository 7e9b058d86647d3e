"""The weekly measures on a hand-made week (Monday 2026-03-09 to Sunday 2026-03-15, Shanghai time)."""

import math
from datetime import date, datetime, timedelta

import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Polygon

from geodata.models import KeyArea
from gridcase.accounts.models import User
from gridcase.lib import clock
from gridcase.patrols import selectors, services
from gridcase.patrols.models import PatrolType

from .conftest import SHANGHAI, offset, walk

pytestmark = pytest.mark.django_db
WEEK = date(2026, 3, 9)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


def square(centre, half_m) -> MultiPolygon:
    (w, s), (e, n) = offset(*centre, -half_m, -half_m), offset(*centre, half_m, half_m)
    return MultiPolygon(Polygon.from_bbox((w, s, e, n)), srid=4326)


def patrol_at(worker, grid, when: datetime, start, *, status="finished", type=PatrolType.ROUTINE, n=40):
    """A patrol started at `when` walking 40 fixes (546 m) east from `start`."""
    with clock.travel(when):
        patrol = services.patrol_create(actor=worker, grid=grid, type=type)
    with clock.travel(when + timedelta(minutes=20)):
        services.track_ingest(patrol=patrol, actor=worker, points=walk(start, when + timedelta(seconds=30), n=n))
        if status == "finished":
            services.patrol_finish(patrol=patrol, actor=worker)
        elif status == "cancelled":
            services.patrol_cancel(patrol=patrol, actor=worker, reason="测试")
    return patrol


@pytest.fixture
def week():
    """Grids G1, G2 of `worker`; key area K1 (needs 3) on G1's walk, K2 (needs 2) on G2's."""
    worker = User.objects.get(username="worker")
    g1, g2 = worker.grids.order_by("code")[:2]
    s1 = (g1.geom.point_on_surface.x, g1.geom.point_on_surface.y)
    s2 = (g2.geom.point_on_surface.x, g2.geom.point_on_surface.y)
    k1 = KeyArea.objects.create(name="K1 集市", area=g1, geom=square(offset(*s1, east_m=200), 60))
    k2 = KeyArea.objects.create(name="K2 学校", area=g2, geom=square(offset(*s2, east_m=200), 60),
                                patrols_per_week=2)
    patrol_at(worker, g1, at(9, 9), s1)                                        # Mon 09:00, through K1
    patrol_at(worker, g1, at(10, 21), s1, type=PatrolType.NIGHT)               # Tue 21:00, night, K1
    patrol_at(worker, g2, at(11, 8), s2)                                       # Wed 08:00, K2
    patrol_at(worker, g1, at(15, 23, 30), s1, status="ongoing")                # Sun 23:30, night, K1
    patrol_at(worker, g1, at(16, 0, 10), s1)                                   # next Monday: not this week
    patrol_at(worker, g1, at(12, 10), s1, status="cancelled")                  # cancelled: not counted
    patrol_at(worker, g1, at(8, 23, 50), s1)                                   # Sunday before: not this week
    with clock.travel(at(12, 8)):
        services.patrol_create(actor=worker, grid=g1, planned_start=at(13, 9))  # planned, never started
    return {"worker": worker, "g1": g1, "g2": g2, "k1": k1, "k2": k2, "s1": s1}


def test_patrols_per_grid_count_the_weeks_patrols_that_happened(week):
    rows = {r.code: r.patrols for r in selectors.patrols_per_grid(territory=week["g1"].parent.code, week_start=WEEK)}

    assert rows[week["g1"].code] == 3 and rows[week["g2"].code] == 1
    assert sum(rows.values()) == 4  # every other grid of the village is listed with 0
    assert len(rows) == week["g1"].parent.children.count()


def test_key_areas_meet_the_requirement_with_enough_patrols_through_them(week):
    rows = {r.name: r for r in selectors.key_area_compliance(territory=week["g1"].parent.code, week_start=WEEK)}

    assert (rows["K1 集市"].patrols, rows["K1 集市"].required, rows["K1 集市"].met) == (3, 3, True)
    assert (rows["K2 学校"].patrols, rows["K2 学校"].required, rows["K2 学校"].met) == (1, 2, False)


def test_night_share_is_by_the_local_start_time(week):
    share = selectors.night_share(territory=week["g1"].parent.code, week_start=WEEK)

    assert (share.night, share.total, share.share) == (2, 4, 0.5)


def test_grid_coverage_is_the_share_of_the_grid_within_50_m_of_a_track(week):
    # G1's week: three tracks along the same 546 m line (39 steps of 14 m), all inside G1.
    line = LineString(week["s1"], offset(*week["s1"], east_m=39 * 14), srid=4326)
    assert week["g1"].geom.contains(line.buffer(0.001)), "the test walk must lie inside the grid"
    # By hand: a 546 m strip 100 m wide plus two half discs of 50 m = 54 600 + π·50² m².
    covered = 546 * 100 + math.pi * 50 ** 2
    grid_area = _area_m2(week["g1"])

    rows = {r.code: r.share for r in selectors.grid_coverage(territory=week["g1"].parent.code, week_start=WEEK)}

    assert rows[week["g1"].code] == pytest.approx(covered / grid_area, rel=0.01)
    assert rows[week["g2"].code] > 0
    assert all(share == 0 for code, share in rows.items() if code not in (week["g1"].code, week["g2"].code))


def _area_m2(area) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT ST_Area(geom::geography) FROM geodata_area WHERE id = %s", [area.pk])
        return cursor.fetchone()[0]


def test_the_dashboard_counts_key_area_weeks_that_met_their_requirement(week):
    from gridcase.dashboards.periods import Period
    from gridcase.patrols.measures import key_area_patrol_compliance

    # March 2026: the five weeks starting in it (2, 9, 16, 23 and 30 March), two key areas each. Only the
    # week of the 9th has patrols: K1 met (3 of 3), K2 not (1 of 2); in every other week both fail.
    march = Period("month", date(2026, 3, 1), date(2026, 4, 1))
    figure = key_area_patrol_compliance(week["g1"].parent.code, march, None)
    assert (figure.num, figure.den) == (1, 10)


def test_the_monthly_path_gives_the_same_figures(week):
    """What the dashboard page reads (one statement for all its periods, each week in the month of its
    Monday) agrees with the definition: March's five weeks, February's four, the first quarter's 13."""
    from gridcase.dashboards.measures import registry
    from gridcase.dashboards.periods import Period
    from gridcase.patrols.measures import key_area_patrol_compliance

    code = week["g1"].parent.code
    periods = [Period("month", date(2026, 3, 1), date(2026, 4, 1)), Period("month", date(2026, 2, 1), date(2026, 3, 1)),
               Period("quarter", date(2026, 1, 1), date(2026, 4, 1))]
    figures = registry.series(["patrol_compliance"], code=code, periods=periods)["patrol_compliance"]
    assert [(f.num, f.den) for f in figures] == [(1, 10), (0, 8), (1, 26)]
    assert [(f.num, f.den) for f in figures] == [
        (f.num, f.den) for f in (key_area_patrol_compliance(code, p, None) for p in periods)]
