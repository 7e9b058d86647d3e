"""Heat map, choropleth and hot spots: aggregated in PostGIS, within the user's jurisdiction.

Heat bins come from the generated columns `cases_case.heat_<size>` (migration 0002) and
`hazards_hazard.heat_<size>` (hazards 0004), and for patrols from `patrols_trackcell` (the cells each
kept track passes through, written at upload): the count per cell is a GROUP BY on an indexed
integer, never a geometry operation per request (gridcase.lib.heat). The jurisdiction is applied on
the rows' area codes (cases_visible_to, hazards_visible_to, track_cells_visible_to); the bbox only
narrows it, so a box drawn over another town returns nothing from there.
"""

import json
import math

from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.cache import cache
from django.db import connection
from django.db.models import BigIntegerField, Count, Sum
from django.db.models.expressions import RawSQL

from geodata.maps import SimplifyPreserveTopology, degrees_per_pixel
from geodata.models import Area, Level
from gridcase.cases.selectors import cases_visible_to
from gridcase.dashboards import rollup
from gridcase.dashboards.measures import registry
from gridcase.dashboards.periods import Period
from gridcase.lib.heat import OFFSET, SHIFT, SIZES, R

MIN_CELL_PIXELS = 24


def size_for_zoom(zoom: int) -> int:
    """The smallest cell that still covers MIN_CELL_PIXELS screen pixels at this zoom."""
    metres_per_pixel = 2 * math.pi * R / (256 * 2**zoom)
    return next((s for s in SIZES if s / metres_per_pixel >= MIN_CELL_PIXELS), SIZES[-1])


def to_mercator(lon: float, lat: float) -> tuple[float, float]:
    lat = max(min(lat, 85.0), -85.0)
    return R * math.radians(lon), R * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def to_lonlat(x: float, y: float) -> tuple[float, float]:
    return math.degrees(x / R), math.degrees(2 * math.atan(math.exp(y / R)) - math.pi / 2)


def _binned_json(rows, *, column: str, size: int, bbox) -> str:
    """Count `rows` per square cell (`column`: the SQL of their bin key at `size`), keep the cells
    in the bbox, and return the GeoJSON squares with a `count` as text built by PostGIS: Python
    only passes it on."""
    west, south, east, north = bbox.extent
    x0, y0 = to_mercator(west, south)
    x1, y1 = to_mercator(east, north)
    ix0, ix1, iy0, iy1 = (math.floor(v / size) + OFFSET for v in (x0, x1, y0, y1))
    cell = RawSQL(column, (), output_field=BigIntegerField())
    iy = RawSQL(f"({column} %% {SHIFT})", (), output_field=BigIntegerField())
    counts = (rows.annotate(bin=cell, bin_y=iy)
              .filter(bin__gte=ix0 * SHIFT, bin__lt=(ix1 + 1) * SHIFT, bin_y__gte=iy0, bin_y__lte=iy1)
              .values("bin").annotate(n=Count("*")).order_by())
    sql, params = counts.query.sql_with_params()
    # The corners of each cell back in degrees (inverse web mercator).
    lon = "round(degrees({v} * {size} / {r})::numeric, 6)"
    lat = "round(degrees(2 * atan(exp({v} * {size} / {r})) - pi() / 2)::numeric, 6)"
    w, e = (lon.format(v=v, size=size, r=R) for v in ("ix", "(ix + 1)"))
    bottom, top = (lat.format(v=v, size=size, r=R) for v in ("iy", "(iy + 1)"))
    with connection.cursor() as cursor:
        cursor.execute(f"""
            SELECT json_build_object(
                'type', 'FeatureCollection', 'size', {size}, 'max', COALESCE(max(n), 0), 'total', COALESCE(sum(n), 0),
                'features', COALESCE(json_agg(json_build_object(
                    'type', 'Feature', 'id', bin::text, 'properties', json_build_object('count', n),
                    'geometry', json_build_object('type', 'Polygon', 'coordinates', json_build_array(json_build_array(
                        json_build_array({w}, {bottom}), json_build_array({e}, {bottom}), json_build_array({e}, {top}),
                        json_build_array({w}, {top}), json_build_array({w}, {bottom})))))), '[]'::json))::text
            FROM ({sql}) counted,
                 LATERAL (SELECT counted.bin / {SHIFT} - {OFFSET} AS ix, mod(counted.bin, {SHIFT}) - {OFFSET} AS iy) cell_index
        """, params)
        return cursor.fetchone()[0]


def heat_geojson(*, user, bbox, zoom: int, period: Period, category: int | None = None) -> str:
    """Cases registered in the period, counted per square cell sized for the zoom, as GeoJSON
    polygons with a `count` (text, built by PostGIS); only cells in the bbox and cases in the
    user's jurisdiction."""
    size = size_for_zoom(zoom)
    start, end = period.bounds()
    cases = cases_visible_to(user=user).filter(registered_at__gte=start, registered_at__lt=end)
    if category:
        cases = cases.filter(category_id=category)
    return _binned_json(cases, column=f'"cases_case"."heat_{size}"', size=size, bbox=bbox)


def hazard_heat_geojson(*, user, bbox, zoom: int, period: Period, category: int | None = None,
                        state: str = "") -> str:
    """Hazards reported in the period (of a category, in a state), counted per cell as for cases:
    from the generated bin columns of hazards_hazard (hazards migration 0004)."""
    from gridcase.hazards.selectors import hazards_visible_to

    size = size_for_zoom(zoom)
    start, end = period.bounds()
    hazards = hazards_visible_to(user=user).filter(reported_at__gte=start, reported_at__lt=end)
    if category:
        hazards = hazards.filter(category_id=category)
    if state:
        hazards = hazards.filter(state=state)
    return _binned_json(hazards, column=f'"hazards_hazard"."heat_{size}"', size=size, bbox=bbox)


def track_heat_geojson(*, user, bbox, zoom: int, period: Period, type: str = "") -> str:
    """Patrols started in the period (of a type) counted per cell their kept track passes through
    (a patrol counts once in a cell however many fixes it left there): from patrols_trackcell, a few
    rows per patrol written at track upload."""
    from gridcase.patrols.selectors import track_cells_visible_to

    size = size_for_zoom(zoom)
    start, end = period.bounds()
    cells = track_cells_visible_to(user=user).filter(size=size, started_at__gte=start, started_at__lt=end)
    if type:
        cells = cells.filter(type=type)
    return _binned_json(cells, column='"patrols_trackcell"."cell"', size=size, bbox=bbox)


def heat_bins(*, user, bbox, zoom: int, period: Period, category: int | None = None) -> dict:
    return json.loads(heat_geojson(user=user, bbox=bbox, zoom=zoom, period=period, category=category))


def cell_bounds(cell: int, size: int) -> tuple[float, float, float, float]:
    ix, iy = cell // SHIFT - OFFSET, cell % SHIFT - OFFSET
    west, south = to_lonlat(ix * size, iy * size)
    east, north = to_lonlat((ix + 1) * size, (iy + 1) * size)
    return west, south, east, north


def _square(cell: int, size: int, count: int) -> dict:
    w, s, e, n = (round(v, 6) for v in cell_bounds(cell, size))
    return {"type": "Feature", "id": str(cell), "properties": {"count": count},
            "geometry": {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}}


CHOROPLETH_MEASURES = ("success", "volume", "per_1000")


def choropleth(*, area: Area, measure: str, period: Period, filters=registry.NO_FILTERS, zoom: int = 12) -> str:
    """A measure per child area (villages of a town or county, grids of a village) as GeoJSON text,
    outlines simplified to half a pixel at `zoom`. `per_1000` is cases registered per 1,000
    households (the grids' household counts). Kept in the cache under the rollup's generation when
    its figures come from the rollup (they change only when it is refreshed)."""
    level = Level.GRID if area.level == Level.VILLAGE else Level.VILLAGE
    length = 15 if level == Level.GRID else 12
    key = rollup.cache_key("choropleth", code=area.code, period=period, filters=filters, child_length=length,
                           extra=(measure, zoom))
    text = cache.get(key) if key else None
    if text is None:
        text = _choropleth(area=area, measure=measure, period=period, filters=filters, zoom=zoom, level=level,
                           length=length)
        if key:
            cache.set(key, text, rollup.CACHE_SECONDS)
    return text


def _choropleth(*, area: Area, measure: str, period: Period, filters, zoom: int, level: str, length: int) -> str:
    key = "volume" if measure == "per_1000" else measure
    figures = registry.children([key], code=area.code, child_length=length, period=period, filters=filters)[key]
    households = _households(area.code, level)
    features, values = [], []
    for code, name, shape in outlines(code=area.code, level=level, zoom=zoom):
        figure = figures.get(code, registry.Figure(0, 0, registry.MEASURES[key].unit))
        value = figure.value
        if measure == "per_1000":
            homes = households.get(code) or 0
            value = 1000 * figure.num / homes if homes else None
        value = None if value is None else round(value, 2)
        if value is not None:
            values.append(value)
        properties = {"name": name, "value": value, "num": figure.num, "den": figure.den,
                      "households": households.get(code)}
        features.append(f'{{"type":"Feature","id":"{code}","geometry":{shape},'
                        f'"properties":{json.dumps(properties, ensure_ascii=False)}}}')
    head = json.dumps({"type": "FeatureCollection", "measure": measure, "min": min(values, default=None),
                       "max": max(values, default=None)})
    return head[:-1] + ',"features":[' + ",".join(features) + "]}"


OUTLINE_SECONDS = 600


def outlines(*, code: str, level: str, zoom: int) -> list[tuple[str, str, str]]:
    """(code, name, simplified GeoJSON) of the areas of `level` under `code`, kept in the cache for
    a few minutes: outlines change only by an import, and simplifying a county's villages costs
    more than the rest of the request."""
    key = f"dashboards:outlines:{level}:{code}:{zoom}"
    rows = cache.get(key)
    if rows is None:
        shape = AsGeoJSON(SimplifyPreserveTopology("geom", degrees_per_pixel(zoom) / 2), precision=6)
        rows = list(Area.objects.filter(level=level, code__startswith=code).order_by("code")
                    .annotate(shape=shape).values_list("code", "name", "shape"))
        cache.set(key, rows, OUTLINE_SECONDS)
    return rows


def _households(code: str, level: str) -> dict[str, int]:
    grids = Area.objects.filter(level=Level.GRID, code__startswith=code)
    if level == Level.GRID:
        return dict(grids.values_list("code", "households"))
    rows = grids.annotate(village=RawSQL("left(code, 12)", ())).values("village").annotate(n=Sum("households"))
    return {row["village"]: row["n"] for row in rows}


def hot_spots(*, user, area: Area, period: Period, metres: int = 100, min_cases: int = 3, limit: int = 20) -> list[dict]:
    """Places where disputes of the same category keep coming back: DBSCAN clusters (ST_ClusterDBSCAN,
    `metres` apart at most, `min_cases` cases at least) of the cases registered in the period, per
    category, biggest first."""
    start, end = period.bounds()
    cases = cases_visible_to(user=user).filter(area_code__startswith=area.code, registered_at__gte=start,
                                               registered_at__lt=end)
    sql, params = cases.values("id").query.sql_with_params()
    latitude = area.geom.centroid.y if area.geom else 34.0
    eps = metres / math.cos(math.radians(latitude))  # web-mercator metres are stretched by 1/cos(latitude)
    with connection.cursor() as cursor:
        cursor.execute(f"""
            WITH points AS (
                SELECT c.id, c.number, c.category_id, c.registered_at,
                       ST_Transform(c.location, 3857) AS g FROM cases_case c WHERE c.id IN ({sql})
            ), clustered AS (
                SELECT *, ST_ClusterDBSCAN(g, eps := %s, minpoints := %s) OVER (PARTITION BY category_id) AS cluster
                FROM points
            )
            SELECT k.category_id, cat.name, count(*), ST_X(ST_Transform(ST_Centroid(ST_Collect(g)), 4326)),
                   ST_Y(ST_Transform(ST_Centroid(ST_Collect(g)), 4326)), min(registered_at), max(registered_at),
                   (array_agg(k.id ORDER BY k.registered_at DESC))[1:10], (array_agg(k.number ORDER BY k.registered_at DESC))[1:10]
            FROM clustered k JOIN cases_category cat ON cat.id = k.category_id
            WHERE cluster IS NOT NULL GROUP BY k.category_id, cat.name, cluster ORDER BY count(*) DESC LIMIT %s
        """, [*params, eps, min_cases, limit])
        rows = cursor.fetchall()
    return [{"category": name, "count": n, "lon": lon, "lat": lat, "first": first, "last": last,
             "cases": list(zip(ids, numbers, strict=True))}
            for _, name, n, lon, lat, first, last, ids, numbers in rows]


def territory_outline(area: Area, zoom: int = 12):
    return Area.objects.filter(pk=area.pk).annotate(shape=SimplifyPreserveTopology("geom", degrees_per_pixel(zoom))) \
        .values_list("shape", flat=True).first()

