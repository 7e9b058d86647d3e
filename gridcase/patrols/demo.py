"""Demo patrols: check points in every key area, and a few weeks of walking patrols by one grid
worker per village in the two demo towns (屠园镇, 耿车镇), made through the same services as real
ones (so tracks, drops, check-ins and measures are real) at simulated times.

A walk: straight street-like segments of 60–250 m along a jittered compass heading at 1.2–1.5 m/s,
turning at the end of each segment and turning back at the edge of the worker's grids; one fix every
10 s with ~4 m of GPS noise, now and then a poor fix (150 m accuracy) or a 300 m jump, which the
upload filter drops. Batches of 30 fixes, some sent twice or out of order, as a phone on a poor
network would. Key areas get 2–4 patrols a week, so some weeks some miss the target of 3.
"""

import math
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import shapely
from django.contrib.auth.hashers import make_password
from django.contrib.gis.geos import Point
from django.utils import timezone

from geodata.models import Area, KeyArea, Level
from geodata.shapes import to_shapely
from gridcase.accounts.models import Role, User
from gridcase.lib import clock
from gridcase.patrols import services
from gridcase.patrols.models import CheckPoint, Patrol, PatrolType

SHANGHAI = ZoneInfo("Asia/Shanghai")
SEED = 5
TOWNS = ("321302112", "321302101")  # the demo logins' towns
METRES_PER_DEGREE = 111_320.0
EVERY_S = 10
BATCH = 30


def build_check_points() -> int:
    """Two check points per key area: its centre and a point 150 m east of it (if still inside)."""
    made = 0
    for key_area in KeyArea.objects.select_related("area").filter(check_points__isnull=True):
        centre = key_area.geom.centroid
        east = Point(centre.x + 150 / (METRES_PER_DEGREE * math.cos(math.radians(centre.y))), centre.y, srid=4326)
        for name, point in (("中心打卡点", centre), ("东侧打卡点", east)):
            if key_area.geom.covers(point):
                CheckPoint.objects.create(key_area=key_area, name=name, location=point)
                made += 1
    return made


def _workers() -> list[User]:
    """The demo grid workers of the two towns' villages; a patrolling worker per village where none exists."""
    password = make_password(None)
    workers = []
    for village in Area.objects.filter(level=Level.VILLAGE, code__regex=rf"^({'|'.join(TOWNS)})").order_by("code"):
        existing = User.objects.filter(role=Role.GRID_WORKER, area=village, is_active=True).order_by("username").first()
        if existing is None:
            existing = User.objects.create(username=f"p{village.code}", first_name=f"{village.name}巡逻网格员",
                                           role=Role.GRID_WORKER, area=village, password=password)
            existing.grids.set(village.children.all())
        workers.append(existing)
    return workers


class Walker:
    """A walk inside `boundary` (shapely, lon/lat) in metres on a local plane around `origin`."""

    def __init__(self, boundary, rng: random.Random):
        self.boundary, self.rng = boundary, rng
        shapely.prepare(boundary)
        self.kx = METRES_PER_DEGREE * math.cos(math.radians(boundary.centroid.y))

    def inside(self, lon, lat) -> bool:
        return self.boundary.contains(shapely.Point(lon, lat))

    def walk(self, start: tuple[float, float], seconds: int):
        rng = self.rng
        lon, lat = start
        heading = rng.choice([0, 90, 180, 270]) + rng.gauss(0, 8)
        left = rng.uniform(60, 250)
        speed = rng.uniform(1.2, 1.5)
        for _ in range(seconds // EVERY_S):
            yield lon, lat
            step = speed * EVERY_S
            nlon = lon + step * math.sin(math.radians(heading)) / self.kx
            nlat = lat + step * math.cos(math.radians(heading)) / METRES_PER_DEGREE
            if not self.inside(nlon, nlat):
                heading += 180
                left = rng.uniform(60, 250)
                continue
            lon, lat, left = nlon, nlat, left - step
            if left <= 0:
                heading += rng.choice([-90, 90, 0]) + rng.gauss(0, 8)
                left = rng.uniform(60, 250)


def _fixes(walker: Walker, start, at: datetime, minutes: int, rng: random.Random) -> list[dict]:
    fixes = []
    for i, (lon, lat) in enumerate(walker.walk(start, minutes * 60)):
        noise_e, noise_n, acc = rng.gauss(0, 4), rng.gauss(0, 4), rng.uniform(4, 15)
        roll = rng.random()
        if roll < 0.005:
            noise_n += 300  # a jump: dropped for speed
        elif roll < 0.015:
            acc = 150  # a cell-tower fix: dropped for accuracy
        fixes.append({"t": (at + timedelta(seconds=i * EVERY_S)).isoformat(),
                      "lon": lon + noise_e / walker.kx, "lat": lat + noise_n / METRES_PER_DEGREE, "acc": acc})
    return fixes


def _patrol(worker: User, grids, boundary, start, at: datetime, kind: str, rng: random.Random) -> Patrol | None:
    point = Point(*start, srid=4326)
    grid = next((g for g in grids if g.geom.covers(point)), None)
    if grid is None:
        return None
    minutes = rng.randint(30, 60)
    with clock.travel(at):
        patrol = services.patrol_create(actor=worker, grid=grid, type=kind)
    fixes = _fixes(Walker(boundary, rng), start, at + timedelta(seconds=20), minutes, rng)
    batches = [fixes[i:i + BATCH] for i in range(0, len(fixes), BATCH)]
    held = []
    for n, batch in enumerate(batches):
        if rng.random() < 0.1 and n + 1 < len(batches):
            held.append(batch)  # a dead spot: this batch reaches the server only at the end, out of order
            continue
        with clock.travel(at + timedelta(seconds=20 + (n + 1) * BATCH * EVERY_S + 5)):
            services.track_ingest(patrol=patrol, actor=worker, points=batch)
            if rng.random() < 0.1:
                services.track_ingest(patrol=patrol, actor=worker, points=batch)  # answer lost, sent again
    with clock.travel(at + timedelta(minutes=minutes, seconds=40)):
        for batch in held:
            services.track_ingest(patrol=patrol, actor=worker, points=batch)
    with clock.travel(at + timedelta(minutes=minutes, seconds=60)):
        services.patrol_finish(patrol=patrol, actor=worker)
    return patrol


def _start_in(boundary, rng) -> tuple[float, float]:
    west, south, east, north = boundary.bounds
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if boundary.contains(shapely.Point(lon, lat)):
            return lon, lat


def _when(day, rng, night: bool) -> datetime:
    hour = rng.randint(20, 22) if night else rng.randint(8, 16)
    return datetime.combine(day, time(hour, rng.randint(0, 59)), tzinfo=SHANGHAI)


def build_patrols(*, weeks: int = 3, log=print) -> int:
    """`weeks` weeks of patrols up to yesterday; returns how many were made. Skips if any exist."""
    if Patrol.objects.exists():
        log("已有巡逻，不再生成演示巡逻。")
        return 0
    rng = random.Random(SEED)
    log(f"打卡点：{build_check_points()} 个")
    today = timezone.localdate(clock.now())
    key_areas = list(KeyArea.objects.filter(area__code__regex=rf"^({'|'.join(TOWNS)})"))
    made = 0
    for worker in _workers():
        grids = list(worker.grids.all())
        boundary = shapely.union_all([to_shapely(g.geom) for g in grids])
        mine = [k for k in key_areas if boundary.contains(to_shapely(k.geom.centroid))]
        for week in range(weeks):
            monday = today - timedelta(days=today.weekday() + 7 * (weeks - week))
            plans = [(PatrolType.NIGHT if rng.random() < 0.25 else PatrolType.ROUTINE, None)
                     for _ in range(rng.randint(3, 5))]
            plans += [(PatrolType.KEY_AREA, k) for k in mine for _ in range(rng.choice([2, 3, 3, 4]))]
            for kind, key_area in plans:
                day = monday + timedelta(days=rng.randint(0, 6))
                start = (key_area.geom.centroid.x, key_area.geom.centroid.y) if key_area else _start_in(boundary, rng)
                at = _when(day, rng, night=kind == PatrolType.NIGHT)
                if _patrol(worker, grids, boundary, start, at, kind, rng):
                    made += 1
        log(f"  演示巡逻：{worker}（{worker.area.name}）")
    return made
