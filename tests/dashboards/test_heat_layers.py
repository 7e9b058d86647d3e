"""The hazard and patrol-track heat layers: hand-placed hazards and walks whose cells are known.

Tracks are laid out in web-mercator metres (the heat cells' own measure): each walk starts 100 m
east and 500 m north of the south-west corner of a 1 km cell and walks 40 fixes of 14 m on the
ground, 546 m, which at this latitude (≈ 33.9°, 1 / cos φ ≈ 1.21) is ≈ 660 m of mercator: from
x = 100 to x ≈ 760 inside the cell. So at 1 km (zoom 13) a walk is in one cell; at 250 m (zoom 15)
it passes through the four cells x ∈ [0, 250), [250, 500), [500, 750), [750, 1000).
"""

import math
from datetime import datetime, timedelta

import pytest

from geodata.models import Area
from gridcase.accounts.models import User
from gridcase.dashboards import maps
from gridcase.hazards import services as hazard_services
from gridcase.hazards.models import HazardCategory
from gridcase.lib import clock
from gridcase.patrols import services as patrol_services
from gridcase.patrols.models import PatrolType, TrackCell
from tests.conftest import GENGCHE, TUYUAN
from tests.patrols.conftest import SHANGHAI, walk

pytestmark = pytest.mark.django_db
MARCH = {"period": "month", "start": "2026-03-01"}
NOVEMBER = {"period": "month", "start": "2026-11-01"}


def _bbox(code):
    return ",".join(str(v) for v in Area.objects.get(code=code).geom.extent)


def _heat(client, layer, zoom, period, code=TUYUAN, **extra):
    return client.get("/api/dashboards/heat/", {"layer": layer, "bbox": _bbox(code), "zoom": zoom, **period, **extra})


def _counts(body) -> list[int]:
    return sorted(f["properties"]["count"] for f in body["features"])


# ---------------------------------------------------------------- patrol tracks


def _cell_start(grid) -> tuple[float, float]:
    """100 m east and 500 m north (mercator) of the south-west corner of the 1 km cell holding the grid's inner point."""
    x, y = maps.to_mercator(grid.geom.point_on_surface.x, grid.geom.point_on_surface.y)
    return maps.to_lonlat(math.floor(x / 1000) * 1000 + 100, math.floor(y / 1000) * 1000 + 500)


def _patrol(worker, grid, when, *, type=PatrolType.ROUTINE, cancel=False):
    with clock.travel(when):
        patrol = patrol_services.patrol_create(actor=worker, grid=grid, type=type)
    with clock.travel(when + timedelta(minutes=20)):
        patrol_services.track_ingest(patrol=patrol, actor=worker, points=walk(_cell_start(grid), when, n=40))
        if cancel:
            patrol_services.patrol_cancel(patrol=patrol, actor=worker, reason="测试")
        else:
            patrol_services.patrol_finish(patrol=patrol, actor=worker)
    return patrol


@pytest.fixture
def tracks():
    """Three finished walks along the same line in March 2026 (one a night patrol), one cancelled, one in April."""
    worker = User.objects.get(username="worker")
    grid = worker.grids.order_by("code").first()
    for day in (9, 10):
        _patrol(worker, grid, datetime(2026, 3, day, 9, tzinfo=SHANGHAI))
    _patrol(worker, grid, datetime(2026, 3, 11, 21, tzinfo=SHANGHAI), type=PatrolType.NIGHT)
    _patrol(worker, grid, datetime(2026, 3, 12, 9, tzinfo=SHANGHAI), cancel=True)
    _patrol(worker, grid, datetime(2026, 4, 2, 9, tzinfo=SHANGHAI))
    return grid


def test_a_walk_is_binned_into_the_cells_it_passes_at_every_size(tracks):
    cells = TrackCell.objects.filter(started_at__month=4)
    assert {size: cells.filter(size=size).count() for size in (250, 1000, 4000, 16000)}[250] == 4
    assert cells.filter(size=1000).get().fixes == 40
    assert sum(cells.filter(size=250).values_list("fixes", flat=True)) == 40


def test_track_heat_counts_patrols_per_cell_in_the_period(tracks, login):
    client = login("leader")
    body = _heat(client, "tracks", 13, MARCH).json()
    assert (body["size"], _counts(body), body["total"]) == (1000, [3], 3)  # the cancelled one is not counted
    fine = _heat(client, "tracks", 15, MARCH).json()
    assert (fine["size"], _counts(fine)) == (250, [3, 3, 3, 3])
    assert _counts(_heat(client, "tracks", 15, MARCH, type="night").json()) == [1, 1, 1, 1]
    assert _heat(client, "tracks", 13, {"period": "month", "start": "2026-04-01"}).json()["total"] == 1


def test_track_heat_of_another_towns_box_is_empty(tracks, login):
    assert _heat(login("leader2"), "tracks", 13, MARCH).json()["features"] == []
    assert _heat(login("leader2"), "tracks", 13, MARCH, code=GENGCHE).json()["total"] == 0
    assert _heat(login("admin"), "tracks", 13, MARCH).json()["total"] == 3


def test_a_patrol_is_on_the_map_while_it_runs_and_leaves_it_when_cancelled(tracks, login):
    worker = User.objects.get(username="worker")
    when = datetime(2026, 3, 20, 9, tzinfo=SHANGHAI)
    with clock.travel(when):
        patrol = patrol_services.patrol_create(actor=worker, grid=tracks)
    points = walk(_cell_start(tracks), when, n=40)
    with clock.travel(when + timedelta(minutes=20)):
        patrol_services.track_ingest(patrol=patrol, actor=worker, points=points[:8])  # 98 m: x from 100 to ≈ 218, the first 250 m cell
        assert _counts(_heat(login("leader"), "tracks", 15, MARCH).json()) == [3, 3, 3, 4]
        patrol_services.track_ingest(patrol=patrol, actor=worker, points=points[8:])  # the rest of the walk
        assert _counts(_heat(login("leader"), "tracks", 15, MARCH).json()) == [4, 4, 4, 4]
        patrol_services.patrol_cancel(patrol=patrol, actor=worker, reason="走错网格")
    assert _heat(login("leader"), "tracks", 13, MARCH).json()["total"] == 3


# ---------------------------------------------------------------- hazards


@pytest.fixture
def hazards():
    """Two hazards at the inner point of 古河村's first grid, one at its second grid's, in Nov 2026; one in Oct."""
    worker = User.objects.get(username="worker")
    g1, g2 = worker.grids.order_by("code")[:2]
    fire, gas = HazardCategory.objects.get(name="消防"), HazardCategory.objects.exclude(name="消防").first()

    def report(grid, when, category=fire):
        with clock.travel(when):
            return hazard_services.hazard_report(actor=worker, title="楼道堆放杂物", category=category,
                                                 location=grid.geom.point_on_surface)

    first = report(g1, datetime(2026, 11, 2, 9, tzinfo=SHANGHAI))
    report(g1, datetime(2026, 11, 3, 9, tzinfo=SHANGHAI), category=gas)
    report(g2, datetime(2026, 11, 4, 9, tzinfo=SHANGHAI))
    report(g2, datetime(2026, 10, 30, 9, tzinfo=SHANGHAI))
    with clock.travel(datetime(2026, 11, 5, 9, tzinfo=SHANGHAI)):
        hazard_services.hazard_verify(hazard=first, actor=User.objects.get(username="cadre"))
    return {"g1": g1, "g2": g2, "fire": fire, "gas": gas}


def test_hazard_heat_counts_hazards_per_cell_with_their_filters(hazards, login):
    client = login("leader")
    body = _heat(client, "hazards", 15, NOVEMBER).json()
    assert (body["size"], _counts(body), body["total"]) == (250, [1, 2], 3)
    two = next(f for f in body["features"] if f["properties"]["count"] == 2)
    (west, south), _, (east, north), *_ = two["geometry"]["coordinates"][0]
    point = hazards["g1"].geom.point_on_surface
    assert west <= point.x <= east and south <= point.y <= north  # the cell of the first grid's point
    assert _counts(_heat(client, "hazards", 15, NOVEMBER, category=hazards["fire"].pk).json()) == [1, 1]
    assert _counts(_heat(client, "hazards", 15, NOVEMBER, state="verified").json()) == [1]
    assert _heat(client, "hazards", 15, {"period": "month", "start": "2026-10-01"}).json()["total"] == 1


def test_hazard_heat_of_another_towns_box_is_empty(hazards, login):
    assert _heat(login("leader2"), "hazards", 13, NOVEMBER).json()["features"] == []
    assert _heat(login("admin"), "hazards", 13, NOVEMBER).json()["total"] == 3


def test_heat_layers_check_their_filters(login):
    client = login("leader")
    assert _heat(client, "patrols", 13, MARCH).status_code == 400
    assert _heat(client, "hazards", 13, MARCH, state="lost").status_code == 400
    assert _heat(client, "tracks", 13, MARCH, type="walk").status_code == 400
    assert _heat(login("worker"), "tracks", 13, MARCH).status_code == 403
