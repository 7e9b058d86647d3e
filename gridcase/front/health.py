"""The checks behind /healthz: each returns a dict with "ok" and what it found."""

import time

import redis
from celery.exceptions import TimeoutError as CeleryTimeout
from django.conf import settings
from django.db import connection

from gridcase.front.tasks import BEAT_KEY, ping


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT PostGIS_Lib_Version(), current_setting('server_version')")
            postgis, server = cursor.fetchone()
        return {"ok": True, "postgresql": server, "postgis": postgis}
    except Exception as exc:  # any failure is a finding, not a crash
        return {"ok": False, "error": str(exc)[:200]}


def check_redis() -> dict:
    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
        client.ping()
        return {"ok": True}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def check_celery() -> dict:
    started = time.monotonic()
    try:
        result = ping.apply_async(expires=settings.HEALTHZ_CELERY_TIMEOUT)
        answer = result.get(timeout=settings.HEALTHZ_CELERY_TIMEOUT)
        return {"ok": answer == "pong", "round_trip_ms": round((time.monotonic() - started) * 1000)}
    except CeleryTimeout:
        return {"ok": False, "error": f"no worker answered within {settings.HEALTHZ_CELERY_TIMEOUT} s"}
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}


def check_beat() -> dict:
    """Informational: beat fires a heartbeat every minute; this says how long ago it last did."""
    try:
        last = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).get(BEAT_KEY)
    except Exception as exc:
        return {"ok": False, "error": str(exc)[:200]}
    if last is None:
        return {"ok": False, "error": "no heartbeat seen yet"}
    return {"ok": True, "last_heartbeat_seconds_ago": round(time.time() - float(last))}


def health(*, details: bool = True) -> tuple[bool, dict]:
    checks = {"database": check_database(), "redis": check_redis()}
    checks["celery"] = check_celery() if checks["redis"]["ok"] else {"ok": False, "error": "redis is down"}
    checks["beat"] = check_beat() if checks["redis"]["ok"] else {"ok": False, "error": "redis is down"}
    healthy = all(checks[name]["ok"] for name in ("database", "redis", "celery"))
    if not details:  # versions and errors help an attacker; a load balancer needs only the verdicts
        checks = {name: {"ok": check["ok"]} for name, check in checks.items()}
    return healthy, {"status": "ok" if healthy else "unhealthy", **checks}
