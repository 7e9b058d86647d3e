"""Every periodic task, in one place (read by settings as CELERY_BEAT_SCHEDULE)."""

BEAT_HEARTBEAT_SECONDS = 60

CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "gridcase.front.tasks.beat_heartbeat", "schedule": BEAT_HEARTBEAT_SECONDS},
    "escalation-sweep": {"task": "gridcase.escalation.tasks.sweep", "schedule": 60},
    "dashboards-refresh-rollup": {"task": "gridcase.dashboards.tasks.refresh_rollup", "schedule": 600},
    "notifications-requeue-stale": {"task": "gridcase.notifications.tasks.requeue_stale_deliveries", "schedule": 600},
}
