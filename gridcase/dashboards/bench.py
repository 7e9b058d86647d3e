"""Benchmark: the dashboards at a million cases. Run by `manage.py bench dashboards --cases N`.

Builds N synthetic cases (numbered BENCH-…, as `gridcase.cases.bench` does, whose clean-up this
reuses) spread over the demo county's grids and two years, with the events their outcomes imply
(registered, accepted, escalated and accepted again at the town, settled or failed and referred,
followed up, closed), all with INSERT … SELECT; then builds the measure rollup, VACUUM ANALYZE,
and times each endpoint through Django against the same SQL replayed straight on the database
(every statement the request ran, captured from one request). At the end the synthetic cases are
removed and the rollup rebuilt from what is left, so the database is as it was.
"""

import re
from datetime import date

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
from gridcase.lib import clock
from gridcase.lib.bench import percentiles, timed

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
        else:
            remove_bench_cases()
            _build(write=write, total=total)
        _measure(write=write, requests=requests)
    finally:
        if not keep:
            remove_bench_cases()
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
    _, seconds = timed(rollup.refresh_recent)
    write(f"  rollup refresh of the last {rollup.REFRESH_MONTHS} months (beat) {seconds:8.1f} s")


def _sample(client, url, params, requests):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    # A server-side cursor (DECLARE … FOR <query>) is replayed as its query.
    statements = [re.sub(r"^DECLARE .*? CURSOR (WITH(OUT)? HOLD )?FOR ", "", q["sql"])
                  for q in captured.captured_queries if not q["sql"].startswith(("CLOSE", "FETCH"))]
    samples = [timed(lambda: client.get(url, params))[1] for _ in range(requests)]

    def raw():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall() if cursor.description else None

    raws = [timed(raw)[1] for _ in range(requests)]
    return response, percentiles(samples), percentiles(raws), len(statements)


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
    write(f"  {requests} requests each, through Django (p50/p95) and the same SQL replayed raw (p50/p95):")
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
        ("hot spots (DBSCAN), town, quarter", leader_client, "/api/dashboards/hot-spots/",
         {"code": town.code, "period": "quarter", "start": month.isoformat()}, 300),
    ]
    for label, client, url, params, target in checks:
        response, (p50, p95), (r50, r95), statements = _sample(client, url, params, requests)
        size = len(response.content) / 1024
        verdict = "ok" if p95 < target and p95 / max(r95, 0.001) < 1.5 else "MISS"
        write(f"    {label:<42} p50 {p50:6.1f} p95 {p95:6.1f} ms | raw p50 {r50:6.1f} p95 {r95:6.1f} ms"
              f" | ratio {p95 / max(r95, 0.001):4.2f} | {statements} stmts, {size:,.0f} KiB | target {target} ms {verdict}")
