"""Registering a dispute in a real browser: pick the point on the map, fill the form, land on the case."""

import pytest

from gridcase.cases.models import Case
from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


def test_a_grid_worker_picks_the_point_on_the_map_and_registers(browser, live_url, committed):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")  # a phone
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.goto(f"{live_url}/cases/new/")
        page.wait_for_selector("#picker path.leaflet-interactive")
        grid = page.locator("#picker path.leaflet-interactive").first
        box = grid.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

        assert page.input_value("#id_lon") and page.input_value("#id_lat")
        page.fill("#id_title", "浏览器登记的邻里纠纷")
        page.select_option("#id_category", label="邻里纠纷")
        page.click("details.more > summary")  # 当事人: optional, folded on the short form
        page.fill("#id_party-0-name", "赵六")
        page.fill("#id_party-0-phone", "13700001234")
        page.click("main button[type=submit]")
        page.wait_for_selector(".timeline")
        page.screenshot(path=str(ARTIFACTS / "case-registered-phone.png"), full_page=True)

        case = Case.objects.get(title="浏览器登记的邻里纠纷")
        assert page.url.endswith(f"/cases/{case.pk}/")
        assert case.grid in case.registered_by.grids.all()
        assert "137****1234" in page.inner_text("main")
        assert page.locator("#pin .leaflet-interactive").count() == 1
    finally:
        context.close()
