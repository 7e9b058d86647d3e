"""Reporting a hazard on a phone in a real browser: pick the point, attach a photo, land on the hazard;
the hazard then shows on the home map's hazard layer and in the cadre's task list."""

import pytest

from gridcase.hazards.demo import PNG
from gridcase.hazards.models import Hazard
from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


def test_a_grid_worker_reports_a_hazard_at_a_point_with_a_photo(browser, live_url, hazards_committed, tmp_path):
    picture = tmp_path / "现场.png"
    picture.write_bytes(PNG)
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")  # a phone
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.goto(f"{live_url}/hazards/new/")
        page.wait_for_selector("#picker path.leaflet-interactive")
        box = page.locator("#picker path.leaflet-interactive").first.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

        assert page.input_value("#id_lon") and page.input_value("#id_lat")
        page.fill("#id_title", "浏览器上报的消防隐患")
        page.select_option("#id_category", label="消防")
        page.fill("#id_responsible_name", "古河村便民超市")
        page.set_input_files("#id_photos", str(picture))
        page.click("main button[type=submit]")
        page.wait_for_selector(".timeline")
        page.screenshot(path=str(ARTIFACTS / "hazard-reported-phone.png"), full_page=True)

        hazard = Hazard.objects.get(title="浏览器上报的消防隐患")
        assert page.url.endswith(f"/hazards/{hazard.pk}/")
        assert hazard.grid in hazard.reported_by.grids.all() and hazard.photos.count() == 1
        assert page.locator("#pin .leaflet-interactive").count() == 1
        page.wait_for_function("() => document.querySelector('.photos img').complete")
        assert page.eval_on_selector(".photos img", "img => img.naturalWidth") == 8  # served back to its reporter

        page.goto(f"{live_url}/")
        page.wait_for_selector("#map[data-hazards='1']", timeout=20_000)
        assert page.locator("path.hazard-point").count() == 1
    finally:
        context.close()
