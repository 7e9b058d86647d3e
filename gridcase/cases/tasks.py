import logging
from datetime import datetime

from celery import shared_task

from gridcase.cases import demo

log = logging.getLogger(__name__)


@shared_task(soft_time_limit=3600)
def build_demo_month(month: int, months: int, per_village_month: float, today: str) -> int:
    """One month of demo history; load_demo queues one per month so the site is usable at once."""
    count = demo.build_month(month=month, months=months, per_village_month=per_village_month,
                             today=datetime.fromisoformat(today))
    log.info("演示案件：第 %d/%d 个月完成，%d 件", month + 1, months, count)
    return count
