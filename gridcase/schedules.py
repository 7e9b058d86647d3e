"""Every periodic task, in one place (read by settings as CELERY_BEAT_SCHEDULE)."""

from gridcase.lib.env import envint

BEAT_HEARTBEAT_SECONDS = 60

CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "gridcase.front.tasks.beat_heartbeat", "schedule": BEAT_HEARTBEAT_SECONDS},
    # The rules of every kind: cases, hazards, request deadlines, deliberation publicity and execution.
    "escalation-sweep": {"task": "gridcase.escalation.tasks.sweep", "schedule": 60},
    "outbox-relay": {"task": "gridcase.outbox.tasks.relay", "schedule": envint("OUTBOX_RELAY_SECONDS", 10)},
    "hazards-inspection-tasks": {"task": "gridcase.hazards.tasks.create_inspection_tasks", "schedule": 3600},
    # Rebuilds only the months changes marked dirty; until then those months are computed live.
    "dashboards-refresh-rollup": {"task": "gridcase.dashboards.tasks.refresh_rollup", "schedule": 120},
    "notifications-requeue-stale": {"task": "gridcase.notifications.tasks.requeue_stale_deliveries", "schedule": 30},
    "alerts-escalate-silent": {"task": "gridcase.notifications.tasks.escalate_silent_alerts",
                               "schedule": envint("ALERT_SWEEP_SECONDS", 60)},
}
