"""The basemap presets chosen in settings: each draws its tiles in its own coordinate system, and
nonsense is refused at start-up with what to set."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from geodata.basemap import TILE_URL, resolve
from tests.conftest import ROOT


def test_no_preset_means_no_basemap():
    chosen = resolve(preset="")

    assert chosen.preset == "none" and chosen.layers == () and chosen.hosts() == []


def test_tianditu_is_wgs84_with_its_key_and_a_label_layer_over_it():
    chosen = resolve(preset="tianditu", key="k123")

    assert chosen.crs == "wgs84" and "天地图" in chosen.attribution
    base, labels = chosen.layers
    assert "vec_w" in base.url and "tk=k123" in base.url and not base.overlay
    assert "cva_w" in labels.url and labels.overlay
    assert "img_w" in resolve(preset="tianditu-img", key="k").layers[0].url


def test_tianditu_without_a_key_is_refused():
    with pytest.raises(ImproperlyConfigured, match="TIANDITU_KEY"):
        resolve(preset="tianditu")


@pytest.mark.parametrize("preset", ["amap", "tencent"])
def test_amap_and_tencent_are_gcj02_whatever_basemap_crs_says(preset):
    chosen = resolve(preset=preset, crs="wgs84")

    assert chosen.crs == "gcj02" and chosen.layers and chosen.hosts()


def test_tencent_counts_rows_from_the_south():
    assert "{-y}" in resolve(preset="tencent").layers[0].url


def test_a_url_alone_is_a_custom_basemap_as_before_presets():
    chosen = resolve(preset="", url="https://tiles.example.gov.cn/{z}/{x}/{y}.png", crs="GCJ02")

    assert chosen.preset == "custom" and chosen.crs == "gcj02" and chosen.hosts() == ["https://tiles.example.gov.cn"]


def test_mbtiles_is_served_by_gridcase_itself():
    chosen = resolve(preset="mbtiles", mbtiles="/srv/tiles/county.mbtiles")

    assert [layer.url for layer in chosen.layers] == [TILE_URL]
    assert chosen.hosts() == []  # nothing but 'self' in the CSP
    assert str(chosen.mbtiles) == "/srv/tiles/county.mbtiles"


@pytest.mark.parametrize("settings, message", [
    ({"BASEMAP": "google"}, "BASEMAP must be one of"),
    ({"BASEMAP": "custom"}, "BASEMAP=custom needs BASEMAP_URL"),
    ({"BASEMAP": "custom", "BASEMAP_URL": "https://x/{z}/{x}/{y}", "BASEMAP_CRS": "bd09"}, "BASEMAP_CRS must be"),
    ({"BASEMAP": "tianditu"}, "needs TIANDITU_KEY"),
])
def test_the_settings_refuse_a_basemap_they_cannot_draw(settings, message):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BASEMAP", "TIANDITU"))}
    result = subprocess.run([sys.executable, "-c", "import gridcase.settings"], cwd=ROOT, capture_output=True, text=True,
                            env={**env, "GRIDCASE_PROFILE": "dev", **settings})

    assert result.returncode != 0 and message in result.stderr


def test_the_tianditu_key_can_come_from_a_file(tmp_path):
    (tmp_path / "key").write_text("from-a-file\n")
    env = {**os.environ, "GRIDCASE_PROFILE": "dev", "BASEMAP": "tianditu", "TIANDITU_KEY_FILE": str(tmp_path / "key")}
    result = subprocess.run([sys.executable, "-c", "import gridcase.settings as s; print(s.LEAFLET_CONFIG['TILES'][0][1])"],
                            cwd=ROOT, capture_output=True, text=True, env=env)

    assert result.returncode == 0, result.stderr
    assert "tk=from-a-file" in result.stdout
