"""Deliberation measures for any territory (an area-code prefix) and period [start, end).

Each is one function below, from the append-only TopicEvent log and the survey, whose definition is
its docstring and `DEFINITIONS` (shown next to the figure). A function lists what counts in the
period as rows (when it counts, numerator, denominator): summed, they are the period's figure;
summed per month, the dashboards' month-by-month series from the same one query. The same functions
serve the summary page (`measures`) and the dashboards (registered at the end: counts in 件, the
average days as sum ÷ count in 天, rates in %).
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gridcase.dashboards.measures.registry import DAYS, HIGHER, LOWER, NEUTRAL, Figure, Measure, register
from gridcase.dashboards.periods import local_midnight
from gridcase.deliberation.conf import SATISFACTION_TARGET
from gridcase.deliberation.models import SurveyResponse, Topic, TopicEvent

DEFINITIONS = {
    "collected": _("统计期内登记（征集）的议题数"),
    "decided": _("统计期内经议事会首次议决的议题数（以“议事会议决”事件时间计）"),
    "completed": _("统计期内经监督小组确认完成的议题数"),
    "days_to_decision": _("统计期内首次议决的议题，从登记到首次议决的平均天数"),
    "days_to_completion": _("统计期内确认完成的议题，从首次议决到确认完成的平均天数"),
    "objection_rate": _("统计期内开始公示的议题中，公示期间收到至少一条异议的比例：有异议议题数 ÷ 开始公示议题数"),
    "satisfaction_rate": _("统计期内登记的满意度测评中（满意 + 基本满意）÷ 全部测评，目标 ≥ 90%"),
}


@dataclass
class Measures:
    collected: int
    decided: int
    completed: int
    days_to_decision: float | None
    days_to_completion: float | None
    objection_rate: float | None
    objections_topics: int
    publicised: int
    satisfaction_rate: float | None
    surveyed: int
    satisfaction_target: float = SATISFACTION_TARGET

    @property
    def objection_percent(self) -> float | None:
        return None if self.objection_rate is None else round(self.objection_rate * 100, 1)

    @property
    def satisfaction_percent(self) -> float | None:
        return None if self.satisfaction_rate is None else round(self.satisfaction_rate * 100, 1)

    @property
    def satisfaction_met(self) -> bool:
        return self.satisfaction_rate is not None and self.satisfaction_rate >= self.satisfaction_target


Row = tuple[datetime, float, int]  # when it counts, its numerator, its denominator
GOOD = ("satisfied", "fairly")


def _in(code: str):
    return (Topic.objects.filter(village_code__startswith=code),
            TopicEvent.objects.filter(topic__village_code__startswith=code))


def _days(delta) -> float:
    return delta.total_seconds() / 86400


def collected(code: str, start: datetime, end: datetime) -> list[Row]:
    """Topics registered (collected) in the period."""
    topics, _events = _in(code)
    return [(at, 1, 0) for at in topics.filter(registered_at__gte=start, registered_at__lt=end)
            .values_list("registered_at", flat=True)]


def _first_decisions(code: str, start: datetime, end: datetime):
    _topics, events = _in(code)
    return (events.filter(kind="topic.decided").values("topic")
            .annotate(first=Min("at"), registered=Min("topic__registered_at")).filter(first__gte=start, first__lt=end))


def decided(code: str, start: datetime, end: datetime) -> list[Row]:
    """Topics decided by a meeting for the first time in the period (a decision sent back by the
    legal review and decided again counts once, when first decided)."""
    return [(row["first"], 1, 0) for row in _first_decisions(code, start, end)]


def days_to_decision(code: str, start: datetime, end: datetime) -> list[Row]:
    """Of the topics first decided in the period: the days from registration to that decision,
    summed (num) over the topics (den); the figure is the average."""
    return [(row["first"], _days(row["first"] - row["registered"]), 1) for row in _first_decisions(code, start, end)]


def completed(code: str, start: datetime, end: datetime) -> list[Row]:
    """Topics whose completion the oversight group confirmed in the period."""
    _topics, events = _in(code)
    done = (events.filter(kind="topic.completion_confirmed", at__gte=start, at__lt=end).values("topic")
            .annotate(first=Min("at")))
    return [(row["first"], 1, 0) for row in done]


def days_to_completion(code: str, start: datetime, end: datetime) -> list[Row]:
    """Of the topics completed in the period: the days from their first decision to the confirmed
    completion, summed over the topics; the figure is the average."""
    topics, events = _in(code)
    done = topics.filter(completed_at__gte=start, completed_at__lt=end)
    rows = (events.filter(kind="topic.decided", topic__in=done).values("topic")
            .annotate(first=Min("at"), completed=Min("topic__completed_at")))
    return [(row["completed"], _days(row["completed"] - row["first"]), 1) for row in rows]


def objection_rate(code: str, start: datetime, end: datetime) -> list[Row]:
    """Topics whose publicity began in the period (legal review approved) that received at least
    one objection ÷ those topics."""
    _topics, events = _in(code)
    publicised = dict(events.filter(kind="topic.approved", at__gte=start, at__lt=end).values("topic")
                      .annotate(first=Min("at")).values_list("topic", "first"))
    objected = set(events.filter(kind="topic.objection_lodged", topic__in=publicised).values_list("topic", flat=True))
    return [(at, int(topic in objected), 1) for topic, at in publicised.items()]


def satisfaction(code: str, start: datetime, end: datetime) -> list[Row]:
    """Survey responses recorded in the period that are 满意 or 基本满意 ÷ all responses."""
    survey = SurveyResponse.objects.filter(topic__village_code__startswith=code, at__gte=start, at__lt=end)
    return [(at, int(rating in GOOD), 1) for at, rating in survey.values_list("at", "rating")]


def _figure(rows: list[Row], unit: str = "%") -> Figure:
    return Figure(num=sum(num for _at, num, _den in rows), den=sum(den for _at, _num, den in rows), unit=unit)


def measures(*, code: str, start: datetime, end: datetime) -> Measures:
    """All deliberation measures of the territory `code` (county, town or village code) in [start, end)."""
    objections, survey = _figure(objection_rate(code, start, end)), _figure(satisfaction(code, start, end))
    return Measures(
        collected=len(collected(code, start, end)), decided=len(decided(code, start, end)),
        completed=len(completed(code, start, end)),
        days_to_decision=_average(_figure(days_to_decision(code, start, end), DAYS)),
        days_to_completion=_average(_figure(days_to_completion(code, start, end), DAYS)),
        objection_rate=objections.num / objections.den if objections.den else None,
        objections_topics=objections.num, publicised=objections.den,
        satisfaction_rate=survey.num / survey.den if survey.den else None, surveyed=survey.den,
    )


def _average(figure: Figure) -> float | None:
    return None if figure.value is None else round(figure.value, 1)


def _for_period(rows, unit: str):
    """The dashboards' signature: (code, period, filters) → the period's figure."""
    def figure(code: str, period, filters=None) -> Figure:
        return _figure(rows(code, *period.bounds()), unit)

    figure.__doc__ = rows.__doc__
    return figure


def _by_month(rows):
    """The dashboards' `monthly`: (code, first, end, filters) → {local month: (num, den)}, one query."""
    def months(code: str, first, end, filters=None) -> dict:
        totals: dict = {}
        for at, num, den in rows(code, local_midnight(first), local_midnight(end)):
            month = timezone.localtime(at).date().replace(day=1)
            before = totals.get(month, (0, 0))
            totals[month] = (before[0] + num, before[1] + den)
        return totals

    return months


DASHBOARD = [
    # key, label, function, unit, direction, default target
    ("deliberation_collected", _("议题征集数"), "collected", collected, "件", NEUTRAL, None),
    ("deliberation_decided", _("议题议决数"), "decided", decided, "件", NEUTRAL, None),
    ("deliberation_completed", _("议定事项完成数"), "completed", completed, "件", NEUTRAL, None),
    ("deliberation_days_to_decision", _("议题平均议决天数"), "days_to_decision", days_to_decision, DAYS, LOWER, None),
    ("deliberation_days_to_completion", _("议定事项平均完成天数"), "days_to_completion", days_to_completion, DAYS,
     LOWER, None),
    # Objections are residents' say, neither good nor bad in themselves: shown, not coloured.
    ("deliberation_objection_rate", _("公示异议率"), "objection_rate", objection_rate, "%", NEUTRAL, None),
    ("deliberation_satisfaction", _("援法议事满意率"), "satisfaction_rate", satisfaction, "%", HIGHER,
     Decimal(90)),
]
for key, label, definition, rows, unit, direction, target in DASHBOARD:
    register(Measure(key=key, label=label, definition=DEFINITIONS[definition], compute=_for_period(rows, unit),
                     monthly=_by_month(rows), unit=unit, direction=direction, default_target=target,
                     section="deliberation"))
