from celery import shared_task

from gridcase.hazards import inspections


@shared_task(soft_time_limit=300)
def create_inspection_tasks() -> int:
    """Hourly (gridcase/schedules.py): each active inspection plan gets its task for the current period, once."""
    return inspections.create_due_tasks()
