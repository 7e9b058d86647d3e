import time

import redis
from celery import shared_task
from django.conf import settings

BEAT_KEY = "gridcase:beat:last"


@shared_task(soft_time_limit=10)
def ping() -> str:
    """The health check's round trip: proves a worker is consuming from the broker."""
    return "pong"


@shared_task(soft_time_limit=10)
def beat_heartbeat() -> None:
    """Scheduled by beat; the health check reads how long ago beat last fired."""
    redis.Redis.from_url(settings.REDIS_URL).set(BEAT_KEY, time.time())
