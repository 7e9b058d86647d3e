"""The town leader exports a ledger by picking the area from a list of their town and its villages
(no code typed), watches it being written and downloads it. Real browser, server and Celery worker."""

import pytest
from django.db import connection

from gridcase.dashboards.models import Export
from tests.conftest import ARTIFACTS, GUHE
from tests.front.test_map_browser import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def no_exports(committed):
    yield
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE dashboards_export RESTART IDENTITY CASCADE")


def test_the_leader_picks_a_village_and_downloads_its_ledger(browser, live_url, celery_worker, no_exports):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        log_in(page, live_url, "leader")
        page.goto(f"{live_url}/dashboard/exports/")
        offered = page.locator("#id_area option").all_inner_texts()
        assert offered[0] == "屠园镇" and "\u3000古河村" in offered  # the town first, its villages under it
        assert page.locator("input[name=area]").count() == 0
        page.select_option("#id_area", label="\u3000古河村")
        page.fill("#id_start", "2026-01-01")
        page.fill("#id_end", "2026-12-31")
        page.click("main form button[type=submit]")
        row = page.locator("tr.export").first
        row.locator(".download a").wait_for(timeout=30_000)
        assert "古河村" in row.inner_text()
        page.screenshot(path=str(ARTIFACTS / "export-by-area.png"), full_page=True)
        with page.expect_download() as download:
            row.locator(".download a").click()
        assert download.value.suggested_filename.endswith(".xlsx")
        assert Export.objects.get().area_code == GUHE
        assert errors == []
    finally:
        context.close()
