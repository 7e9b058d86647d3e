"""The town leader dispatches the nearest grid worker by clicking the place on the map: no
coordinates typed. In a real browser, on a real server."""

from datetime import timedelta

import pytest
from django.db import connection

from gridcase.accounts.models import User
from gridcase.lib import clock
from gridcase.patrols import services
from gridcase.patrols.models import Dispatch
from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

from .conftest import walk

pytestmark = pytest.mark.browser


@pytest.fixture
def worker_on_patrol(committed):
    """A grid worker out on patrol with positions from the last minutes: someone to send."""
    worker = User.objects.get(username="worker")
    patrol = services.patrol_create(actor=worker, grid=worker.grids.order_by("code").first())
    start = patrol.grid.geom.point_on_surface
    services.track_ingest(patrol=patrol, actor=worker,
                          points=walk((start.x, start.y), clock.now() - timedelta(minutes=3), n=6))
    yield worker
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE patrols_dispatch, patrols_patrol, patrols_trackpoint, patrols_patrolevent,"
                       " patrols_checkin RESTART IDENTITY CASCADE")


def test_the_leader_picks_the_place_on_the_map_and_sends_the_nearest_worker(browser, live_url, worker_on_patrol):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    try:
        log_in(page, live_url, "leader")
        page.goto(f"{live_url}/patrols/dispatch/")
        assert page.locator("input[name=lon]:not([type=hidden])").count() == 0  # nothing to type

        # Sent without a place: told to pick one, nothing else lost.
        page.fill("input[name=note]", "古河村两户因宅基地争吵")
        page.click("form.dispatch-where button[type=submit]")
        page.wait_for_selector("text=请先在地图上点选事发位置")
        assert page.input_value("input[name=note]") == "古河村两户因宅基地争吵"

        page.wait_for_selector("#picker path.leaflet-interactive")
        grid = page.locator("#picker path.leaflet-interactive").first
        box = grid.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        assert page.input_value("#id_lon") and page.input_value("#id_lat")
        page.click("form.dispatch-where button[type=submit]")
        page.wait_for_selector("#candidates")
        assert str(worker_on_patrol) in page.inner_text("#candidates")
        page.screenshot(path=str(ARTIFACTS / "dispatch-candidates.png"), full_page=True)

        page.click("#candidates >> text=派遣（最近）")
        page.wait_for_selector("text=已派遣")
        dispatch = Dispatch.objects.get()
        assert dispatch.worker == worker_on_patrol and dispatch.note == "古河村两户因宅基地争吵"
        assert errors == []
    finally:
        context.close()
