"""The resident-request measure the dashboards show (registered with gridcase.dashboards)."""

from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from gridcase.dashboards.measures.registry import HIGHER, Figure, Measure, monthly_counts, register
from gridcase.dashboards.periods import local_midnight
from gridcase.requests.models import Request, Satisfaction


def request_satisfaction(code: str, period, filters) -> Figure:
    """Requests closed in the period whose reporter was satisfied or fairly satisfied ÷ those closed with an answer."""
    start, end = period.bounds()
    closed = Request.objects.filter(village_code__startswith=code, closed_at__gte=start, closed_at__lt=end)
    counts = closed.exclude(satisfaction="").aggregate(
        total=Count("id"), good=Count("id", filter=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.FAIRLY])))
    return Figure(num=counts["good"], den=counts["total"])


def request_satisfaction_by_month(code: str, first, end, filters) -> dict:
    """The same, per month of closing (one statement for a page's periods and sparkline)."""
    closed = Request.objects.filter(village_code__startswith=code, closed_at__gte=local_midnight(first),
                                    closed_at__lt=local_midnight(end)).exclude(satisfaction="")
    return monthly_counts(closed, "closed_at", num=Q(satisfaction__in=[Satisfaction.SATISFIED, Satisfaction.FAIRLY]))


register(Measure(
    key="request_satisfaction", label=_("民情诉求满意率"), unit="%", direction=HIGHER, default_target=Decimal(90),
    definition=_("期间内办结的诉求中，反映人评价“满意”或“基本满意”的件数 ÷ 办结且有评价的件数"),
    compute=request_satisfaction, monthly=request_satisfaction_by_month, section="requests"))
