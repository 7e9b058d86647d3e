"""Benchmark: the dashboards at a million cases. Run by `manage.py bench dashboards --cases N`.

Builds N synthetic cases (numbered BENCH-…, as `gridcase.cases.bench` does, whose clean-up this
reuses) spread over the demo county's grids and two years, with the events their outcomes imply
(registered, accepted, escalated and accepted again at the town, settled or failed and referred,
followed up, closed), all with INSERT … SELECT; one hazard per ten cases and 60 patrols per grid and
week for four weeks (their track heat cells only); then builds the measure rollup, VACUUM ANALYZE,
and times each endpoint through Django against the same SQL replayed straight on the database.

The raw SQL is what one request ran with the rollup cache off, captured, less the session and user
reads every logged-in request makes before the view (they are not the aggregation; replaying them
too would flatter the ratio). The Django figures and the ratio are with the cache off too: the same
work on both sides. The cached figures (choropleths, which are cached per rollup generation) are
printed beside them, not used for the ratio. At the end the synthetic rows are removed and the
rollup rebuilt from what is left, so the database is as it was.
"""

import re
from datetime import date
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from geodata.models import Area, Level
from gridcase.accounts.models import User
from gridcase.cases.bench import remove_bench_cases
from gridcase.cases.models import Case, Category
from gridcase.dashboards import rollup
from gridcase.dashboards.measures.cases import SQL
from gridcase.dashboards.models import MeasureMonth, RollupState
from gridcase.hazards.models import HazardCategory
from gridcase.lib import clock, heat
from gridcase.lib.bench import percentiles, timed
from gridcase.patrols.models import Patrol

# One case in 20 is open, one is referred after failing at the town (one in 40 to the police, with a
# risk of violence), two were settled at the town after escalation, the rest at the village.
CASES = """
INSERT INTO cases_case (number, title, narrative, category_id, people_involved, risk, violence_risk, source,
                        location, grid_id, area_code, village_code, town_code, county_code, level, state,
                        referred_to, registered_at, accepted_at, level_entered_at, deadline, closed_at,
                        version, updated_at)
SELECT 'BENCH-' || i, '基准测试纠纷 ' || i, '', (%(categories)s::bigint[])[1 + (i * 31) %% %(ncat)s], 2, 1,
       i %% 40 = 1, (ARRAY['grid_worker','visit','police','hotline','court','petition'])[1 + (i * 17) %% 6],
       ST_SetSRID(ST_MakePoint((%(lons)s::float8[])[g] + ((h %% 1000) - 500) * 0.000004,
                               (%(lats)s::float8[])[g] + (((h / 1000) %% 1000) - 500) * 0.000004), 4326),
       (%(grids)s::bigint[])[g], (%(codes)s::text[])[g], left((%(codes)s::text[])[g], 12),
       left((%(codes)s::text[])[g], 9), left((%(codes)s::text[])[g], 6),
       CASE WHEN i %% 20 IN (1, 2, 3) THEN 'town' ELSE 'village' END,
       CASE WHEN i %% 20 = 0 THEN 'accepted' ELSE 'closed' END,
       CASE WHEN i %% 40 = 1 THEN 'police' WHEN i %% 20 = 1 THEN 'court' ELSE '' END,
       reg, reg + interval '1 day', reg + interval '1 day', reg + interval '16 days',
       CASE WHEN i %% 20 <> 0 THEN reg + interval '40 days' END, 1, %(now)s
FROM generate_series(1, %(total)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 7919) %% %(ngrids)s AS g, (i::bigint * 2654435761) %% 1000000007 AS h) AS pick,
     LATERAL (SELECT CASE WHEN i %% 20 = 0 THEN %(now)s - (h %% 30) * interval '1 day'
                          ELSE %(now)s - interval '45 days' - (h %% 690) * interval '1 day'
                               - (h %% 86400) * interval '1 second' END AS reg) AS r
"""
# Each event: (kind, from, to, level, offset from registration, which cases, data).
SETTLE_AFTER = "(3 + (c.id * 7) %% 20) * interval '1 day'"  # one in five after the 15-day limit
EVENTS = [
    ("case.registered", "", "registered", "'village'", "interval '0'", "TRUE", "'{}'"),
    ("case.accepted", "registered", "accepted", "'village'", "interval '1 day'", "TRUE", "'{}'"),
    ("case.escalated", "accepted", "escalated", "'town'", "interval '5 days'", "c.level = 'town'", "'{}'"),
    ("case.accepted", "escalated", "accepted", "'town'", "interval '6 days'", "c.level = 'town'", "'{}'"),
    ("case.settled", "mediating", "settled", "c.level", SETTLE_AFTER, "c.state = 'closed' AND c.referred_to = ''", "'{}'"),
    ("case.failed", "mediating", "failed", "'town'", "interval '8 days'", "c.referred_to <> ''", "'{}'"),
    ("case.referred", "failed", "referred", "'town'", "interval '9 days'", "c.referred_to <> ''",
     "jsonb_build_object('to', c.referred_to)"),
    ("case.followed_up", "settled", "followed_up", "c.level", SETTLE_AFTER + " + interval '10 days'",
     "c.state = 'closed' AND c.referred_to = ''",
     "jsonb_build_object('satisfaction', (ARRAY['dissatisfied','fairly','fairly','satisfied','satisfied','satisfied',"
     "'satisfied','satisfied','satisfied','satisfied'])[1 + (c.id * 13) %% 10], 'recurred', c.id %% 50 = 7)"),
    ("case.closed", "followed_up", "closed", "c.level", "interval '40 days'", "c.state = 'closed'", "'{}'"),
]
# Hazards: one for every ten cases, over the same two years and grids, in every state.
HAZARDS = """
INSERT INTO hazards_hazard (number, severity, title, description, location, grid_id, area_code, village_code, town_code,
                            county_code, responsible_kind, responsible_name, responsible_contact, state, level,
                            reported_at, rework_count, extension_count, version, updated_at, category_id)
SELECT 'BENCH-H-' || i, 1 + i %% 3, '基准测试隐患 ' || i, '',
       ST_SetSRID(ST_MakePoint((%(lons)s::float8[])[g] + ((h %% 1000) - 500) * 0.000004,
                               (%(lats)s::float8[])[g] + (((h / 1000) %% 1000) - 500) * 0.000004), 4326),
       (%(grids)s::bigint[])[g], (%(codes)s::text[])[g], left((%(codes)s::text[])[g], 12),
       left((%(codes)s::text[])[g], 9), left((%(codes)s::text[])[g], 6), 'unit', '', '',
       (ARRAY['reported','verified','rectifying','rectified','closed','closed','closed','rejected'])[1 + i %% 8],
       'village', %(now)s - (h %% 730) * interval '1 day' - (h %% 86400) * interval '1 second', 0, 0, 1, %(now)s,
       (%(categories)s::bigint[])[1 + (i * 7) %% %(ncat)s]
FROM generate_series(1, %(total)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 7919) %% %(ngrids)s AS g, (i::bigint * 2654435761) %% 1000000007 AS h) AS pick
"""
# Patrols: PATROLS_PER_GRID_WEEK finished patrols per grid and week (at a million cases, fewer in
# proportion) over the last PATROL_WEEKS weeks, each a straight walk of eight 200 m steps from near
# its grid's inner point. Only their heat cells are written (what the heat map reads), not thousands
# of fixes each.
PATROLS_PER_GRID_WEEK, PATROL_WEEKS, PATROL_MARK = 60, 4, "BENCH-DASH"
PATROLS = f"""
INSERT INTO patrols_patrol (type, planned, status, grid_id, area_code, village_code, town_code, county_code, note,
                            started_at, ended_at, distance_m, duration_s, points_kept, points_dropped, created_at,
                            version, updated_at)
SELECT (ARRAY['routine', 'routine', 'night', 'key_area'])[1 + i %% 4], false, 'finished', (%(grids)s::bigint[])[g],
       (%(codes)s::text[])[g], left((%(codes)s::text[])[g], 12), left((%(codes)s::text[])[g], 9),
       left((%(codes)s::text[])[g], 6), '{PATROL_MARK}', st, st + interval '1 hour', 1600, 3600, 8, 0, st, 1, st
FROM generate_series(1, %(total)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 104729) %% %(ngrids)s AS g,
                     %(now)s - ((i::bigint * 2654435761) %% (%(weeks)s * 604800)) * interval '1 second' AS st) AS pick
"""
TRACK_CELLS = f"""
INSERT INTO patrols_trackcell (patrol_id, size, cell, fixes, type, started_at, area_code, village_code, town_code,
                               county_code)
SELECT p.id, s.size, {{cell}}, count(*), p.type, p.started_at, p.area_code, p.village_code, p.town_code, p.county_code
FROM patrols_patrol p JOIN geodata_area a ON a.id = p.grid_id,
     LATERAL (SELECT ST_PointOnSurface(a.geom) AS o, radians(p.id %% 360) AS heading) AS start,
     LATERAL (SELECT ST_SetSRID(ST_MakePoint(ST_X(o) + k * 0.0021 * cos(heading), ST_Y(o) + k * 0.0018 * sin(heading)),
                                4326) AS location FROM generate_series(0, 7) AS k) AS t,
     unnest(%(sizes)s::int[]) AS s(size)
WHERE p.note = '{PATROL_MARK}'
GROUP BY p.id, s.size, 3
"""
EVENT_INSERT = """
INSERT INTO cases_caseevent (case_id, at, kind, from_state, to_state, level, version, reason, data)
SELECT c.id, c.registered_at + {offset}, '{kind}', '{from_state}', '{to_state}', {level}, 1, '', {data}
FROM cases_case c WHERE c.number LIKE 'BENCH-%%' AND {where}
"""


def bench_dashboards(*, write, total: int, requests: int, keep: bool = False, reuse: bool = False) -> None:
    """`keep` leaves the synthetic cases for another run with `reuse` (which then cleans up)."""
    existing = Case.objects.filter(number__startswith="BENCH-").count()
    had_rollup = RollupState.objects.filter(pk=1).exists() and not existing
    try:
        if reuse and existing:
            write(f"dashboards: reusing {existing:,} synthetic cases")
            if set(SQL) - set(MeasureMonth.objects.values_list("measure", flat=True).distinct()):
                rows, seconds = timed(rollup.refresh)  # a measure was added since the build
                write(f"  rollup rebuilt from the event log        {seconds:8.1f} s  ({rows:,} rows)")
            if not Patrol.objects.filter(note=PATROL_MARK).exists():  # a data set built before the layers
                _build_layers(write=write, total=total)
        else:
            remove_bench_cases()
            _remove_layers()
            _build(write=write, total=total)
            _build_layers(write=write, total=total)
        _measure(write=write, requests=requests)
    finally:
        if not keep:
            remove_bench_cases()
            _remove_layers()
            if had_rollup:
                rollup.refresh()
            else:
                MeasureMonth.objects.all().delete()
                RollupState.objects.all().delete()
            write("  (synthetic cases removed, rollup restored)")


def _build(*, write, total: int) -> None:
    grids = list(Area.objects.filter(level=Level.GRID).order_by("code"))
    points = [g.geom.point_on_surface for g in grids]
    params = {"categories": list(Category.objects.values_list("pk", flat=True)), "ncat": Category.objects.count(),
              "grids": [g.pk for g in grids], "codes": [g.code for g in grids], "ngrids": len(grids),
              "lons": [p.x for p in points], "lats": [p.y for p in points], "total": total, "now": clock.now()}
    write(f"dashboards: {total:,} synthetic cases over {len(grids):,} grids and two years, with their events")
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(CASES, params))
        write(f"  insert cases (heat bins generated)       {seconds:8.1f} s")
        events = 0
        started = clock.now()
        for kind, from_state, to_state, level, offset, where, data in EVENTS:
            cursor.execute(EVENT_INSERT.format(kind=kind, from_state=from_state, to_state=to_state, level=level,
                                               offset=offset, where=where, data=data), [])
            events += cursor.rowcount
        write(f"  insert {events:,} events                {(clock.now() - started).total_seconds():8.1f} s")
        started = clock.now()
        cursor.execute("VACUUM ANALYZE cases_case")
        cursor.execute("VACUUM ANALYZE cases_caseevent")
        seconds = (clock.now() - started).total_seconds()
        write(f"  vacuum analyze                           {seconds:8.1f} s")
    rows, seconds = timed(rollup.refresh)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE dashboards_measuremonth")
    write(f"  rollup rebuilt from the event log        {seconds:8.1f} s  ({rows:,} rows)")
    with connection.cursor() as cursor:  # what a day of changes leaves: this month and the four before
        cursor.execute("INSERT INTO dashboards_dirtymonth (month, changes) SELECT generate_series(date_trunc('month', now())"
                       " - interval '4 months', date_trunc('month', now()), interval '1 month')::date, 1 ON CONFLICT DO NOTHING")
    _, seconds = timed(rollup.refresh_dirty)
    write(f"  rollup refresh of 5 dirty months (beat)  {seconds:8.1f} s")


def _grid_params() -> dict:
    grids = list(Area.objects.filter(level=Level.GRID).order_by("code"))
    points = [g.geom.point_on_surface for g in grids]
    return {"grids": [g.pk for g in grids], "codes": [g.code for g in grids], "ngrids": len(grids),
            "lons": [p.x for p in points], "lats": [p.y for p in points], "now": clock.now()}


def _build_layers(*, write, total: int) -> None:
    """The hazards (one per ten cases) and patrols (PATROLS_PER_GRID_WEEK per grid and week at a million
    cases) of the heat layers."""
    params = _grid_params()
    categories = list(HazardCategory.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(HAZARDS, {**params, "total": total // 10, "categories": categories,
                                                            "ncat": len(categories)}))
        write(f"  insert {total // 10:,} hazards (heat bins generated) {seconds:8.1f} s")
        per_grid_week = max(1, round(PATROLS_PER_GRID_WEEK * total / 1_000_000))
        patrols = per_grid_week * PATROL_WEEKS * params["ngrids"]
        _, seconds = timed(lambda: cursor.execute(PATROLS, {**params, "total": patrols, "weeks": PATROL_WEEKS}))
        write(f"  insert {patrols:,} patrols ({per_grid_week} per grid and week) {seconds:8.1f} s")
        _, seconds = timed(lambda: cursor.execute(TRACK_CELLS.format(cell=heat.cell_sql("t.location", "s.size")),
                                                  {"sizes": list(heat.SIZES)}))
        cells = cursor.rowcount
        for table in ("hazards_hazard", "patrols_patrol", "patrols_trackcell"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        write(f"  their {cells:,} track heat cells         {seconds:8.1f} s")


def _remove_layers() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM hazards_hazard WHERE number LIKE 'BENCH-H-%%'")
        cursor.execute("DELETE FROM patrols_trackcell WHERE patrol_id IN (SELECT id FROM patrols_patrol WHERE note = %s)",
                       [PATROL_MARK])
        cursor.execute("DELETE FROM patrols_patrol WHERE note = %s", [PATROL_MARK])


# What every logged-in request reads before the view runs (the session, then the user): not part of
# the aggregation, so not replayed as "raw SQL" (it would flatter the ratio).
BOOKKEEPING = ('FROM "django_session"', 'FROM "accounts_user"')


def _sample(client, url, params, requests):
    """p50/p95 through Django with the rollup cache off (every request computes), the same with it on
    (a cached answer, for the endpoints that have one), and the SQL the uncached request ran,
    replayed straight on the database."""
    with mock.patch.object(rollup, "cache_key", return_value=None):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)
        # Read them now: the next request's request_started signal empties the connection's query log.
        # A server-side cursor (DECLARE … FOR <query>) is replayed as its query.
        statements = [re.sub(r"^DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", q["sql"])
                      for q in captured.captured_queries
                      if not q["sql"].startswith(("CLOSE", "FETCH")) and not any(b in q["sql"] for b in BOOKKEEPING)]
        samples = [timed(lambda: client.get(url, params))[1] for _ in range(requests)]
    client.get(url, params)
    warm = [timed(lambda: client.get(url, params))[1] for _ in range(requests)]

    def raw():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None

    raws = [timed(raw)[1] for _ in range(requests)]
    return response, percentiles(samples), percentiles(raws), percentiles(warm), len(statements)


def _measure(*, write, requests: int) -> None:
    leader, admin = User.objects.get(username="leader"), User.objects.get(username="admin")
    town, county = leader.area, admin.area
    month = clock.today().replace(day=1)
    last_month = date(month.year - (month.month == 1), (month.month - 2) % 12 + 1, 1)
    leader_client, admin_client = Client(SERVER_NAME="localhost"), Client(SERVER_NAME="localhost")
    leader_client.force_login(leader)
    admin_client.force_login(admin)
    west, south, east, north = Area.objects.get(pk=town.pk).geom.extent
    bbox = f"{west},{south},{east},{north}"
    write(f"  {requests} requests each, through Django with the rollup cache off (p50/p95), the SQL of that request"
          " replayed raw without the session and user reads (p50/p95), their ratio (p95), and Django with the cache on:")
    checks = [
        (f"town KPI page {town.name}, last month", leader_client, f"/dashboard/{town.code}/",
         {"period": "month", "start": last_month.isoformat()}, 300),
        (f"town KPI page {town.name}, year", leader_client, f"/dashboard/{town.code}/",
         {"period": "year", "start": month.isoformat()}, 300),
        ("county page + ranking of towns, month", admin_client, f"/dashboard/{county.code}/",
         {"period": "month", "start": last_month.isoformat()}, 300),
        *[(f"heat map, town box, zoom {zoom}, year", leader_client, "/api/dashboards/heat/",
           {"bbox": bbox, "zoom": zoom, "period": "year", "start": month.isoformat()}, 200) for zoom in (11, 13, 15)],
        ("heat map, county, zoom 10, month", admin_client, "/api/dashboards/heat/",
         {"bbox": ",".join(map(str, Area.objects.get(pk=county.pk).geom.extent)), "zoom": 10, "period": "month",
          "start": last_month.isoformat()}, 200),
        ("choropleth success by village (county)", admin_client, "/api/dashboards/choropleth/",
         {"code": county.code, "measure": "success", "zoom": 11, "period": "quarter", "start": month.isoformat()}, 300),
        ("choropleth per 1000 households (town)", leader_client, "/api/dashboards/choropleth/",
         {"code": town.code, "measure": "per_1000", "zoom": 13, "period": "year", "start": month.isoformat()}, 300),
        ("heat map of hazards, town box, zoom 13, year", leader_client, "/api/dashboards/heat/",
         {"layer": "hazards", "bbox": bbox, "zoom": 13, "period": "year", "start": month.isoformat()}, 200),
        ("heat map of patrol tracks, town, zoom 13, month", leader_client, "/api/dashboards/heat/",
         {"layer": "tracks", "bbox": bbox, "zoom": 13, "period": "month", "start": month.isoformat()}, 200),
        ("hot spots (DBSCAN), town, quarter", leader_client, "/api/dashboards/hot-spots/",
         {"code": town.code, "period": "quarter", "start": month.isoformat()}, 300),
    ]
    # Django's fixed part: the same heat endpoint over a box with nothing in it (its SQL finds no rows).
    _, (p50, _p95), (r50, _r95), _, _ = _sample(leader_client, "/api/dashboards/heat/",
                                                {"bbox": "100,20,100.01,20.01", "zoom": 13}, requests)
    write(f"  Django's own time on a logged-in request (middleware, session and user reads, checks, building the"
          f" query): {p50 - r50:.1f} ms, from the heat endpoint over an empty box (p50 {p50:.1f} ms, its SQL"
          f" {r50:.1f} ms). Below {2 * (p50 - r50):.1f} ms of SQL a ratio under 1.5 is out of reach.")
    for label, client, url, params, target in checks:
        response, (p50, p95), (r50, r95), (w50, w95), statements = _sample(client, url, params, requests)
        size = len(response.content) / 1024
        verdict = "ok" if p95 < target and p95 / max(r95, 0.001) < 1.5 else "MISS"
        write(f"    {label:<42} p50 {p50:6.1f} p95 {p95:6.1f} ms | raw p50 {r50:6.1f} p95 {r95:6.1f} ms"
              f" | ratio {p95 / max(r95, 0.001):4.2f}, Django's own p50 {p50 - r50:5.1f} ms"
              f" | cached p50 {w50:6.1f} p95 {w95:6.1f} ms | {statements} stmts, {size:,.0f} KiB"
              f" | target {target} ms {verdict}")
