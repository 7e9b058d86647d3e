from celery import shared_task

from gridcase.notifications import services
from gridcase.notifications.models import Delivery

MAX_ATTEMPTS = 6  # the first try and five retries
RETRY_BASE_SECONDS = 30  # then 1, 2, 4 and 8 minutes


@shared_task(bind=True, max_retries=MAX_ATTEMPTS - 1, soft_time_limit=60)
def deliver(self, delivery_id: int) -> None:
    """Send one delivery; if its channel fails, try again later until the delivery is marked failed."""
    try:
        services.delivery_send(delivery_id=delivery_id, max_attempts=MAX_ATTEMPTS)
    except services.DeliveryFailed as exc:
        if exc.delivery.status == Delivery.Status.PENDING:
            raise self.retry(exc=exc, countdown=RETRY_BASE_SECONDS * 2**self.request.retries) from exc


@shared_task(soft_time_limit=60)
def requeue_stale_deliveries() -> int:
    """Periodic: queue again deliveries whose task was lost."""
    return services.deliveries_requeue_stale()


@shared_task(soft_time_limit=60)
def escalate_silent_alerts() -> int:
    """Periodic: send again, and further up, the urgent alerts nobody has acknowledged in time."""
    return services.alerts_escalate_silent()
