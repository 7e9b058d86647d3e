"""Every change to a patrol, its track and its dispatches goes through one of these functions.

Status changes lock the patrol row, check who acts and from which status, save with update_fields
and append a PatrolEvent. Track uploads lock the patrol too, so that two batches of one patrol are
filtered and joined into the line one after the other.
"""

import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.gis.geos import Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from geodata.selectors import LocationError, locate_for_user
from gridcase.accounts.jurisdiction import covers_code, within
from gridcase.accounts.models import Role, User
from gridcase.lib import clock, heat
from gridcase.patrols import conf
from gridcase.patrols.models import (
    TRANSITIONS,
    Dispatch,
    DispatchStatus,
    DropReason,
    Patrol,
    PatrolEvent,
    PatrolType,
    Status,
    TrackCell,
)


class PatrolError(Exception):
    """A change that was refused; the message says why, for the user."""


class NotAllowed(PatrolError):
    pass


class StalePatrol(PatrolError):
    def __init__(self):
        super().__init__(_("您打开页面后，该巡逻已被他人修改，请刷新后再操作。"))


ORGANISERS = {Role.GRID_WORKER, Role.VILLAGE_CADRE, Role.TOWN_LEADER, Role.COUNTY_ADMIN}
DISPATCHERS = {Role.TOWN_LEADER, Role.COUNTY_ADMIN}


def may_manage(actor, patrol: Patrol) -> bool:
    """A worker of the patrol, or a cadre/leader/admin whose jurisdiction holds its grid."""
    if actor is None:
        return True
    if patrol.workers.filter(pk=actor.pk).exists():
        return True
    return actor.role in ORGANISERS - {Role.GRID_WORKER} and covers_code(actor, patrol.area_code)


def _log(patrol: Patrol, *, actor, kind: str, from_status: str = "", data: dict | None = None) -> PatrolEvent:
    return PatrolEvent.objects.create(patrol=patrol, at=clock.now(), actor=actor, kind=kind, from_status=from_status,
                                      to_status=patrol.status, data=data or {})


def _lock(patrol: Patrol | int, *, actor, action: str, expected_version: int | None) -> Patrol:
    patrol_id = patrol.pk if isinstance(patrol, Patrol) else patrol
    locked = Patrol.objects.select_for_update(of=("self",)).get(pk=patrol_id)
    if expected_version is not None and locked.version != expected_version:
        raise StalePatrol()
    if not may_manage(actor, locked):
        raise NotAllowed(_("您不是该巡逻的人员，也不负责其所在网格"))
    if locked.status not in TRANSITIONS[action]:
        raise PatrolError(_("巡逻当前状态为「%(status)s」，不能执行该操作") % {"status": locked.get_status_display()})
    return locked


def _move(patrol: Patrol, to_status: str, *, actor, kind: str, fields: tuple[str, ...] = (),
          data: dict | None = None) -> Patrol:
    from_status = patrol.status
    patrol.status = to_status
    patrol.version += 1
    patrol.save(update_fields=["status", "version", "updated_at", *fields])
    _log(patrol, actor=actor, kind=kind, from_status=from_status, data=data)
    return patrol


# ---------------------------------------------------------------- the patrol's lifecycle


def patrol_create(*, actor, grid: Area, type: str = PatrolType.ROUTINE, workers: list[User] | None = None,
                  planned_start: datetime | None = None, planned_end: datetime | None = None, note: str = "",
                  client_id: uuid.UUID | None = None) -> Patrol:
    """Plan a patrol (with planned_start) or start an ad hoc one now (without).

    The grid must lie in the actor's jurisdiction; a grid worker patrols with themselves on board,
    others name the workers. A repeat of `client_id` returns the patrol the first call made.
    """
    if client_id is not None and (existing := Patrol.objects.filter(client_id=client_id).first()):
        return _same_submission(existing, actor)
    if actor.role not in ORGANISERS:
        raise NotAllowed(_("您的角色不能安排巡逻"))
    if grid.level != Level.GRID or not covers_code(actor, grid.code):
        raise NotAllowed(_("该网格不在您的辖区内"))
    if type not in PatrolType.values:
        raise PatrolError(_("巡逻类型无效"))
    workers = list(workers or [])
    if actor.role == Role.GRID_WORKER and actor not in workers:
        workers.append(actor)
    if not workers:
        raise PatrolError(_("请至少选择一名巡逻人员"))
    for worker in workers:
        if worker.role != Role.GRID_WORKER or not worker.is_active or not (
                worker.pk == actor.pk or (worker.area_id and covers_code(actor, worker.area.code))):
            raise PatrolError(_("%(who)s 不是您辖区内的网格员") % {"who": worker})
        if not covers_code(worker, grid.code):
            # Each worker must be able to open the patrol and upload to it: their grids are their jurisdiction.
            raise PatrolError(_("%(who)s 不负责%(grid)s，不能参加该网格的巡逻") % {"who": worker, "grid": grid.name})
    if planned_start and planned_end and planned_end <= planned_start:
        raise PatrolError(_("计划结束时间必须晚于计划开始时间"))
    now = clock.now()
    village = grid.parent
    try:
        with transaction.atomic():
            patrol = Patrol.objects.create(
                client_id=client_id, type=type, planned=planned_start is not None, note=note.strip(),
                status=Status.PLANNED if planned_start else Status.ONGOING, grid=grid, area_code=grid.code,
                village_code=village.code, town_code=village.parent.code, county_code=village.parent.parent.code,
                planned_start=planned_start, planned_end=planned_end, started_at=None if planned_start else now,
                created_by=actor, created_at=now,
            )
            patrol.workers.set(workers)
            _log(patrol, actor=actor, kind="patrol.planned" if planned_start else "patrol.started",
                 data={"grid": grid.code, "workers": [w.username for w in workers]})
    except IntegrityError:
        if client_id is not None and (existing := Patrol.objects.filter(client_id=client_id).first()):
            return _same_submission(existing, actor)
        raise
    return patrol


def _same_submission(existing: Patrol, actor) -> Patrol:
    if existing.created_by_id != actor.pk:
        raise PatrolError(_("该提交编号已被其他用户使用"))
    return existing


@transaction.atomic
def patrol_start(*, patrol: Patrol | int, actor, expected_version: int | None = None) -> Patrol:
    patrol = _lock(patrol, actor=actor, action="start", expected_version=expected_version)
    patrol.started_at = clock.now()
    return _move(patrol, Status.ONGOING, actor=actor, kind="patrol.started", fields=("started_at",))


@transaction.atomic
def patrol_finish(*, patrol: Patrol | int, actor, expected_version: int | None = None) -> Patrol:
    """End the patrol. Batches still on their way are accepted afterwards (up to the end time)."""
    patrol = _lock(patrol, actor=actor, action="finish", expected_version=expected_version)
    patrol.ended_at = clock.now()
    return _move(patrol, Status.FINISHED, actor=actor, kind="patrol.finished", fields=("ended_at",),
                 data={"distance_m": round(patrol.distance_m), "points": patrol.points_kept})


@transaction.atomic
def patrol_cancel(*, patrol: Patrol | int, actor, reason: str, expected_version: int | None = None) -> Patrol:
    if not reason.strip():
        raise PatrolError(_("取消巡逻必须说明原因"))
    patrol = _lock(patrol, actor=actor, action="cancel", expected_version=expected_version)
    patrol.ended_at = clock.now()
    TrackCell.objects.filter(patrol=patrol).delete()  # a cancelled patrol is not on the heat map
    return _move(patrol, Status.CANCELLED, actor=actor, kind="patrol.cancelled", fields=("ended_at",),
                 data={"reason": reason.strip()})


# ---------------------------------------------------------------- the track


@dataclass
class IngestResult:
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    dropped: int = 0
    invalid: int = 0
    revised: int = 0  # fixes stored earlier whose kept/dropped decision this batch changed
    dropped_for: dict = field(default_factory=dict)
    errors: list = field(default_factory=list)
    kept_total: int = 0
    distance_m: float = 0.0
    arrivals: list = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"received": self.received, "stored": self.stored, "duplicates": self.duplicates,
                "dropped": self.dropped, "dropped_for": self.dropped_for, "invalid": self.invalid, "revised": self.revised,
                "errors": self.errors[:20], "kept_total": self.kept_total, "distance_m": round(self.distance_m, 1),
                "arrivals": self.arrivals}


# Fixes timestamped more than this after the server's clock are refused (phones with a wrong clock).
CLOCK_SKEW = timedelta(minutes=5)


def _parse_time(value) -> datetime | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        # Epoch milliseconds, as navigator.geolocation gives them.
        return datetime.fromtimestamp(value / 1000, tz=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)  # fast path; parse_datetime knows a few more shapes
        except ValueError:
            parsed = parse_datetime(value) if len(value) < 40 else None
        if parsed is not None and timezone.is_aware(parsed):
            return parsed
    return None


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _parse_points(raw: list, *, patrol: Patrol, now: datetime, result: IngestResult) -> list[tuple]:
    """(recorded_at, lon, lat, accuracy, client_id) of each well-formed fix; the rest are counted invalid
    with the reason (a batch is never refused as a whole for one bad fix: the phone would resend it forever)."""
    latest = now + CLOCK_SKEW
    if patrol.status == Status.FINISHED and patrol.ended_at:
        latest = min(latest, patrol.ended_at + timedelta(minutes=1))
    earliest = (patrol.started_at or now) - timedelta(minutes=10)
    points = []
    for i, item in enumerate(raw):
        error = None
        if not isinstance(item, dict):
            error = _("不是对象")
        else:
            at, lon, lat = _parse_time(item.get("t")), _number(item.get("lon")), _number(item.get("lat"))
            acc = item.get("acc")
            acc = None if acc is None else _number(acc)
            if at is None:
                error = _("时间缺失或格式错误（应为带时区的 ISO 时间或毫秒时间戳）")
            elif lon is None or lat is None or not (-180 <= lon <= 180 and -90 <= lat <= 90):
                error = _("经纬度缺失或超出范围")
            elif "acc" in item and item["acc"] is not None and (acc is None or acc < 0):
                error = _("精度应为非负数")
            elif not earliest <= at <= latest:
                error = _("定位时间不在巡逻时段内")
            else:
                try:
                    cid = uuid.UUID(str(item["id"])) if item.get("id") else None
                except ValueError:
                    cid = None
                points.append((at, lon, lat, acc, cid))
        if error:
            result.invalid += 1
            result.errors.append({"index": i, "error": error})
    return points


INSERT_POINTS = """
INSERT INTO patrols_trackpoint (patrol_id, recorded_at, location, accuracy_m, client_id, dropped, drop_reason)
SELECT %(patrol)s, p.t, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), p.acc, p.cid,
       coalesce(p.acc > %(max_acc)s, false), CASE WHEN p.acc > %(max_acc)s THEN 'accuracy' ELSE '' END
FROM unnest(%(t)s::timestamptz[], %(lon)s::float8[], %(lat)s::float8[], %(acc)s::float8[], %(cid)s::uuid[])
     AS p(t, lon, lat, acc, cid)
ON CONFLICT (patrol_id, recorded_at) DO NOTHING
RETURNING id, recorded_at, dropped
"""

# The kept fixes make the line, in time order; distance on the WGS 84 spheroid (ST_LengthSpheroid
# gives the same figure as ST_Length(geography) at a tenth of the cost), duration from first to last fix.
REBUILD_TRACK = """
UPDATE patrols_patrol p
SET track = s.line,
    distance_m = coalesce(ST_LengthSpheroid(s.line, 'SPHEROID["WGS 84",6378137,298.257223563]'), 0),
    duration_s = coalesce(extract(epoch FROM s.last_at - s.first_at), 0)::int,
    points_kept = s.kept, points_dropped = s.dropped, first_point_at = s.first_at, last_point_at = s.last_at
FROM (
    SELECT CASE WHEN count(*) FILTER (WHERE NOT dropped) >= 2
                THEN ST_MakeLine(location ORDER BY recorded_at) FILTER (WHERE NOT dropped) END AS line,
           count(*) FILTER (WHERE NOT dropped) AS kept, count(*) FILTER (WHERE dropped) AS dropped,
           min(recorded_at) FILTER (WHERE NOT dropped) AS first_at,
           max(recorded_at) FILTER (WHERE NOT dropped) AS last_at
    FROM patrols_trackpoint WHERE patrol_id = %(patrol)s
) s
WHERE p.id = %(patrol)s
RETURNING p.points_kept, p.distance_m
"""


# The heat-map cells of the kept fixes, at every heat size, for one patrol (or, with `%(patrol)s` NULL
# in the migration's backfill, for all). Rebuilt whole like the line: a late batch or a revised speed
# decision can move fixes between cells, and a patrol has a few dozen cells at most.
REBIN_TRACK = f"""
INSERT INTO patrols_trackcell (patrol_id, size, cell, fixes, type, started_at, area_code, village_code, town_code,
                               county_code)
SELECT p.id, s.size, {heat.cell_sql("t.location", "s.size")}, count(*), p.type, p.started_at, p.area_code,
       p.village_code, p.town_code, p.county_code
FROM patrols_patrol p JOIN patrols_trackpoint t ON t.patrol_id = p.id AND NOT t.dropped,
     unnest(%(sizes)s::int[]) AS s(size)
WHERE p.id = %(patrol)s AND p.started_at IS NOT NULL
GROUP BY p.id, s.size, 3
"""


def _rebin(cursor, patrol_id: int) -> None:
    cursor.execute("DELETE FROM patrols_trackcell WHERE patrol_id = %s", [patrol_id])
    cursor.execute(REBIN_TRACK, {"patrol": patrol_id, "sizes": list(heat.SIZES)})


def _metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius): within 0.5% of the spheroid at these
    distances, which is plenty to tell a walk from a GPS jump."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def _filter_speed(cursor, patrol_id: int, since: datetime) -> dict[int, bool]:
    """Re-decide the speed filter from the last kept fix before `since` onwards; return {id: dropped}
    for the fixes whose decision changed.

    The rule is sequential: a fix is dropped when reaching it from the previous kept fix needs more
    than PATROL_MAX_SPEED_MPS. A late batch that lands in the middle of the track changes what
    "previous kept" means for the fixes after it, so they are decided again (in Python: the window
    is one batch long when batches arrive in order, the whole patrol at worst).
    """
    cursor.execute(
        """SELECT recorded_at, ST_X(location), ST_Y(location) FROM patrols_trackpoint
           WHERE patrol_id = %s AND NOT dropped AND recorded_at < %s ORDER BY recorded_at DESC LIMIT 1""",
        [patrol_id, since])
    anchor = cursor.fetchone()
    cursor.execute(
        """SELECT id, recorded_at, ST_X(location), ST_Y(location), dropped FROM patrols_trackpoint
           WHERE patrol_id = %s AND drop_reason <> 'accuracy' AND recorded_at >= %s ORDER BY recorded_at""",
        [patrol_id, since])
    max_speed = conf.get("PATROL_MAX_SPEED_MPS")
    changed = {}
    previous = anchor
    for point_id, at, lon, lat, was_dropped in cursor.fetchall():
        drop = False
        if previous is not None:
            seconds = (at - previous[0]).total_seconds()
            drop = _metres(previous[1], previous[2], lon, lat) > max_speed * seconds
        if not drop:
            previous = (at, lon, lat)
        if drop != was_dropped:
            changed[point_id] = drop
    return changed


def track_ingest(*, patrol: Patrol | int, actor, points: list) -> IngestResult:
    """Store a batch of fixes from the phone; return how many were stored, duplicates, dropped, invalid.

    Batches may come late, twice or out of order: each fix is stored once ((patrol, recorded_at) is
    unique, INSERT … ON CONFLICT DO NOTHING), fixes worse than PATROL_MAX_ACCURACY_M or reached
    faster than PATROL_MAX_SPEED_MPS are kept but flagged dropped, and the line is rebuilt in
    PostGIS from the kept fixes in time order. Check-ins and dispatch arrivals are detected here.
    """
    if not isinstance(points, list):
        raise PatrolError(_("points 应为数组"))
    if len(points) > conf.get("PATROL_MAX_BATCH"):
        raise PatrolError(_("一次最多上传 %(n)d 个轨迹点") % {"n": conf.get("PATROL_MAX_BATCH")})
    result = IngestResult(received=len(points))
    with transaction.atomic():
        patrol_id = patrol.pk if isinstance(patrol, Patrol) else patrol
        # Only what the checks need: the track itself can be thousands of vertices.
        patrol = Patrol.objects.select_for_update(of=("self",)).only("status", "started_at", "ended_at").get(
            pk=patrol_id)
        worker_ids = list(patrol.workers.values_list("pk", flat=True))
        if actor is not None and actor.pk not in worker_ids:
            raise NotAllowed(_("只有该巡逻的人员可以上传轨迹"))
        if patrol.status not in (Status.ONGOING, Status.FINISHED):
            raise PatrolError(_("巡逻当前状态为「%(status)s」，不能上传轨迹") % {"status": patrol.get_status_display()})
        parsed = _parse_points(points, patrol=patrol, now=clock.now(), result=result)
        if parsed:
            _store(patrol, parsed, result, worker_ids)
        result.duplicates = len(parsed) - result.stored
    return result


def _store(patrol: Patrol, parsed: list[tuple], result: IngestResult, worker_ids: list[int]) -> None:
    columns = list(zip(*parsed))
    with connection.cursor() as cursor:
        cursor.execute(INSERT_POINTS, {
            "patrol": patrol.pk, "max_acc": conf.get("PATROL_MAX_ACCURACY_M"), "t": list(columns[0]),
            "lon": list(columns[1]), "lat": list(columns[2]), "acc": list(columns[3]), "cid": list(columns[4]),
        })
        inserted = cursor.fetchall()
        result.stored = len(inserted)
        accuracy_dropped = {row[0] for row in inserted if row[2]}
        candidates = [row for row in inserted if not row[2]]
        changed = _filter_speed(cursor, patrol.pk, min(row[1] for row in candidates)) if candidates else {}
        if changed:
            cursor.execute(
                """UPDATE patrols_trackpoint t SET dropped = c.drop, drop_reason = CASE WHEN c.drop THEN 'speed' ELSE '' END
                   FROM unnest(%s::bigint[], %s::boolean[]) AS c(id, drop) WHERE t.id = c.id""",
                [list(changed), list(changed.values())])
        speed_dropped = {row[0] for row in candidates if changed.get(row[0])}
        new_ids = {row[0] for row in inserted}
        result.revised = sum(1 for point_id in changed if point_id not in new_ids)
        result.dropped = len(accuracy_dropped) + len(speed_dropped)
        result.dropped_for = {k: v for k, v in ((DropReason.ACCURACY.value, len(accuracy_dropped)),
                                                (DropReason.SPEED.value, len(speed_dropped))) if v}
        if not inserted and not changed:
            cursor.execute("SELECT points_kept, distance_m FROM patrols_patrol WHERE id = %s", [patrol.pk])
        else:
            cursor.execute(REBUILD_TRACK, {"patrol": patrol.pk})
        result.kept_total, result.distance_m = cursor.fetchone()
        if inserted or changed:
            _rebin(cursor, patrol.pk)
    if inserted:
        record_check_ins(patrol_id=patrol.pk)
        if Dispatch.objects.filter(status=DispatchStatus.DISPATCHED, worker_id__in=worker_ids).exists():
            result.arrivals = detect_arrivals(patrol_id=patrol.pk)


# The check points the line passes within their radius. The && on a box 0.01° (≈1 km) wide lets the
# GiST index on the check points narrow the candidates; a planar test in degrees (the radius over
# the length of a degree of longitude there, so never too strict) throws out the far ones cheaply;
# the exact test is on the sphere (a few centimetres from the spheroid at these distances, and ten
# times cheaper on a long line). The time of a check-in is that of the kept fix nearest the point.
RECORD_CHECK_INS = """
INSERT INTO patrols_checkin (patrol_id, check_point_id, at, distance_m)
SELECT p.id, cp.id, nearest.recorded_at, ST_Distance(cp.location::geography, p.track::geography, false)
FROM patrols_patrol p
JOIN patrols_checkpoint cp ON cp.active AND cp.location && ST_Expand(p.track, 0.01)
     AND ST_DWithin(cp.location, p.track, cp.radius_m / (111000 * cos(radians(ST_Y(cp.location)))))
     AND ST_DWithin(cp.location::geography, p.track::geography, cp.radius_m, false)
CROSS JOIN LATERAL (
    SELECT tp.recorded_at FROM patrols_trackpoint tp WHERE tp.patrol_id = p.id AND NOT tp.dropped
    ORDER BY tp.location <-> cp.location LIMIT 1
) nearest
WHERE p.id = %s AND p.track IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM patrols_checkin c WHERE c.patrol_id = p.id AND c.check_point_id = cp.id)
ON CONFLICT (patrol_id, check_point_id) DO NOTHING
"""


def record_check_ins(*, patrol_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(RECORD_CHECK_INS, [patrol_id])
        return cursor.rowcount


# ---------------------------------------------------------------- dispatch and response


def target_seconds(distance_m: float) -> int:
    """The time allowed to arrive (the seed's "5 km within 10 min, 10 km within 20 min"):
    up to 5 km 10 min; over 5 km up to 10 km 20 min; beyond 10 km 20 min plus 2 min for each
    started km over 10 (the standard's own pace, 30 km/h)."""
    if distance_m <= 5_000:
        return 600
    if distance_m <= 10_000:
        return 1_200
    return 1_200 + math.ceil((distance_m - 10_000) / 1_000) * 120


@dataclass(frozen=True)
class Candidate:
    worker: User
    position: Point
    position_at: datetime
    patrol_id: int
    distance_m: float


# The latest kept fix of each candidate worker within the age limit (DISTINCT ON picks it from the
# (patrol, recorded_at) index), then the candidates by distance on the spheroid. The KNN operator
# orders first (cheap, planar) and ST_Distance on geography decides: a town has tens of workers.
NEAREST_WORKERS = """
WITH last AS (
    SELECT DISTINCT ON (w.user_id) w.user_id, tp.location, tp.recorded_at, tp.patrol_id
    FROM patrols_patrol_workers w
    JOIN patrols_patrol p ON p.id = w.patrol_id AND p.status IN ('ongoing', 'finished')
                          AND p.last_point_at >= %(since)s
    JOIN patrols_trackpoint tp ON tp.patrol_id = p.id AND NOT tp.dropped
                               AND tp.recorded_at >= %(since)s AND tp.recorded_at <= %(now)s
    WHERE w.user_id = ANY(%(workers)s)
    ORDER BY w.user_id, tp.recorded_at DESC
)
SELECT user_id, ST_X(location), ST_Y(location), recorded_at, patrol_id,
       ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326)::geography) AS metres
FROM last
ORDER BY location <-> ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326), metres
LIMIT %(limit)s
"""


def available_workers(*, actor, location: Point, limit: int = 10) -> list[Candidate]:
    """Grid workers of the actor's jurisdiction with a known position (a kept fix within
    PATROL_POSITION_MAX_AGE_MIN) and no open dispatch, nearest first."""
    now = clock.now()
    busy = Dispatch.objects.filter(status=DispatchStatus.DISPATCHED).values("worker_id")
    workers = {u.pk: u for u in User.objects.filter(within(actor, "area__code"), role=Role.GRID_WORKER,
                                                    is_active=True).exclude(pk__in=busy)}
    if not workers:
        return []
    with connection.cursor() as cursor:
        cursor.execute(NEAREST_WORKERS, {
            "since": now - timedelta(minutes=conf.get("PATROL_POSITION_MAX_AGE_MIN")), "now": now,
            "workers": list(workers), "lon": location.x, "lat": location.y, "limit": limit,
        })
        rows = cursor.fetchall()
    rows.sort(key=lambda r: r[5])
    return [Candidate(worker=workers[r[0]], position=Point(r[1], r[2], srid=4326), position_at=r[3], patrol_id=r[4],
                      distance_m=r[5]) for r in rows]


def dispatch_create(*, actor, location: Point, note: str, worker: User | None = None,
                    client_id: uuid.UUID | None = None) -> Dispatch:
    """Send the nearest available worker (or the chosen one, who must be available) to an incident
    in the actor's jurisdiction, and tell them."""
    if client_id is not None and (existing := Dispatch.objects.filter(client_id=client_id).first()):
        if existing.dispatched_by_id != actor.pk:
            raise PatrolError(_("该提交编号已被其他用户使用"))
        return existing
    if actor.role not in DISPATCHERS:
        raise NotAllowed(_("只有镇(街道)领导可以调度派遣"))
    if not note.strip():
        raise PatrolError(_("请填写事由"))
    try:
        where = locate_for_user(user=actor, point=location)
    except LocationError as exc:
        raise PatrolError(str(exc)) from None
    with transaction.atomic():
        candidates = available_workers(actor=actor, location=location, limit=50)
        if worker is not None:
            candidates = [c for c in candidates if c.worker.pk == worker.pk]
            if not candidates:
                raise PatrolError(_("%(who)s 当前不可派遣（无近 %(m)d 分钟内的位置、已在处置其他任务或不在辖区内）")
                                  % {"who": worker, "m": conf.get("PATROL_POSITION_MAX_AGE_MIN")})
        if not candidates:
            raise PatrolError(_("辖区内没有可派遣的网格员（近 %(m)d 分钟内无位置或均在处置其他任务）")
                              % {"m": conf.get("PATROL_POSITION_MAX_AGE_MIN")})
        chosen = candidates[0]
        # Lock the worker so that two leaders cannot send the same person at once.
        User.objects.select_for_update().filter(pk=chosen.worker.pk).first()
        if Dispatch.objects.filter(worker=chosen.worker, status=DispatchStatus.DISPATCHED).exists():
            raise PatrolError(_("%(who)s 刚被派往其他任务，请重新选择") % {"who": chosen.worker})
        dispatch = Dispatch.objects.create(
            client_id=client_id, location=location, note=note.strip(), area_code=where.grid.code,
            town_code=where.town.code, worker=chosen.worker, patrol_id=chosen.patrol_id,
            worker_position=chosen.position, position_at=chosen.position_at, distance_m=chosen.distance_m,
            target_s=target_seconds(chosen.distance_m), dispatched_by=actor, dispatched_at=clock.now(),
        )
        _notify_dispatch(dispatch)
    return dispatch


def _notify_dispatch(dispatch: Dispatch) -> None:
    from gridcase.notifications.services import notify

    notify(recipients=[dispatch.worker], kind="patrol.dispatched", title=_("调度：%(note)s") % {"note": dispatch.note},
           body=_("请在 %(min)d 分钟内到达事发地点（直线约 %(km).1f 公里）")
           % {"min": dispatch.target_s // 60, "km": dispatch.distance_m / 1000},
           url=f"/patrols/dispatches/{dispatch.pk}/")


# The first kept fix, after the dispatch, of a patrol the dispatched worker is on, within the
# arrival radius of the incident.
ARRIVALS = """
SELECT d.id, a.recorded_at
FROM patrols_dispatch d
JOIN patrols_patrol_workers w ON w.user_id = d.worker_id AND w.patrol_id = %(patrol)s
CROSS JOIN LATERAL (
    SELECT tp.recorded_at FROM patrols_trackpoint tp
    WHERE tp.patrol_id = %(patrol)s AND NOT tp.dropped AND tp.recorded_at >= d.dispatched_at
      AND ST_DWithin(tp.location::geography, d.location::geography, %(radius)s)
    ORDER BY tp.recorded_at LIMIT 1
) a
WHERE d.status = 'dispatched'
"""


def detect_arrivals(*, patrol_id: int) -> list[int]:
    """Mark the open dispatches of this patrol's workers that its track has now reached."""
    with connection.cursor() as cursor:
        cursor.execute(ARRIVALS, {"patrol": patrol_id, "radius": conf.get("PATROL_ARRIVAL_RADIUS_M")})
        rows = cursor.fetchall()
    for dispatch_id, arrived_at in rows:
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch_id)
        if dispatch.status != DispatchStatus.DISPATCHED:
            continue
        dispatch.status = DispatchStatus.ARRIVED
        dispatch.arrived_at = arrived_at
        dispatch.response_s = max(0, round((arrived_at - dispatch.dispatched_at).total_seconds()))
        dispatch.compliant = dispatch.response_s <= dispatch.target_s
        dispatch.save(update_fields=["status", "arrived_at", "response_s", "compliant"])
    return [row[0] for row in rows]


@transaction.atomic
def dispatch_cancel(*, dispatch: Dispatch, actor) -> Dispatch:
    dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
    if actor.role not in DISPATCHERS or not covers_code(actor, dispatch.area_code):
        raise NotAllowed(_("您无权取消该派遣"))
    if dispatch.status != DispatchStatus.DISPATCHED:
        raise PatrolError(_("该派遣已%(status)s，不能取消") % {"status": dispatch.get_status_display()})
    dispatch.status = DispatchStatus.CANCELLED
    dispatch.save(update_fields=["status"])
    return dispatch
