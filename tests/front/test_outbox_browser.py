"""One outbox for the three logging forms, on a phone-size headless Chromium against a real server
process: a hazard or a resident request logged with a photo while the network is down waits on the
phone (its photo as a Blob in IndexedDB), is listed with its kind, and reaches the server exactly once
with exactly one photo — also when the answer to the first send is lost and the phone sends again.
The worker then sees the server's message with the new number. (Disputes: tests/cases/test_offline_browser.py.)"""

import re
from dataclasses import dataclass

import pytest

from gridcase.hazards.demo import PNG
from gridcase.hazards.models import Hazard, HazardPhoto
from gridcase.requests.models import Request, RequestPhoto
from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in
from tests.hazards.conftest import hazards_committed  # noqa: F401
from tests.requests.conftest import committed_requests  # noqa: F401

pytestmark = pytest.mark.browser

WAITING = "#outbox .outbox-waiting h2"
SIZES = {"phone": (360, 740), "desktop": (1280, 800)}


@dataclass
class Kind:
    path: str
    label: str
    model: type
    photo_model: type
    message: str  # the server's flash, before the number

    def fill(self, page, text, picture):
        point_on_the_map(page)
        if self.model is Hazard:
            page.fill("#id_title", text)
            page.select_option("#id_category", label="消防")
            page.fill("#id_responsible_name", "古河村便民超市")
        else:
            page.select_option("#id_category", label="道路交通与路灯")
            page.fill("#id_matter", text)
        page.set_input_files("#id_photos", str(picture))

    def made(self, text):
        field = "title" if self.model is Hazard else "matter"
        return self.model.objects.filter(**{field: text})

    def photos(self, text):
        owner = "hazard" if self.model is Hazard else "request"
        return self.photo_model.objects.filter(**{f"{owner}__in": self.made(text)})


KINDS = {
    "hazard": Kind("/hazards/new/", "安全隐患", Hazard, HazardPhoto, "已上报，编号"),
    "request": Kind("/requests/new/", "民情诉求", Request, RequestPhoto, "已登记，编号"),
}


@pytest.fixture
def picture(tmp_path):
    path = tmp_path / "现场.png"
    path.write_bytes(PNG)
    return path


@pytest.fixture
def phone(browser, live_url, hazards_committed, committed_requests):  # noqa: F811
    """A phone with the grid worker logged in. No service worker: Playwright's routing (used below to
    lose an answer) does not see requests a service worker handles; tests/cases covers the worker."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN", service_workers="block")
    page = context.new_page()
    log_in(page, live_url, "worker")
    yield context, page
    context.close()


def point_on_the_map(page):
    page.locator("#picker").scroll_into_view_if_needed()  # below the fields on the request form
    grid = page.locator("#picker path.leaflet-interactive").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_lon") and page.input_value("#id_lat")


def open_form(page, live_url, kind):
    page.goto(f"{live_url}{kind.path}")
    page.wait_for_selector("#picker path.leaflet-interactive")


def queued(page) -> list[dict]:
    """The outbox as stored, each photo described by its name, type and size (a Blob does not cross over)."""
    return page.evaluate("""() => new Promise((resolve) => {
        indexedDB.open("gridcase").onsuccess = (e) => {
            e.target.result.transaction("outbox").objectStore("outbox").getAll().onsuccess = (r) => resolve(
                r.target.result.map((item) => ({...item, files: (item.files || []).map(
                    (f) => ({field: f.field, name: f.name, type: f.blob.type, size: f.blob.size}))})));
        };
    })""")


def replay(page, client_id, times=2):
    """The phone sends the stored item again, `times` at once, as a retry after a lost answer would."""
    return page.evaluate("""([id, times]) => new Promise((resolve) => {
        indexedDB.open("gridcase").onsuccess = (e) => {
            e.target.result.transaction("outbox").objectStore("outbox").get(id).onsuccess = (r) => {
                const item = r.target.result;
                const post = () => {
                    const body = new FormData();
                    for (const [name, value] of Object.entries(item.fields)) body.append(name, value);
                    for (const f of item.files) body.append(f.field, f.blob, f.name);
                    return fetch(item.post_url, {method: "POST", body, credentials: "same-origin"})
                        .then((response) => new URL(response.url).pathname);
                };
                Promise.all(Array.from({length: times}, post)).then(resolve);
            };
        };
    })""", [client_id, times])


def copy_of(page, client_id):
    """Keep a copy of the stored item under another key, to replay it after the outbox dropped it."""
    page.evaluate("""(id) => new Promise((resolve) => {
        indexedDB.open("gridcase").onsuccess = (e) => {
            const store = e.target.result.transaction("outbox", "readwrite").objectStore("outbox");
            store.get(id).onsuccess = (r) => {
                store.put({...r.target.result, client_id: "copy", user: "nobody"}).onsuccess = () => resolve();
            };
        };
    })""", client_id)


def lose_the_first_answer(page, path):
    """The first POST reaches the server and is handled there; its answer never reaches the phone."""
    lost = []

    def handle(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch(max_redirects=0).status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(f"**{path}", handle)
    return lost


@pytest.mark.parametrize("name", KINDS)
def test_logged_offline_with_a_photo_it_lands_once_with_one_photo_though_the_first_answer_is_lost(
        phone, live_url, picture, name):
    context, page = phone
    kind = KINDS[name]
    text = f"断网时登记的{kind.label}：楼道堆物"
    open_form(page, live_url, kind)

    context.set_offline(True)
    kind.fill(page, text, picture)
    page.wait_for_selector("#id_photos ~ .thumbs img")  # what will be sent, before sending
    page.click("main button[type=submit]")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")

    [item] = queued(page)
    assert (item["kind"], item["title"], item["post_url"]) == (name, text, kind.path)
    assert item["files"] == [{"field": "photos", "name": "现场.png", "type": "image/png", "size": len(PNG)}]
    row = page.inner_text("#outbox .outbox-items li")
    assert kind.label in row and text in row and "1 张照片" in row
    assert not kind.made(text).exists()
    page.screenshot(path=str(ARTIFACTS / f"outbox-waiting-{name}-phone.png"))
    copy_of(page, item["client_id"])

    lost = lose_the_first_answer(page, kind.path)
    context.set_offline(False)
    page.wait_for_selector("#outbox .outbox-status:has-text('连不上服务器')", timeout=15_000)
    assert lost == [302]  # the server took it and answered; the phone heard nothing
    assert kind.made(text).count() == 1
    assert {i["client_id"] for i in queued(page)} == {item["client_id"], "copy"}  # still waiting

    page.click("#outbox .outbox-send")  # sent again: the same submission
    link = page.wait_for_selector("#outbox .outbox-sent a", timeout=15_000)

    [made] = kind.made(text)
    assert str(made.client_id) == item["client_id"] and kind.photos(text).count() == 1
    sent = page.inner_text("#outbox .outbox-sent")
    assert sent.startswith("已发送：") and f"{kind.message} {made.number}" in sent
    assert link.get_attribute("href") == f"{live_url}{kind.path.replace('new/', f'{made.pk}/')}"
    assert [i["client_id"] for i in queued(page)] == ["copy"]  # ours is gone; only the test's copy remains
    assert page.is_visible("#outbox .outbox-sent") and page.is_hidden("#outbox .outbox-items li")

    # And once more, twice at once, long after: still the one report with its one photo.
    assert replay(page, "copy") == [f"/{kind.path.split('/')[1]}/{made.pk}/"] * 2
    assert kind.made(text).count() == 1 and kind.photos(text).count() == 1


def test_a_send_that_fails_keeps_the_hazard_and_the_request_page_lists_and_sends_it(phone, live_url, picture):
    """On a network error (the signal drops mid-send, navigator.onLine still true) the form is kept;
    the outbox is one for all three forms: the request page lists the waiting hazard with its kind
    and sends it."""
    context, page = phone
    hazard = KINDS["hazard"]
    open_form(page, live_url, hazard)
    page.route(f"**{hazard.path}", lambda route: route.abort("internetdisconnected")
               if route.request.method == "POST" else route.continue_())
    hazard.fill(page, "半路断网的隐患", picture)
    page.click("main button[type=submit]")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    assert page.input_value("#id_title") == "" and page.locator("#id_photos ~ .thumbs img").count() == 0
    page.screenshot(path=str(ARTIFACTS / "outbox-waiting-hazard-full-phone.png"), full_page=True)

    open_form(page, live_url, KINDS["request"])  # still no way through: its first try fails too
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    page.wait_for_selector("#outbox .outbox-status:has-text('连不上服务器')", timeout=15_000)
    row = page.inner_text("#outbox .outbox-items li")
    assert "安全隐患" in row and "半路断网的隐患" in row and "1 张照片" in row

    page.unroute(f"**{hazard.path}")
    page.click("#outbox .outbox-send")
    page.wait_for_selector("#outbox .outbox-sent a", timeout=15_000)
    [made] = hazard.made("半路断网的隐患")
    assert made.photos.count() == 1 and f"已上报，编号 {made.number}" in page.inner_text("#outbox .outbox-sent")
    assert queued(page) == []


def test_sent_online_the_new_report_shows_the_servers_message(phone, live_url, picture):
    """With the network the form is posted by fetch too; the server's message (read on the way)
    is shown on the page the worker lands on."""
    _, page = phone
    request = KINDS["request"]
    open_form(page, live_url, request)
    request.fill(page, "在线登记的诉求：村口路灯坏了", picture)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/requests/\d+/$"))

    [made] = request.made("在线登记的诉求：村口路灯坏了")
    assert page.url == f"{live_url}/requests/{made.pk}/" and made.photos.count() == 1
    assert page.inner_text("main .message") == f"已登记，编号 {made.number}"
    page.wait_for_function("() => document.querySelector('.photos img').complete")
    assert page.eval_on_selector(".photos img", "img => img.naturalWidth") == 8
    page.reload()
    assert page.locator("main .message").count() == 0  # shown once


def test_a_refused_hazard_goes_back_into_the_form_with_its_photo_and_is_sent_once_corrected(phone, live_url, picture):
    context, page = phone
    hazard = KINDS["hazard"]
    open_form(page, live_url, hazard)
    context.set_offline(True)
    hazard.fill(page, "位置填错的隐患", picture)
    page.fill("#id_lon", "116.400000")  # Beijing: outside the worker's grids
    page.fill("#id_lat", "39.900000")
    page.click("main button[type=submit]")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    [item] = queued(page)

    context.set_offline(False)
    page.wait_for_selector("#outbox .needs-fix", timeout=15_000)
    assert "需要修改" in page.inner_text("#outbox .needs-fix") and not hazard.made("位置填错的隐患").exists()

    page.click("#outbox .needs-fix .outbox-edit")  # back into the form as typed, the photo too
    assert page.input_value("#id_title") == "位置填错的隐患"
    assert page.input_value("input[name=client_id]") == item["client_id"]
    assert page.eval_on_selector("#id_photos", "input => Array.from(input.files, (f) => [f.name, f.size])") == [
        ["现场.png", len(PNG)]]
    assert page.locator("#id_photos ~ .thumbs img").count() == 1
    point_on_the_map(page)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/hazards/\d+/$"))

    [made] = hazard.made("位置填错的隐患")
    assert str(made.client_id) == item["client_id"] and made.photos.count() == 1
    assert page.inner_text("main .message") == f"已上报，编号 {made.number}" and queued(page) == []


@pytest.mark.parametrize("size", SIZES)
def test_screenshots_of_the_forms_with_photos_chosen_and_of_a_waiting_hazard(browser, live_url, picture, size):
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN", service_workers="block")
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        for name, kind in KINDS.items():
            open_form(page, live_url, kind)
            point_on_the_map(page)
            page.set_input_files("#id_photos", [str(picture), str(picture)])
            assert page.locator("#id_photos ~ .thumbs img").count() == 2
            page.screenshot(path=str(ARTIFACTS / f"form-{name}-{size}.png"), full_page=True)

        open_form(page, live_url, KINDS["hazard"])
        context.set_offline(True)  # the page is a private context: what waits dies with it, unsent
        KINDS["hazard"].fill(page, "楼道堆放杂物堵塞消防通道", picture)
        page.click("main button[type=submit]")
        page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
        page.screenshot(path=str(ARTIFACTS / f"outbox-waiting-hazard-{size}.png"))
    finally:
        context.close()


def test_the_hazard_and_request_forms_open_offline_after_one_visit(browser, live_url, picture):
    """The service worker keeps the three logging pages (and the grid layer): with no network the
    worker can still open the hazard and the request forms, and what they log waits in the outbox."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    page = context.new_page()
    try:
        log_in(page, live_url, "worker")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
            page.reload()
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=45_000)
        # The worker fills the page cache at install and again on each page opened (a fetch that
        # failed under load is retried by the next page, as on a weak signal): open the home page
        # again until the three logging pages and the grid layer are kept.
        cached = """() => Promise.all(["/hazards/new/", "/requests/new/", "/api/geodata/areas/?level=grid"]
            .map((url) => caches.match(url))).then((hits) => hits.every(Boolean))"""
        for _ in range(6):
            if page.evaluate(cached):
                break
            page.wait_for_timeout(5_000)
            page.goto(f"{live_url}/")
        assert page.evaluate(cached), "the service worker did not keep the logging pages within 30 s"

        context.set_offline(True)
        for kind in KINDS.values():
            open_form(page, live_url, kind)
            assert page.evaluate("() => navigator.onLine") is False
        KINDS["request"].fill(page, "离线打开表单后登记的诉求", picture)
        page.click("main button[type=submit]")
        page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
        assert "民情诉求" in page.inner_text("#outbox .outbox-items li")
    finally:
        context.close()  # a private context: what waits dies with it, unsent
