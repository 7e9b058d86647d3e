"""Import validation: everything is checked before anything is written; errors abort the whole import."""

import pytest
import shapely
from django.core.management import CommandError, call_command
from shapely.geometry import Polygon

from geodata.importer import import_areas
from geodata.models import Area
from geodata.shapes import map_coords
from tests.conftest import GENGCHE, GUHE, TUYUAN
from tests.geodata.helpers import halves, shape_of, shifted, write_geojson, write_zipped_shapefile

pytestmark = pytest.mark.django_db


@pytest.fixture
def bare_village():
    """古河村 with its grids removed, ready for a new grid layer."""
    Area.objects.filter(parent__code=GUHE).delete()
    return shape_of(GUHE)


def grid_codes():
    return list(Area.objects.filter(parent__code=GUHE).values_list("code", flat=True))


def test_a_clean_grid_layer_is_written(tmp_path, bare_village):
    west, east = halves(bare_village)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "东网格", east)])

    report = import_areas(path, level="grid", parent_code=GUHE)

    assert report.ok and report.warning_count == 0, report.lines()
    assert (report.created, report.updated) == (2, 0)
    grid = Area.objects.get(code=f"{GUHE}001")
    assert grid.parent.code == GUHE and grid.level == "grid" and grid.geom.geom_type == "MultiPolygon"


def test_a_dry_run_validates_and_writes_nothing(tmp_path, bare_village):
    west, east = halves(bare_village)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "东网格", east)])

    report = import_areas(path, level="grid", dry_run=True)

    assert report.ok and not report.written
    assert grid_codes() == []
    assert "试运行" in report.lines()[-1]


def test_a_self_intersecting_polygon_is_an_error_and_nothing_is_written(tmp_path, bare_village):
    west, east = halves(bare_village)
    x0, y0, x1, y1 = east.bounds
    bowtie = Polygon([(x0, y0), (x1, y1), (x1, y0), (x0, y1), (x0, y0)])
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "蝴蝶", bowtie)])

    report = import_areas(path, level="grid")

    assert not report.ok
    [bad] = [f for f in report.features if f.findings]
    assert bad.code == f"{GUHE}002"
    assert "几何无效" in bad.findings[0].message and "Self-intersection" in bad.findings[0].message
    assert grid_codes() == []  # the valid grid in the same file was not written either


def test_a_grid_sticking_out_of_its_village_is_an_error_with_the_area(tmp_path, bare_village):
    west, east = halves(bare_village)
    path = write_geojson(tmp_path / "g.geojson", [
        (f"{GUHE}001", "西网格", west), (f"{GUHE}002", "东网格", shifted(east, 0.01)),
    ])

    report = import_areas(path, level="grid")

    messages = [f.message for f in report.features[1].findings]
    assert any(m.startswith("超出上级 古河村") and "m²" in m for m in messages), messages
    assert grid_codes() == []


def test_two_overlapping_grids_are_both_told(tmp_path, bare_village):
    west, east = halves(bare_village)
    grown = west.buffer(0.002).intersection(bare_village)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", grown), (f"{GUHE}002", "东网格", east)])

    report = import_areas(path, level="grid")

    first, second = (f.findings[0].message for f in report.features)
    assert first.startswith("与 东网格") and "重叠" in first
    assert second.startswith("与 西网格") and "重叠" in second
    overlap_m2 = float(first.split("重叠 ")[1].split(" m²")[0].replace(",", ""))
    assert overlap_m2 > 10_000  # a 200 m strip along a kilometres-long edge


def test_a_grid_overlapping_one_already_in_the_database_is_an_error(tmp_path):
    existing = Area.objects.filter(parent__code=GUHE).order_by("code").first()
    newcomer = shape_of(existing.code)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}099", "新网格", newcomer)])

    report = import_areas(path, level="grid")

    assert f"已有区域 {existing.name}" in report.features[0].findings[0].message


def test_an_uncovered_part_of_the_village_is_a_warning_with_area_and_share(tmp_path, bare_village):
    west, _ = halves(bare_village)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west)])

    report = import_areas(path, level="grid")

    assert report.ok and report.written
    [gap] = report.general
    assert gap.severity == "warning" and "未被下级区域覆盖" in gap.message and "%" in gap.message


def test_a_village_code_under_the_wrong_town_is_refused(tmp_path):
    village = Area.objects.filter(parent__code=GENGCHE).first()
    path = write_geojson(tmp_path / "v.geojson", [(village.code, village.name, shape_of(village.code))])

    report = import_areas(path, level="village", parent_code=TUYUAN)

    assert f"不以上级代码 {TUYUAN} 开头" in report.features[0].findings[0].message


@pytest.mark.parametrize(("code", "says"), [
    (f"{GUHE}01", "14 位"),
    (f"{GUHE}0A1", "不是纯数字"),
    ("321302999999001", "上级区域 321302999999 不存在"),
])
def test_malformed_or_orphan_grid_codes_are_refused(tmp_path, bare_village, code, says):
    path = write_geojson(tmp_path / "g.geojson", [(code, "网格", bare_village)])

    report = import_areas(path, level="grid")

    assert says in report.features[0].findings[0].message


def test_duplicate_codes_in_one_file_are_refused(tmp_path, bare_village):
    west, east = halves(bare_village)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "甲", west), (f"{GUHE}001", "乙", east)])

    report = import_areas(path, level="grid")

    assert "与第 1 个要素重复" in report.features[1].findings[0].message


def test_empty_and_non_polygon_geometries_are_refused(tmp_path, bare_village):
    path = write_geojson(tmp_path / "g.geojson", [
        (f"{GUHE}001", "空", None),
        (f"{GUHE}002", "线", shapely.geometry.LineString([(118.3, 33.8), (118.31, 33.81)])),
    ], raw_geometry=None)

    report = import_areas(path, level="grid")

    assert [f.findings[0].message for f in report.features] == ["几何为空", "几何类型为 LineString，应为面（Polygon/MultiPolygon）"]


def test_a_truncated_file_is_a_clear_error(tmp_path, bare_village):
    full = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", bare_village)])
    text = open(full, encoding="utf-8").read()
    (tmp_path / "cut.geojson").write_text(text[: len(text) // 2], encoding="utf-8")

    report = import_areas(str(tmp_path / "cut.geojson"), level="grid")

    assert not report.ok and "无法读取该文件" in report.general[0].message


def test_a_file_declaring_metres_but_holding_degrees_is_refused(tmp_path, bare_village):
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "网格", bare_village)],
                         crs="urn:ogc:def:crs:EPSG::3857")

    report = import_areas(path, level="grid")

    assert not report.ok and "坐标值看起来是经纬度" in report.general[0].message


def test_a_file_in_metres_without_a_declaration_is_refused(tmp_path, bare_village):
    from geodata.shapes import to_geos, to_shapely

    metres = to_geos(bare_village)
    metres.transform(3857)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "网格", to_shapely(metres))])

    report = import_areas(path, level="grid")

    assert "坐标值超出经纬度范围" in report.general[0].message


def test_a_projected_file_that_says_so_is_converted(tmp_path, bare_village):
    from geodata.shapes import to_geos, to_shapely

    metres = to_geos(bare_village.buffer(-0.0005))
    metres.transform(3857)
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "网格", to_shapely(metres))],
                         crs="urn:ogc:def:crs:EPSG::3857")

    report = import_areas(path, level="grid")

    assert report.ok, report.lines()
    stored = shape_of(f"{GUHE}001")
    assert stored.symmetric_difference(bare_village.buffer(-0.0005)).area < 1e-10


def test_gcj02_input_is_converted_to_wgs84(tmp_path, bare_village):
    from geodata import crs

    west, east = halves(bare_village)
    as_gcj02 = [map_coords(s, crs.wgs84_to_gcj02) for s in (west, east)]
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西", as_gcj02[0]), (f"{GUHE}002", "东", as_gcj02[1])])

    unconverted = import_areas(path, level="grid", dry_run=True)
    converted = import_areas(path, level="grid", crs="gcj02")

    assert not unconverted.ok  # read as WGS-84 the grids sit ~500 m off and stick out of the village
    assert converted.ok, converted.lines()
    assert shape_of(f"{GUHE}001").symmetric_difference(west).area < 1e-12


def test_the_real_district_outline_needs_gcj02_and_says_so(tmp_path):
    from geodata.demo import DATA

    path = str(DATA / "suchang-district-gcj02.geojson")
    as_is = import_areas(path, level="county", code_field="adcode", dry_run=True)
    converted = import_areas(path, level="county", code_field="adcode", crs="gcj02", dry_run=True)

    assert any("coordinate_system 标明 GCJ-02" in f.message for f in as_is.general)
    assert converted.ok and converted.warning_count == 0, converted.lines()


def test_a_zipped_shapefile_is_read(tmp_path, bare_village):
    west, east = halves(bare_village)
    source = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "东网格", east)])

    report = import_areas(write_zipped_shapefile(tmp_path, source), level="grid")

    assert report.ok and report.created == 2, report.lines()
    assert Area.objects.get(code=f"{GUHE}002").name == "东网格"


def test_a_missing_field_is_named(tmp_path, bare_village):
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "网格", bare_village)])

    report = import_areas(path, level="grid", code_field="CODE")

    assert "文件缺少字段 CODE" in report.general[0].message


def test_replacing_a_village_polygon_may_not_strand_its_grids(tmp_path):
    smaller = shape_of(GUHE).buffer(-0.003)
    path = write_geojson(tmp_path / "v.geojson", [(GUHE, "古河村", smaller)])

    report = import_areas(path, level="village")

    assert "已有下级区域" in report.features[0].findings[0].message


def test_the_command_prints_the_report_and_fails_on_errors(tmp_path, bare_village, capsys):
    west, east = halves(bare_village)
    good = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "东网格", east)])
    bad = write_geojson(tmp_path / "b.geojson", [(f"{GUHE}001", "西网格", shifted(west, 0.05))])

    with pytest.raises(CommandError, match="有错误"):
        call_command("import_areas", bad, "--level", "grid")
    call_command("import_areas", good, "--level", "grid", "--parent", GUHE)

    out = capsys.readouterr().out
    assert f"[错误] #1 {GUHE}001 西网格" in out
    assert "已写入：新建 2，更新 0" in out
    assert len(grid_codes()) == 2



def test_millimetre_slivers_along_long_edges_are_noise_but_a_small_square_is_not():
    from shapely.geometry import box

    from geodata.importer.core import area_m2, significant_m2

    sliver = box(118.30, 33.80, 118.30 + 0.05, 33.80 + 1e-7)  # ≈ 4.6 km × 1 cm ≈ 50 m²
    square = box(118.30, 33.80, 118.30 + 0.0001, 33.80 + 0.0001)  # ≈ 9 m × 11 m ≈ 100 m²
    assert 40 < area_m2(sliver) < 60 and significant_m2(sliver, 1.0) == 0
    assert significant_m2(square, 1.0) == pytest.approx(area_m2(square)) and area_m2(square) > 90
