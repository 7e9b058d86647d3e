from celery import shared_task
from django.conf import settings

from gridcase.escalation import engine


@shared_task(soft_time_limit=55)
def sweep() -> int:
    """Every minute (gridcase/schedules.py): escalate what has become due. A worker killed midway
    loses only its open batch (rolled back); the next sweep finds those cases still due, and
    RuleFiring's uniqueness keeps the committed ones from firing again."""
    return engine.sweep(batch_size=settings.ESCALATION_SWEEP_BATCH)
