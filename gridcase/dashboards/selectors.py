"""What the dashboard pages read: the territory, its KPI cards, trend, ranking, panels and lists."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import CODE_COLUMNS, get_or_404, jurisdiction_codes
from gridcase.accounts.models import Role
from gridcase.cases.models import OPEN_STATES, Case, CaseEvent
from gridcase.cases.models import Level as CaseLevel
from gridcase.cases.models import State as CaseState
from gridcase.cases.selectors import cases_visible_to
from gridcase.dashboards import charts
from gridcase.dashboards.measures import registry
from gridcase.dashboards.measures.registry import MEASURES, Figure, Filters
from gridcase.dashboards.periods import Period, last_months
from gridcase.dashboards.targets import targets_for
from gridcase.lib import clock

DASHBOARD_ROLES = {Role.COUNTY_ADMIN, Role.TOWN_LEADER, Role.VILLAGE_CADRE}
CHILD_LEVEL = {Level.COUNTY: Level.TOWN, Level.TOWN: Level.VILLAGE, Level.VILLAGE: Level.GRID}
CODE_LENGTH = {Level.COUNTY: 6, Level.TOWN: 9, Level.VILLAGE: 12, Level.GRID: 15}
KPI_KEYS = ["success", "local", "village", "on_time", "satisfaction", "recurrence", "criminal", "volume", "escalated"]
SPARK_MONTHS = 12
LIST_LIMIT = 20
COUNT_CAP = 1000
# Counts whose denominator is the count itself.
PLAIN_COUNTS = {"volume", "criminal", "escalated"}


def home_area(user) -> Area:
    """The territory a leader's dashboard opens on: their own area (a superuser: the county).
    Grid workers, mediators and advisers have no dashboard (403): they work on cases, not rates."""
    if user.is_superuser and not user.area_id:
        return Area.objects.filter(level=Level.COUNTY).order_by("code").first() or _no_dashboard()
    if user.role not in DASHBOARD_ROLES or user.area_id is None:
        _no_dashboard()
    if "area" not in user._state.fields_cache:
        # Without its polygon: every jurisdiction check reads user.area, and a county outline is big.
        user.area = Area.objects.defer("geom").get(pk=user.area_id)
    return user.area


def _no_dashboard():
    raise PermissionDenied("您的角色没有统计分析页面")


def area_for(user, code: str) -> Area:
    """A county, town or village within the user's jurisdiction, else 404."""
    home_area(user)
    area = get_or_404(Area.objects.defer("geom"), user, code=code)
    if area.level == Level.GRID:
        raise Http404("No dashboard for a grid.")
    return area


def kpi_keys() -> list[str]:
    """The case measures first, then whatever other apps registered, in registration order."""
    return KPI_KEYS + [key for key in MEASURES if key not in KPI_KEYS]


@dataclass
class Card:
    measure: registry.Measure
    figure: Figure
    previous: Figure
    target: object
    rag: str
    sparkline: str
    series: list[Figure]

    @property
    def base(self) -> str:
        """What a figure other than a rate is out of, in words; "" for a plain count (its
        denominator is the count itself, so "10/10" or "共 10 件中" would say nothing)."""
        if self.measure.unit == "%" or not self.figure.den or self.measure.key in PLAIN_COUNTS:
            return ""
        if self.measure.unit == registry.MINUTES:
            return _("%(den)s 次签收") % {"den": self.figure.den}
        return _("共 %(den)s 件中") % {"den": self.figure.den}

    @property
    def change(self) -> float | None:
        now, before = self.figure.value, self.previous.value
        return None if now is None or before is None else round(now - before, 1)


def cards(*, area: Area, period: Period, filters: Filters) -> list[Card]:
    """Every measure's card: the period, the one before and the sparkline months asked for at once
    (one grouped read per source: the case rollup, hazards, requests, …)."""
    keys = kpi_keys()
    targets = targets_for(code=area.code)
    months = last_months(period.months()[-1], SPARK_MONTHS)
    found = registry.series(keys, code=area.code, periods=[period, period.previous(), *months], filters=filters)
    result = []
    for key in keys:
        measure = MEASURES[key]
        now, before, *history = found[key]
        rag = registry.rag(measure, now.value, targets.get(key))
        result.append(Card(measure=measure, figure=now, previous=before, target=targets.get(key), rag=rag,
                           sparkline=charts.sparkline([f.value for f in history], colour=charts.RAG_COLOURS[rag]),
                           series=history))
    return result


def trend(*, area: Area, period: Period, filters: Filters, target, success: list[Figure] | None = None) -> dict:
    """The success rate and outcome counts of the last 12 months (`success`: that series, if the
    caller already has it)."""
    months = last_months(period.months()[-1], SPARK_MONTHS)
    if success is None:
        success = registry.series(["success"], code=area.code, periods=months, filters=filters)["success"]
    settled = [f.num for f in success]
    not_settled = [f.den - f.num for f in success]
    first, last = months[0].start, months[-1].start
    return {"svg": charts.trend_chart(months=[m.start for m in months], rates=[f.value for f in success],
                                      settled=settled, not_settled=not_settled,
                                      target=float(target) if target is not None else None),
            "empty": not any(f.den for f in success),
            "span": f"{first.year}年{first.month}月—{last.year}年{last.month}月",
            "rows": list(zip(months, success, strict=True))}


def children(area: Area) -> list[Area]:
    level = CHILD_LEVEL[area.level]
    return list(Area.objects.filter(level=level, code__startswith=area.code).defer("geom").order_by("code"))


def ranking(*, area: Area, period: Period, filters: Filters, target=None) -> list[dict]:
    """Children by success rate (ties by volume), each with its panel shares and whether it misses
    its success target."""
    kids = children(area)
    if not kids:
        return []
    length = CODE_LENGTH[kids[0].level]
    keys = ["success", "volume", "village", "local"]
    figures = registry.children(keys, code=area.code, child_length=length, period=period, filters=filters)
    if target is None:
        target = targets_for(code=area.code).get("success")
    rows = []
    for child in kids:
        f = {key: figures[key].get(child.code, Figure(0, 0, MEASURES[key].unit)) for key in keys}
        settled = f["village"].den
        rows.append({
            "area": child, "success": f["success"], "volume": f["volume"],
            "below": f["success"].value is not None and target is not None and f["success"].value < float(target),
            "settled": settled,
            "in_village": f["village"].num, "in_town": f["local"].num - f["village"].num,
            "above_town": settled - f["local"].num,
            "share_village": _share(f["village"].num, settled), "share_town": _share(f["local"].num - f["village"].num, settled),
            "share_above": _share(settled - f["local"].num, settled),
        })
    rows.sort(key=lambda r: (r["success"].value is None, -(r["success"].value or 0), -r["volume"].num))
    return rows


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _territory_cases(user, area: Area, filters: Filters):
    # An equality on the code column of the area's level (as cases_visible_to does), not a prefix:
    # the planner estimates it right and the lists come from the (code, …) indexes.
    cases = cases_visible_to(user=user).filter(**{CODE_COLUMNS[len(area.code)]: area.code})
    if filters.category:
        cases = cases.filter(category_id=filters.category)
    if filters.source:
        cases = cases.filter(source=filters.source)
    if filters.level:
        cases = cases.filter(level=filters.level)
    return cases


@dataclass(frozen=True)
class CaseLine:
    """A case as the dashboard's lists and the monthly report show it: read as plain values, not as
    model instances (the page lists forty of them on every request)."""

    pk: int
    url: str
    number: str
    title: str
    category: str
    deadline: datetime | None
    level: str
    state: str


def _case_lines(cases) -> list[CaseLine]:
    rows = cases.values_list("pk", "number", "title", "category__name", "deadline", "level", "state")
    return [CaseLine(pk=pk, url=reverse("cases:detail", args=[pk]), number=number, title=title, category=category,
                     deadline=deadline, level=CaseLevel(level).label, state=CaseState(state).label)
            for pk, number, title, category, deadline, level, state in rows]


def overdue(*, user, area: Area, filters: Filters) -> tuple[list[CaseLine], int]:
    """The most overdue open cases, and how many are overdue, counted up to COUNT_CAP (a page
    says "1000+" rather than visit every open case of a county to count them)."""
    cases = (_territory_cases(user, area, filters).filter(state__in=OPEN_STATES, deadline__lt=clock.now())
             .order_by("deadline"))
    return _case_lines(cases[:LIST_LIMIT]), cases.values("pk")[:COUNT_CAP + 1].count()


def escalated(*, user, area: Area, period: Period, filters: Filters,
              total: int | None = None) -> tuple[list[CaseLine], int]:
    """Cases first escalated in the period, most recent first (whatever happened since), and how
    many there were (the `escalated` measure, from the rollup when it can; `total`: that figure, if
    the caller already has it)."""
    start, end = period.bounds()
    earlier = CaseEvent.objects.filter(Q(at__lt=OuterRef("at")) | Q(at=OuterRef("at"), id__lt=OuterRef("id")),
                                       case_id=OuterRef("case_id"), kind="case.escalated")
    # Walk the period's escalations newest first (the (kind, at) index) and keep those of the
    # territory: stops after LIST_LIMIT, never reads the territory's every case.
    events = (CaseEvent.objects.filter(~Exists(earlier), kind="case.escalated", at__gte=start, at__lt=end,
                                       case__in=_territory_cases(user, area, filters))
              .order_by("-at").values_list("case_id", flat=True))
    ids = list(events[:LIST_LIMIT])
    lines = {line.pk: line for line in _case_lines(Case.objects.filter(pk__in=ids))}
    if total is None:
        total = registry.figures(["escalated"], code=area.code, period=period, filters=filters)["escalated"].num
    return [lines[pk] for pk in ids if pk in lines], total


def breadcrumbs(user, area: Area) -> list[Area]:
    codes = jurisdiction_codes(user)
    trail = []
    for length in (6, 9, 12):
        if length <= len(area.code) and any(area.code[:length].startswith(c) for c in codes):
            trail.append(area.code[:length])
    return list(Area.objects.filter(code__in=trail).defer("geom").order_by("code"))
