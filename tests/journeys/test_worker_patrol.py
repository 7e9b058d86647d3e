"""A grid worker's patrol on the phone: start it, walk, log a hazard with a photo halfway without
leaving the patrol page — the track keeps recording — end it after a confirmation, and see the track
and the finding on the patrol's page. With the phone settings of `make demo` (a fix every 5 s at
most, an upload every 30 s)."""

import re
import uuid

from tests.images import JPEG
from tests.patrols.conftest import offset

HAZARD = "巡逻中发现楼道电动车充电"


def walk_to(journey, page, lon: float, lat: float):
    """The worker takes a few steps: the phone's next fix, more than the 5 s the page waits between two."""
    before = page.inner_text("#recorded")
    page.wait_for_timeout(5_500)
    page.context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 8})
    page.wait_for_function(f"() => document.getElementById('recorded').textContent !== '{before}'", timeout=15_000)


def test_a_worker_patrols_logs_a_hazard_midway_while_the_track_keeps_recording_and_ends_it(journey):
    page = journey.open("worker")
    here = journey.point_of("worker")
    route = [offset(here["longitude"], here["latitude"], east_m=8 * i) for i in range(8)]  # a slow walk east
    note = f"巡逻旅程 {uuid.uuid4().hex[:8]}"

    # Start an ad hoc patrol in the worker's own grid: straight to the patrol page.
    page.goto(f"{journey.url}/patrols/")
    page.click("text=开始/安排巡逻")
    page.select_option("#id_grid", index=1)  # the first of the worker's grids, where the phone is
    page.fill("#id_note", note)
    journey.shot(page, "start-a-patrol")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/patrols/\d+/record/$"))
    patrol = int(re.search(r"/patrols/(\d+)/record/", page.url).group(1))
    assert journey.sql("SELECT status, note FROM patrols_patrol WHERE id = %s", patrol) == [("ongoing", note)]
    page.wait_for_selector("#record-map[data-loaded=true]")
    page.wait_for_selector("#record-map path.worker-dot")

    # Walk a little: the track grows on the map.
    for lon, lat in route[1:4]:
        walk_to(journey, page, lon, lat)
    assert int(page.inner_text("#recorded")) >= 4
    assert page.locator("#record-map path.patrol-track").count() == 1
    journey.shot(page, "walking-with-the-track-on-the-map")

    # A hazard, logged from the patrol page: the sheet takes the place from the GPS, the photo from the camera.
    page.click("#open-finding")
    page.wait_for_selector("#finding-sheet[open]")
    page.check("input[name=kind][value=hazard]")
    page.select_option("#id_hazard_category", label="消防")
    page.fill("#id_text", HAZARD)
    page.set_input_files("#id_photos", files=[{"name": "楼道.jpg", "mimeType": "image/jpeg", "buffer": JPEG}])
    assert "当前定位" in page.inner_text("#finding-where")
    journey.shot(page, "finding-sheet-over-the-patrol")
    page.click("#finding-submit")
    page.wait_for_selector("#finding-done:not([hidden])")
    assert "轨迹仍在记录" in page.inner_text("#finding-done")
    assert HAZARD in page.inner_text("#findings")
    assert page.locator("#record-map path.finding-mark").count() == 1  # where it was found
    assert re.search(r"/patrols/\d+/record/$", page.url)  # never left the page
    [(reported_at, photos)] = journey.sql(
        "SELECT h.reported_at, (SELECT count(*) FROM hazards_hazardphoto p WHERE p.hazard_id = h.id)"
        " FROM hazards_hazard h WHERE h.patrol_id = %s AND h.title = %s", patrol, HAZARD)
    assert photos == 1
    journey.shot(page, "hazard-logged-patrol-goes-on")

    # The walk goes on and so does the track.
    for lon, lat in route[4:8]:
        walk_to(journey, page, lon, lat)

    # 结束巡逻 asks first; then the phone sends what waits and the patrol ends.
    page.click("#open-finish")
    page.wait_for_selector("#finish-dialog[open]")
    assert "本次发现 1 件" in page.inner_text("#finish-summary")
    journey.shot(page, "end-patrol-asks-first")
    page.click("#finish-confirm")
    page.wait_for_url(f"{journey.url}/patrols/{patrol}/")
    after = journey.sql("SELECT count(*) FROM patrols_trackpoint WHERE patrol_id = %s AND recorded_at > %s AND NOT dropped",
                        patrol, reported_at)
    assert after[0][0] >= 4, "the track stopped recording after the finding"
    [(status, kept)] = journey.sql("SELECT status, points_kept FROM patrols_patrol WHERE id = %s", patrol)
    assert status == "finished" and kept >= 8

    # The patrol's page: the track drawn in the grid, the hazard among its findings.
    page.wait_for_selector("#patrol-map[data-loaded=true]")
    assert page.locator("#patrol-map path.patrol-track").count() == 1
    assert page.locator("#patrol-map path.finding-mark").count() == 1
    assert "轨迹加载失败" not in page.inner_text("#patrol-map")
    assert HAZARD in page.inner_text("main")
    journey.shot(page, "patrol-page-with-the-track", full_page=True)
