"""The phone page records positions and uploads them, keeps them while offline and sends them when
the signal is back; the detail page then draws the track. In a real browser, on a real server."""

import pytest
from django.db import connection

from gridcase.accounts.models import User
from gridcase.patrols import services
from gridcase.patrols.models import Patrol, TrackPoint
from tests.conftest import _serve
from tests.front.test_map_browser import log_in

from .conftest import offset

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hurried_url(django_db_setup):
    """A server whose phone page takes every fix and uploads every second."""
    # pytest-django sets up the test database only if some collected test asks for it (the one
    # at the end of this module does); never let this server and its commits touch another database.
    assert connection.settings_dict["NAME"].startswith("test_"), "no test database: run with a django_db test"
    yield from _serve(PATROL_PHONE_MIN_GAP_S="0", PATROL_PHONE_UPLOAD_EVERY_S="1")


@pytest.fixture
def patrol(committed):
    worker = User.objects.get(username="worker")
    patrol = services.patrol_create(actor=worker, grid=worker.grids.order_by("code").first())
    yield patrol
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE patrols_patrol, patrols_trackpoint, patrols_patrolevent, patrols_checkin "
                       "RESTART IDENTITY CASCADE")


def stored(page) -> int:
    return int(page.inner_text("#stored"))


def test_the_phone_records_uploads_survives_offline_and_the_map_draws_it(browser, hurried_url, patrol):
    start = patrol.grid.geom.point_on_surface
    walk = [offset(start.x, start.y, east_m=3 * i) for i in range(8)]  # a walk: 3 m a second at most
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN",
                                  geolocation={"longitude": walk[0][0], "latitude": walk[0][1], "accuracy": 8},
                                  permissions=["geolocation"])
    page = context.new_page()
    try:
        log_in(page, hurried_url, "worker")
        page.goto(f"{hurried_url}/patrols/{patrol.pk}/record/")
        for lon, lat in walk[1:4]:
            page.wait_for_timeout(1000)
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})
        page.wait_for_function("() => Number(document.getElementById('stored').textContent) >= 4", timeout=30_000)

        context.set_offline(True)
        for lon, lat in walk[4:]:
            page.wait_for_timeout(1000)
            context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})
        page.wait_for_function("() => Number(document.getElementById('pending').textContent) >= 4", timeout=30_000)
        page.wait_for_function("() => document.getElementById('record-status').textContent.includes('暂时无法上传')",
                               timeout=30_000)
        context.set_offline(False)
        page.wait_for_function("() => document.getElementById('pending').textContent === '0'", timeout=30_000)

        assert stored(page) == 8
        assert TrackPoint.objects.filter(patrol=patrol).count() == 8
        patrol.refresh_from_db()
        assert patrol.points_kept == 8 and patrol.distance_m == pytest.approx(21, rel=0.02)

        page.click("#finish-form button")
        page.wait_for_url(f"**/patrols/{patrol.pk}/")
        page.wait_for_selector("#patrol-map[data-loaded=true]")
        assert page.locator("#patrol-map path.patrol-track").count() == 1
        assert Patrol.objects.get(pk=patrol.pk).status == "finished"
    finally:
        context.close()


@pytest.mark.django_db
def test_only_the_patrols_workers_open_its_recording_page(login, users):
    patrol = services.patrol_create(actor=users["worker"], grid=users["worker"].grids.first())

    assert login("worker").get(f"/patrols/{patrol.pk}/record/").status_code == 200
    assert login("cadre").get(f"/patrols/{patrol.pk}/record/").status_code == 403
    assert login("worker2").get(f"/patrols/{patrol.pk}/record/").status_code == 404
