"""Beyond one process: two web servers and two Celery workers on one machine share the work and
give the same results as one — case numbers without gaps or repeats, each notification delivered
once — and both workers take part."""

import os
import re
import uuid

import pytest
from celery import Celery

from gridcase.accounts.models import User
from gridcase.cases.models import Case, Category
from gridcase.notifications.models import Delivery
from tests.conftest import WORKER_ARGS, _serve, _stop, _wait_until, point_in, spawn_celery
from tests.faults.test_redis_down import PrivateRedis
from tests.webclient import WebClient

pytestmark = pytest.mark.usefixtures("committed")
DISPUTES = 16


@pytest.fixture
def two_of_each():
    """Two web servers and two workers on a Redis of their own (no other test's worker joins in)."""
    redis = PrivateRedis()
    redis.start()
    env = {"REDIS_URL": f"redis://127.0.0.1:{redis.port}/0"}
    webs = [_serve(**env), _serve(**env)]
    urls = [next(web) for web in webs]
    names = [f"scale-{i}@localhost" for i in (1, 2)]
    workers = [spawn_celery(*WORKER_ARGS, "-n", name, env=env, log=f"{name}-{redis.port}.log") for name in names]
    # Not the current app: the rest of this process keeps sending to its own broker.
    control = Celery(broker=f"redis://127.0.0.1:{redis.port}/{_redis_db()}", set_as_current=False)
    try:
        _wait_until(lambda: set(names) <= {name for reply in control.control.ping(timeout=1) for name in reply},
                    "both Celery workers", seconds=60)
        yield urls, names, control
    finally:
        for worker in workers:
            _stop(worker)
        for web in webs:
            web.close()
        redis.stop()


def _redis_db() -> int:
    """settings_test gives each xdist worker its own Redis database: the URL's (0 here) + 1 + its index."""
    return 1 + int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)


def test_two_web_servers_and_two_workers_share_the_load_with_the_same_results(two_of_each):
    (first_url, second_url), names, control = two_of_each
    worker = User.objects.get(username="worker")
    point = point_in(worker.grids.order_by("code").first())
    clients = [WebClient(first_url), WebClient(second_url)]
    for client in clients:
        client.log_in("worker")

    for i in range(DISPUTES):  # crowd disputes: each escalates to the town and notifies its leader
        client = clients[i % 2]
        client.get("/cases/new/")
        response = client.post("/cases/new/", {
            "client_id": str(uuid.uuid4()), "title": f"第{i + 1}起群体纠纷", "category": Category.objects.get(code="02").pk,
            "narrative": "",
            "lon": point.x, "lat": point.y, "people_involved": 6, "risk": 1, "source": "grid_worker",
            "party-TOTAL_FORMS": 0, "party-INITIAL_FORMS": 0})
        assert response.status == 302, response.body.decode()[:500]

    cases = Case.objects.filter(title__endswith="起群体纠纷")
    serials = sorted(int(re.search(r"(\d+)$", number).group(1)) for number in cases.values_list("number", flat=True))
    assert serials == list(range(1, DISPUTES + 1)), "numbers from two servers: no gap, no repeat"

    deliveries = Delivery.objects.filter(notification__url__in=[f"/cases/{pk}/" for pk in cases.values_list("pk", flat=True)])
    _wait_until(lambda: deliveries.count() >= DISPUTES and not deliveries.exclude(status=Delivery.Status.SENT).exists(),
                "the deliveries", seconds=90)
    assert set(deliveries.values_list("attempts", flat=True)) == {1}

    stats = control.control.inspect(destination=names, timeout=5).stats() or {}
    delivered_by = {name: stats.get(name, {}).get("total", {}).get("gridcase.notifications.tasks.deliver", 0)
                    for name in names}
    assert all(count > 0 for count in delivered_by.values()), delivered_by
