"""Reads: the patrol list, one patrol, and the weekly measures (each a plain function of a
territory code and the Monday of a week, with its definition next to it in DEFINITIONS)."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.jurisdiction import covers_code, get_or_404, jurisdiction_codes, scope, within, within_code_columns
from gridcase.patrols import conf
from gridcase.patrols.models import CheckPoint, Dispatch, Patrol, Status, TrackCell

COUNTED = (Status.ONGOING, Status.FINISHED)


def patrols_visible_to(*, user) -> QuerySet[Patrol]:
    return scope(Patrol.objects.all(), user, "area_code")


def track_cells_visible_to(*, user) -> QuerySet[TrackCell]:
    """The heat-map cells of the patrols the user may see: an equality on the code column of each
    of the user's areas' level (so the heat indexes on (town | county, size, started_at) serve it)."""
    return TrackCell.objects.filter(within_code_columns(user))


def patrol_list(*, user, type: str = "", status: str = "", grid: str = "", worker=None,
                day_from: date | None = None, day_to: date | None = None) -> QuerySet[Patrol]:
    patrols = patrols_visible_to(user=user).select_related("grid").defer("grid__geom", "track")
    if type:
        patrols = patrols.filter(type=type)
    if status:
        patrols = patrols.filter(status=status)
    if grid:
        patrols = patrols.filter(area_code__startswith=grid)
    if worker is not None:
        patrols = patrols.filter(workers=worker)
    if day_from:
        patrols = patrols.filter(started_at__gte=local_midnight(day_from))
    if day_to:
        patrols = patrols.filter(started_at__lt=local_midnight(day_to + timedelta(days=1)))
    return patrols.prefetch_related("workers").order_by("-started_at", "-planned_start", "-id")


def patrol_for_user(user, patrol_id) -> Patrol:
    """The patrol if it lies in the user's jurisdiction; 404 otherwise (never a hint that it exists)."""
    try:
        return get_or_404(Patrol.objects.select_related("grid__parent__parent"), user, "area_code", pk=int(patrol_id))
    except (TypeError, ValueError):
        raise Http404("No patrol matches the given query.") from None


def dispatch_for_user(user, dispatch_id) -> Dispatch:
    try:
        dispatch_id = int(dispatch_id)
    except (TypeError, ValueError):
        raise Http404("No dispatch matches the given query.") from None
    # The dispatched worker sees it too, though the incident may lie outside their grids.
    found = Dispatch.objects.select_related("worker", "dispatched_by").filter(
        within(user, "area_code") | Q(worker=user), pk=dispatch_id).first()
    if found is None:
        raise Http404("No dispatch matches the given query.")
    return found


def my_ongoing_patrols(*, user) -> QuerySet[Patrol]:
    return Patrol.objects.filter(workers=user, status__in=[Status.PLANNED, Status.ONGOING]).select_related("grid")


def patrol_findings(*, user, patrol: Patrol) -> dict:
    """What was logged during this patrol that the user may see: cases, hazards and resident requests."""
    from gridcase.cases.selectors import cases_visible_to
    from gridcase.hazards.selectors import hazards_visible_to
    from gridcase.requests.selectors import requests_visible_to

    return {
        "cases": cases_visible_to(user=user).filter(patrol=patrol).select_related("category").order_by("registered_at"),
        "hazards": hazards_visible_to(user=user).filter(patrol=patrol).order_by("reported_at"),
        "requests": requests_visible_to(user=user).filter(patrol=patrol).order_by("registered_at"),
    }


def grid_outline(*, patrol: Patrol) -> dict:
    """The patrol's grid as GeoJSON for the phone's map (a grid is a few hundred metres across)."""
    return {"type": "Feature", "geometry": json.loads(patrol.grid.geom.json),
            "properties": {"name": patrol.grid.name}}


def findings_geojson(*, user, patrol: Patrol) -> dict:
    """The findings of the patrol that the user may see and that have a place, for its maps."""
    found = patrol_findings(user=user, patrol=patrol)
    rows = [(_("纠纷"), c.number, c.title, c.location, reverse("cases:detail", args=[c.pk])) for c in found["cases"]]
    rows += [(_("隐患"), h.number, h.title, h.location, reverse("hazards:detail", args=[h.pk])) for h in found["hazards"]]
    rows += [(_("诉求"), r.number, r.matter, r.location, reverse("requests:detail", args=[r.pk]))
             for r in found["requests"]]
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": json.loads(where.geojson),
         "properties": {"label": str(label), "number": number, "title": title, "url": url}}
        for label, number, title, where, url in rows if where is not None]}


class PatrolNotVisible(ValueError):
    pass


def patrol_for_finding(user, patrol_id) -> Patrol | None:
    """The patrol a new case, hazard or request was found on (a hidden field of their forms), if any."""
    if not patrol_id:
        return None
    patrol = patrols_visible_to(user=user).filter(pk=patrol_id).first()
    if patrol is None:
        raise PatrolNotVisible(_("所选巡逻不存在或不在您的辖区内"))
    return patrol


def check_ins(*, patrol: Patrol):
    return patrol.check_ins.select_related("check_point__key_area").order_by("at")


def check_points_near(*, patrol: Patrol) -> QuerySet[CheckPoint]:
    """The check points of key areas in the patrol's village, to show which were missed."""
    return CheckPoint.objects.filter(active=True, area_code__startswith=patrol.village_code[:9]).select_related(
        "key_area").filter(location__dwithin=(patrol.grid.geom, 0.02))


def dispatches_visible_to(*, user) -> QuerySet[Dispatch]:
    return scope(Dispatch.objects.select_related("worker", "dispatched_by"), user, "area_code")


# ---------------------------------------------------------------- weeks and measures


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ZoneInfo(settings.TIME_ZONE))


def week_of(day: date) -> date:
    """The Monday of the ISO week holding `day`."""
    return day - timedelta(days=day.weekday())


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in local time (Asia/Shanghai)."""
    return local_midnight(week_start), local_midnight(week_start + timedelta(days=7))


DEFINITIONS = {
    "counted": _("计入统计的巡逻：开始时间在本周（周一 0 时至下周一 0 时，北京时间）内、状态为进行中或已结束的巡逻；"
                 "计划中和已取消的不计。"),
    "per_grid": _("每网格每周巡逻次数：所属网格为该网格的计入统计的巡逻次数（多名网格员同行的一次巡逻计一次）。"),
    "key_areas": _("重点地区达标：本周计入统计的巡逻中，有效轨迹线进入（相交于）该重点地区范围的次数 ≥ "
                   "该地区每周最少巡逻次数（默认 3 次）即为达标；达标率 = 达标地区数 ÷ 重点地区总数。"),
    "coverage": _("网格覆盖率：本周计入统计的巡逻的有效轨迹向两侧各缓冲 %(m)d 米（在网格所在的 UTM 投影带内以米计算），"
                  "合并后与网格范围相交部分的面积 ÷ 网格面积。即网格内距本周任一巡逻轨迹 %(m)d 米以内的面积占比。"),
    "night": _("夜间巡逻占比：本周计入统计的巡逻中，开始时间在 %(start)d:00 至次日 %(end)d:00（北京时间）之间的次数 ÷ "
               "本周计入统计的巡逻总次数。按实际开始时间判断，不按所选的巡逻类型。"),
    "response": _("到场时限按派遣时网格员最后位置（%(age)d 分钟内的有效轨迹点）到事发点的直线距离计："
                  "5 公里以内 10 分钟；5–10 公里 20 分钟；超过 10 公里时在 20 分钟基础上每多 1 公里（不足 1 公里按 1 公里）"
                  "加 2 分钟（即标准本身的 30 公里/小时）。到达时间为派遣后该网格员第一个距事发点 %(r)d 米以内的有效轨迹点的时间；"
                  "按时到达率 = 按时到达数 ÷ 已到达数。"),
}


def definitions() -> dict[str, str]:
    return {
        **{k: str(v) for k, v in DEFINITIONS.items()},
        "coverage": str(DEFINITIONS["coverage"]) % {"m": conf.get("PATROL_COVERAGE_BUFFER_M")},
        "night": str(DEFINITIONS["night"]) % {"start": conf.get("PATROL_NIGHT_START_HOUR"),
                                              "end": conf.get("PATROL_NIGHT_END_HOUR")},
        "response": str(DEFINITIONS["response"]) % {"age": conf.get("PATROL_POSITION_MAX_AGE_MIN"),
                                                    "r": conf.get("PATROL_ARRIVAL_RADIUS_M")},
    }


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _week_params(territory: str, week_start: date) -> dict:
    start, end = week_bounds(week_start)
    return {"prefix": territory + "%", "start": start, "end": end, "counted": list(COUNTED)}


@dataclass(frozen=True)
class GridWeek:
    code: str
    name: str
    patrols: int


PATROLS_PER_GRID = """
SELECT g.code, g.name, count(p.id)
FROM geodata_area g
LEFT JOIN patrols_patrol p ON p.area_code = g.code AND p.status = ANY(%(counted)s)
     AND p.started_at >= %(start)s AND p.started_at < %(end)s
WHERE g.level = 'grid' AND g.code LIKE %(prefix)s
GROUP BY g.code, g.name ORDER BY g.code
"""


def patrols_per_grid(*, territory: str, week_start: date) -> list[GridWeek]:
    """Counted patrols of the week per grid under `territory`, zeros included."""
    return [GridWeek(*row) for row in _rows(PATROLS_PER_GRID, _week_params(territory, week_start))]


@dataclass(frozen=True)
class KeyAreaWeek:
    id: int
    name: str
    area_code: str
    required: int
    patrols: int

    @property
    def met(self) -> bool:
        return self.patrols >= self.required


# Driven from the week's patrols (the started_at index), each probing the GiST index on the key
# areas with its track: the cost follows the week's patrols, not the years of tracks behind them.
# count(DISTINCT) because a patrol is one patrol however often it enters.
KEY_AREA_COMPLIANCE = """
WITH areas AS (
    SELECT k.id, k.name, a.code, k.patrols_per_week, k.geom
    FROM geodata_keyarea k JOIN geodata_area a ON a.id = k.area_id
    WHERE a.code LIKE %(prefix)s
), passes AS (
    SELECT k.id AS key_area_id, p.id AS patrol_id
    FROM patrols_patrol p JOIN areas k ON ST_Intersects(p.track, k.geom)
    WHERE p.status = ANY(%(counted)s) AND p.started_at >= %(start)s AND p.started_at < %(end)s
)
SELECT k.id, k.name, k.code, k.patrols_per_week, count(DISTINCT x.patrol_id)
FROM areas k LEFT JOIN passes x ON x.key_area_id = k.id
GROUP BY k.id, k.name, k.code, k.patrols_per_week
ORDER BY k.code, k.name
"""


def key_area_compliance(*, territory: str, week_start: date) -> list[KeyAreaWeek]:
    """Each key area under `territory` with the week's patrols through it and whether that meets its requirement."""
    return [KeyAreaWeek(*row) for row in _rows(KEY_AREA_COMPLIANCE, _week_params(territory, week_start))]


# KEY_AREA_COMPLIANCE for many weeks in one statement: every (key area, week) pair, met or not.
KEY_AREA_WEEKS = """
WITH areas AS (
    SELECT k.id, k.patrols_per_week, k.geom
    FROM geodata_keyarea k JOIN geodata_area a ON a.id = k.area_id
    WHERE a.code LIKE %(prefix)s
), passes AS (
    SELECT k.id AS key_area_id, date_trunc('week', p.started_at AT TIME ZONE %(tz)s)::date AS week,
           count(DISTINCT p.id) AS patrols
    FROM patrols_patrol p JOIN areas k ON ST_Intersects(p.track, k.geom)
    WHERE p.status = ANY(%(counted)s) AND p.started_at >= %(start)s AND p.started_at < %(end)s
    GROUP BY 1, 2
)
SELECT w.week::date, count(*) FILTER (WHERE coalesce(x.patrols, 0) >= k.patrols_per_week), count(*)
FROM generate_series(%(first)s::date, %(last)s::date, interval '7 days') AS w(week)
CROSS JOIN areas k LEFT JOIN passes x ON x.key_area_id = k.id AND x.week = w.week::date
GROUP BY 1
"""


def key_area_compliance_by_week(*, territory: str, first_week: date, end_week: date) -> dict[date, tuple[int, int]]:
    """{Monday: (key areas that met their requirement, key areas)} for the weeks whose Monday is in
    [first_week, end_week) (`first_week` a Monday; each week counted whole)."""
    if first_week >= end_week:
        return {}
    last_week = first_week + timedelta(days=7 * ((end_week - first_week - timedelta(days=1)).days // 7))
    start, _ = week_bounds(first_week)
    _, end = week_bounds(last_week)
    params = {"prefix": territory + "%", "start": start, "end": end, "counted": list(COUNTED),
              "tz": settings.TIME_ZONE, "first": first_week, "last": last_week}
    return {week: (met, total) for week, met, total in _rows(KEY_AREA_WEEKS, params)}


@dataclass(frozen=True)
class GridCoverage:
    code: str
    name: str
    share: float  # 0..1


# Computed in the grid's UTM zone (metres; scale error under 0.1 % inside a zone), which is what
# a geography buffer does internally, but without the costly spheroidal area of the union. The &&
# on the grid's box widened by 0.002° (≈200 m) picks the tracks that can reach it; each is cut to
# that box and simplified to 5 m (invisible under a 50 m buffer) before it is buffered, and the
# buffers are merged by ST_Union (a cascaded union). Round ends are drawn with 4 segments per
# quarter circle (cap area 2.6 % short of a true half disc: well under 1 % of a grid's figure).
GRID_COVERAGE = """
SELECT g.code, g.name, coalesce(ST_Area(ST_Intersection(g.shape, u.covered)) / nullif(ST_Area(g.shape), 0), 0)
FROM (
    SELECT a.code, a.name, a.geom, z.srid, ST_Transform(a.geom, z.srid) AS shape
    FROM geodata_area a,
         LATERAL (SELECT 32600 + least(60, floor((ST_X(ST_Centroid(a.geom)) + 180) / 6)::int + 1)
                         + CASE WHEN ST_Y(ST_Centroid(a.geom)) < 0 THEN 100 ELSE 0 END AS srid) AS z
    WHERE a.level = 'grid' AND a.code LIKE %(prefix)s
) AS g
LEFT JOIN LATERAL (
    SELECT ST_Union(ST_Buffer(ST_Simplify(ST_Transform(ST_ClipByBox2D(p.track, ST_Expand(g.geom, 0.002)::box2d),
                                                       g.srid), 5), %(buffer)s, 'quad_segs=4')) AS covered
    FROM patrols_patrol p
    WHERE p.status = ANY(%(counted)s) AND p.started_at >= %(start)s AND p.started_at < %(end)s
      AND p.track && ST_Expand(g.geom, 0.002)
) u ON true
ORDER BY g.code
"""


def grid_coverage(*, territory: str, week_start: date, buffer_m: float | None = None) -> list[GridCoverage]:
    """The share of each grid's area within `buffer_m` (PATROL_COVERAGE_BUFFER_M) of some track of the week."""
    params = {**_week_params(territory, week_start), "buffer": buffer_m or conf.get("PATROL_COVERAGE_BUFFER_M")}
    return [GridCoverage(code, name, min(1.0, float(share))) for code, name, share in _rows(GRID_COVERAGE, params)]


@dataclass(frozen=True)
class NightShare:
    night: int
    total: int

    @property
    def share(self) -> float | None:
        return self.night / self.total if self.total else None


NIGHT_SHARE = """
SELECT count(*) FILTER (WHERE extract(hour FROM p.started_at AT TIME ZONE %(tz)s) >= %(night_start)s
                           OR extract(hour FROM p.started_at AT TIME ZONE %(tz)s) < %(night_end)s),
       count(*)
FROM patrols_patrol p
WHERE p.area_code LIKE %(prefix)s AND p.status = ANY(%(counted)s) AND p.started_at >= %(start)s AND p.started_at < %(end)s
"""


def night_share(*, territory: str, week_start: date) -> NightShare:
    params = {**_week_params(territory, week_start), "tz": settings.TIME_ZONE,
              "night_start": conf.get("PATROL_NIGHT_START_HOUR"), "night_end": conf.get("PATROL_NIGHT_END_HOUR")}
    return NightShare(*_rows(NIGHT_SHARE, params)[0])


@dataclass(frozen=True)
class ResponseWeek:
    dispatched: int
    arrived: int
    on_time: int
    median_s: float | None

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.arrived if self.arrived else None


RESPONSE = """
SELECT count(*), count(*) FILTER (WHERE status = 'arrived'), count(*) FILTER (WHERE compliant),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY response_s) FILTER (WHERE status = 'arrived')
FROM patrols_dispatch
WHERE area_code LIKE %(prefix)s AND status <> 'cancelled' AND dispatched_at >= %(start)s AND dispatched_at < %(end)s
"""


def response_times(*, territory: str, week_start: date) -> ResponseWeek:
    return ResponseWeek(*_rows(RESPONSE, _week_params(territory, week_start))[0])


def territory_for(user, code: str | None) -> str | None:
    """The territory code to measure: the one asked for if the user covers it, else the user's own
    (the first of a grid worker's grids' village), or None."""

    if code and covers_code(user, code):
        return code
    codes = jurisdiction_codes(user)
    if not codes:
        return None
    return codes[0]
