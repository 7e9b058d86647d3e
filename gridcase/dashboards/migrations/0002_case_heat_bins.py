"""Heat-map bin keys on every case, in the database: one generated column per cell size.

Each key names the square of the given size (EPSG:3857 metres, i.e. ST_SnapToGrid on the
web-mercator point, rounded down) that holds the case's location. They are STORED generated
columns, so a case gets its keys the moment it is inserted and whenever its location changes —
no signal, no service call, no job to forget — and adding them fills them in for every existing
case (the backfill). Web mercator is written out (x = R·λ, y = R·ln tan(π/4 + φ/2)) because a
generated column needs an immutable expression. The covering indexes let a heat-map request for a
town or the county be an index-only scan on (jurisdiction, registered_at).
"""

from django.db import migrations

SIZES = (250, 1000, 4000, 16000)  # metres; gridcase.dashboards.heat.SIZES
OFFSET = 1 << 30
SHIFT = 1 << 31
X = "6378137.0 * radians(ST_X(location))"
Y = "6378137.0 * ln(tan(pi() / 4 + radians(ST_Y(location)) / 2))"


def _column(size: int) -> str:
    return (f"ADD COLUMN heat_{size} bigint GENERATED ALWAYS AS ("
            f"(floor({X} / {size})::bigint + {OFFSET}) * {SHIFT} + (floor({Y} / {size})::bigint + {OFFSET})) STORED")


HEAT = ", ".join(f"heat_{size}" for size in SIZES)
FORWARD = [
    "ALTER TABLE cases_case " + ", ".join(_column(size) for size in SIZES),
    f"CREATE INDEX case_heat_town ON cases_case (town_code, registered_at) INCLUDE (category_id, village_code, area_code, {HEAT})",
    f"CREATE INDEX case_heat_county ON cases_case (county_code, registered_at) INCLUDE (category_id, town_code, {HEAT})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS case_heat_county",
    "DROP INDEX IF EXISTS case_heat_town",
    "ALTER TABLE cases_case " + ", ".join(f"DROP COLUMN IF EXISTS heat_{size}" for size in SIZES),
]


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("cases", "0003_state_count_indexes"),
    ]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
