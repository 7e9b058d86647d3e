import time

import pytest
import redis
from django.conf import settings

from gridcase.front.tasks import BEAT_KEY, beat_heartbeat
from gridcase.lib.tasks import enqueue_on_commit

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_postgis_redis_and_a_celery_round_trip(client, celery_worker, settings):
    settings.HEALTHZ_TOKEN = "monitor-secret"
    response = client.get("/healthz", HTTP_X_HEALTH_TOKEN="monitor-secret")

    body = response.json()
    assert response.status_code == 200 and body["status"] == "ok", body
    assert body["database"]["postgis"].startswith("3.")
    assert body["redis"] == {"ok": True}
    assert body["celery"]["ok"] is True and body["celery"]["round_trip_ms"] >= 0


def test_healthz_is_503_and_says_why_when_redis_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.HEALTHZ_TOKEN = "monitor-secret"

    response = client.get("/healthz", HTTP_X_HEALTH_TOKEN="monitor-secret")

    body = response.json()
    assert response.status_code == 503 and body["status"] == "unhealthy"
    assert body["redis"]["ok"] is False and body["celery"] == {"ok": False, "error": "redis is down"}
    assert body["database"]["ok"] is True


def test_a_task_enqueued_on_commit_is_sent_only_after_commit_and_the_worker_runs_it(
        celery_worker, django_capture_on_commit_callbacks):
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.delete(BEAT_KEY)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit(beat_heartbeat)
    time.sleep(0.5)
    assert len(callbacks) == 1 and store.get(BEAT_KEY) is None  # not sent before commit

    callbacks[0]()  # what the commit does
    deadline = time.monotonic() + 10
    while store.get(BEAT_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert store.get(BEAT_KEY) is not None


def test_anyone_sees_whether_it_is_up_but_only_staff_or_the_monitor_see_versions(client, celery_worker, settings, users):
    settings.HEALTHZ_TOKEN = "monitor-secret"
    public = client.get("/healthz").json()
    assert public["status"] == "ok" and public["database"] == {"ok": True} and public["redis"] == {"ok": True}
    assert "round_trip_ms" not in public["celery"]
    assert "postgis" not in client.get("/healthz", HTTP_X_HEALTH_TOKEN="guess").json()["database"]
    users["admin"].is_staff = True
    users["admin"].save()
    client.force_login(users["admin"])
    assert client.get("/healthz").json()["database"]["postgresql"]
