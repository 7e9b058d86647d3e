from datetime import datetime

from celery import shared_task

from gridcase.hazards import inspections


@shared_task(soft_time_limit=300)
def create_inspection_tasks() -> int:
    """Hourly (gridcase/schedules.py): each active inspection plan gets its task for the current period, once."""
    return inspections.create_due_tasks()


@shared_task(soft_time_limit=3600)
def build_demo(today: str) -> int:
    """The demo hazards, queued by load_demo so that the site is usable at once."""
    from gridcase.hazards import demo

    return demo.build(today=datetime.fromisoformat(today))
