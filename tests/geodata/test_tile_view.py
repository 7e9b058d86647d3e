"""The offline basemap's tiles (BASEMAP=mbtiles): served from the county's file behind the login,
within the user's reach, with caching headers; nonsense is a 400 and a missing file says so."""

import sqlite3

import pytest
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import reverse

from geodata import tiles
from geodata.selectors import basemap_for_map, jurisdiction_extent
from tests.conftest import GUHE, TUYUAN
from tests.geodata.mbtiles import build_mbtiles, tile_xy

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_file(tmp_path, settings):
    """An MBTiles file over the county, zooms 8–12, one tile of 屠园镇 at zoom 12 left out."""
    west, south, east, north = jurisdiction_extent(codes=[TUYUAN])
    county = jurisdiction_extent(codes=["321302"])
    hole = (12, *tile_xy((west + east) / 2, (south + north) / 2, 12))
    path = tmp_path / "county.mbtiles"
    build_mbtiles(path, bounds=tiles.reach(county), skip={hole})
    settings.BASEMAP, settings.BASEMAP_MBTILES = "mbtiles", str(path)
    return {"path": path, "hole": hole, "centre": ((west + east) / 2, (south + north) / 2)}


def url(z, x, y):
    return reverse("geodata:tile", args=[z, x, y])


def tile_of(lonlat, z=11):
    return url(z, *tile_xy(*lonlat, z))


def test_a_town_leader_gets_a_tile_of_their_town_with_caching_headers(county_file, login):
    response = login("leader").get(tile_of(county_file["centre"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png" and response.content.startswith(b"\x89PNG")
    assert response["Cache-Control"] == "private, max-age=86400"
    assert response["ETag"]


def test_a_tile_the_browser_already_has_is_not_sent_again(county_file, login):
    client = login("leader")
    etag = client.get(tile_of(county_file["centre"]))["ETag"]

    again = client.get(tile_of(county_file["centre"]), headers={"If-None-Match": etag})

    assert again.status_code == 304 and again.content == b""


def test_a_replaced_file_changes_the_etag(county_file, login):
    client = login("leader")
    before = client.get(tile_of(county_file["centre"]))["ETag"]
    county_file["path"].unlink()
    build_mbtiles(county_file["path"], bounds=tiles.reach(jurisdiction_extent(codes=["321302"])), zooms=range(11, 12))

    assert client.get(tile_of(county_file["centre"]), headers={"If-None-Match": before}).status_code == 200


def test_a_tile_the_file_does_not_hold_is_no_content(county_file, login):
    client = login("leader")

    assert client.get(url(*county_file["hole"])).status_code == 204
    assert client.get(tile_of(county_file["centre"], z=15)).status_code == 204  # beyond the file's zooms


def test_tiles_need_a_login(county_file, client):
    response = client.get(tile_of(county_file["centre"]))

    assert response.status_code == 302 and response["Location"].startswith(resolve_url("login"))


def test_a_worker_gets_tiles_around_their_grids_not_another_towns(county_file, login, users):
    grid = users["worker"].grids.order_by("code").first()
    client = login("worker")
    assert client.get(tile_of(grid.geom.point_on_surface.coords, z=11)).status_code == 200

    far = jurisdiction_extent(codes=["321302101"])  # 耿车镇
    centre = ((far[0] + far[2]) / 2, (far[1] + far[3]) / 2)
    box = tiles.tile_bounds(12, *tile_xy(*centre, 12))
    assert not tiles.overlaps(box, tiles.reach(jurisdiction_extent(codes=[g.code for g in users["worker"].grids.all()])))
    response = client.get(tile_of(centre, z=12))

    assert response.status_code == 403 and "超出您的辖区" in response.content.decode()


def test_the_sibling_towns_leader_gets_no_tile_of_this_town(county_file, login):
    far_in_tuyuan = jurisdiction_extent(codes=[GUHE])
    centre = ((far_in_tuyuan[0] + far_in_tuyuan[2]) / 2, (far_in_tuyuan[1] + far_in_tuyuan[3]) / 2)
    box = tiles.tile_bounds(12, *tile_xy(*centre, 12))
    if tiles.overlaps(box, tiles.reach(jurisdiction_extent(codes=["321302101"]))):
        pytest.skip("古河村 lies within reach of 耿车镇 in this territory")

    assert login("leader2").get(tile_of(centre, z=12)).status_code == 403


def test_a_user_without_jurisdiction_gets_no_tiles(county_file, client, django_user_model):
    nobody = django_user_model.objects.create_user(username="nobody", password="x")
    client.force_login(nobody)

    assert client.get(tile_of(county_file["centre"])).status_code == 403


@pytest.mark.parametrize("z, x, y", [("a", "1", "1"), ("-1", "0", "0"), ("3", "8", "0"), ("3", "0", "-1"),
                                     ("99", "0", "0"), ("12", "3411.5", "1625"), ("1e3", "0", "0")])
def test_a_tile_no_map_asks_for_is_a_bad_request(county_file, login, z, x, y):
    response = login("leader").get(url(z, x, y))

    assert response.status_code == 400
    assert "瓦片" in response.content.decode() or "缩放级别" in response.content.decode()


def test_a_missing_file_is_a_clear_error_on_the_tile_and_on_the_map(county_file, login, users, caplog):
    county_file["path"].unlink()

    response = login("leader").get(tile_of(county_file["centre"]))

    assert response.status_code == 503
    assert "离线底图文件不存在" in response.content.decode()
    assert str(county_file["path"]) not in response.content.decode()  # the path is for the log
    assert str(county_file["path"]) in caplog.text
    config = basemap_for_map(user=users["leader"])
    assert config["layers"] == [] and "离线底图文件不存在" in config["error"]


def test_a_file_that_is_not_mbtiles_is_a_clear_error(county_file, login):
    county_file["path"].write_bytes(b"not an sqlite file at all" * 100)

    response = login("leader").get(tile_of(county_file["centre"]))

    assert response.status_code == 503 and "不是有效的 MBTiles" in response.content.decode()


def test_vector_tiles_are_refused_with_the_reason(county_file, login):
    with sqlite3.connect(county_file["path"]) as db:
        db.execute("UPDATE metadata SET value = 'pbf' WHERE name = 'format'")
    db.close()

    response = login("leader").get(tile_of(county_file["centre"]))

    assert response.status_code == 503 and "只支持栅格瓦片" in response.content.decode()


@override_settings(BASEMAP="none")
def test_without_an_offline_basemap_there_are_no_tiles(login):
    assert login("leader").get(url(11, 1700, 800)).status_code == 404


def test_the_map_is_told_the_files_zooms_and_the_box_it_may_ask_for(county_file, users):
    config = basemap_for_map(user=users["leader"])

    [layer] = config["layers"]
    assert layer["url"] == url("{z}", "{x}", "{y}").replace("%7B", "{").replace("%7D", "}")
    assert (layer["minNativeZoom"], layer["maxNativeZoom"]) == (8, 12)
    west, south, east, north = jurisdiction_extent(codes=[TUYUAN])
    assert layer["bounds"] == pytest.approx([west - tiles.MARGIN, south - tiles.MARGIN, east + tiles.MARGIN, north + tiles.MARGIN])
