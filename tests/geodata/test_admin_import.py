import io
import json

import pytest
from shapely.geometry import mapping

from geodata.models import Area
from tests.conftest import GUHE
from tests.geodata.helpers import halves, shape_of, write_geojson

pytestmark = pytest.mark.django_db


def post(client, path, **fields):
    with open(path, "rb") as f:
        return client.post("/admin/geodata/area/import/", {
            "file": f, "level": "grid", "code_field": "code", "name_field": "name", **fields,
        })


def test_the_admin_upload_imports_and_shows_the_report(login, tmp_path):
    Area.objects.filter(parent__code=GUHE).delete()
    west, east = halves(shape_of(GUHE))
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "东网格", east)])
    client = login("admin")

    dry = post(client, path, dry_run="on")
    assert "校验通过（试运行，未写入）" in dry.content.decode()
    assert not Area.objects.filter(parent__code=GUHE).exists()

    real = post(client, path)
    assert "导入完成" in real.content.decode() and "新建 2" in real.content.decode()
    assert Area.objects.filter(parent__code=GUHE).count() == 2


def test_a_malformed_upload_is_refused_with_a_reason(login, tmp_path):
    client = login("admin")
    junk = tmp_path / "grids.geojson"
    junk.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    wrong_type = tmp_path / "grids.kml"
    wrong_type.write_text("<kml/>", encoding="utf-8")

    assert "无法读取该文件" in post(client, junk).content.decode()
    assert "只接受 .geojson、.json 或 .zip 文件" in post(client, wrong_type).content.decode()


def test_only_staff_reach_the_upload(login, tmp_path):
    response = login("leader").get("/admin/geodata/area/import/")
    assert response.status_code == 302 and "/admin/login/" in response.url


def _upload_text(client, tmp_path, text: str):
    path = tmp_path / "grids.geojson"
    path.write_text(text, encoding="utf-8")
    return post(client, path, dry_run="on")


def _report(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split('class="import-report">', 1)[1].split("</pre>", 1)[0]


def test_a_feature_without_geometry_is_refused_in_the_report_and_the_others_are_checked(login, tmp_path):
    Area.objects.filter(parent__code=GUHE).delete()
    west, _ = halves(shape_of(GUHE))
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), (f"{GUHE}002", "空网格", None)])
    report = _report(post(login("admin"), path, dry_run="on"))
    assert f"[通过] #1 {GUHE}001 西网格" in report or f"[警告] #1 {GUHE}001 西网格" in report
    assert f"[错误] #2 {GUHE}002 空网格\n    错误：几何为空" in report


def _collection(*features) -> str:
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code, "name": name}, "geometry": geometry}
        for code, name, geometry in features]}, ensure_ascii=False)


def test_nan_coordinates_are_refused_row_by_row_with_the_reason(login, tmp_path):
    Area.objects.filter(parent__code=GUHE).delete()
    west, _ = halves(shape_of(GUHE))
    broken = {"type": "Polygon", "coordinates": [[["NAN", 33.9], [118.2, 33.9], [118.2, "INF"], ["NAN", 33.9]]]}
    text = _collection((f"{GUHE}001", "西网格", mapping(west)), (f"{GUHE}002", "坏网格", broken))
    # Python and many tools write these non-JSON tokens; the file must still get a report.
    text = text.replace('"NAN"', "NaN").replace('"INF"', "Infinity")
    report = _report(_upload_text(login("admin"), tmp_path, text))
    assert f"[错误] #2 {GUHE}002 坏网格\n    错误：坐标含非数字（NaN）或无穷大" in report
    assert f"#1 {GUHE}001 西网格\n    错误" not in report


@pytest.mark.parametrize("text", [
    "[" * 3000 + "]" * 3000,
    _collection(("1", "a", "DEEP")).replace('"DEEP"', "[" * 3000 + "]" * 3000),
    _collection(("1", "a", "DEEP")).replace('"DEEP"', "[" * 40 + "]" * 40),
])
def test_deep_nesting_is_refused_with_a_reason_not_a_traceback(login, tmp_path, text):
    report = _report(_upload_text(login("admin"), tmp_path, text))
    assert "无法读取该文件：嵌套超过 32 层，不是边界文件" in report and "未写入任何数据" in report


@pytest.mark.parametrize("geometry, reason", [
    ('{"type": "Polygon", "coordinates": "118,33"}', "坐标的嵌套层次不符合几何类型"),
    ('{"type": "Polygon", "coordinates": [[["118", "33"]]]}', "坐标不是数字对"),
    ('{"type": "Circle", "coordinates": [118, 33]}', "几何不是 GeoJSON 几何对象"),
    ('"POLYGON((0 0, 1 1, 1 0, 0 0))"', "几何不是 GeoJSON 几何对象"),
])
def test_malformed_geometries_are_refused_with_their_reason(login, tmp_path, geometry, reason):
    text = _collection((f"{GUHE}001", "网格", "GEOMETRY")).replace('"GEOMETRY"', geometry)
    report = _report(_upload_text(login("admin"), tmp_path, text))
    assert f"[错误] #1 {GUHE}001 网格\n    错误：{reason}" in report


def test_the_command_reports_the_same_refusals(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "deep.geojson"
    path.write_text("[" * 3000 + "]" * 3000, encoding="utf-8")
    out = io.StringIO()
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_areas", str(path), "--level", "grid", "--dry-run", stdout=out)
    assert "嵌套超过 32 层" in out.getvalue()


def test_the_dry_run_shows_the_features_on_a_map_marking_refused_ones(login, tmp_path):
    Area.objects.filter(parent__code=GUHE).delete()
    west, _ = halves(shape_of(GUHE))
    path = write_geojson(tmp_path / "g.geojson", [(f"{GUHE}001", "西网格", west), ("bad", "坏网格", west)])
    response = post(login("admin"), path, dry_run="on")
    features = response.context["preview"]["features"]
    assert [(f["properties"]["name"], f["properties"]["ok"]) for f in features] == [("西网格", True), ("坏网格", False)]
    assert 'id="boundary-preview"' in response.content.decode()
