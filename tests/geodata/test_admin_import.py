import pytest

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
