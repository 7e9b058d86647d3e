"""What a web map asks for: a bounding box and a zoom level, turned into sizes in degrees."""

from django.contrib.gis.db.models.functions import GeoFunc
from django.contrib.gis.geos import Polygon

TILE_PIXELS = 256
MAX_ZOOM = 20


class MapRequestError(ValueError):
    """A bbox or zoom the map cannot have sent; the message is for the API caller."""


class SimplifyPreserveTopology(GeoFunc):
    """ST_SimplifyPreserveTopology(geom, tolerance), of the same kind as its column: GEOS may hand
    back a single Polygon for a one-part MultiPolygon, so a multi column is kept multi — and only a
    multi one (a line made multi no longer fits a line column)."""

    function = "ST_SimplifyPreserveTopology"
    arity = 2

    def _resolve_output_field(self):
        return self.geo_field  # the same kind of geometry as its input

    def as_sql(self, compiler, connection, **extra):
        if self.geo_field.geom_type.startswith("MULTI"):
            extra["template"] = "ST_Multi(%(function)s(%(expressions)s))"
        return super().as_sql(compiler, connection, **extra)


def parse_bbox(value: str | None) -> Polygon | None:
    """'west,south,east,north' in WGS-84 degrees → a polygon; None if not given."""
    if not value:
        return None
    try:
        west, south, east, north = (float(part) for part in value.split(","))
    except ValueError:
        raise MapRequestError("bbox 应为 west,south,east,north 四个数字") from None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        raise MapRequestError("bbox 超出经纬度范围或方向颠倒")
    return Polygon.from_bbox((west, south, east, north))


def parse_zoom(value: str | None) -> int | None:
    if value in (None, ""):
        return None
    try:
        zoom = int(value)
    except ValueError:
        raise MapRequestError("zoom 应为整数") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise MapRequestError(f"zoom 应在 0–{MAX_ZOOM} 之间")
    return zoom


def degrees_per_pixel(zoom: int) -> float:
    """Longitude degrees one screen pixel covers at this zoom (web mercator tiles, at the equator;
    a little generous at China's latitudes, which only makes simplification more careful)."""
    return 360 / (TILE_PIXELS * 2**zoom)
