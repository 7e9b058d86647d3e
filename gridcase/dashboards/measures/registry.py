"""The measures the dashboards show, by key. A measure is a function of (territory code, period,
filters) returning a `Figure` (numerator, denominator, value), with its definition text (shown next
to the figure), unit, direction and default target. The mediation measures are in `cases.py`.

Another app adds its measures in a module `<app>/measures.py` (found by DashboardsConfig.ready):

    from gridcase.dashboards.measures.registry import Figure, Measure, register

    def patrol_compliance(code: str, period, filters) -> Figure:
        '''Key areas under `code` with ≥ N patrols in every week of the period ÷ key areas.'''
        ...
        return Figure(num=met, den=key_areas, unit="%")

    register(Measure(key="patrol_compliance", label=_("重点地区巡逻达标率"), unit="%", direction=HIGHER,
                     default_target=Decimal(100), definition=_("…"), compute=patrol_compliance,
                     section="patrols"))

Such a measure gets a KPI card, a sparkline, a ranking of children, a target editable per county and
town and the green/amber/red colour with no change here; the default `SimpleProvider` calls the
function once per territory and period. A family of measures that can answer many at once (as the
case measures do from their rollup) supplies its own provider.

A measure may also give `monthly`: the same figure month by month, from one grouped query,

    def patrol_compliance_by_month(code: str, first: date, end: date, filters) -> dict[date, tuple[int, int]]:
        '''{first day of a month in [first, end): (num, den)}, so that summing a period's months
        gives what `patrol_compliance(code, period, filters)` gives for that period.'''

and then a page's current period, previous period and twelve sparkline months cost that one query
instead of fourteen (`series`). It is used only for whole-month periods; `compute` stays the
definition, and tests/dashboards/test_registry.py checks that the two agree for every measure.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Protocol

HIGHER, LOWER, NEUTRAL = "higher", "lower", ""
# The unit of an average in days: `num` is the sum of the days (a float), `den` how many were averaged.
DAYS = "天"
# The unit of a percentile in minutes: `num` is the minutes, `den` how many were measured.
MINUTES = "分钟"


@dataclass(frozen=True)
class Filters:
    category: int | None = None
    source: str = ""
    level: str = ""

    def query(self) -> str:
        parts = [f"category={self.category}" if self.category else "", f"source={self.source}" if self.source else "",
                 f"level={self.level}" if self.level else ""]
        return "&".join(p for p in parts if p)


NO_FILTERS = Filters()


@dataclass(frozen=True)
class Figure:
    num: int
    den: int
    unit: str = "%"

    @property
    def value(self) -> float | None:
        """A percentage for rates, the average for days (None when nothing was counted), the numerator for counts."""
        if self.unit == DAYS:
            return self.num / self.den if self.den else None
        if self.unit == MINUTES:
            return float(self.num) if self.den else None
        if self.unit != "%":
            return float(self.num)
        return 100.0 * self.num / self.den if self.den else None


class Provider(Protocol):
    def figures(self, keys: list[str], *, code: str, period, filters: Filters) -> dict[str, Figure]: ...

    def children(self, keys: list[str], *, code: str, child_length: int, period,
                 filters: Filters) -> dict[str, dict[str, Figure]]: ...

    def series(self, keys: list[str], *, code: str, periods: list, filters: Filters) -> dict[str, list[Figure]]: ...


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str
    unit: str  # "%", "件", DAYS (an average) or MINUTES (a percentile)
    direction: str  # HIGHER / LOWER is better, or NEUTRAL (no colour)
    default_target: Decimal | None
    compute: Callable[..., Figure]  # (code, period, filters) -> Figure
    section: str = "cases"
    # How far below (above, for LOWER) the target is still amber rather than red.
    amber_margin: Decimal = Decimal(5)
    provider: Provider | None = field(default=None, compare=False)
    # Named case sets for the list behind the figure: {"num": name, "den": name} (cases.selectors.CASE_SETS).
    case_sets: dict[str, Callable] = field(default_factory=dict, compare=False)
    # (code, first month, end month, filters) -> {month: (num, den)}: the figure month by month (see above).
    monthly: Callable[..., dict[date, tuple[int, int]]] | None = field(default=None, compare=False)


class SimpleProvider:
    """Calls each measure's function once per territory (what a measure without a batch path gets)."""

    def figures(self, keys, *, code, period, filters):
        return {key: MEASURES[key].compute(code, period, filters) for key in keys}

    def children(self, keys, *, code, child_length, period, filters):
        from geodata.models import Area

        children = Area.objects.filter(code__startswith=code, code__regex=rf"^\d{{{child_length}}}$")
        codes = list(children.values_list("code", flat=True))
        return {key: {child: MEASURES[key].compute(child, period, filters) for child in codes} for key in keys}

    def series(self, keys, *, code, periods, filters):
        return {key: self._series(MEASURES[key], code, periods, filters) for key in keys}

    @staticmethod
    def _series(measure: Measure, code: str, periods: list, filters: Filters) -> list[Figure]:
        whole = [p for p in periods if p.aligned] if measure.monthly else []
        months = measure.monthly(code, min(p.start for p in whole), max(p.end for p in whole), filters) if whole else {}
        return [sum_months(months, period, measure.unit) if period in whole else measure.compute(code, period, filters)
                for period in periods]


def monthly_counts(rows, field: str, *, num, den=None) -> dict[date, tuple[int, int]]:
    """{local month: (rows matching `num`, rows matching `den` or all)} of a queryset, grouped by the
    local month of its datetime `field`: one statement, for a measure's `monthly`."""
    from django.db.models import Count
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    counted = (rows.annotate(month=TruncMonth(field, tzinfo=timezone.get_default_timezone())).values("month")
               .annotate(num=Count("pk", filter=num), den=Count("pk", filter=den) if den is not None else Count("pk"))
               .order_by())
    return {timezone.localtime(row["month"]).date(): (row["num"], row["den"]) for row in counted}


def sum_months(months: dict[date, tuple[int, int]], period, unit: str) -> Figure:
    """A whole-month period's figure from {month: (num, den)}."""
    num = den = 0
    for month in period.months():
        n, d = months.get(month, (0, 0))
        num, den = num + n, den + d
    return Figure(num, den, unit)


MEASURES: dict[str, Measure] = {}
_SIMPLE = SimpleProvider()


def register(measure: Measure) -> Measure:
    if measure.key in MEASURES and MEASURES[measure.key] != measure:
        raise ValueError(f"measure {measure.key!r} registered twice")
    MEASURES[measure.key] = measure
    return measure


def provider_of(measure: Measure) -> Provider:
    return measure.provider or _SIMPLE


def by_provider(keys: list[str]) -> dict[Provider, list[str]]:
    groups: dict = {}
    for key in keys:
        groups.setdefault(provider_of(MEASURES[key]), []).append(key)
    return groups


def figures(keys: list[str], *, code: str, period, filters: Filters = NO_FILTERS) -> dict[str, Figure]:
    result = {}
    for provider, group in by_provider(keys).items():
        result.update(provider.figures(group, code=code, period=period, filters=filters))
    return result


def children(keys: list[str], *, code: str, child_length: int, period,
             filters: Filters = NO_FILTERS) -> dict[str, dict[str, Figure]]:
    result = {}
    for provider, group in by_provider(keys).items():
        result.update(provider.children(group, code=code, child_length=child_length, period=period, filters=filters))
    return result


def series(keys: list[str], *, code: str, periods: list, filters: Filters = NO_FILTERS) -> dict[str, list[Figure]]:
    """Each measure for each of `periods`, in their order (any periods: a page asks for the current
    one, the previous one and the sparkline months at once, a few statements per provider)."""
    result = {}
    for provider, group in by_provider(keys).items():
        result.update(provider.series(group, code=code, periods=periods, filters=filters))
    return result


def rag(measure: Measure, value: float | None, target: Decimal | None) -> str:
    """green: meets the target; amber: misses it by at most `amber_margin` (percentage points for
    rates, cases for counts); red: misses it by more; "" when there is no target or no value."""
    if value is None or target is None or measure.direction == NEUTRAL:
        return ""
    gap = float(target) - value if measure.direction == HIGHER else value - float(target)
    if gap <= 0:
        return "green"
    return "amber" if gap <= float(measure.amber_margin) else "red"


def link_case_sets() -> None:
    """Let the case list show the cases behind each figure (cases.selectors.CASE_SETS)."""
    from gridcase.cases.selectors import CASE_SETS

    for measure in MEASURES.values():
        for part, case_set in measure.case_sets.items():
            CASE_SETS[f"{measure.key}.{part}"] = case_set
