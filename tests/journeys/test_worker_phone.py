"""The grid worker's phone, one thumb, through the UI only: a dispute logged from the map with a
photo (tap where it happened → 在此登记 → category, a sentence, a photo); then, with no network,
another one logged, waiting on the phone; and back online, the home page sends it and says so."""

import re

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from gridcase.hazards.demo import PNG

SPOT = "古河村两户因晾晒占道争吵，已劝开"
OFFLINE = "断网时登记：村口两户因鸡鸭进菜地争执"


def tap_to_log_here(page):
    """Tap inside one of the worker's grids where nothing else is (earlier cases sit on the map too)
    until the grid's popup offers 在此登记."""
    for fx, fy in [(.5, .5), (.42, .58), (.58, .42), (.38, .4), (.62, .62), (.3, .55), (.55, .3)]:
        for grid in page.locator("#map path.area-grid").all():
            box = grid.bounding_box()
            page.touchscreen.tap(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            try:
                page.wait_for_selector(".leaflet-popup .log-here", timeout=1_500)
                return
            except PlaywrightTimeout:
                close = page.locator(".leaflet-popup-close-button")  # a case's popup: close it, tap elsewhere
                if close.count():
                    close.first.tap()
    raise AssertionError("no tap on the map offered 在此登记")


def test_a_worker_logs_a_dispute_from_the_map_with_a_photo_and_one_offline_sent_from_home(journey, tmp_path):
    photo = tmp_path / "现场.png"
    photo.write_bytes(PNG)
    page = journey.open("worker")
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    journey.shot(page, "home-map-first")

    # Tap where it happened: the grid's popup offers to log there.
    tap_to_log_here(page)
    page.wait_for_timeout(300)  # the popup fades in
    journey.shot(page, "log-here")
    page.tap(".leaflet-popup .log-here a:has-text('在此登记纠纷')")
    page.wait_for_url(re.compile(r"/cases/new/\?lon="))
    page.wait_for_selector("#picker .leaflet-marker-icon")

    # The short form: category, a sentence, people, a photo — no title, no coordinates.
    page.select_option("#id_category", label="邻里纠纷")
    page.fill("#id_narrative", f"{SPOT}。双方同意明天再谈")
    page.fill("#id_people_involved", "2")
    page.set_input_files("#id_photos", str(photo))
    page.wait_for_selector("#id_photos ~ .thumbs img")
    journey.shot(page, "short-form-with-photo", full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_selector(".case-photos img")
    assert "已登记，编号" in page.inner_text("main") and SPOT in page.inner_text("main h1")
    journey.shot(page, "case-with-photo", full_page=True)
    [(title, photos)] = journey.sql(
        "SELECT c.title, count(a.id) FROM cases_case c LEFT JOIN cases_attachment a ON a.case_id = c.id"
        " WHERE c.narrative LIKE %s GROUP BY c.id", f"{SPOT}%")
    assert (title, photos) == (SPOT, 1)

    # No network: the next one waits on the phone, its photo with it.
    page.click("header .menu-toggle")
    page.click("#site-menu a:has-text('地图')")
    page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
    tap_to_log_here(page)
    page.tap(".leaflet-popup .log-here a:has-text('在此登记纠纷')")
    page.wait_for_selector("#picker .leaflet-marker-icon")
    journey.set_offline(page)
    page.select_option("#id_category", label="邻里纠纷")
    page.fill("#id_narrative", OFFLINE)
    page.set_input_files("#id_photos", str(photo))
    page.click("main button[type=submit]")
    page.wait_for_selector("#outbox .outbox-waiting h2:has-text('等待发送（1）')")
    assert "1 张照片" in page.inner_text("#outbox .outbox-items")
    journey.shot(page, "waiting-offline")
    assert journey.sql("SELECT count(*) FROM cases_case WHERE narrative = %s", OFFLINE) == [(0,)]
    context = page.context
    page.close()  # the phone goes back in the pocket

    # Back in signal, the worker opens the app at the map: the home page sends what waited.
    home = context.new_page()
    journey.set_offline(home, False)
    home.goto(f"{journey.url}/")
    sent = home.wait_for_selector("#outbox .outbox-sent a", timeout=30_000)
    [(pk, number, photos)] = journey.sql(
        "SELECT c.id, c.number, count(a.id) FROM cases_case c LEFT JOIN cases_attachment a ON a.case_id = c.id"
        " WHERE c.narrative = %s GROUP BY c.id", OFFLINE)
    assert photos == 1 and sent.get_attribute("href").endswith(f"/cases/{pk}/")
    assert f"已登记，编号 {number}" in home.inner_text("#outbox")
    journey.shot(home, "home-sent")
    sent.click()
    home.wait_for_selector(".case-photos img")
    journey.shot(home, "offline-case-with-photo", full_page=True)
