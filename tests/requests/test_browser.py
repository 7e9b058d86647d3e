"""Logging a request from a phone, and requests on the home map, in a real browser."""

import pytest

from gridcase.requests.models import Request
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 800}


def test_a_worker_logs_a_request_from_a_phone_without_a_location(browser, live_url, committed_requests):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.goto(f"{live_url}/requests/new/")
        page.select_option("#id_channel", "phone")
        page.select_option("#id_category", label="道路交通与路灯")
        page.fill("#id_matter", "村口路灯坏了三天")
        page.fill("#id_reporter_name", "王秀英")
        page.fill("#id_contact", "13912345678")
        page.click("form.stacked button[type=submit]")
        page.wait_for_selector("text=已登记")

        request = Request.objects.get()
        assert page.url.endswith(f"/requests/{request.pk}/")
        body = page.inner_text("main")
        assert request.number in body and "王**" in body and "139****5678" in body and "王秀英" not in body
        assert request.grid is None and request.village.name in body
        # Nothing overflows sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def test_located_requests_show_on_the_home_map_when_the_layer_is_chosen(browser, live_url, committed_requests,
                                                                        make_request):
    request = make_request(matter="地图上的诉求：桥头护栏松动")
    context = browser.new_context(viewport={"width": 1024, "height": 700})
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.locator(".leaflet-control-layers").hover()
        page.get_by_label("民情诉求").check()
        page.wait_for_selector("path.request-point")

        assert page.get_attribute("#map", "data-requests") == "1"
        page.locator("path.request-point").first.click(force=True)
        popup = page.wait_for_selector(".leaflet-popup-content").inner_text()
        assert request.number in popup and "桥头护栏松动" in popup
    finally:
        context.close()
