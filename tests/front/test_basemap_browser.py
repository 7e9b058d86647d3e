"""The map with the county's offline basemap (BASEMAP=mbtiles) and without any: tiles come from
gridcase itself, every layer has its legend, names are readable, the worker's grids and position
stand out — on a desk and on a 390 px phone, with no console error, failed request or error status."""

import pytest

from geodata import tiles
from geodata.models import Area, Level
from geodata.selectors import jurisdiction_extent
from tests.conftest import ARTIFACTS, TUYUAN, _serve
from tests.geodata.mbtiles import build_mbtiles

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
TILES = "/api/geodata/tiles/"


@pytest.fixture(scope="session")
def county_tiles(tmp_path_factory, django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        county = jurisdiction_extent(codes=["321302"])
    path = tmp_path_factory.mktemp("tiles") / "county.mbtiles"
    build_mbtiles(path, bounds=tiles.reach(county), zooms=range(9, 15))
    return path


@pytest.fixture(scope="session")
def live_url_mbtiles(county_tiles):
    yield from _serve(BASEMAP="mbtiles", BASEMAP_MBTILES=str(county_tiles), BASEMAP_ATTRIBUTION="宿城区自然资源局 离线底图")


def watched(browser, **options):
    """A page that records its tile responses and every error it meets."""
    context = browser.new_context(locale="zh-CN", **options)
    page = context.new_page()
    page.errors, page.tiles = [], []
    page.on("console", lambda m: m.type == "error" and page.errors.append(f"console: {m.text}"))
    page.on("pageerror", lambda e: page.errors.append(f"script: {e}"))
    page.on("requestfailed", lambda r: page.errors.append(f"failed: {r.url} {r.failure}"))

    def response(r):
        if TILES in r.url:
            page.tiles.append(r.status)
        if r.status >= 400:
            page.errors.append(f"{r.status} {r.url}")

    page.on("response", response)
    return context, page


def log_in(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "gridcase-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)


def legend_layers(page) -> list[str]:
    return page.eval_on_selector_all("#map-legend section", "els => els.map((e) => e.dataset.layer)")


def visible_labels_overlap(page) -> list:
    return page.evaluate("""() => {
      const rects = [...document.querySelectorAll('.area-label')].map((e) => e.getBoundingClientRect()).filter((r) => r.width);
      const clash = [];
      rects.forEach((a, i) => rects.slice(i + 1).forEach((b) => {
        if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) clash.push([a.x, a.y, b.x, b.y]);
      }));
      return clash;
    }""")


def test_a_town_leader_sees_the_offline_basemap_served_by_gridcase_with_a_legend(browser, live_url_mbtiles):
    context, page = watched(browser, viewport={"width": 1280, "height": 800})
    try:
        log_in(page, live_url_mbtiles, "leader")
        page.wait_for_function("() => Number(document.querySelector('#map').dataset.tiles || 0) >= 6", timeout=20_000)
        page.wait_for_load_state("networkidle")

        assert page.tiles.count(200) >= 6 and set(page.tiles) <= {200, 204}, page.tiles
        assert page.locator("img.leaflet-tile-loaded").count() >= 6
        assert "离线底图" in page.inner_text(".leaflet-control-attribution")
        assert legend_layers(page) == ["乡镇/街道", "村/社区", "网格", "治安重点地区", "矛盾纠纷", "隐患"]
        assert "调解中" in page.inner_text("#map-legend") and "红圈：已超期" in page.inner_text("#map-legend")
        assert page.locator(".label-town:visible").all_inner_texts() == ["屠园镇"]
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "basemap-leader-mbtiles.png"))

        # Switching a layer on adds its legend; closer in, village names show and none overlaps another.
        page.hover(".leaflet-control-layers")
        page.get_by_label("民情诉求").check()
        page.wait_for_selector('#map-legend section[data-layer="民情诉求"]')
        assert "待分流" in page.inner_text('#map-legend section[data-layer="民情诉求"]')
        page.evaluate("() => window.gridcaseMap.map.setZoom(13)")
        page.wait_for_function("() => document.querySelectorAll('.label-village:not(.label-crowded)').length > 0")
        page.wait_for_timeout(300)
        villages = Area.objects.filter(level=Level.VILLAGE, code__startswith=TUYUAN).values_list("name", flat=True)
        shown = page.locator(".label-village:visible").all_inner_texts()
        assert shown and set(shown) <= set(villages)
        assert visible_labels_overlap(page) == []
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(ARTIFACTS / "basemap-leader-zoom13.png"))
        assert page.errors == []
    finally:
        context.close()


def test_on_a_phone_the_worker_sees_their_grids_their_position_and_the_legend(browser, live_url_mbtiles, users):
    grid = users["worker"].grids.order_by("code").first()
    spot = grid.geom.point_on_surface
    context, page = watched(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                            device_scale_factor=2, geolocation={"longitude": spot.x, "latitude": spot.y, "accuracy": 30},
                            permissions=["geolocation"])
    try:
        log_in(page, live_url_mbtiles, "worker")
        page.wait_for_selector("path.you-are-here", timeout=15_000)
        page.wait_for_function("() => Number(document.querySelector('#map').dataset.tiles || 0) >= 2", timeout=20_000)

        assert page.locator("path.my-grid").count() == users["worker"].grids.count() == 2
        # Two grids are named whatever the zoom: a dozen names never crowd.
        assert sorted(page.locator(".label-grid:visible").all_inner_texts()) == sorted(g.name for g in users["worker"].grids.all())
        legend = page.locator("#map-legend")
        assert legend.get_attribute("open") is None  # folded on a phone: the map comes first
        legend.locator("summary").tap()
        assert "我的网格" in legend.inner_text() and "您的位置" in legend.inner_text()
        assert "乡镇/街道界" not in legend.inner_text()  # nothing of the town is drawn for a worker
        page.wait_for_load_state("networkidle")
        assert page.tiles.count(200) >= 2 and set(page.tiles) <= {200, 204}, page.tiles
        page.screenshot(path=str(ARTIFACTS / "basemap-worker-phone.png"))
        assert page.errors == []
    finally:
        context.close()


def test_with_no_basemap_the_legend_says_so_and_the_map_still_reads(browser, live_url):
    context, page = watched(browser, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        log_in(page, live_url, "worker")
        page.locator("#map-legend summary").tap()

        assert "空白底图" in page.inner_text("#map-legend")
        assert page.tiles == [] and page.locator("img.leaflet-tile").count() == 0
        assert page.locator(".label-grid:visible").count() >= 1
        # Geolocation was not allowed: the 定位 button says so instead of failing quietly.
        page.locator(".locate-button").tap()
        page.wait_for_selector(".locate-status:not([hidden])")
        assert "定位" in page.inner_text(".locate-status")
        page.screenshot(path=str(ARTIFACTS / "basemap-none-phone.png"))
        assert page.errors == []
    finally:
        context.close()
