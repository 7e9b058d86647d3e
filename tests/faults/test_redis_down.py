"""Redis stopped while people work: pages keep working, and the tasks asked for meanwhile wait in
the outbox and run — once — when Redis is back. Real processes: web server, Celery worker and beat,
and a Redis of the test's own that it stops and starts."""

import shutil
import subprocess
import time
import uuid

import pytest

from gridcase.accounts.models import User
from gridcase.cases.models import Case, Category
from gridcase.notifications.models import Delivery
from gridcase.outbox.models import Message
from tests.conftest import WORKER_ARGS, _free_port, _serve, _stop, _wait_until, point_in, spawn_celery
from tests.webclient import WebClient

pytestmark = pytest.mark.usefixtures("committed")


class PrivateRedis:
    def __init__(self):
        self.port = _free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen([shutil.which("redis-server"), "--port", str(self.port), "--save", "",
                                         "--appendonly", "no"], stdout=subprocess.DEVNULL)
        _wait_until(self.up, "redis-server")

    def up(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        _stop(self.process)


@pytest.fixture
def stack(tmp_path):
    """Web, worker and beat on a Redis this test may stop; the outbox relay runs every second."""
    private = PrivateRedis()
    private.start()
    env = {"REDIS_URL": f"redis://127.0.0.1:{private.port}/0", "OUTBOX_RELAY_SECONDS": "1"}
    web = _serve(**env)
    url = next(web)
    worker = spawn_celery(*WORKER_ARGS, env=env, log=f"worker-{private.port}.log")
    beat = spawn_celery("beat", "-s", str(tmp_path / "beat-schedule"), env=env, log=f"beat-{private.port}.log")
    try:
        client = WebClient(url)
        _wait_until(lambda: client.get("/healthz").status == 200, "the worker behind /healthz", seconds=60)
        yield private, client
    finally:
        for process in (beat, worker):
            _stop(process)
        web.close()
        if private.process.poll() is None:
            private.stop()


def register_crowd_dispute(client: WebClient, worker: User) -> int:
    """A dispute of 6 people: the default rules send it to the town and notify the town leader."""
    point = point_in(worker.grids.order_by("code").first())
    response = client.post("/cases/new/", {
        "client_id": str(uuid.uuid4()), "title": "六户村民因宅基地界址争执", "category": Category.objects.get(code="02").pk,
        "narrative": "", "lon": point.x, "lat": point.y, "people_involved": 6, "risk": 1, "source": "grid_worker",
        "party-TOTAL_FORMS": 0, "party-INITIAL_FORMS": 0,
    })
    assert response.status == 302, response.body.decode()[:2000]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_pages_keep_working_and_tasks_wait_for_redis(stack):
    private, client = stack
    worker = User.objects.get(username="worker")
    client.log_in("worker")

    private.stop()
    started = time.monotonic()
    case_id = register_crowd_dispute(client, worker)
    assert time.monotonic() - started < 10, "registering must not hang on the dead broker"
    assert client.get(f"/cases/{case_id}/").status == 200
    assert client.get("/cases/").status == 200
    health = client.get("/healthz")
    assert health.status == 503 and health.json()["redis"]["ok"] is False

    case = Case.objects.get(pk=case_id)
    assert case.level == "town", "the rule fired although its notification could not be queued"
    deliveries = Delivery.objects.filter(notification__url=f"/cases/{case_id}/")
    assert deliveries.exists() and not deliveries.exclude(status=Delivery.Status.PENDING).exists()
    waiting = Message.objects.filter(task="gridcase.notifications.tasks.deliver").values_list("args", flat=True)
    assert sorted(waiting) == [[pk] for pk in deliveries.order_by("pk").values_list("pk", flat=True)]

    private.start()
    _wait_until(lambda: not Message.objects.exists(), "the outbox relay", seconds=60)
    _wait_until(lambda: not deliveries.exclude(status=Delivery.Status.SENT).exists(), "the deliveries", seconds=60)
    assert list(deliveries.values_list("attempts", flat=True)) == [1] * deliveries.count()
    assert client.get("/healthz").status == 200
