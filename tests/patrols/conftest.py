import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from gridcase.accounts.models import User
from gridcase.lib import clock
from gridcase.patrols import services

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A fixed "now" for the tests: Wednesday 2026-03-11 10:00 in Shanghai (week of Monday 2026-03-09).
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=SHANGHAI)
METRES_PER_DEGREE = 111_320.0


def offset(lon: float, lat: float, east_m: float = 0.0, north_m: float = 0.0) -> tuple[float, float]:
    return (lon + east_m / (METRES_PER_DEGREE * math.cos(math.radians(lat))), lat + north_m / METRES_PER_DEGREE)


def walk(start: tuple[float, float], at: datetime, *, n: int, every_s: int = 10, speed: float = 1.4,
         heading_deg: float = 90.0, acc: float = 8.0) -> list[dict]:
    """n fixes walking in a straight line from `start`, one every `every_s` seconds."""
    points = []
    for i in range(n):
        d = speed * every_s * i
        lon, lat = offset(*start, east_m=d * math.sin(math.radians(heading_deg)),
                          north_m=d * math.cos(math.radians(heading_deg)))
        points.append({"t": (at + timedelta(seconds=every_s * i)).isoformat(), "lon": lon, "lat": lat, "acc": acc})
    return points


@pytest.fixture
def now():
    with clock.travel(NOW):
        yield NOW


@pytest.fixture
def start_patrol(now):
    """An ad hoc patrol started `minutes_ago` before NOW by a grid worker in their first grid."""

    def start(username="worker", minutes_ago=60, **fields):
        actor = User.objects.get(username=username)
        fields.setdefault("grid", actor.grids.order_by("code").first())
        with clock.travel(now - timedelta(minutes=minutes_ago)):
            return services.patrol_create(actor=actor, **fields)

    return start


def grid_start(patrol) -> tuple[float, float]:
    p = patrol.grid.geom.point_on_surface
    return (p.x, p.y)
