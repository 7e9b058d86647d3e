"""The hazard measure the dashboards show (registered with gridcase.dashboards)."""

from decimal import Decimal

from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from gridcase.dashboards.measures.registry import HIGHER, Figure, Measure, monthly_counts, register
from gridcase.dashboards.periods import local_midnight
from gridcase.hazards.models import Hazard, State


def hazard_rectified_on_time(code: str, period, filters) -> Figure:
    """Hazards whose rectification deadline fell in the period and that were closed (销号) by it ÷ those due."""
    start, end = period.bounds()
    due = Hazard.objects.filter(area_code__startswith=code, deadline__gte=start, deadline__lt=end)
    on_time = due.filter(ON_TIME)
    return Figure(num=on_time.count(), den=due.count())


ON_TIME = Q(state=State.CLOSED) & Q(closed_at__lte=F("deadline"))


def hazard_rectified_on_time_by_month(code: str, first, end, filters) -> dict:
    """The same, per month of the deadline (one statement for a page's periods and sparkline)."""
    due = Hazard.objects.filter(area_code__startswith=code, deadline__gte=local_midnight(first),
                                deadline__lt=local_midnight(end))
    return monthly_counts(due, "deadline", num=ON_TIME)


register(Measure(
    key="hazard_on_time", label=_("隐患按期整改销号率"), unit="%", direction=HIGHER, default_target=Decimal(95),
    definition=_("整改期限落在期间内的隐患中，在期限前已整改验收销号的件数 ÷ 期限落在期间内的隐患件数（批准延期的按延后的期限计）"),
    compute=hazard_rectified_on_time, monthly=hazard_rectified_on_time_by_month, section="hazards"))
