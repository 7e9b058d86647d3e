"""The phone's patrol page records positions and uploads them, keeps them while offline and sends them
when the signal is back, draws the track on its map as it grows, logs a finding from a sheet on the
same page while the track keeps recording, and ends the patrol only after a confirmation; the detail
page then draws the track and the check points. In a real browser, on a real server, failing on any
console error, script error, failed request or error response."""

from datetime import timedelta

import pytest
from django.contrib.gis.geos import MultiPolygon, Point
from django.db import connection

from geodata.models import KeyArea
from gridcase.accounts.models import User
from gridcase.cases.models import Case
from gridcase.lib import clock
from gridcase.patrols import services
from gridcase.patrols.models import CheckPoint, Patrol, TrackPoint
from tests.conftest import ARTIFACTS, _serve
from tests.front.test_map_browser import log_in
from tests.images import PNG

from .conftest import offset, walk

pytestmark = pytest.mark.browser
PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2,
             locale="zh-CN", timezone_id="Asia/Shanghai", permissions=["geolocation"])


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
    KeyArea.objects.filter(name__startswith="测试打卡").delete()


class Watched:
    """Every console error, script error, failed request and response of 400 and above on a page;
    while `offline`, those for lack of network are what the user sees, not failures."""

    def __init__(self, page):
        self.errors, self.offline = [], False
        page.on("console", lambda m: m.type == "error" and not self._no_network(m.text)
                and self.errors.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"script: {e}"))
        page.on("requestfailed", lambda r: "ERR_ABORTED" not in (r.failure or "") and not self._no_network(r.failure)
                and self.errors.append(f"failed {r.method} {r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.request.method} {r.url}"))

    def _no_network(self, text) -> bool:
        return self.offline and any(s in (text or "") for s in ("ERR_INTERNET_DISCONNECTED", "Failed to fetch"))


def stored(page) -> int:
    return int(page.inner_text("#stored"))


def move(context, page, lon, lat, wait_ms=1000):
    page.wait_for_timeout(wait_ms)
    context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})


def test_the_phone_records_logs_a_finding_without_stopping_survives_offline_and_ends_on_confirmation(
        browser, hurried_url, patrol):
    start = patrol.grid.geom.point_on_surface
    route = [offset(start.x, start.y, east_m=3 * i) for i in range(12)]  # a walk: 3 m a second at most
    context = browser.new_context(**PHONE, geolocation={"longitude": route[0][0], "latitude": route[0][1],
                                                        "accuracy": 8})
    page = context.new_page()
    watched = Watched(page)
    try:
        log_in(page, hurried_url, "worker")
        page.goto(f"{hurried_url}/patrols/{patrol.pk}/record/")
        page.wait_for_selector("#record-map[data-loaded=true]")
        page.wait_for_selector("#record-map path.worker-dot")
        for lon, lat in route[1:4]:
            move(context, page, lon, lat)
        page.wait_for_function("() => Number(document.getElementById('stored').textContent) >= 4", timeout=30_000)
        assert page.locator("#record-map path.patrol-track").count() == 1
        page.screenshot(path=str(ARTIFACTS / "patrol-record-walking.png"))

        # A dispute, logged on this page: the sheet takes the place from the GPS, nothing is typed but words.
        page.click("#open-finding")
        page.wait_for_selector("#finding-sheet[open]")
        assert "当前定位" in page.inner_text("#finding-where")
        page.click("#finding-submit")  # nothing written yet: told what is missing, the sheet stays
        page.wait_for_selector("#finding-errors li")
        assert page.inner_text("#finding-errors").split("\n") == ["请用一句话写下发现了什么", "请选择纠纷类型"]
        page.select_option("#id_case_category", label="邻里纠纷")
        page.fill("#id_text", "两户因排水沟堵塞争吵")
        page.screenshot(path=str(ARTIFACTS / "patrol-record-finding-sheet.png"))
        move(context, page, *route[4], wait_ms=0)  # the recorder keeps going while the sheet is open
        page.click("#finding-submit")
        page.wait_for_selector("#finding-done:not([hidden])")
        assert "轨迹仍在记录" in page.inner_text("#finding-done")
        assert not page.locator("#finding-sheet[open]").count()
        assert "两户因排水沟堵塞争吵" in page.inner_text("#findings")
        assert page.locator("#record-map path.finding-mark").count() == 1
        case = Case.objects.get(title="两户因排水沟堵塞争吵")
        assert case.patrol_id == patrol.pk and case.location.distance(Point(*route[4], srid=4326)) < 1e-6

        # It goes on recording after the finding, offline too.
        for lon, lat in route[5:7]:
            move(context, page, lon, lat)
        page.wait_for_function("() => Number(document.getElementById('stored').textContent) >= 7", timeout=30_000)
        assert TrackPoint.objects.filter(patrol=patrol, recorded_at__gt=case.registered_at).count() >= 2
        context.set_offline(True)
        watched.offline = True
        for lon, lat in route[7:11]:
            move(context, page, lon, lat)
        page.wait_for_function("() => Number(document.getElementById('pending').textContent) >= 4", timeout=30_000)
        page.wait_for_function("() => document.getElementById('record-status').textContent.includes('暂时无法上传')",
                               timeout=30_000)

        # A finding with no signal waits on the phone, and is logged when the signal is back.
        page.click("#open-finding")
        page.check("input[name=kind][value=hazard]")
        page.select_option("#id_hazard_category", label="消防")
        page.fill("#id_text", "配电箱门敞开")
        page.click("#finding-submit")
        page.wait_for_selector("#findings li.waiting")
        assert "已存在手机上" in page.inner_text("#finding-done")
        assert "待发送" in page.inner_text("#findings li.waiting")
        page.screenshot(path=str(ARTIFACTS / "patrol-record-finding-waiting.png"))
        context.set_offline(False)
        page.wait_for_function("() => document.getElementById('pending').textContent === '0'", timeout=30_000)
        page.wait_for_function("() => !document.querySelector('#findings li.waiting')", timeout=30_000)
        watched.offline = False
        assert "配电箱门敞开" in page.inner_text("#findings")
        assert patrol.hazards.get().title == "配电箱门敞开"

        assert stored(page) == 11
        assert TrackPoint.objects.filter(patrol=patrol).count() == 11
        patrol.refresh_from_db()
        assert patrol.points_kept == 11 and patrol.distance_m == pytest.approx(30, rel=0.02)

        # 结束巡逻 asks first; 继续巡逻 keeps it running.
        page.click("#open-finish")
        page.wait_for_selector("#finish-dialog[open]")
        assert "本次发现 2 件" in page.inner_text("#finish-summary")
        page.screenshot(path=str(ARTIFACTS / "patrol-record-finish-dialog.png"))
        page.click("#finish-cancel")
        assert Patrol.objects.get(pk=patrol.pk).status == "ongoing"
        page.click("#open-finish")
        page.click("#finish-confirm")
        page.wait_for_url(f"**/patrols/{patrol.pk}/")
        page.wait_for_selector("#patrol-map[data-loaded=true]")
        assert page.locator("#patrol-map path.patrol-track").count() == 1
        assert page.locator("#patrol-map path.finding-mark").count() == 2
        assert Patrol.objects.get(pk=patrol.pk).status == "finished"
        assert "两户因排水沟堵塞争吵" in page.inner_text("main")
        page.screenshot(path=str(ARTIFACTS / "patrol-detail-after-finish.png"), full_page=True)
        assert watched.errors == []
    finally:
        context.close()


def test_a_finding_refused_after_waiting_offline_goes_back_into_the_sheet_and_is_logged_once_corrected(
        browser, hurried_url, patrol):
    inside = patrol.grid.geom.point_on_surface
    outside = User.objects.get(username="worker2").grids.order_by("code").first().geom.point_on_surface
    context = browser.new_context(**PHONE, geolocation={"longitude": outside.x, "latitude": outside.y, "accuracy": 8})
    page = context.new_page()
    watched = Watched(page)
    try:
        log_in(page, hurried_url, "worker")
        page.goto(f"{hurried_url}/patrols/{patrol.pk}/record/")
        page.wait_for_selector("#record-map path.worker-dot")
        context.set_offline(True)
        watched.offline = True
        page.click("#open-finding")
        page.select_option("#id_case_category", label="邻里纠纷")
        page.fill("#id_text", "邻居占道堆放杂物")
        page.set_input_files("#id_photos", files=[{"name": "杂物.png", "mimeType": "image/png", "buffer": PNG}])
        page.click("#finding-submit")
        page.wait_for_selector("#findings li.waiting")

        # Back online, the server refuses it (the phone stood outside the worker's grids): it says so and keeps it.
        context.set_offline(False)
        page.wait_for_selector("#findings li.waiting .error")
        watched.offline = False
        refused = [e for e in watched.errors if "/findings/" in e or "400 (Bad Request)" in e]
        assert refused and len(refused) == len(watched.errors), watched.errors
        watched.errors.clear()
        assert "辖区" in page.inner_text("#findings li.waiting")
        assert "未能登记" in page.inner_text("#finding-done.error")
        page.screenshot(path=str(ARTIFACTS / "patrol-record-finding-refused.png"))

        # Corrected in the sheet: the words and the photo are still there; sent from inside the grid.
        page.click("#findings li.waiting button")
        page.wait_for_selector("#finding-sheet[open]")
        assert page.input_value("#id_text") == "邻居占道堆放杂物"
        assert page.evaluate("() => document.getElementById('id_photos').files.length") == 1
        assert "辖区" in page.inner_text("#finding-errors")
        context.set_geolocation({"longitude": inside.x, "latitude": inside.y, "accuracy": 8})
        page.wait_for_function("() => document.getElementById('finding-where').textContent.includes('当前定位')")
        page.click("#finding-submit")
        page.wait_for_function("() => !document.querySelector('#findings li.waiting')", timeout=30_000)
        case = patrol.cases.get()
        assert case.title == "邻居占道堆放杂物" and case.attachments.count() == 1
        assert page.locator("#findings li").count() == 1
        assert watched.errors == []
    finally:
        context.close()


def test_the_detail_page_draws_the_track_and_the_check_points_without_a_script_error(browser, live_url, patrol):
    worker = patrol.workers.get()
    start = patrol.grid.geom.point_on_surface
    services.track_ingest(patrol=patrol, actor=worker,
                          points=walk((start.x, start.y), clock.now() - timedelta(minutes=5), n=12))
    on_route = Point(*offset(start.x, start.y, east_m=50), srid=4326)
    key_area = KeyArea.objects.create(name="测试打卡重点地区", area=patrol.grid, geom=MultiPolygon(on_route.buffer(0.002)))
    CheckPoint.objects.create(key_area=key_area, name="村口", location=on_route, radius_m=30)
    services.record_check_ins(patrol_id=patrol.pk)
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = context.new_page()
    watched = Watched(page)
    try:
        log_in(page, live_url, "worker")
        page.goto(f"{live_url}/patrols/{patrol.pk}/")
        page.wait_for_selector("#patrol-map[data-loaded=true]", timeout=20_000)
        assert page.locator("#patrol-map path.patrol-track").count() == 1
        assert page.locator("#patrol-map path.check-point.checked").count() == 1
        assert "轨迹加载失败" not in page.inner_text("#patrol-map")
        page.screenshot(path=str(ARTIFACTS / "patrol-detail-track.png"))

        # From here too, 结束巡逻 asks first.
        page.click("#open-finish")
        page.wait_for_selector("#finish-dialog[open]")
        page.click("#finish-cancel")
        assert Patrol.objects.get(pk=patrol.pk).status == "ongoing"
        page.click("#open-finish")
        page.click("#finish-confirm")
        page.wait_for_selector("text=巡逻状态：已结束")
        assert Patrol.objects.get(pk=patrol.pk).status == "finished"
        assert watched.errors == []
    finally:
        context.close()


@pytest.mark.django_db
def test_only_the_patrols_workers_open_its_recording_page(login, users):
    patrol = services.patrol_create(actor=users["worker"], grid=users["worker"].grids.first())

    assert login("worker").get(f"/patrols/{patrol.pk}/record/").status_code == 200
    assert login("cadre").get(f"/patrols/{patrol.pk}/record/").status_code == 403
    assert login("worker2").get(f"/patrols/{patrol.pk}/record/").status_code == 404
