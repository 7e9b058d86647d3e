"""Open cases on the worker's map, in a real browser."""

import pytest

from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


def test_open_cases_show_on_the_map_as_points_close_in(browser, live_url, committed, make_case):
    make_case(title="地图上的纠纷")
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.wait_for_selector("path.case-point")

        assert page.get_attribute("#map", "data-cases") == "1"
        page.locator("path.case-point").first.click(force=True)
        assert "地图上的纠纷" in page.wait_for_selector(".leaflet-popup-content").inner_text()
    finally:
        context.close()
