"""Reads of the territory, spatial ones included."""

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.gis.db.models import Extent
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.cache import cache
from django.db import connection
from django.db.models.functions import Length

from geodata import basemap, tiles
from geodata.codes import CODE_LENGTH
from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import covers_code, jurisdiction_codes

REACH_SECONDS = 300  # a re-drawn boundary reaches the tile view within five minutes


class LocationError(ValueError):
    """A point that cannot be placed in the user's territory; the message is for the user."""


@dataclass(frozen=True)
class Location:
    grid: Area
    village: Area
    town: Area
    county: Area


def point_from_lonlat(lon, lat) -> Point:
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise LocationError("经纬度必须是数字") from None
    if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        raise LocationError(f"经纬度超出范围：({lon}, {lat})")
    return Point(lon, lat, srid=4326)


def grid_for_point(*, point: Point) -> Area | None:
    # Grids of a village do not overlap (import refuses it), so at most one covers the point;
    # order by code so that a shared edge resolves the same way every time.
    return (
        Area.objects.filter(level=Level.GRID, geom__covers=point)
        .select_related("parent__parent__parent")
        .order_by("code")
        .first()
    )


def locate(*, point: Point) -> Location:
    """The grid, village, town and county of a point; LocationError if no grid covers it."""
    grid = grid_for_point(point=point)
    if grid is None:
        raise LocationError("该位置不在任何网格内")
    village = grid.parent
    return Location(grid=grid, village=village, town=village.parent, county=village.parent.parent)


def locate_for_user(*, user, point: Point) -> Location:
    """Like `locate`, but a point outside the user's jurisdiction is an error naming where it falls."""
    location = locate(point=point)
    if not covers_code(user, location.grid.code):
        raise LocationError(
            f"该位置不在您的辖区内：它属于 {location.town.name}{location.village.name}{location.grid.name}"
            f"（{location.grid.code}）"
        )
    return location


def grid_codes_for_points(points: Sequence[tuple[float, float]]) -> list[str | None]:
    """The grid code of each (lon, lat), in order, None where no grid covers it; one query for the lot.

    Raw SQL because the ORM cannot join a parameter array to a spatial predicate: the points go in
    as two arrays, and the GiST index on the grids answers each LATERAL probe.
    """
    if not points:
        return []
    lons = [float(p[0]) for p in points]
    lats = [float(p[1]) for p in points]
    sql = """
        SELECT g.code
        FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY AS p(lon, lat, i)
        LEFT JOIN LATERAL (
            SELECT a.code FROM geodata_area a
            WHERE a.level = 'grid' AND ST_Covers(a.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326))
            ORDER BY a.code LIMIT 1
        ) g ON true
        ORDER BY p.i
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [lons, lats])
        return [row[0] for row in cursor.fetchall()]


def smallest_area_covering(geom: GEOSGeometry) -> Area | None:
    """The deepest area whose polygon covers `geom` (longest code wins)."""
    return Area.objects.filter(geom__covers=geom).order_by(Length("code").desc(), "code").first()


def jurisdiction_extent(*, codes: Sequence[str]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the areas these codes name, for fitting a map."""
    if not codes:
        return None
    areas = Area.objects.filter(code__in=[c for c in codes if c]) if "" not in codes else Area.objects.all()
    return areas.aggregate(extent=Extent("geom"))["extent"]


def area_names(*, codes) -> dict[str, str]:
    """{code: name} for these area codes, without their polygons."""
    return dict(Area.objects.filter(code__in=set(codes)).values_list("code", "name"))


def area_choices(*, code: str, down_to: str = Level.VILLAGE) -> list[tuple[str, str]]:
    """(code, name) for the area `code` and those under it down to the level `down_to`, in code order
    and indented by depth: a select to pick an area from rather than a code to type."""
    deepest = CODE_LENGTH[down_to]
    rows = (Area.objects.under(code).annotate(length=Length("code")).filter(length__lte=deepest)
            .order_by("code").values_list("code", "name"))
    return [(c, "\u3000" * ((len(c) - len(code)) // 3) + name) for c, name in rows]


def basemap_reach(*, user) -> tuple[float, float, float, float] | None:
    """The box of offline basemap this user may see: their jurisdiction's extent and a margin
    (geodata.tiles.reach); cached, since every tile asks."""
    codes = jurisdiction_codes(user)
    if not codes:
        return None
    key = "geodata:reach:" + hashlib.sha1(",".join(codes).encode()).hexdigest()
    extent = cache.get(key)
    if extent is None:
        extent = jurisdiction_extent(codes=codes) or ()
        cache.set(key, extent, REACH_SECONDS)
    return tiles.reach(extent) if extent else None


def basemap_for_map(*, user) -> dict:
    """The configured basemap as static/js/map.js draws it for this user. For the offline file: its
    zooms, and the box it covers within the user's reach (the map asks for no tile outside it), or
    the reason it cannot be shown."""
    chosen = basemap.configured()
    config = chosen.for_map()
    if chosen.mbtiles is None:
        return config
    try:
        source = tiles.open_source(chosen.mbtiles)
    except tiles.TileSourceError as exc:
        return {**config, "layers": [], "error": str(exc)}
    box = basemap_reach(user=user)
    if box and source.bounds:
        box = (max(box[0], source.bounds[0]), max(box[1], source.bounds[1]),
               min(box[2], source.bounds[2]), min(box[3], source.bounds[3]))
    config["layers"] = [{**layer, "minNativeZoom": source.min_zoom, "maxNativeZoom": source.max_zoom, "bounds": box}
                        for layer in config["layers"]]
    return config


def my_grid_codes(*, user) -> list[str]:
    """The grids this user holds (a grid worker's own, highlighted on the map)."""
    return list(user.grids.order_by("code").values_list("code", flat=True)) if user.is_authenticated else []
