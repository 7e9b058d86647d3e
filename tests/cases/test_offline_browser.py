"""Logging a dispute with no network, on a phone-size headless Chromium against a real server process:
the form opens from the service worker's cache, a submit waits on the phone, and it is sent once
(exactly one case) when the network returns."""

import re
import urllib.request

import pytest

from gridcase.cases.models import Case
from tests.conftest import ARTIFACTS
from tests.front.test_map_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("committed")]

WAITING = "#outbox .outbox-waiting h2"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="zh-CN")
    yield context
    context.close()


@pytest.fixture
def page(phone, live_url):
    """The grid worker's logging page, opened once with the network, its service worker in control."""
    page = phone.new_page()
    log_in(page, live_url, "worker")
    page.goto(f"{live_url}/cases/new/")
    page.wait_for_selector("#picker path.leaflet-interactive")
    # Installing pre-caches the whole app shell: on a loaded two-core machine that can take a while.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()  # a page loaded while the worker is active is controlled by it, claim() or not
        page.wait_for_selector("#picker path.leaflet-interactive")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=45_000)
    return page


def log_a_case(page, title):
    grid = page.locator("#picker path.leaflet-interactive").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_lon") and page.input_value("#id_lat")
    page.fill("#id_title", title)
    page.select_option("#id_category", label="邻里纠纷")
    open_more(page)
    page.fill("#id_party-0-name", "钱七")
    page.click("main button[type=submit]")


def open_more(page):
    """当事人 and the rest are optional on the short form: folded until the worker opens them."""
    if not page.locator("details.more[open]").count():
        page.click("details.more > summary")


def queued(page) -> list[dict]:
    return page.evaluate("""() => new Promise((resolve) => {
        indexedDB.open("gridcase").onsuccess = (e) => {
            e.target.result.transaction("outbox").objectStore("outbox").getAll().onsuccess = (r) => resolve(r.target.result);
        };
    })""")


def cached_page(page) -> str:
    """The logging page as the service worker keeps it, once it has it and the grid layer too. The
    worker fills its cache on each page opened; a fetch that failed under load is retried by opening
    the page again, as a worker on a weak signal would."""
    for _attempt in range(4):
        cached = page.evaluate("""async () => {
            for (let i = 0; i < 50; i++) {
                const hit = await caches.match("/cases/new/");
                if (hit && await caches.match("/api/geodata/areas/?level=grid")) return hit.text();
                await new Promise((resolve) => setTimeout(resolve, 200));
            }
            return "";
        }""")
        if cached:
            break
        page.goto(page.url)
    assert cached, "the logging page and the grid layer were not cached"
    return cached


def test_a_case_logged_offline_waits_on_the_phone_and_is_sent_when_the_network_returns(phone, page):
    phone.set_offline(True)
    log_a_case(page, "断网时登记的宅基地纠纷")

    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    outbox = page.inner_text("#outbox")
    assert "断网时登记的宅基地纠纷" in outbox and "网络恢复后" in outbox
    [item] = queued(page)
    assert item["fields"]["title"] == "断网时登记的宅基地纠纷" and item["fields"]["csrfmiddlewaretoken"]
    # A fresh form for the next one, with a new submission id.
    assert page.input_value("#id_title") == ""
    assert page.input_value("input[name=client_id]") not in ("", item["client_id"])
    assert not Case.objects.filter(title="断网时登记的宅基地纠纷").exists()
    page.screenshot(path=str(ARTIFACTS / "outbox-waiting-phone.png"))
    page.screenshot(path=str(ARTIFACTS / "outbox-waiting-phone-full.png"), full_page=True)

    phone.set_offline(False)
    link = page.wait_for_selector("#outbox .outbox-sent a", timeout=10_000)

    case = Case.objects.get(title="断网时登记的宅基地纠纷")
    assert str(case.client_id) == item["client_id"]
    assert link.get_attribute("href").endswith(f"/cases/{case.pk}/")
    assert "已发送" in page.inner_text("#outbox .outbox-sent")
    assert page.is_hidden("#outbox .outbox-waiting") and queued(page) == []
    assert case.parties.get().name == "钱七"


def test_sending_twice_at_once_or_again_later_makes_one_case(phone, page):
    phone.set_offline(True)
    log_a_case(page, "重复发送也只登记一次")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    [item] = queued(page)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    phone.set_offline(False)  # the browser's own "online" event, ours, and a tap on the button, at once
    page.evaluate("""() => {
        window.dispatchEvent(new Event("online"));
        document.querySelector("#outbox .outbox-send").click();
    }""")
    page.wait_for_selector("#outbox .outbox-sent a", timeout=10_000)
    page.wait_for_timeout(500)

    assert len(posts) == 1, posts
    case = Case.objects.get(title="重复发送也只登记一次")
    # The answer was lost and the phone sends the same item again, twice over: still the one case.
    landed = page.evaluate("""(fields) => Promise.all([1, 2].map(() => fetch("/cases/new/", {
        method: "POST", body: new URLSearchParams(fields), credentials: "same-origin", redirect: "follow",
    }).then((r) => new URL(r.url).pathname)))""", item["fields"])
    assert landed == [f"/cases/{case.pk}/"] * 2
    assert Case.objects.filter(title="重复发送也只登记一次").count() == 1


def test_the_service_worker_is_registered_for_the_whole_site_and_forgets_pages_at_logout(page, live_url):
    assert page.evaluate("async () => (await navigator.serviceWorker.ready).scope") == f"{live_url}/"
    assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == f"{live_url}/sw.js"

    with urllib.request.urlopen(f"{live_url}/sw.js", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("application/javascript")
        assert response.headers["Cache-Control"] == "no-cache"

    # Cached pages carry the user's name and grids: logging out empties their cache.
    assert cached_page(page)
    page.click("header .menu-toggle")  # on a phone the header's links are behind 菜单
    page.click("header button[type=submit]")
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.evaluate("() => caches.match('/cases/new/').then((hit) => !hit)")


def test_the_logging_page_opens_offline_after_one_visit_and_logs_into_the_outbox(phone, page, live_url):
    cached = cached_page(page)

    phone.set_offline(True)
    page.reload()
    page.wait_for_selector("#picker path.leaflet-interactive")

    # The cached copy, not a fresh render (every render masks the CSRF token anew).
    assert page.input_value("input[name=csrfmiddlewaretoken]") == TOKEN.search(cached).group(1)
    assert page.evaluate("() => navigator.onLine") is False
    log_a_case(page, "离线打开页面后登记")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    # The installed app starts at the map, which needs the network: it opens the logging page instead,
    # and what waits to be sent is still there.
    page.goto(f"{live_url}/")
    assert page.url == f"{live_url}/cases/new/"
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")
    assert "离线打开页面后登记" in page.inner_text("#outbox")

    phone.set_offline(False)
    page.wait_for_selector("#outbox .outbox-sent a", timeout=10_000)
    assert Case.objects.filter(title="离线打开页面后登记").count() == 1


def test_what_the_server_refuses_stays_on_the_phone_to_be_corrected(phone, page):
    phone.set_offline(True)
    # A point outside the worker's grids (Beijing), as a tap off the grids on the picker would give.
    page.evaluate("() => { document.getElementById('id_lon').value = '116.400000';"
                  " document.getElementById('id_lat').value = '39.900000'; }")
    page.fill("#id_title", "位置填错的纠纷")
    page.select_option("#id_category", label="邻里纠纷")
    page.click("main button[type=submit]")
    page.wait_for_selector(f"{WAITING}:has-text('等待发送（1）')")

    phone.set_offline(False)
    page.wait_for_selector("#outbox .needs-fix", timeout=10_000)

    row = page.inner_text("#outbox .needs-fix")
    assert "需要修改" in row and "位置填错的纠纷" in row
    assert page.locator("#outbox .needs-fix .errorlist li").count() >= 1
    [item] = queued(page)
    assert item["errors"] and item["fields"]["title"] == "位置填错的纠纷"
    assert not Case.objects.filter(title="位置填错的纠纷").exists()
    page.screenshot(path=str(ARTIFACTS / "outbox-needs-fix-phone.png"))

    page.click("#outbox .needs-fix button")  # 修改: back into the form, as typed
    assert page.input_value("#id_title") == "位置填错的纠纷"
    assert page.input_value("input[name=client_id]") == item["client_id"]
    grid = page.locator("#picker path.leaflet-interactive").first
    box = grid.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/cases/\d+/$"))

    case = Case.objects.get(title="位置填错的纠纷")
    assert str(case.client_id) == item["client_id"]
    assert page.url.endswith(f"/cases/{case.pk}/") and queued(page) == []
