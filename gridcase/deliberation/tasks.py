import logging

from celery import shared_task

from gridcase.deliberation import services

log = logging.getLogger(__name__)


@shared_task(soft_time_limit=300)
def sweep() -> dict:
    """Publicity periods that ended move their topics on; overdue execution is reminded (once)."""
    done = services.sweep()
    if any(done.values()):
        log.info("援法议事：公示期满 %(publicity_ended)d 项，执行逾期提醒 %(overdue_reminded)d 项", done)
    return done
