"""'Use my location' on a phone fills the point from the GPS fix, in a real browser."""

import pytest

from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


def test_use_my_location_fills_the_point(browser, live_url, committed, users):
    here = users["worker"].grids.order_by("code").first().geom.point_on_surface
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  geolocation={"longitude": here.x, "latitude": here.y, "accuracy": 8},
                                  permissions=["geolocation"])
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.goto(f"{live_url}/cases/new/")
        page.click("button.locate")
        page.wait_for_function("() => document.getElementById('id_lon').value !== ''")

        assert float(page.input_value("#id_lon")) == pytest.approx(here.x, abs=1e-6)
        assert float(page.input_value("#id_lat")) == pytest.approx(here.y, abs=1e-6)
        assert "精度约 8 米" in page.inner_text("button.locate")
    finally:
        context.close()
