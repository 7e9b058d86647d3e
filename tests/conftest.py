"""The test world: the demo county (real codes, synthetic boundaries) and its twelve demo users,
loaded once per test process into the real PostGIS test database; each test runs in a transaction
that is rolled back. Servers the tests need (web, Celery worker) are real processes on that database.
"""

import io
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import pytest_django.fixtures
import redis
from django.conf import settings
from django.core.management import call_command
from django.db import connection

from gridcase.accounts.models import User
from gridcase.cases import services as case_services
from gridcase.cases.models import Category

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"
ARTIFACTS.mkdir(exist_ok=True)

# Demo places used throughout: 屠园镇 and its 古河村; 耿车镇 for the other side.
TUYUAN, GUHE = "321302112", "321302112210"
GENGCHE = "321302101"


# pytest-django creates the test database only for the aliases its collected tests mark with
# django_db; a module of browser and `committed` tests (no mark) run alone would then work on the
# development database. Always set up "default".
_databases_for_setup = pytest_django.fixtures._get_databases_for_setup
pytest_django.fixtures._get_databases_for_setup = lambda items: (
    lambda aliases, serialized: (aliases | {"default"}, serialized))(*_databases_for_setup(items))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_demo", "--cases", "none", stdout=io.StringIO())


@pytest.fixture(scope="session", autouse=True)
def _no_sessions_left_at_the_end(django_db_setup, django_db_blocker):
    """Before the test database is dropped, end every other session on it: child processes that
    were just stopped, and connections Playwright's greenlet context opened in this process."""
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Rules and the calendar are cached per process; a test's rolled-back rows must not outlive it."""
    from gridcase.escalation.engine import clear_rules_cache
    from gridcase.workdays.selectors import clear_cache

    clear_rules_cache()
    clear_cache()
    yield
    clear_rules_cache()
    clear_cache()


@pytest.fixture
def users(db):
    """The demo users by username: admin, leader, mediator, cadre, worker, adviser, and each with suffix 2."""
    return {user.username: user for user in User.objects.select_related("area")}


@pytest.fixture
def login(client):
    def log_in(username: str):
        # force_login: the login form itself (throttling, second factor) is tested in tests/accounts.
        client.force_login(User.objects.get(username=username))
        return client

    return log_in


def point_in(grid):
    return grid.geom.point_on_surface


@pytest.fixture
def neighbours():
    return Category.objects.get(code="02")  # 邻里纠纷


@pytest.fixture
def make_case(neighbours):
    """A case logged by a grid worker in one of their grids (default: `worker`, 古河村)."""

    def make(username="worker", **fields):
        actor = User.objects.get(username=username)
        grid = actor.grids.order_by("code").first()
        fields.setdefault("title", "邻居因排水沟堵塞发生争吵")
        fields.setdefault("category", neighbours)
        fields.setdefault("location", point_in(grid))
        return case_services.case_register(actor=actor, **fields)

    return make


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Real commits, for tests of concurrent transactions; the cases they create are truncated after.

    Depends on django_db_setup: without it a module run alone would point at the development
    database (pytest-django creates the test database only when something asks for it)."""
    with django_db_blocker.unblock():
        assert connection.settings_dict["NAME"].startswith("test_"), "committed must run on the test database"
        # Inside the django_db fixture's transaction the TRUNCATE below would be rolled back too.
        assert not connection.in_atomic_block, "use `committed` without the django_db mark"
        yield
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cases_case, cases_casenumbercounter, escalation_rulefiring, notifications_notification,"
                           " notifications_alert, outbox_message, api_apitoken, api_idempotencyrecord"
                           " RESTART IDENTITY CASCADE")


def run_concurrently(work, times: int) -> list:
    """Run `work` in `times` threads at once (each with its own database session); return what
    each returned, and re-raise the first error after all have finished."""
    start = threading.Barrier(times)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(work())
        except Exception as exc:  # re-raised below, once every thread is done
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _process_env() -> dict:
    """Environment for a child process that works on this test process's database and Redis."""
    db = connection.settings_dict
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gridcase.settings_test",
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "PYTEST_XDIST_WORKER": os.environ.get("PYTEST_XDIST_WORKER", "gw0"),
    }


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:  # a worker still finishing a task on a loaded machine
        process.kill()
        process.wait(10)


def _wait_until(ready, what: str, seconds: float = 30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not come up within {seconds} s")


def _serve(port: int | None = None, **env):
    """Run a real web server process (runserver) on the test database; yield its URL."""
    port = port or _free_port()
    log = open(ARTIFACTS / f"server-{os.environ.get('PYTEST_XDIST_WORKER', 'gw0')}-{port}.log", "w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT, env={**_process_env(), **env}, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return urllib.request.urlopen(f"{url}/accounts/login/", timeout=1).status == 200
        except OSError:
            return False

    try:
        _wait_until(up, "the web server")
        yield url
    finally:
        _stop(server)
        log.close()


@pytest.fixture(scope="session")
def live_url(django_db_setup):
    """A server with no basemap configured (the intranet default)."""
    yield from _serve()


@pytest.fixture(scope="session")
def live_url_dead_basemap(django_db_setup):
    """A server whose basemap tile server is unreachable (nothing listens on port 9)."""
    yield from _serve(BASEMAP_URL="http://127.0.0.1:9/{z}/{x}/{y}.png", BASEMAP_CRS="gcj02")


def spawn_celery(*args: str, env: dict | None = None, log: str | None = None) -> subprocess.Popen:
    """A real Celery process (`worker …` or `beat …`) on this test process's database."""
    output = open(ARTIFACTS / log, "w") if log else subprocess.DEVNULL
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "gridcase", *args, "--loglevel=WARNING"],
        cwd=ROOT, env={**_process_env(), **(env or {})}, stdout=output, stderr=subprocess.STDOUT,
    )


WORKER_ARGS = ("worker", "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat")


@pytest.fixture(scope="session")
def celery_worker(django_db_setup):
    """A real Celery worker process consuming from this test process's Redis database."""
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    client.flushdb()  # stale tasks from an earlier run must not be taken for this run's
    worker = spawn_celery(*WORKER_ARGS)
    from gridcase.celery import app

    try:
        _wait_until(lambda: bool(app.control.ping(timeout=0.5)), "the Celery worker")
        yield worker
    finally:
        _stop(worker)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make
    # beside it are still synchronous, which Django's guard cannot tell.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--no-first-run", "--disable-sync"],
        )
        yield chromium
        chromium.close()
