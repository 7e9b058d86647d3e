"""Validate a set of area features against each other and the territory in the database, then write.

Errors abort the whole import (nothing is written); warnings are reported and do not. Validation
and writing happen in one transaction with the parent areas locked, so two imports under the same
parent cannot both pass and then overlap.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

import shapely
from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction
from shapely.validation import explain_validity

from geodata.codes import PARENT_LEVEL, code_problem, parent_code_of
from geodata.models import Area, Level
from geodata.shapes import to_geos, to_shapely

ERROR, WARNING = "error", "warning"
# China's extent, generously: a county whose coordinates fall outside was read in the wrong CRS.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)
EQUAL_AREA_SRID = 6933  # WGS 84 / NSIDC EASE-Grid 2.0 Global: areas in m², anywhere
SLIVER_WIDTH_M = 0.05


@dataclass(frozen=True)
class Finding:
    severity: str
    message: str

    @classmethod
    def error(cls, message: str) -> "Finding":
        return cls(ERROR, message)

    @classmethod
    def warning(cls, message: str) -> "Finding":
        return cls(WARNING, message)


@dataclass
class Feature:
    index: int  # 1-based position in the file, for the report
    code: str
    name: str
    geom: GEOSGeometry | None  # WGS-84
    properties: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    geometry_problem: str | None = None  # why the file's geometry could not be read, if it could not

    @property
    def parent_code(self) -> str | None:
        return parent_code_of(self.code)


@dataclass
class ImportReport:
    level: str
    features: list[Feature] = field(default_factory=list)
    general: list[Finding] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    dry_run: bool = False

    @classmethod
    def failed(cls, message: str, *, level: str) -> "ImportReport":
        return cls(level=level, general=[Finding.error(message)])

    def _all(self):
        yield from self.general
        for feature in self.features:
            yield from feature.findings

    @property
    def error_count(self) -> int:
        return sum(1 for f in self._all() if f.severity == ERROR)

    @property
    def warning_count(self) -> int:
        return sum(1 for f in self._all() if f.severity == WARNING)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        return self.created + self.updated > 0

    def preview_geojson(self) -> dict:
        """The features that have a geometry, for the map beside the report: refused ones marked."""
        return {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": json.loads(f.geom.geojson),
             "properties": {"code": f.code, "name": f.name, "ok": not any(x.severity == ERROR for x in f.findings)}}
            for f in self.features if f.geom is not None and not f.geom.empty]}

    def lines(self) -> list[str]:
        labels = {ERROR: "错误", WARNING: "警告"}
        out = []
        for feature in self.features:
            worst = "错误" if any(f.severity == ERROR for f in feature.findings) else (
                "警告" if feature.findings else "通过")
            out.append(f"[{worst}] #{feature.index} {feature.code or '（无代码）'} {feature.name}")
            out.extend(f"    {labels[f.severity]}：{f.message}" for f in feature.findings)
        out.extend(f"[{labels[f.severity]}] {f.message}" for f in self.general)
        summary = f"共 {len(self.features)} 个要素，{self.error_count} 个错误，{self.warning_count} 个警告。"
        if not self.ok:
            summary += "有错误，未写入任何数据。"
        elif self.dry_run:
            summary += "试运行，未写入。"
        else:
            summary += f"已写入：新建 {self.created}，更新 {self.updated}。"
        out.append(summary)
        return out


def _projected(shape) -> GEOSGeometry:
    geom = to_geos(shape)
    geom.transform(EQUAL_AREA_SRID)
    return geom


def area_m2(shape) -> float:
    """Area in square metres of a WGS-84 shapely geometry."""
    return 0.0 if shape.is_empty else _projected(shape).area


def significant_m2(shape, tolerance: float) -> float:
    """Area in m² of the parts of `shape` that are not digitising noise.

    A part counts if it is larger than `tolerance` m² and wider than SLIVER_WIDTH_M; a sliver's
    width is about 2·area/perimeter. Overlay of long shared edges leaves millimetre-wide slivers of
    several m² that nobody drew, and those are not overlaps or gaps.
    """
    total = 0.0
    for part in shapely.get_parts(shape):
        if part.geom_type != "Polygon" or part.is_empty:
            continue
        projected = _projected(part)
        if projected.area > tolerance and 2 * projected.area / projected.length > SLIVER_WIDTH_M:
            total += projected.area
    return total


def _as_multipolygon(geom: GEOSGeometry) -> MultiPolygon:
    return geom if geom.geom_type == "MultiPolygon" else MultiPolygon(geom, srid=geom.srid)


def _check_own(feature: Feature, level: str, parent_code: str | None, seen: dict[str, Feature],
               allowed: tuple[str, ...] | None) -> None:
    problem = code_problem(feature.code, level, parent_code)
    if problem:
        feature.findings.append(Finding.error(problem))
    elif allowed is not None and not any(feature.code.startswith(prefix) for prefix in allowed):
        feature.findings.append(Finding.error(f"代码 {feature.code} 不在您的辖区内"))
    elif feature.code in seen:
        feature.findings.append(Finding.error(f"代码 {feature.code} 与第 {seen[feature.code].index} 个要素重复"))
    else:
        seen[feature.code] = feature
    if not feature.name:
        feature.findings.append(Finding.error("名称为空"))
    geom = feature.geom
    if feature.geometry_problem:
        feature.findings.append(Finding.error(feature.geometry_problem))
    elif geom is None or geom.empty:
        feature.findings.append(Finding.error("几何为空"))
    elif geom.geom_type not in ("Polygon", "MultiPolygon"):
        feature.findings.append(Finding.error(f"几何类型为 {geom.geom_type}，应为面（Polygon/MultiPolygon）"))
    elif not geom.valid:
        feature.findings.append(Finding.error(f"几何无效：{explain_validity(to_shapely(geom))}"))
    elif level == Level.COUNTY:
        west, south, east, north = geom.extent
        if west < CHINA_BOUNDS[0] or south < CHINA_BOUNDS[1] or east > CHINA_BOUNDS[2] or north > CHINA_BOUNDS[3]:
            feature.findings.append(Finding.error(f"范围 {geom.extent} 不在中国境内：坐标系是否有误？"))


def _shape(feature: Feature):
    return to_shapely(feature.geom)


def _check_against_parent(features: list[Feature], parent: Area, tolerance: float) -> list[Finding]:
    """Each feature inside the parent, no two siblings overlapping, and how much of the parent is left uncovered."""
    parent_shape = to_shapely(parent.geom)
    shapely.prepare(parent_shape)
    shapes = [_shape(f) for f in features]
    for feature, shape in zip(features, shapes):
        if not parent_shape.covers(shape):
            outside = significant_m2(shape.difference(parent_shape), tolerance)
            if outside > tolerance:
                feature.findings.append(Finding.error(f"超出上级 {parent.name}（{parent.code}）{outside:,.0f} m²"))

    # Siblings already in the database stay, unless this import replaces them.
    incoming = {f.code for f in features}
    kept = [a for a in parent.children.all() if a.code not in incoming]
    kept_shapes = [to_shapely(a.geom) for a in kept]
    all_shapes = shapes + kept_shapes
    labels = [f"{f.name}（{f.code}）" for f in features] + [f"已有区域 {a.name}（{a.code}）" for a in kept]
    tree = shapely.STRtree(all_shapes)
    left, right = tree.query(all_shapes, predicate="intersects")
    for i, j in zip(left, right):
        if i >= j or i >= len(features):
            continue
        overlap = significant_m2(all_shapes[i].intersection(all_shapes[j]), tolerance)
        if overlap > tolerance:
            features[i].findings.append(Finding.error(f"与 {labels[j]} 重叠 {overlap:,.0f} m²"))
            if j < len(features):
                features[j].findings.append(Finding.error(f"与 {labels[i]} 重叠 {overlap:,.0f} m²"))

    uncovered = significant_m2(parent_shape.difference(shapely.union_all(all_shapes)), tolerance)
    if uncovered > tolerance:
        share = uncovered / area_m2(parent_shape) * 100
        return [Finding.warning(f"上级 {parent.name}（{parent.code}）有 {uncovered:,.0f} m²（{share:.2f}%）未被下级区域覆盖")]
    return []


def _check_existing_children(feature: Feature, area: Area, tolerance: float) -> None:
    """Replacing an area's polygon must not leave its existing children sticking out."""
    children = list(area.children.all())
    if not children:
        return
    new_shape = _shape(feature)
    children_union = shapely.union_all([to_shapely(c.geom) for c in children])
    outside = significant_m2(children_union.difference(new_shape), tolerance)
    if outside > tolerance:
        feature.findings.append(Finding.error(f"新范围使已有下级区域有 {outside:,.0f} m² 落在其外"))


def validate(features: list[Feature], *, level: str, parent_code: str | None, tolerance: float,
             allowed: tuple[str, ...] | None = None) -> list[Finding]:
    """Attach findings to each feature; return findings about the import as a whole."""
    general: list[Finding] = []
    if not features:
        return [Finding.error("文件中没有要素")]
    seen: dict[str, Feature] = {}
    for feature in features:
        _check_own(feature, level, parent_code, seen, allowed)
    if level == Level.COUNTY:
        return general

    by_parent: dict[str, list[Feature]] = defaultdict(list)
    for feature in seen.values():
        if not any(f.severity == ERROR for f in feature.findings):
            by_parent[feature.parent_code].append(feature)
    parents = Area.objects.select_for_update().filter(code__in=by_parent, level=PARENT_LEVEL[level]).in_bulk(
        field_name="code")
    for code, group in sorted(by_parent.items()):
        parent = parents.get(code)
        if parent is None:
            for feature in group:
                feature.findings.append(Finding.error(f"上级区域 {code} 不存在：请先导入上级"))
            continue
        general.extend(_check_against_parent(group, parent, tolerance))

    existing = Area.objects.filter(code__in=seen).in_bulk(field_name="code")
    for code, area in existing.items():
        _check_existing_children(seen[code], area, tolerance)
    return general


def _write(features: list[Feature], level: str) -> tuple[int, int]:
    parents = Area.objects.filter(code__in={f.parent_code for f in features if f.parent_code}).in_bulk(
        field_name="code")
    created = updated = 0
    for feature in features:
        defaults = {
            "level": level,
            "name": feature.name,
            "parent": parents.get(feature.parent_code),
            "geom": _as_multipolygon(feature.geom),
        }
        for attribute in ("population", "households"):
            value = feature.properties.get(attribute)
            if isinstance(value, int) and value >= 0:
                defaults[attribute] = value
        _, was_created = Area.objects.update_or_create(code=feature.code, defaults=defaults)
        created += was_created
        updated += not was_created
    return created, updated


def import_features(features: list[Feature], *, level: str, parent_code: str | None = None, dry_run: bool = False,
                    notes: list[Finding] = (), tolerance: float | None = None,
                    allowed: tuple[str, ...] | None = None) -> ImportReport:
    """Validate `features` as areas of `level`; unless there are errors or it is a dry run, write them all.

    `allowed`, if given, is the importing user's jurisdiction: codes outside it are errors.
    """
    tolerance = settings.GEODATA_TOLERANCE_M2 if tolerance is None else tolerance
    report = ImportReport(level=level, features=features, general=list(notes), dry_run=dry_run)
    if level not in Level.values:
        report.general.append(Finding.error(f"层级 {level!r} 无效：可用 {', '.join(Level.values)}"))
        return report
    if level == Level.COUNTY and parent_code:
        report.general.append(Finding.error("区县没有上级，不能指定 --parent"))
        return report
    with transaction.atomic():
        report.general.extend(validate(features, level=level, parent_code=parent_code, tolerance=tolerance, allowed=allowed))
        if report.ok and not dry_run:
            report.created, report.updated = _write(features, level)
    return report
