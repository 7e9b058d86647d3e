"""Boundary files are untrusted: only plain GeoJSON and Shapefiles reach GDAL, from a folder of their own."""

import json
import zipfile

import pytest

from geodata.importer import ReadError, read_features

VRT = """<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>/etc/passwd</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>"""


def square(**extra) -> dict:
    ring = [[118.3, 33.9], [118.31, 33.9], [118.31, 33.91], [118.3, 33.91], [118.3, 33.9]]
    return {"type": "FeatureCollection", **extra, "features": [
        {"type": "Feature", "properties": {"code": "321302112", "name": "屠园镇"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}


def test_a_plain_geojson_is_read(tmp_path):
    path = tmp_path / "towns.geojson"
    path.write_text(json.dumps(square(crs={"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4326"}})))
    features, _ = read_features(str(path), level="town")
    assert [f.code for f in features] == ["321302112"]


@pytest.mark.parametrize("name, content, message", [
    ("evil.vrt", VRT, "只接受 GeoJSON"),
    ("evil.json", VRT, "不是有效的 GeoJSON"),
    ("towns.kml", "<kml/>", "只接受 GeoJSON"),
    ("linked.geojson", json.dumps(square(crs={"type": "link", "properties": {"href": "http://10.0.0.1/crs"}})), "crs"),
    ("odd.geojson", json.dumps(square(crs={"type": "name", "properties": {"name": "+proj=longlat +init=/etc/x"}})), "crs"),
    ("list.geojson", "[1, 2]", "FeatureCollection"),
])
def test_anything_else_is_refused_before_gdal_sees_it(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ReadError, match=message):
        read_features(str(path), level="town")


@pytest.mark.parametrize("members", [
    {"../../etc/cron.d/x.shp": b"x"},
    {"towns.shp": b"x", "towns.vrt": VRT.encode()},
    {"a.shp": b"x", "b.shp": b"y"},
])
def test_a_zip_may_hold_one_shapefile_and_nothing_else(tmp_path, members):
    path = tmp_path / "upload.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    with pytest.raises(ReadError):
        read_features(str(path), level="town")
    assert not (tmp_path.parent.parent / "etc").exists()
