"""The map page in headless Chromium against a real server process: drawn, offline, jurisdiction-bound."""

import pytest

from geodata import crs
from geodata.models import Area, Level
from tests.conftest import ARTIFACTS, TUYUAN

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture
def page(browser, live_url):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    context.close()


def log_in(page, live_url, username):
    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "gridcase-demo")
    page.click("button[type=submit]")
    page.wait_for_selector("#map[data-loaded=true]", timeout=20_000)


def test_a_town_leader_sees_the_grids_of_their_town_drawn_offline(page, live_url):
    log_in(page, live_url, "leader")

    grids = Area.objects.filter(level=Level.GRID, code__startswith=TUYUAN).count()
    assert page.locator("path.area-grid").count() == grids
    assert page.locator("path.key-area").count() == 2
    assert page.locator(".label-village").count() == Area.objects.filter(level=Level.VILLAGE, code__startswith=TUYUAN).count()
    assert page.locator(".label-town").all_inner_texts() == ["屠园镇"]
    assert "合成数据" in page.inner_text("footer")
    # Nothing was asked of any host but ours: no CDN, no tiles.
    assert all(url.startswith(live_url) for url in page.requests), [u for u in page.requests if not u.startswith(live_url)]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map-leader.png"))


def test_clicking_a_grid_shows_its_code_people_and_workers(page, live_url, users):
    log_in(page, live_url, "leader")
    held = users["worker"].grids.order_by("code").first()
    page.evaluate("() => window.scrollTo(0, 0)")
    label = page.locator(".label-grid", has_text=held.name).first
    page.evaluate("() => document.querySelector('#map').classList.remove('hide-label-grid')")
    box = label.bounding_box()

    # Labels let clicks through (pointer-events: none) to the grid polygon under them.
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.wait_for_selector(".leaflet-popup-content", timeout=5_000)

    text = popup.inner_text()
    assert held.code in text and held.name in text and str(held.households) in text
    assert str(users["worker"]) in text


def test_a_grid_worker_sees_only_their_two_grids(page, live_url):
    log_in(page, live_url, "worker")

    assert page.locator("path.area-grid").count() == 2
    assert page.locator(".label-town").count() == 0


def test_the_browser_gcj02_shift_is_the_same_as_the_servers(page, live_url):
    log_in(page, live_url, "leader")

    for lon, lat in [(118.33, 33.80), (116.404, 39.915), (121.47, 31.23)]:
        shifted = page.evaluate("([lon, lat]) => window.gcj02.wgs84ToGcj02(lon, lat)", [lon, lat])
        assert shifted == pytest.approx(crs.wgs84_to_gcj02(lon, lat), abs=1e-12)


def test_with_an_unreachable_basemap_the_vector_layers_still_show(browser, live_url_dead_basemap):
    context = browser.new_context(viewport={"width": 800, "height": 600})
    page = context.new_page()
    try:
        log_in(page, live_url_dead_basemap, "leader")
        page.wait_for_selector("#map-notice:not([hidden])", timeout=10_000)

        assert "底图无法加载" in page.inner_text("#map-notice")
        grids = Area.objects.filter(level=Level.GRID, code__startswith=TUYUAN).count()
        assert page.locator("path.area-grid").count() == grids
    finally:
        context.close()

