"""Reading boundary files (GeoJSON, Shapefile, zipped Shapefile) through GDAL into WGS-84 features."""

import json
import math
import re
import shutil
import tempfile
import zipfile
from contextlib import contextmanager
from pathlib import Path

import numpy
import shapely
from django.contrib.gis.gdal import DataSource, GDALException, SpatialReference
from django.contrib.gis.geos import GEOSGeometry

from geodata import crs as chinese_datums
from geodata.importer.core import Feature, Finding
from geodata.shapes import map_coords, to_geos, to_shapely

NAMED_CRS = ("wgs84", "gcj02", "bd09")
_EPSG = re.compile(r"^epsg:(\d{4,6})$", re.IGNORECASE)


class ReadError(ValueError):
    """The file cannot be read at all; the message is for the user."""


def parse_crs(value: str | None) -> str | int | None:
    """'wgs84' | 'gcj02' | 'bd09' | an EPSG number | None (use the file's declaration)."""
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered in NAMED_CRS:
        return lowered
    match = _EPSG.match(value)
    if not match:
        raise ReadError(f"不认识的坐标系 {value!r}：可用 wgs84、gcj02、bd09 或 EPSG:nnnn")
    epsg = int(match.group(1))
    try:
        SpatialReference(epsg)
    except (GDALException, Exception):
        raise ReadError(f"不认识的坐标系 EPSG:{epsg}") from None
    return 4326 if epsg == 4326 else epsg


# Only these, and only after gridcase has looked inside: GDAL before 3.9 cannot be stopped from
# following a file or network reference in a spatial reference or a virtual format, so nothing
# reaches it that was not checked to be plain GeoJSON or a plain Shapefile, copied into a fresh
# folder of its own.
ALLOWED_DRIVERS = {"GeoJSON", "ESRI Shapefile"}
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg"}
MAX_ZIP_MEMBERS = 20
MAX_UNZIPPED_BYTES = 500 * 1024 * 1024
UNSUPPORTED = "只接受 GeoJSON（.geojson / .json）或 Shapefile（.shp 连同 .shx/.dbf/.prj，或将它们打包的 .zip）"


# GeoJSON is a FeatureCollection → Feature → geometry → rings → positions: a few levels, plus what
# the properties hold. Deeper is not a boundary file, and Python's parser would run out of stack on it.
MAX_JSON_DEPTH = 32


def _depth(document) -> int:
    deepest, stack = 0, [(document, 1)]
    while stack:
        value, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_JSON_DEPTH:
            break
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _positions_problem(coordinates, depth: int) -> str | None:
    """Why these coordinates are not `depth` levels of arrays of finite numbers, or None."""
    items = [(coordinates, depth)]
    while items:
        value, level = items.pop()
        if level == 0:
            if not (isinstance(value, list) and len(value) >= 2
                    and all(isinstance(n, (int, float)) and not isinstance(n, bool) for n in value)):
                return "坐标不是数字对"
            if not all(math.isfinite(n) for n in value):
                return "坐标含非数字（NaN）或无穷大"
        elif not isinstance(value, list):
            return "坐标的嵌套层次不符合几何类型"
        else:
            items.extend((child, level - 1) for child in value)
    return None


POSITION_DEPTH = {"Polygon": 2, "MultiPolygon": 3, "Point": 0, "MultiPoint": 1, "LineString": 1,
                  "MultiLineString": 2}


def _geometry_problem(geometry) -> str | None:
    """Why a feature's geometry cannot be read, or None (null is readable: it is reported as missing)."""
    if geometry is None:
        return None
    if not isinstance(geometry, dict) or geometry.get("type") not in POSITION_DEPTH:
        return "几何不是 GeoJSON 几何对象（应为 Polygon 或 MultiPolygon）"
    return _positions_problem(geometry.get("coordinates"), POSITION_DEPTH[geometry["type"]])


def _stage_geojson(source: Path, target: Path) -> dict[int, str]:
    """Check the GeoJSON in Python before GDAL sees it; write the copy GDAL may open to `target`.

    Returns the problems of single features by their 1-based position: such a feature's geometry is
    replaced by null in the copy, so the report refuses that row with its reason and reads the others.
    """
    try:
        with open(source, encoding="utf-8") as f:
            document = json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReadError(f"无法读取该文件：不是有效的 GeoJSON（{exc}）") from None
    except RecursionError:
        raise ReadError(f"无法读取该文件：嵌套超过 {MAX_JSON_DEPTH} 层，不是边界文件") from None
    if _depth(document) > MAX_JSON_DEPTH:
        raise ReadError(f"无法读取该文件：嵌套超过 {MAX_JSON_DEPTH} 层，不是边界文件")
    if not isinstance(document, dict) or document.get("type") not in {"FeatureCollection", "Feature"}:
        raise ReadError("无法读取该文件：不是有效的 GeoJSON，顶层应为 FeatureCollection 或 Feature")
    declared = document.get("crs")
    if declared is not None:
        name = (declared.get("properties") or {}).get("name", "") if isinstance(declared, dict) else ""
        if not (isinstance(declared, dict) and declared.get("type") == "name"
                and re.fullmatch(r"(urn:ogc:def:crs:(EPSG::\d{4,6}|OGC:1\.3:CRS84)|EPSG:\d{4,6})", str(name))):
            raise ReadError("GeoJSON 的 crs 只能是 EPSG 代码（如 urn:ogc:def:crs:EPSG::4326），不接受链接或其他写法")
    features = [document] if document["type"] == "Feature" else document.get("features")
    if not isinstance(features, list) or not all(isinstance(f, dict) for f in features):
        raise ReadError("无法读取该文件：features 应为要素（Feature）的列表")
    problems = {}
    for index, feature in enumerate(features, start=1):
        problem = _geometry_problem(feature.get("geometry"))
        if problem:
            problems[index] = problem
            feature["geometry"] = None
        if not isinstance(feature.get("properties"), (dict, type(None))):
            feature["properties"] = None
    with open(target, "w", encoding="utf-8") as f:
        json.dump(document, f, ensure_ascii=False, allow_nan=False)
    return problems


def _unzip_shapefile(path: Path, folder: Path) -> Path:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise ReadError("无法读取该文件：不是有效的 zip 压缩包") from None
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS or sum(m.file_size for m in members) > MAX_UNZIPPED_BYTES:
            raise ReadError("压缩包内文件过多或过大")
        for member in members:
            name = Path(member.filename)
            if name.is_absolute() or ".." in name.parts or name.suffix.lower() not in SHAPEFILE_PARTS:
                raise ReadError(f"压缩包内有不接受的文件 {member.filename!r}：{UNSUPPORTED}")
            with archive.open(member) as source, open(folder / name.name, "wb") as target:
                shutil.copyfileobj(source, target)
    shapes = sorted(folder.glob("*.[sS][hH][pP]"))
    if len(shapes) != 1:
        raise ReadError(f"压缩包内应恰有一个 .shp 文件（找到 {len(shapes)} 个）")
    return shapes[0]


@contextmanager
def _staged(path: str):
    """The file, checked and copied into a temporary folder of its own; yields what GDAL may open and
    the problems already found in single features (by position)."""
    source = Path(path)
    if not source.is_file():
        raise ReadError(f"文件不存在：{path}")
    with tempfile.TemporaryDirectory(prefix="gridcase-import-") as folder:
        folder = Path(folder)
        with open(source, "rb") as f:
            head = f.read(4)
        suffix = source.suffix.lower()
        if head.startswith(b"PK\x03\x04"):
            yield _unzip_shapefile(source, folder), {}
        elif suffix in {".geojson", ".json"}:
            target = folder / "upload.geojson"
            problems = _stage_geojson(source, target)
            yield target, problems
        elif suffix == ".shp":
            for part in SHAPEFILE_PARTS:
                for sibling in (source.with_suffix(part), source.with_suffix(part.upper())):
                    if sibling.is_file():
                        shutil.copy(sibling, folder / f"upload{part}")
            yield folder / "upload.shp", {}
        else:
            raise ReadError(UNSUPPORTED)


def _open(path: Path) -> DataSource:
    try:
        data_source = DataSource(str(path))
    except GDALException:
        raise ReadError("无法读取该文件：它不是有效的 GeoJSON 或 Shapefile（可能已被截断或损坏）") from None
    if data_source.driver.name not in ALLOWED_DRIVERS:
        raise ReadError(UNSUPPORTED)
    if len(data_source) == 0:
        raise ReadError("文件中没有图层")
    return data_source


def _looks_like_degrees(bounds: tuple[float, float, float, float]) -> bool:
    west, south, east, north = bounds
    return -180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90


def read_features(path: str, *, level: str, crs: str | None = None, code_field: str = "code",
                  name_field: str = "name") -> tuple[list[Feature], list[Finding]]:
    """Features converted to WGS-84, plus notes about the file as a whole. Raises ReadError."""
    wanted = parse_crs(crs)
    with _staged(path) as (staged, problems):
        return _read_layer(_open(staged)[0], wanted=wanted, crs=crs, code_field=code_field, name_field=name_field,
                           problems=problems)


def _read_layer(layer, *, wanted, crs, code_field: str, name_field: str,
                problems: dict[int, str]) -> tuple[list[Feature], list[Finding]]:
    fields = set(layer.fields)
    missing = [f for f in (code_field, name_field) if f not in fields]
    if missing:
        raise ReadError(f"文件缺少字段 {', '.join(missing)}（已有字段：{', '.join(sorted(fields)) or '无'}）")

    notes: list[Finding] = []
    file_srs = layer.srs
    if wanted is None:
        if file_srs is None:
            notes.append(Finding.warning("文件未声明坐标系，按 WGS-84 经纬度读取"))
            wanted = 4326
        elif not file_srs.srid:
            raise ReadError(f"无法识别文件声明的坐标系 {file_srs.name}，请用 --crs 指定")
        else:
            wanted = file_srs.srid
    elif wanted in NAMED_CRS and file_srs is not None and file_srs.projected:
        raise ReadError(f"文件声明的坐标系 {file_srs.name} 是投影坐标，与指定的 {crs} 不符")

    rows = []
    for index, ogr_feature in enumerate(layer, start=1):
        geom = ogr_feature.geom if _has_geometry(ogr_feature) else None
        problem = problems.get(index) or (_coordinates_problem(geom) if geom is not None else None)
        rows.append((index, ogr_feature, None if problem else geom, problem))

    # The extent of the features that have a geometry: the layer's own fails when none has one.
    extents = [geom.extent for _, _, geom, _ in rows if geom is not None]
    bounds = (min(e[0] for e in extents), min(e[1] for e in extents), max(e[2] for e in extents),
              max(e[3] for e in extents)) if extents else (0, 0, 0, 0)
    projected = isinstance(wanted, int) and wanted != 4326 and not SpatialReference(wanted).geographic
    if projected and _looks_like_degrees(bounds):
        raise ReadError(f"坐标系为 EPSG:{wanted}（投影坐标，单位米），但坐标值看起来是经纬度：文件的坐标系声明可能有误")
    if not projected and not _looks_like_degrees(bounds):
        raise ReadError("坐标值超出经纬度范围：文件可能是投影坐标（单位米），却声明或指定为经纬度；请用 --crs EPSG:nnnn 指定")

    features = []
    for index, ogr_feature, geom, problem in rows:
        code = str(ogr_feature.get(code_field) or "").strip()
        name = str(ogr_feature.get(name_field) or "").strip()
        properties = {f: ogr_feature.get(f) for f in layer.fields}
        feature = Feature(index=index, code=code, name=name, geom=_to_wgs84(geom, wanted) if geom else None,
                          properties=properties, geometry_problem=problem)
        features.append(feature)
        if index == 1 and wanted != "gcj02" and _declares_gcj02(properties):
            notes.append(Finding.warning("要素属性 coordinate_system 标明 GCJ-02，但未按 GCJ-02 转换（是否应使用 --crs gcj02？）"))
    return features, notes


def _coordinates_problem(ogr_geom) -> str | None:
    coordinates = shapely.get_coordinates(shapely.from_wkb(bytes(ogr_geom.wkb)))
    return None if numpy.isfinite(coordinates).all() else "坐标含非数字（NaN）或无穷大"


def _has_geometry(ogr_feature) -> bool:
    try:
        return ogr_feature.geom is not None
    except GDALException:  # a null geometry ("geometry": null)
        return False


def _declares_gcj02(properties: dict) -> bool:
    # DataV/AMap exports are GCJ-02 whatever GeoJSON assumes; some say so in a property.
    return str(properties.get("coordinate_system") or "").upper().replace("-", "") == "GCJ02"


def _to_wgs84(ogr_geom, wanted: str | int) -> GEOSGeometry:
    geom = GEOSGeometry(ogr_geom.wkb, srid=4326 if wanted in NAMED_CRS else wanted)
    if wanted in chinese_datums.TO_WGS84:
        shift = chinese_datums.TO_WGS84[wanted]
        return to_geos(map_coords(to_shapely(geom), shift))
    if geom.srid != 4326:
        geom.transform(4326)
    return geom

