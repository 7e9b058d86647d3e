from celery import shared_task

from gridcase.escalation import engine


@shared_task(soft_time_limit=55)
def sweep() -> int:
    """Every minute (gridcase/schedules.py): escalate what has become due."""
    return engine.sweep()
