from celery import shared_task

from gridcase.outbox import services


@shared_task(soft_time_limit=120)
def relay() -> int:
    """Periodic: send the tasks that waited in the outbox while the broker was down."""
    return services.relay()
