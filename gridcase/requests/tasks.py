from celery import shared_task

from gridcase.requests import services


@shared_task(soft_time_limit=300)
def remind_deadlines():
    """Deadline reminders and overdue notices for requests (each sent once; see services.requests_remind).
    A plain beat task for now: the rules engine is being generalised to other kinds of object."""
    reminded, overdue = services.requests_remind()
    return {"reminded": reminded, "overdue": overdue}
