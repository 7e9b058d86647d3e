"""The patrol measure the dashboards show (registered with gridcase.dashboards)."""

from datetime import timedelta
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from gridcase.dashboards.measures.registry import HIGHER, Figure, Measure, register
from gridcase.lib import clock
from gridcase.patrols.selectors import key_area_compliance, key_area_compliance_by_week, week_of


def _weeks(start, end) -> tuple:
    """The Mondays of the ISO weeks that start in [start, end) and have ended: [first, last)."""
    week = week_of(start)
    if week < start:
        week += timedelta(days=7)
    return week, min(end, week_of(clock.today()))


def key_area_patrol_compliance(code: str, period, filters) -> Figure:
    """Key-area weeks meeting their patrol requirement ÷ key-area weeks, over the ISO weeks that start
    in the period and have ended (a week still running is not judged yet)."""
    met = total = 0
    week, last = _weeks(period.start, period.end)
    while week < last:
        areas = key_area_compliance(territory=code, week_start=week)
        met += sum(area.met for area in areas)
        total += len(areas)
        week += timedelta(days=7)
    return Figure(num=met, den=total)


def key_area_patrol_compliance_by_month(code: str, first, end, filters) -> dict:
    """The same, each week counted in the month its Monday falls in (one statement for a page's periods)."""
    first_week, last = _weeks(first, end)
    months: dict = {}
    for week, (met, total) in key_area_compliance_by_week(territory=code, first_week=first_week, end_week=last).items():
        n, d = months.get(week.replace(day=1), (0, 0))
        months[week.replace(day=1)] = (n + met, d + total)
    return months


register(Measure(
    key="patrol_compliance", label=_("重点地区巡逻达标率"), unit="%", direction=HIGHER, default_target=Decimal(100),
    definition=_("期间内已结束的每个自然周，重点地区的巡逻次数（轨迹经过该地区的巡逻）达到其每周要求（默认 3 次）的"
                 "“地区·周”数 ÷ 全部“地区·周”数"),
    compute=key_area_patrol_compliance, monthly=key_area_patrol_compliance_by_month, section="patrols"))
