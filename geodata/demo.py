"""The demo county: real 宿城区 outline, real town and village codes and names, synthetic inner boundaries.

NBS publishes codes but no town or village polygons, so towns, villages and grids are cut from the
real outline with Voronoi cells around seeded points (a few Lloyd steps make the cells compact),
clipped to the parent. Everything goes through the same import validation as a user's file. The
random seed is fixed, so every run draws the same map.
"""

import csv
import json
import random
from collections import defaultdict
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon

from geodata import crs
from geodata.importer import Feature, ImportReport, import_features
from geodata.models import Area, KeyArea, Level
from geodata.selectors import smallest_area_covering
from geodata.shapes import map_coords, to_geos, to_shapely

DATA = Path(__file__).resolve().parent / "data"
COUNTY_CODE, COUNTY_NAME = "321302", "宿城区"
SEED = 20231
LLOYD_STEPS = 3
GRIDS_PER_VILLAGE = (4, 12)


class DemoError(RuntimeError):
    pass


def short_village_name(official: str) -> str:
    """'古河村委会' → '古河村', '凤凰居委会' → '凤凰社区', as people say them."""
    for suffix, short in (("村民委员会", "村"), ("居民委员会", "社区"), ("村委会", "村"), ("居委会", "社区")):
        if official.endswith(suffix):
            stem = official[: -len(suffix)]
            return stem if stem.endswith(short) else stem + short
    return official


def divisions() -> tuple[list[dict], dict[str, list[dict]]]:
    with open(DATA / "suqian-suchang-divisions.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    towns = [r for r in rows if r["level"] == "town"]
    villages = defaultdict(list)
    for row in rows:
        if row["level"] == "village":
            villages[row["parent_code"]].append(row)
    return towns, villages


def county_outline() -> MultiPolygon:
    """The real outline, converted from GCJ-02 (DataV) to WGS-84."""
    with open(DATA / "suchang-district-gcj02.geojson", encoding="utf-8") as f:
        geometry = json.load(f)["features"][0]["geometry"]
    return map_coords(shapely.geometry.shape(geometry), crs.gcj02_to_wgs84)


def _polygonal(geom) -> MultiPolygon:
    parts = [g for g in shapely.get_parts(geom) if isinstance(g, Polygon) and not g.is_empty]
    return MultiPolygon(parts)


def _random_points_in(shape, count: int, rng: random.Random) -> list[Point]:
    west, south, east, north = shape.bounds
    shapely.prepare(shape)
    points = []
    while len(points) < count:
        p = Point(rng.uniform(west, east), rng.uniform(south, north))
        if shape.contains(p):
            points.append(p)
    return points


def subdivide(shape, count: int, rng: random.Random) -> list[MultiPolygon]:
    """`count` compact cells that tile `shape` exactly, in a stable order (north-west first)."""
    if count == 1:
        return [_polygonal(shape)]
    seeds = _random_points_in(shape, count, rng)
    for _ in range(LLOYD_STEPS + 1):
        diagram = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=shape, ordered=True)
        cells = [_polygonal(cell.intersection(shape)) for cell in shapely.get_parts(diagram)]
        # A relaxed seed must stay inside the shape, or its cell could vanish.
        seeds = [cell.centroid if shape.contains(cell.centroid) else cell.representative_point() for cell in cells]
    cells.sort(key=lambda c: (-round(c.centroid.y, 3), c.centroid.x))
    return cells


def _feature(index: int, code: str, name: str, shape, **properties) -> Feature:
    return Feature(index=index, code=code, name=name, geom=to_geos(shape),
                   properties=properties)


def _import(features: list[Feature], level: str) -> ImportReport:
    report = import_features(features, level=level)
    if not report.ok:
        raise DemoError("\n".join(report.lines()))
    return report


def build_territory(*, log=print) -> None:
    rng = random.Random(SEED)
    towns, villages = divisions()
    outline = county_outline()
    _import([_feature(1, COUNTY_CODE, COUNTY_NAME, outline)], Level.COUNTY)
    log(f"区县：{COUNTY_NAME}（真实边界，GCJ-02 已转换为 WGS-84）")

    town_cells = subdivide(outline, len(towns), rng)
    _import([_feature(i, t["code"], t["name"], cell) for i, (t, cell) in enumerate(zip(towns, town_cells), 1)],
            Level.TOWN)
    log(f"乡镇/街道：{len(towns)} 个")

    village_features, grid_features = [], []
    for town, town_cell in zip(towns, town_cells):
        rows = villages[town["code"]]
        for row, village_cell in zip(rows, subdivide(town_cell, len(rows), rng)):
            name = short_village_name(row["name"])
            village_features.append(_feature(len(village_features) + 1, row["code"], name, village_cell))
            for n, grid_cell in enumerate(subdivide(village_cell, rng.randint(*GRIDS_PER_VILLAGE), rng), 1):
                households = rng.randint(120, 480)
                grid_features.append(_feature(
                    len(grid_features) + 1, f"{row['code']}{n:03d}", f"{name}第{n}网格", grid_cell,
                    households=households, population=round(households * rng.uniform(2.6, 3.4)),
                ))
    _import(village_features, Level.VILLAGE)
    log(f"村/社区：{len(village_features)} 个")
    _import(grid_features, Level.GRID)
    log(f"网格：{len(grid_features)} 个（户数、人口为模拟数据）")
    build_key_areas(rng)


KEY_AREA_KINDS = ("集贸市场", "中心学校周边", "汽车站周边")


def build_key_areas(rng: random.Random) -> None:
    """Two 治安重点地区 per town: roughly 300 m discs at seeded points."""
    for town in Area.objects.filter(level=Level.TOWN, code__startswith=COUNTY_CODE):
        shape = to_shapely(town.geom)
        inner = shape.buffer(-0.004)  # keep the disc inside the town
        for kind, centre in zip(rng.sample(KEY_AREA_KINDS, 2), _random_points_in(inner or shape, 2, rng)):
            disc = MultiPolygon([centre.buffer(0.003, quad_segs=8)])
            geom = to_geos(disc)
            KeyArea.objects.create(name=f"{town.name}{kind}", area=smallest_area_covering(geom) or town, geom=geom)
