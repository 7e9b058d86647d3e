"""The grid worker's phone (390×844, touch), in headless Chromium against a real server process: a
compact header whose links open from 菜单; 我的待办 as a bottom sheet that leaves the map in view with
many tasks, numbered once; 大字 remembered on the device; "在此登记" from the map to a short form with
the point picked and a photo; and what waited offline sent from the home page. Every page fails the
test on a console error, a failed request or a server error."""

import re

import pytest

from gridcase.cases.models import Attachment, Case
from tests.conftest import ARTIFACTS
from tests.images import PNG

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

PHONE = dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2,
             locale="zh-CN")
WAITING = "#outbox .outbox-waiting h2"


class Phone:
    def __init__(self, browser, live_url, **options):
        self.url = live_url
        self.errors = []
        self.context = browser.new_context(**PHONE, **options)
        self.offline = False

    def page(self):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and not self._offline(m.text) and self.errors.append(
            f"console error on {page.url}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"script error on {page.url}: {e}"))
        page.on("requestfailed", lambda r: not self._offline(r.failure or "") and "ERR_ABORTED" not in (r.failure or "")
                and self.errors.append(f"failed {r.method} {r.url}: {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} from {r.request.method} {r.url}"))
        return page

    def _offline(self, text):
        return self.offline and any(s in text for s in ("ERR_INTERNET_DISCONNECTED", "Failed to fetch"))

    def set_offline(self, offline):
        self.context.set_offline(offline)
        self.offline = offline

    def log_in(self, username="worker"):
        page = self.page()
        page.goto(f"{self.url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "gridcase-demo")
        page.click("button[type=submit]")
        page.wait_for_selector("#map[data-loaded=true]", timeout=30_000)
        return page


@pytest.fixture
def phone(browser, live_url):
    phone = Phone(browser, live_url)
    yield phone
    phone.context.close()
    assert not phone.errors, "\n".join(phone.errors)


def rect(page, selector):
    return page.eval_on_selector(selector, "e => { const r = e.getBoundingClientRect();"
                                           " return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def visible_map_fraction(page) -> float:
    """The share of the screen where the map shows: the map's box in the viewport, less the sheet over it."""
    return page.evaluate("""() => {
        const vw = innerWidth, vh = innerHeight;
        const clip = (r) => ({l: Math.max(0, r.left), t: Math.max(0, r.top), r: Math.min(vw, r.right), b: Math.min(vh, r.bottom)});
        const area = (r) => Math.max(0, r.r - r.l) * Math.max(0, r.b - r.t);
        const m = clip(document.getElementById("map").getBoundingClientRect());
        const s = clip(document.getElementById("tasks").getBoundingClientRect());
        const overlap = {l: Math.max(m.l, s.l), t: Math.max(m.t, s.t), r: Math.min(m.r, s.r), b: Math.min(m.b, s.b)};
        return (area(m) - area(overlap)) / (vw * vh);
    }""")


def tap_in_my_grid(page):
    grid = page.locator("#map path.area-grid").first
    box = grid.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    return page.wait_for_selector(".leaflet-popup .log-here", timeout=10_000)


def test_the_header_is_one_line_and_its_links_open_from_the_menu(phone):
    page = phone.log_in()

    header = rect(page, "header.topbar")
    assert header["bottom"] - header["top"] <= 60  # ≈7% of the screen, not 28%
    assert page.is_hidden("header .topnav a:has-text('矛盾纠纷')")
    page.screenshot(path=str(ARTIFACTS / "phone-home.png"))

    page.click("header .menu-toggle")
    links = page.locator("#site-menu a, #site-menu button")
    assert page.get_attribute("header .menu-toggle", "aria-expanded") == "true"
    heights = [b["height"] for b in (links.nth(i).bounding_box() for i in range(links.count())) if b]
    assert heights and min(heights) >= 44
    page.screenshot(path=str(ARTIFACTS / "phone-menu.png"))
    page.click("#site-menu a:has-text('矛盾纠纷')")
    page.wait_for_url(f"{phone.url}/cases/")


def test_with_21_tasks_the_sheet_starts_closed_and_the_map_keeps_most_of_the_screen(phone, make_case):
    for i in range(21):
        make_case(title=f"待办纠纷第{i + 1}件")
    page = phone.log_in("mediator")  # 21 cases wait for the town's mediator to accept them

    assert page.get_attribute("#tasks", "open") is None
    shown = int(re.search(r"我的待办（(\d+)）", page.inner_text("#tasks summary")).group(1))
    assert shown >= 20  # the task selector may list the most urgent first
    assert visible_map_fraction(page) >= 0.6
    summary = rect(page, "#tasks summary")
    assert summary["bottom"] - summary["top"] >= 44

    page.tap("#tasks summary")
    page.wait_for_selector("#tasks[open] .task-list li")
    assert page.locator("#tasks ol").count() == 1  # one list, numbered once
    assert page.locator("#tasks ol.task-list > li").count() >= 20
    assert visible_map_fraction(page) >= 0.45  # open, the sheet takes at most 40% of the map and scrolls
    page.screenshot(path=str(ARTIFACTS / "phone-sheet-open-21.png"))


def test_large_type_is_switched_on_in_the_menu_and_remembered(phone):
    page = phone.log_in()
    size = lambda: page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")  # noqa: E731
    before = size()

    page.click("header .menu-toggle")
    page.click("#site-menu .large-type-toggle")
    assert size() >= before * 1.2
    assert page.get_attribute("#site-menu .large-type-toggle", "aria-pressed") == "true"
    page.goto(f"{phone.url}/cases/")
    assert size() >= before * 1.2  # remembered on this device
    page.screenshot(path=str(ARTIFACTS / "phone-large-type.png"))


def test_log_here_from_the_map_with_a_photo_and_no_coordinates_typed(phone, tmp_path):
    page = phone.log_in()
    tap_in_my_grid(page)
    page.screenshot(path=str(ARTIFACTS / "phone-log-here.png"))

    page.tap(".leaflet-popup .log-here a:has-text('在此登记纠纷')")
    page.wait_for_url(re.compile(r"/cases/new/\?lon=[\d.]+&lat=[\d.]+"))
    page.wait_for_selector("#picker .leaflet-marker-icon")  # the point is picked
    assert page.locator("main input[type=number]:visible").count() == 1  # 涉及人数 only: no 经度/纬度
    assert page.get_attribute("#id_photos", "capture") == "environment"
    page.select_option("#id_category", label="邻里纠纷")
    page.fill("#id_narrative", "两户因晾衣杆越界争吵。已当场劝开")
    picture = tmp_path / "现场.png"
    picture.write_bytes(PNG)
    page.set_input_files("#id_photos", str(picture))
    page.wait_for_selector("#id_photos ~ .thumbs img")
    page.screenshot(path=str(ARTIFACTS / "phone-register-short.png"), full_page=True)
    page.click("main button[type=submit]")
    page.wait_for_selector(".case-photos img")

    case = Case.objects.get(narrative="两户因晾衣杆越界争吵。已当场劝开")
    assert case.title == "两户因晾衣杆越界争吵" and case.grid in case.registered_by.grids.all()
    assert case.attachments.get().kind == Attachment.Kind.PHOTO
    assert "已登记，编号" in page.inner_text("main")
    page.locator(".case-photos img").scroll_into_view_if_needed()  # loading=lazy: it loads when in view
    page.wait_for_function("() => { const i = document.querySelector('.case-photos img'); return i.complete && i.naturalWidth > 0; }")
    page.screenshot(path=str(ARTIFACTS / "phone-case-with-photo.png"), full_page=True)


def test_without_a_point_the_form_says_tap_the_map_and_keeps_what_was_typed(phone):
    page = phone.log_in()
    page.goto(f"{phone.url}/cases/new/")
    page.wait_for_selector("#picker path.leaflet-interactive")
    page.select_option("#id_category", label="邻里纠纷")
    page.fill("#id_narrative", "忘了点位置的纠纷")
    page.click("main button[type=submit]")

    page.wait_for_selector("text=请在地图上点选纠纷发生的位置")
    assert page.input_value("#id_narrative") == "忘了点位置的纠纷"
    assert not Case.objects.filter(narrative="忘了点位置的纠纷").exists()


def test_a_dispute_with_a_photo_logged_offline_is_sent_from_the_home_page(phone, tmp_path):
    page = phone.log_in()
    page.goto(f"{phone.url}/cases/new/")
    page.wait_for_selector("#picker path.leaflet-interactive")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")

    phone.set_offline(True)
    grid = page.locator("#picker path.leaflet-interactive").first
    box = grid.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.select_option("#id_category", label="邻里纠纷")
    page.fill("#id_narrative", "断网时登记的带照片纠纷")
    picture = tmp_path / "断网.png"
    picture.write_bytes(PNG)
    page.set_input_files("#id_photos", str(picture))
    page.click("main button[type=submit]")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    row = page.inner_text("#outbox .outbox-items li")
    assert "断网时登记的带照片纠纷" in row and "1 张照片" in row
    page.close()  # the worker pockets the phone

    phone.set_offline(False)
    home = phone.page()
    home.goto(f"{phone.url}/")
    link = home.wait_for_selector("#outbox .outbox-sent a", timeout=20_000)
    case = Case.objects.get(narrative="断网时登记的带照片纠纷")
    assert link.get_attribute("href").endswith(f"/cases/{case.pk}/")
    assert f"已登记，编号 {case.number}" in home.inner_text("#outbox")
    assert case.attachments.count() == 1
    home.screenshot(path=str(ARTIFACTS / "phone-home-sent.png"))


def test_log_here_also_opens_the_hazard_form_with_the_point_picked(phone):
    page = phone.log_in()
    tap_in_my_grid(page)
    href = page.get_attribute(".leaflet-popup .log-here a:has-text('隐患')", "href")
    lon, lat = re.search(r"lon=([\d.]+)&lat=([\d.]+)", href).groups()

    page.tap(".leaflet-popup .log-here a:has-text('隐患')")
    page.wait_for_url(re.compile(r"/hazards/new/\?lon="))
    page.wait_for_selector("#picker .leaflet-marker-icon")
    assert (page.input_value("#id_lon"), page.input_value("#id_lat")) == (lon, lat)
