"""Benchmark: the rules sweep and the case list at a million cases. Run by `manage.py bench cases`.

Builds synthetic cases with one INSERT … SELECT (the benchmark measures reads and the sweep, not
the demo generator) and commits them, then VACUUM ANALYZE, as a production table would be; at the
end it removes them again (they are numbered BENCH-…). Run it on a development database only: the
clean-up switches off the append-only trigger for its own session to remove the events it caused.
"""

from datetime import timedelta

from django.db import connection
from django.db.models import Count
from django.test import Client

from geodata.models import Area, Level
from gridcase.accounts.models import User
from gridcase.cases import selectors
from gridcase.cases.models import Case, Category
from gridcase.escalation import engine
from gridcase.lib import clock
from gridcase.lib.bench import percentiles, timed

INSERT = """
INSERT INTO cases_case (number, title, narrative, category_id, people_involved, risk, violence_risk, source,
                        location, grid_id, area_code, village_code, town_code, county_code, level, state,
                        referred_to, registered_at, accepted_at, level_entered_at, deadline, next_check_at,
                        version, updated_at)
SELECT 'BENCH-' || i, '基准测试纠纷 ' || i, '', (%(categories)s::bigint[])[1 + i %% %(ncat)s], 2, 1, false, 'grid_worker',
       ST_SetSRID(ST_MakePoint((%(lons)s::float8[])[g], (%(lats)s::float8[])[g]), 4326),
       (%(grids)s::bigint[])[g], (%(codes)s::text[])[g], left((%(codes)s::text[])[g], 12),
       left((%(codes)s::text[])[g], 9), left((%(codes)s::text[])[g], 6), 'village',
       CASE WHEN i <= %(open)s THEN 'accepted' ELSE 'closed' END, '',
       reg, reg + interval '1 day', reg + interval '1 day', reg + interval '15 days',
       CASE WHEN i <= %(due)s THEN %(now)s - interval '1 hour'
            WHEN i <= %(open)s THEN %(now)s + random() * interval '14 days' END,
       1, %(now)s
FROM generate_series(1, %(total)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 7919) %% %(ngrids)s AS g,
                     CASE WHEN i <= %(due)s THEN %(now)s - interval '40 days'
                          WHEN i <= %(open)s THEN %(now)s - random() * interval '5 days'
                          ELSE %(now)s - random() * interval '730 days' END AS reg) AS pick
"""
SWEEP_SELECT = """
SELECT id FROM cases_case WHERE next_check_at <= %s ORDER BY next_check_at LIMIT 500 FOR UPDATE SKIP LOCKED
"""


def _plan(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + sql, params)
        return [row[0] for row in cursor.fetchall()]


BENCH_CASES = "SELECT id FROM cases_case WHERE number LIKE 'BENCH-%%'"


def remove_bench_cases() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # lets this session delete its own events
        try:
            for table in ("cases_caseevent", "cases_party", "cases_case_mediators"):
                cursor.execute(f"DELETE FROM {table} WHERE case_id IN ({BENCH_CASES})")
            cursor.execute(f"DELETE FROM escalation_rulefiring WHERE subject_kind = 'case' AND subject_id IN ({BENCH_CASES})")
            cursor.execute(f"DELETE FROM cases_case WHERE id IN ({BENCH_CASES})")
            cursor.execute("DELETE FROM notifications_notification WHERE url LIKE '/cases/%%' AND NOT EXISTS "
                           "(SELECT 1 FROM cases_case c WHERE '/cases/' || c.id || '/' = url)")
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("VACUUM ANALYZE cases_case")


def bench_cases(*, write, total: int, open_cases: int, due: int, requests: int) -> None:
    remove_bench_cases()
    try:
        _bench(write=write, total=total, open_cases=open_cases, due=due, requests=requests)
    finally:
        remove_bench_cases()
        write("  (synthetic cases removed)")


def _bench(*, write, total: int, open_cases: int, due: int, requests: int) -> None:
    now = clock.now()
    grids = list(Area.objects.filter(level=Level.GRID).order_by("code"))
    points = [g.geom.point_on_surface for g in grids]
    params = {
        "categories": list(Category.objects.values_list("pk", flat=True)), "ncat": Category.objects.count(),
        "grids": [g.pk for g in grids], "codes": [g.code for g in grids], "ngrids": len(grids),
        "lons": [p.x for p in points], "lats": [p.y for p in points],
        "total": total, "open": open_cases, "due": due, "now": now,
    }
    write(f"cases: {total:,} synthetic cases ({open_cases:,} open, {due:,} due for the rules) over {len(grids):,} grids")
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(INSERT, params))
        write(f"  insert                                   {seconds:8.2f} s")
        _, seconds = timed(lambda: cursor.execute("VACUUM ANALYZE cases_case"))
        write(f"  vacuum analyze                           {seconds:8.2f} s")

    runs = [timed(lambda: _plan(SWEEP_SELECT, [now]))[1] for _ in range(20)]
    p50, p95 = percentiles(runs)
    write(f"  sweep selection (500 due, SKIP LOCKED)   p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  (EXPLAIN ANALYZE round trip)")
    for line in _plan(SWEEP_SELECT, [now]):
        write(f"      {line}")

    escalated, seconds = timed(lambda: engine.sweep(now=now + timedelta(seconds=1)))
    moved = Case.objects.filter(number__startswith="BENCH-", level="town").count()
    write(f"  sweep of {escalated:,} due cases                {seconds:8.2f} s  ({escalated / seconds:,.0f} cases/s;"
          f" {moved:,} escalated to the town)")

    leader = User.objects.get(username="leader")
    town = leader.area
    in_town = Case.objects.filter(town_code=town.code).count()
    client = Client(SERVER_NAME="localhost")
    client.force_login(leader)
    category = Category.objects.get(code="02").pk
    write(f"  case list for {town.name} ({in_town:,} cases), {requests} requests each, through Django:")
    for label, query in [("no filter, page 1", {}), ("page 200", {"page": 200}), ("state=accepted", {"state": "accepted"}),
                         ("category + overdue", {"category": category, "overdue": "on"}),
                         ("search by number", {"q": "BENCH-77"}), ("search by name", {"q": "张"})]:
        samples = []
        for _ in range(requests):
            response, seconds = timed(lambda query=query: client.get("/cases/", query))
            assert response.status_code == 200
            samples.append(seconds)
        p50, p95 = percentiles(samples)
        write(f"    {label:<24} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    sql, sql_params = selectors.case_list(user=leader)[:25].query.sql_with_params()
    write("  list query plan (page 1):")
    for line in _plan(sql, sql_params):
        write(f"      {line}")

    west, south, east, north = town.geom.extent
    bbox = f"{west},{south},{east},{north}"
    write(f"  map points for {town.name}'s box (all {in_town:,} cases, ?all=1), {requests} requests each:")
    for zoom in (11, 13, 16):
        samples = []
        for _ in range(requests):
            response, seconds = timed(lambda zoom=zoom: client.get("/api/cases/points/", {"bbox": bbox, "zoom": zoom, "all": 1}))
            samples.append(seconds)
        body = response.json()
        p50, p95 = percentiles(samples)
        kind = "clusters" if body["clustered"] else "points"
        write(f"    zoom {zoom:<2} → {len(body['features']):>5} {kind:<8} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
              f"  ({len(response.content) / 1024:,.0f} KiB)")
    for label, work in [("count for the pager", lambda: selectors.case_list(user=leader).count()),
                        ("counts per state", lambda: selectors.state_counts(user=leader))]:
        p50, p95 = percentiles([timed(work)[1] for _ in range(requests)])
        write(f"  {label:<24}   p50 {p50:7.1f} ms  p95 {p95:7.1f} ms")
    sql, sql_params = (selectors.cases_visible_to(user=leader).values("state").annotate(n=Count("*")).order_by()
                       .query.sql_with_params())
    write("  counts per state, plan: " + "; ".join(line.strip() for line in _plan(sql, sql_params) if "Scan" in line))
