"""Benchmark: track ingest and weekly key-area compliance at county scale. Run by `manage.py bench patrols`.

1. Ingest: `patrols` patrols × `points` fixes each (default 1,000 × 2,000 = 2 million), sent through
   services.track_ingest in batches of `batch` (a phone every few minutes), each batch its own
   committed transaction as in production; a few batches are sent twice and some arrive out of
   order; ~1% poor fixes and ~0.3% jumps are dropped. Figure: fixes per second of ingest time
   (generating the fixes in Python is not counted).
2. Compliance: `key_areas` key areas (≈300 m discs) and `tracks` finished patrols with 50-vertex
   tracks in one week, inserted with INSERT … SELECT and VACUUM ANALYZEd; figure: seconds for
   selectors.key_area_compliance over the whole county (plus patrols per grid and, for one town,
   grid coverage).

Everything it makes is marked (patrol note 'BENCH', key areas 'BENCH-…', user 'bench-…') and removed
at the end, so the database is left as it was found.
"""

import math
import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection

from geodata.models import Area, Level
from gridcase.accounts.models import Role, User
from gridcase.lib import clock
from gridcase.lib.bench import timed
from gridcase.patrols import selectors, services
from gridcase.patrols.models import Patrol, Status

MARK = "BENCH"
METRES_PER_DEGREE = 111_320.0


def remove_bench_data() -> None:
    with connection.cursor() as cursor:
        bench = f"SELECT id FROM patrols_patrol WHERE note = '{MARK}'"
        for table, column in (("patrols_trackpoint", "patrol_id"), ("patrols_checkin", "patrol_id"),
                              ("patrols_patrolevent", "patrol_id"), ("patrols_patrol_workers", "patrol_id")):
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({bench})")
        cursor.execute("UPDATE patrols_dispatch SET patrol_id = NULL WHERE patrol_id IN (" + bench + ")")
        cursor.execute(f"DELETE FROM patrols_patrol WHERE note = '{MARK}'")
        cursor.execute(f"DELETE FROM patrols_checkpoint WHERE key_area_id IN "
                       f"(SELECT id FROM geodata_keyarea WHERE name LIKE '{MARK}-%%')")
        cursor.execute(f"DELETE FROM geodata_keyarea WHERE name LIKE '{MARK}-%%'")
        cursor.execute("DELETE FROM accounts_user_grids WHERE user_id IN "
                       "(SELECT id FROM accounts_user WHERE username LIKE 'bench-%%')")
        cursor.execute("DELETE FROM accounts_user WHERE username LIKE 'bench-%%'")
        cursor.execute("VACUUM ANALYZE patrols_trackpoint")
        cursor.execute("VACUUM ANALYZE patrols_patrol")


def bench_patrols(*, write, patrols: int, points: int, batch: int, key_areas: int, tracks: int, seed: int) -> None:
    remove_bench_data()
    try:
        if patrols and points:
            _ingest(write=write, patrols=patrols, points=points, batch=batch, rng=random.Random(seed))
        if key_areas and tracks:
            _compliance(write=write, key_areas=key_areas, tracks=tracks)
    finally:
        remove_bench_data()
        write("  (synthetic patrols, tracks and key areas removed)")


def _walk(rng, lon, lat, start, n, every_s=2) -> list[dict]:
    kx = METRES_PER_DEGREE * math.cos(math.radians(lat))
    heading, fixes = rng.uniform(0, 360), []
    for i in range(n):
        if rng.random() < 0.02:
            heading += rng.choice([-90, 90])
        step = 1.4 * every_s
        lon += step * math.sin(math.radians(heading)) / kx
        lat += step * math.cos(math.radians(heading)) / METRES_PER_DEGREE
        jump = 300 if rng.random() < 0.003 else 0
        fixes.append({"t": (start + timedelta(seconds=i * every_s)).isoformat(),
                      "lon": lon + rng.gauss(0, 4) / kx, "lat": lat + (rng.gauss(0, 4) + jump) / METRES_PER_DEGREE,
                      "acc": 150.0 if rng.random() < 0.01 else rng.uniform(4, 15)})
    return fixes


def _ingest(*, write, patrols: int, points: int, batch: int, rng: random.Random) -> None:
    grids = list(Area.objects.filter(level=Level.GRID).order_by("code")[:200])
    worker = User.objects.create(username="bench-worker", role=Role.GRID_WORKER, area=grids[0].parent,
                                 password=make_password(None))
    worker.grids.set(grids)
    every_s = 2
    span = timedelta(seconds=points * every_s)
    now = clock.now()
    write(f"ingest: {patrols:,} patrols × {points:,} fixes in batches of {batch} "
          f"(one fix every {every_s} s; ~3% of batches sent twice, ~3% late)")
    total_sent = stored = duplicates = dropped = calls = 0
    ingest_seconds = 0.0
    for n in range(patrols):
        grid = grids[n % len(grids)]
        centre = grid.geom.point_on_surface
        patrol = Patrol.objects.create(
            type="routine", status=Status.ONGOING, grid=grid, area_code=grid.code, village_code=grid.code[:12],
            town_code=grid.code[:9], county_code=grid.code[:6], note=MARK, started_at=now - span - timedelta(minutes=1),
            created_at=now - span, created_by=worker)
        patrol.workers.add(worker)
        fixes = _walk(rng, centre.x, centre.y, patrol.started_at + timedelta(seconds=30), points, every_s)
        batches = [fixes[i:i + batch] for i in range(0, len(fixes), batch)]
        order = []
        for b in batches:
            order.append(b)
            if rng.random() < 0.03:
                order.append(b)  # resent
        for i in range(1, len(order)):
            if rng.random() < 0.03:
                order[i - 1], order[i] = order[i], order[i - 1]  # out of order
        for b in order:
            result, seconds = timed(lambda b=b, patrol=patrol: services.track_ingest(patrol=patrol, actor=worker,
                                                                                    points=b))
            ingest_seconds += seconds
            calls += 1
            total_sent += len(b)
            stored, duplicates, dropped = stored + result.stored, duplicates + result.duplicates, dropped + result.dropped
        if (n + 1) % max(1, patrols // 10) == 0:
            write(f"  {n + 1:>6,} patrols  {total_sent:>12,} fixes sent  {total_sent / ingest_seconds:>10,.0f} fixes/s")
    write(f"  ingest total: {total_sent:,} fixes in {calls:,} uploads, {ingest_seconds:,.1f} s → "
          f"{total_sent / ingest_seconds:,.0f} fixes/s, {ingest_seconds / calls * 1000:.1f} ms per upload")
    write(f"  stored {stored:,}, duplicates {duplicates:,}, dropped {dropped:,}")


KEY_AREAS = """
INSERT INTO geodata_keyarea (name, area_id, geom, patrols_per_week, note)
SELECT 'BENCH-' || i, (%(grids)s::bigint[])[g],
       ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint((%(lons)s::float8[])[g] + (random() - 0.5) * 0.004,
                                                  (%(lats)s::float8[])[g] + (random() - 0.5) * 0.004), 4326)::geography,
                          300)::geometry), 3, ''
FROM generate_series(1, %(n)s) AS i, LATERAL (SELECT 1 + (i::bigint * 7919) %% %(ngrids)s AS g) AS pick
"""

# A track: a 50-vertex random walk (steps of up to ±40 m) from a random point near its grid's centre.
TRACKS = """
INSERT INTO patrols_patrol (type, planned, status, grid_id, area_code, village_code, town_code, county_code, note,
                            started_at, ended_at, track, distance_m, duration_s, points_kept, points_dropped,
                            created_at, version, updated_at)
SELECT (ARRAY['routine', 'night', 'key_area'])[1 + i %% 3], false, 'finished', (%(grids)s::bigint[])[g],
       (%(codes)s::text[])[g], left((%(codes)s::text[])[g], 12), left((%(codes)s::text[])[g], 9),
       left((%(codes)s::text[])[g], 6), 'BENCH', st, st + interval '1 hour', line, 2000, 3600, 50, 0, st, 1, st
FROM generate_series(1, %(n)s) AS i,
     LATERAL (SELECT 1 + (i::bigint * 104729) %% %(ngrids)s AS g,
                     %(week)s::timestamptz + random() * interval '7 days' AS st) AS pick,
     LATERAL (
         SELECT ST_SetSRID(ST_MakeLine(ST_MakePoint(x0 + dx, y0 + dy) ORDER BY k), 4326) AS line
         FROM (SELECT (%(lons)s::float8[])[g] + (random() - 0.5) * 0.01 AS x0,
                      (%(lats)s::float8[])[g] + (random() - 0.5) * 0.01 AS y0) AS o,
              (SELECT k, sum((random() - 0.5) * 0.0008) OVER (ORDER BY k) AS dx,
                         sum((random() - 0.5) * 0.0008) OVER (ORDER BY k) AS dy
               FROM generate_series(1, 50 + 0 * i) AS k) AS w
         GROUP BY x0, y0
     ) AS t
"""


def _compliance(*, write, key_areas: int, tracks: int) -> None:
    grids = list(Area.objects.filter(level=Level.GRID).order_by("code"))
    centres = [g.geom.point_on_surface for g in grids]
    week = selectors.week_of(clock.today()) - timedelta(days=7)
    start, _ = selectors.week_bounds(week)
    params = {"grids": [g.pk for g in grids], "codes": [g.code for g in grids], "ngrids": len(grids),
              "lons": [p.x for p in centres], "lats": [p.y for p in centres], "week": start}
    write(f"compliance: {key_areas:,} key areas, {tracks:,} tracks in the week of {week} over {len(grids):,} grids")
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(KEY_AREAS, {**params, "n": key_areas}))
        write(f"  insert key areas                         {seconds:8.2f} s")
        _, seconds = timed(lambda: cursor.execute(TRACKS, {**params, "n": tracks}))
        write(f"  insert tracks                            {seconds:8.2f} s")
        _, seconds = timed(lambda: [cursor.execute(f"VACUUM ANALYZE {t}") for t in ("patrols_patrol", "geodata_keyarea")])
        write(f"  vacuum analyze                           {seconds:8.2f} s")
    county = grids[0].code[:6]
    for attempt in range(3):
        rows, seconds = timed(lambda: selectors.key_area_compliance(territory=county, week_start=week))
        met = sum(1 for r in rows if r.met)
        write(f"  key-area compliance, whole county (run {attempt + 1}) {seconds:8.2f} s  "
              f"({len(rows):,} key areas, {met:,} met, {sum(r.patrols for r in rows):,} area-patrols)")
    rows, seconds = timed(lambda: selectors.patrols_per_grid(territory=county, week_start=week))
    write(f"  patrols per grid, whole county           {seconds:8.2f} s  ({len(rows):,} grids)")
    town = grids[0].code[:9]
    rows, seconds = timed(lambda: selectors.grid_coverage(territory=town, week_start=week))
    write(f"  grid coverage, one town ({len(rows)} grids)      {seconds:8.2f} s  "
          f"(mean {sum(r.share for r in rows) / max(1, len(rows)):.0%})")
    share, seconds = timed(lambda: selectors.night_share(territory=county, week_start=week))
    write(f"  night share, whole county                {seconds:8.2f} s  ({share.night:,}/{share.total:,})")
