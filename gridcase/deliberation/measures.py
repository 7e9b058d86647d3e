"""Deliberation measures for any territory (an area-code prefix) and period [start, end).

Each is computed from the append-only TopicEvent log and the survey, and its definition is the
docstring below and `DEFINITIONS`, which the summary page shows next to the figure.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Avg, Count, F, Min, Q
from django.utils.translation import gettext_lazy as _

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


def _days(delta) -> float | None:
    return round(delta.total_seconds() / 86400, 1) if delta is not None else None


def measures(*, code: str, start: datetime, end: datetime) -> Measures:
    """All deliberation measures of the territory `code` (county, town or village code) in [start, end)."""
    topics = Topic.objects.filter(village_code__startswith=code)
    events = TopicEvent.objects.filter(topic__village_code__startswith=code)
    first_decision = (events.filter(kind="topic.decided").values("topic")
                      .annotate(first=Min("at"), registered=Min("topic__registered_at"))
                      .filter(first__gte=start, first__lt=end))
    decided = first_decision.count()
    to_decision = first_decision.aggregate(avg=Avg(F("first") - F("registered")))["avg"] if decided else None

    completed_events = events.filter(kind="topic.completion_confirmed", at__gte=start, at__lt=end)
    completed = completed_events.values("topic").distinct().count()
    to_completion = _completion_days(topics, events, start, end)

    publicised = set(events.filter(kind="topic.approved", at__gte=start, at__lt=end)
                     .values_list("topic", flat=True))
    objected = set(events.filter(kind="topic.objection_lodged", topic__in=publicised).values_list("topic", flat=True))

    survey = SurveyResponse.objects.filter(topic__village_code__startswith=code, at__gte=start, at__lt=end)
    counts = survey.aggregate(total=Count("*"), good=Count("id", filter=Q(rating__in=["satisfied", "fairly"])))
    return Measures(
        collected=topics.filter(registered_at__gte=start, registered_at__lt=end).count(),
        decided=decided, completed=completed,
        days_to_decision=_days(to_decision), days_to_completion=to_completion,
        objection_rate=len(objected) / len(publicised) if publicised else None,
        objections_topics=len(objected), publicised=len(publicised),
        satisfaction_rate=counts["good"] / counts["total"] if counts["total"] else None, surveyed=counts["total"],
    )


def _completion_days(topics, events, start, end) -> float | None:
    """From the first decision to the confirmed completion, for topics completed in the period."""
    done = topics.filter(completed_at__gte=start, completed_at__lt=end)
    rows = (events.filter(kind="topic.decided", topic__in=done).values("topic")
            .annotate(first=Min("at"), completed=Min("topic__completed_at")))
    deltas = [row["completed"] - row["first"] for row in rows]
    if not deltas:
        return None
    return _days(sum(deltas, start - start) / len(deltas))


def _survey_satisfaction(code: str, period, filters):
    from gridcase.dashboards.measures.registry import Figure

    start, end = period.bounds()
    survey = SurveyResponse.objects.filter(topic__village_code__startswith=code, at__gte=start, at__lt=end)
    counts = survey.aggregate(total=Count("*"), good=Count("id", filter=Q(rating__in=["satisfied", "fairly"])))
    return Figure(num=counts["good"], den=counts["total"])


def _survey_satisfaction_by_month(code: str, first, end, filters) -> dict:
    """The same, per month of the survey (one statement for a page's periods and sparkline)."""
    from gridcase.dashboards.measures.registry import monthly_counts
    from gridcase.dashboards.periods import local_midnight

    survey = SurveyResponse.objects.filter(topic__village_code__startswith=code, at__gte=local_midnight(first),
                                           at__lt=local_midnight(end))
    return monthly_counts(survey, "at", num=Q(rating__in=["satisfied", "fairly"]))


def _register_on_dashboards():
    from decimal import Decimal

    from gridcase.dashboards.measures.registry import HIGHER, Measure, register

    register(Measure(
        key="deliberation_satisfaction", label=_("援法议事满意率"), unit="%", direction=HIGHER,
        default_target=Decimal(90), definition=DEFINITIONS["satisfaction_rate"], compute=_survey_satisfaction,
        monthly=_survey_satisfaction_by_month, section="deliberation"))


_register_on_dashboards()
