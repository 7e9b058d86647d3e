"""The journey harness: each role's work walked end to end in a real browser, through the UI only.

The journeys run against the stack `make demo` runs — a web server, a Celery worker (default and bulk
queues) and Celery beat — on a database of their own (`test_journeys_<suite database>`, migrated and loaded
with the demo county), so that what they create, import or edit never leaks into the rest of the
suite. Every page a journey opens fails the test at the end on any console error, uncaught script
error, failed request or response of 500 and above. Screenshots of every step go to
`var/journeys/<test>/NN-<step>.png`: open them and look at them as that person would.

    def test_…(journey):
        page = journey.open("worker")              # a 390×844 touch phone with GPS in the worker's grid
        journey.shot(page, "home")
        rows = journey.sql("SELECT count(*) FROM cases_case")
"""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import ROOT, WORKER_ARGS, _free_port, _serve, _stop, _wait_until, spawn_celery

SHOTS = ROOT / "var" / "journeys"
PASSWORD = "gridcase-demo"
DEVICES = {
    # A cheap Android phone held in one hand; the others sit at a desk.
    "phone": dict(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2),
    "desktop": dict(viewport={"width": 1366, "height": 860}),
}
# Requests the browser itself cancels when a page navigates away or a download starts: not failures.
CANCELLED = ("net::ERR_ABORTED",)
OFFLINE = ("net::ERR_INTERNET_DISCONNECTED", "Failed to fetch", "ERR_NAME_NOT_RESOLVED")


@pytest.hookimpl(tryfirst=True)  # before xdist reads the group marks
def pytest_collection_modifyitems(items):
    # One xdist worker runs every journey, so one journey database is built (`--dist loadgroup`).
    for item in items:
        if "tests/journeys/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("journeys"))
            item.add_marker(pytest.mark.browser)


def _database_url(name: str) -> str:
    db = settings.DATABASES["default"]
    return f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


def _admin_dsn(name: str = "postgres") -> str:
    db = settings.DATABASES["default"]
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"


@pytest.fixture(scope="session")
def outside():
    """The world outside gridcase that alerts go to: a 企业微信 robot's server and a mail server, both
    real and local; what they received is what people were told."""
    from tests.notifications.servers import http_recorder, smtp_server

    wecom, stop_wecom = http_recorder()
    mailbox, smtp_port, stop_smtp = smtp_server()
    yield types.SimpleNamespace(wecom=wecom, mailbox=mailbox, env={
        "NOTIFICATION_CHANNELS": ",".join(f"gridcase.notifications.channels.{c}"
                                          for c in ("LoggingChannel", "WeComRobotChannel", "EmailChannel")),
        "WECOM_WEBHOOK_URL": f"{wecom.url}/cgi-bin/webhook/send?key=journeys",
        "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(smtp_port),
        "ALERT_SWEEP_SECONDS": "5",  # a minute's 签收 time is then over within 65 s, not 120
    })
    stop_wecom()
    stop_smtp()


@pytest.fixture(scope="session")
def journey_stack(django_db_setup, outside):
    """The demo stack on a fresh journey database; yields (base URL, environment of its processes)."""
    # Named after the suite's own database, so that checkouts side by side never share one.
    name = f"test_journeys_{settings.DATABASES['default']['NAME'].removeprefix('test_')}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(_admin_dsn(name), autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    # settings_test gives a process Redis database base + 1 + its worker number: "gw7" (gw8 for the
    # stack of the suite's gw1) keeps the journeys' broker apart from the test processes' (gw0, gw1)
    # and from another stack's — two stacks on one broker took each other's tasks, and a delivery
    # stayed pending with no attempt.
    port = _free_port()
    suite_worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    env = {"DATABASE_URL": _database_url(name), "PYTEST_XDIST_WORKER": f"gw{7 + suite_worker}", "DEMO_NOTICE": "1",
           "SITE_URL": f"http://127.0.0.1:{port}", **outside.env}
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gridcase.settings_test", **env}
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "--cases", "none"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=full_env, check=True,
                       stdout=subprocess.DEVNULL)
    artifacts = ROOT / "tests" / "artifacts"
    celery = [
        spawn_celery(*WORKER_ARGS, "-Q", "celery,bulk", env=env, log=f"journeys-worker-{suite_worker}.log"),
        spawn_celery("beat", "-s", str(artifacts / f"journeys-beat-schedule-{suite_worker}"), env=env,
                     log=f"journeys-beat-{suite_worker}.log"),
    ]
    try:
        from celery import Celery

        # Not the current app: tasks the other tests send must keep the suite app's result backend.
        app = Celery(broker=f"{settings.CELERY_BROKER_URL.rpartition('/')[0]}/{_redis_db(full_env)}", set_as_current=False)
        _wait_until(lambda: bool(app.control.ping(timeout=0.5)), "the journeys' Celery worker", 60)
        for url in _serve(port, **env):
            yield url, full_env
    finally:
        for process in celery:
            _stop(process)
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _redis_db(env: dict) -> int:
    base = env.get("REDIS_URL", "redis://127.0.0.1:6379/0").rpartition("/")[2] or "0"
    return int(base) + 1 + int(env["PYTEST_XDIST_WORKER"].removeprefix("gw"))


@dataclass
class Journey:
    """One journey's browser, pages, screenshots and the errors its pages met."""

    url: str
    env: dict
    browser: object
    name: str
    errors: list = field(default_factory=list)
    allowed: list = field(default_factory=list)
    contexts: list = field(default_factory=list)
    offline: set = field(default_factory=set)
    step: int = 0
    outside: object = None  # the robot's and the mail server's records (fixture `outside`)

    def open(self, username: str | None, device: str = "phone", geolocation: dict | None = None, **options):
        """A new browser (its own cookies and storage) for `username`, logged in through the login
        form; None opens it logged out (the public pages). A phone has GPS: by default a point in
        the user's first grid, else their area."""
        context_options = {"locale": "zh-CN", "timezone_id": "Asia/Shanghai", **DEVICES[device], **options}
        if device == "phone" and username:
            context_options.update(geolocation=geolocation or self.point_of(username), permissions=["geolocation"])
        context = self.browser.new_context(**context_options)
        self.contexts.append(context)
        page = context.new_page()
        self.watch(page)
        context.on("page", self.watch)
        if username:
            page.goto(f"{self.url}/accounts/login/")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    def watch(self, page):
        def failed(request):
            failure = request.failure or ""
            if any(c in failure for c in CANCELLED) or (id(page.context) in self.offline and _offline(failure)):
                return
            self.errors.append(f"failed request {request.method} {request.url}: {failure}")

        def console(message):
            if message.type != "error":
                return
            if id(page.context) in self.offline and _offline(message.text):
                return
            source = message.location.get("url") or page.url
            self.errors.append(f"console error on {page.url} ({source}): {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda error: self.errors.append(f"script error on {page.url}: {error}"))
        page.on("requestfailed", failed)
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} from {r.request.method} {r.url}"))

    def set_offline(self, page, offline: bool = True):
        """Cut or restore the phone's network; requests and console errors for lack of network while
        it is cut are what the user would see, not failures."""
        page.context.set_offline(offline)
        (self.offline.add if offline else self.offline.discard)(id(page.context))

    @contextlib.contextmanager
    def expect_error(self, pattern: str):
        """Within the block, errors matching `pattern` are what the step tests (a refusal, say)."""
        before = len(self.errors)
        yield
        new = self.errors[before:]
        expected = [e for e in new if re.search(pattern, e)]
        assert expected, f"expected an error matching {pattern!r}"
        del self.errors[before:]
        self.errors.extend(e for e in new if e not in expected)

    def shot(self, page, step: str, full_page: bool = False) -> Path:
        """Save what the user sees now as var/journeys/<test>/NN-<step>.png."""
        self.step += 1
        path = SHOTS / self.name / f"{self.step:02d}-{step}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            page.screenshot(path=str(path), full_page=full_page)
        except PlaywrightTimeout:
            # Seen once in CI on a loaded machine: Chromium produced no frame for a page of a context
            # behind the others. Bringing it to the front makes it paint; a second timeout fails.
            page.bring_to_front()
            page.screenshot(path=str(path), full_page=full_page, timeout=60_000)
        return path

    def fill_dispute(self, page, title: str, people: int | None = None) -> None:
        """On the case form, as a worker would: tap the middle of their grid on the map, a title,
        邻里纠纷 and how many people; the caller sends it."""
        page.goto(f"{self.url}/cases/new/")
        box = page.wait_for_selector("#picker path.leaflet-interactive").bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.fill("#id_title", title)
        page.select_option("#id_category", label="邻里纠纷")
        if people is not None:
            page.fill("#id_people_involved", str(people))

    def sql(self, query: str, *params) -> list[tuple]:
        """Read the journey database directly: for checking what the UI did, never for doing it."""
        with psycopg.connect(self.env["DATABASE_URL"].replace("postgis://", "postgresql://", 1)) as conn:
            return conn.execute(query, params).fetchall()

    def manage(self, *args: str) -> str:
        """Run a management command on the journey database (data that exists before the journey
        starts, such as imported history); returns what it printed."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True)
        return done.stdout

    def point_of(self, username: str) -> dict:
        """A point inside the user's first grid (or their area), as Playwright's geolocation."""
        rows = self.sql(
            "SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_PointOnSurface(a.geom) AS p FROM accounts_user u"
            " LEFT JOIN accounts_user_grids ug ON ug.user_id = u.id"
            " JOIN geodata_area a ON a.id = coalesce(ug.area_id, u.area_id)"
            " WHERE u.username = %s ORDER BY a.code LIMIT 1) s", username)
        lon, lat = rows[0]
        return {"longitude": lon, "latitude": lat, "accuracy": 10}


def _offline(text: str) -> bool:
    return any(o in text for o in OFFLINE)


@pytest.fixture
def journey(request, browser, journey_stack, outside):
    url, env = journey_stack
    name = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    shutil.rmtree(SHOTS / name, ignore_errors=True)
    walk = Journey(url=url, env=env, browser=browser, name=name, outside=outside)
    yield walk
    for context in walk.contexts:
        context.close()
    assert not walk.errors, "\n".join(walk.errors)
