"""Heat-map bin keys on every hazard, as on cases (dashboards migration 0002): one STORED generated
column per cell size, so a hazard has its keys from the moment it is reported and adding them fills
them in for every existing hazard. Covering indexes on (town | county, reported_at) make a heat-map
request an index-only scan; the state and category filters are read from the index too."""

from django.db import migrations

SIZES = (250, 1000, 4000, 16000)  # metres; gridcase.lib.heat.SIZES
OFFSET = 1 << 30
SHIFT = 1 << 31
X = "6378137.0 * radians(ST_X(location))"
Y = "6378137.0 * ln(tan(pi() / 4 + radians(ST_Y(location)) / 2))"


def _column(size: int) -> str:
    return (f"ADD COLUMN heat_{size} bigint GENERATED ALWAYS AS ("
            f"(floor({X} / {size})::bigint + {OFFSET}) * {SHIFT} + (floor({Y} / {size})::bigint + {OFFSET})) STORED")


HEAT = ", ".join(f"heat_{size}" for size in SIZES)
FORWARD = [
    "ALTER TABLE hazards_hazard " + ", ".join(_column(size) for size in SIZES),
    f"CREATE INDEX hazard_heat_town ON hazards_hazard (town_code, reported_at)"
    f" INCLUDE (category_id, state, village_code, area_code, {HEAT})",
    f"CREATE INDEX hazard_heat_county ON hazards_hazard (county_code, reported_at) INCLUDE (category_id, state, {HEAT})",
]
BACKWARD = [
    "DROP INDEX IF EXISTS hazard_heat_county",
    "DROP INDEX IF EXISTS hazard_heat_town",
    "ALTER TABLE hazards_hazard " + ", ".join(f"DROP COLUMN IF EXISTS heat_{size}" for size in SIZES),
]


class Migration(migrations.Migration):
    dependencies = [("hazards", "0003_patrol_finding")]

    operations = [migrations.RunSQL(sql=FORWARD, reverse_sql=BACKWARD)]
