"""Benchmark: placing points in grids, set-based against one at a time. Run by `manage.py bench locate`."""

from django.contrib.gis.geos import Point
from django.db import connection

from geodata.demo import COUNTY_CODE
from geodata.models import Area, Level
from geodata.selectors import grid_codes_for_points
from gridcase.lib.bench import timed


def _line(write, label: str, seconds: float, count: int | None = None, extra: str = ""):
    rate = f"{count / seconds:12,.0f} points/s" if count else " " * 21
    write(f"  {label:<46} {seconds:8.2f} s {rate} {extra}")


def bench_locate(*, write, n: int, sample: int, seed: int) -> None:
    """Random points in the demo county placed in grids: one set-based join, the array API, and the
    ORM one point at a time; run inside a transaction that the caller rolls back."""
    grids = Area.objects.filter(level=Level.GRID).count()
    write(f"locate: {n:,} random points in {COUNTY_CODE}, {grids:,} grids (GiST index on geom)")
    with connection.cursor() as cursor:
        _, seconds = timed(lambda: cursor.execute(
            """CREATE TEMP TABLE bench_points ON COMMIT DROP AS
               SELECT row_number() OVER () AS id, d.geom
               FROM (SELECT (ST_Dump(ST_GeneratePoints(geom, %s, %s))).geom FROM geodata_area WHERE code = %s) d""",
            [n, seed, COUNTY_CODE]))
        _line(write, "generate the points (ST_GeneratePoints)", seconds)
        _, index_seconds = timed(lambda: cursor.execute(
            "CREATE INDEX ON bench_points USING gist (geom); ANALYZE bench_points"))
        _line(write, "GiST index on the points", index_seconds)

        # Polygon-driven: each grid probes the point index, so PostGIS prepares the grid's
        # geometry once and tests it against all its points in a row. DISTINCT ON keeps one grid
        # for a point on a shared edge.
        _, join_seconds = timed(lambda: cursor.execute(
            """CREATE TEMP TABLE bench_located ON COMMIT DROP AS
               SELECT DISTINCT ON (p.id) p.id, a.code
               FROM geodata_area a JOIN bench_points p ON ST_Covers(a.geom, p.geom)
               WHERE a.level = 'grid' ORDER BY p.id, a.code"""))
        cursor.execute("SELECT count(*) FROM bench_located")
        located = cursor.fetchone()[0]
        _line(write, "set-based: one join, all points", join_seconds, n, f"({located:,} of {n:,} placed)")
        set_rate = n / (index_seconds + join_seconds)
        _line(write, "set-based incl. the point index", index_seconds + join_seconds, n)

        cursor.execute("SELECT b.id, ST_X(b.geom), ST_Y(b.geom), l.code FROM bench_points b"
                       " LEFT JOIN bench_located l USING (id) ORDER BY b.id LIMIT %s", [min(n, 100_000)])
        rows = cursor.fetchall()
    codes, api_seconds = timed(lambda: grid_codes_for_points([(x, y) for _, x, y, _ in rows]))
    _line(write, f"grid_codes_for_points: {len(rows):,} from Python", api_seconds, len(rows))

    sample_rows = rows[:sample]

    def one_at_a_time():
        return [Area.objects.filter(level=Level.GRID, geom__covers=Point(x, y, srid=4326))
                .order_by("code").values_list("code", flat=True).first() for _, x, y, _ in sample_rows]

    orm_codes, orm_seconds = timed(one_at_a_time)
    orm_rate = len(sample_rows) / orm_seconds
    _line(write, f"ORM, one query per point: {len(sample_rows):,} sample", orm_seconds, len(sample_rows))
    agree = sum(orm == set_based == api for orm, set_based, api in zip(orm_codes, (r[3] for r in rows), codes))
    write(f"  set-based (incl. index) ÷ one-at-a-time = {set_rate / orm_rate:,.0f}×;"
                      f" all three answers agree on {agree:,} of {len(sample_rows):,} sampled points")
