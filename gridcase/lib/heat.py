"""Heat-map bin keys, shared by every layer that is counted per square cell (cases, hazards, patrol
tracks): the square of `size` metres in web mercator (EPSG:3857) that holds a point, as one bigint
((ix + OFFSET) · SHIFT + (iy + OFFSET)), so that counting per cell is a GROUP BY on an integer.

Web mercator is written out (x = R·λ, y = R·ln tan(π/4 + φ/2)) because a generated column needs an
immutable expression; the migrations that add bin columns copy these constants (a migration must not
change when this module does).
"""

SIZES = (250, 1000, 4000, 16000)  # metres
OFFSET, SHIFT = 1 << 30, 1 << 31
R = 6378137.0


def cell_sql(point: str, size: int | str) -> str:
    """The SQL bin key of the 4326 point expression `point` at `size` metres (a number or SQL)."""
    x = f"{R} * radians(ST_X({point}))"
    y = f"{R} * ln(tan(pi() / 4 + radians(ST_Y({point})) / 2))"
    return f"((floor({x} / {size})::bigint + {OFFSET}) * {SHIFT} + (floor({y} / {size})::bigint + {OFFSET}))"
