"""The mediation measures (DESIGN §6), each computed from the case event log.

Each measure is one function of (territory code, period, filters) and one piece of SQL over
`cases_caseevent e JOIN cases_case c`: which events count (`where`, in the period by `e.at`), and
what each contributes to the numerator and the denominator. The same SQL answers a single figure,
the figures of every child (grouped by code prefix), the monthly rollup (`rollup.py`, which the
pages read for whole months) and the list of cases behind a figure. The territory is the case's
place (its grid's codes), whatever level handles it; `level` filters on the case's current level.
"""

from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from gridcase.accounts.jurisdiction import CODE_COLUMNS
from gridcase.dashboards.measures.registry import HIGHER, LOWER, NEUTRAL, NO_FILTERS, Figure, Filters, Measure, register
from gridcase.dashboards.periods import Period, local_midnight

RECURRENCE_DAYS = 90


@dataclass(frozen=True)
class CaseSQL:
    where: str
    num: str
    den: str = "1"
    unit: str = "%"


SQL: dict[str, CaseSQL] = {}


def _scope(code: str, filters: Filters, params: dict) -> str:
    clauses = []
    if code:
        clauses.append(f"c.{CODE_COLUMNS[len(code)]} = %(code)s")
        params["code"] = code
    for name in ("category", "source", "level"):
        if value := getattr(filters, name):
            clauses.append(f"c.{'category_id' if name == 'category' else name} = %({name})s")
            params[name] = value
    return " AND ".join(clauses) or "TRUE"


def contributions_sql(key: str, select: str, scope: str) -> str:
    sql = SQL[key]
    return (f"SELECT {select}, COALESCE(SUM({sql.num}), 0) AS num, COALESCE(SUM({sql.den}), 0) AS den"
            f" FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id"
            f" WHERE ({sql.where}) AND e.at >= %(start)s AND e.at < %(end)s AND {scope}")


def live(keys: list[str], *, code: str, period: Period, filters: Filters = NO_FILTERS,
         child_length: int | None = None) -> dict[str, dict[str, Figure]]:
    """{key: {child code or "": Figure}} straight from the event log (one round trip)."""
    start, end = period.bounds()
    params = {"start": start, "end": end, "n": child_length or 0}
    scope = _scope(code, filters, params)
    child = "left(c.area_code, %(n)s)" if child_length else "''"
    parts = [contributions_sql(key, f"'{key}' AS measure, {child} AS child", scope) + " GROUP BY 2" for key in keys]
    result: dict[str, dict[str, Figure]] = {key: {} for key in keys}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for key, child_code, num, den in cursor.fetchall():
            result[key][child_code] = Figure(int(num), int(den), SQL[key].unit)
    return result


def case_set(key: str, part: str, start, end) -> RawSQL:
    """The ids of the cases behind a figure (its numerator or denominator) over [start, end)."""
    sql = SQL[key]
    expression = sql.num if part == "num" else sql.den
    return RawSQL(f"SELECT e.case_id FROM cases_caseevent e JOIN cases_case c ON c.id = e.case_id"
                  f" WHERE ({sql.where}) AND e.at >= %s AND e.at < %s AND ({expression}) > 0",
                  [local_midnight(start), local_midnight(end)])


class CaseProvider:
    """Answers many case measures at once: from the monthly rollup when it can (whole months, a
    territory down to a village, filtered by category at most), else live from the event log."""

    def figures(self, keys, *, code, period, filters):
        rows = self._read(keys, code=code, period=period, filters=filters, child_length=None)
        return {key: rows[key].get("", Figure(0, 0, SQL[key].unit)) for key in keys}

    def children(self, keys, *, code, child_length, period, filters):
        return self._read(keys, code=code, period=period, filters=filters, child_length=child_length)

    def series(self, keys, *, code, periods, filters):
        """Whatever the rollup can answer in one read, the other periods (custom dates…) live, one
        statement each."""
        from gridcase.dashboards import rollup

        rolled = [p for p in periods if rollup.can_answer(code=code, periods=[p], filters=filters, child_length=None)]
        found = rollup.series(keys, code=code, periods=rolled, filters=filters) if rolled else {}
        index = {p: i for i, p in enumerate(rolled)}
        result: dict[str, list[Figure]] = {key: [] for key in keys}
        for period in periods:
            if period in index:
                figures = {key: found[key][index[period]] for key in keys}
            else:
                figures = self.figures(keys, code=code, period=period, filters=filters)
            for key in keys:
                result[key].append(figures[key])
        return result

    def _read(self, keys, *, code, period, filters, child_length):
        from gridcase.dashboards import rollup

        if rollup.can_answer(code=code, periods=[period], filters=filters, child_length=child_length):
            return rollup.read(keys, code=code, period=period, filters=filters, child_length=child_length)
        return live(keys, code=code, period=period, filters=filters, child_length=child_length)


PROVIDER = CaseProvider()


def case_measure(*, key: str, label, definition, where: str, num: str, den: str = "1", unit: str = "%",
                 direction: str = HIGHER, target: int | None = None, amber_margin: int = 5):
    """Register the decorated function as the measure `key`, defined by this SQL."""
    SQL[key] = CaseSQL(where=where, num=num, den=den, unit=unit)

    def wrap(func):
        register(Measure(key=key, label=label, definition=definition, unit=unit, direction=direction,
                         default_target=Decimal(target) if target is not None else None, compute=func,
                         amber_margin=Decimal(amber_margin), provider=PROVIDER,
                         case_sets={"num": partial(case_set, key, "num"), "den": partial(case_set, key, "den")}))
        return func

    return wrap


def _one(key: str, code: str, period: Period, filters: Filters) -> Figure:
    return PROVIDER.figures([key], code=code, period=period, filters=filters)[key]


ENDED = "e.kind = 'case.settled' OR (e.kind = 'case.referred' AND e.from_state IN ('failed', 'mediating'))"


@case_measure(
    key="success", label=_("调解成功率"), target=90, where=ENDED, num="(e.kind = 'case.settled')::int",
    definition=_("调解成功件数 ÷ 调解结束件数。调解结束：期内调解成功，或调解不成（含调解中）后转办出调解渠道；"
                 "调解不成后上报上级继续调解的，以最终结果计，每件只计一次，按结束日期计入统计周期。"))
def success_rate(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Mediation success rate: settled ÷ (settled + referred after failing or while mediating)."""
    return _one("success", code, period, filters)


@case_measure(
    key="village", label=_("小事不出村率"), target=None, where="e.kind = 'case.settled'",
    num="(e.level = 'village')::int",
    definition=_("在村（社区）级调解成功的件数 ÷ 期内调解成功的全部件数（按调解成功时的办理层级）。"))
def settled_in_village(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Share of settlements made at village level."""
    return _one("village", code, period, filters)


@case_measure(
    key="local", label=_("就地化解率（大事不出镇）"), target=95, where="e.kind = 'case.settled'",
    num="(e.level IN ('village', 'town'))::int",
    definition=_("在村级或乡镇（街道）级调解成功的件数 ÷ 期内调解成功的全部件数；上报到县级才化解的不计入分子。"))
def settled_locally(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Share of settlements made at village or town level (就地化解率)."""
    return _one("local", code, period, filters)


@case_measure(
    key="on_time", label=_("按期办结率"), target=None,
    where="e.kind IN ('case.settled', 'case.referred')", num="(c.deadline IS NULL OR e.at <= c.deadline)::int",
    definition=_("在办理期限内办结的件数 ÷ 期内办结件数。办结：调解成功或转办（其后的回访、结案不计入办理期限）；"
                 "期限为案件当前层级的办理期限，未设期限的视为按期。"))
def on_time_rate(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Handled (settled or referred) by the deadline ÷ handled."""
    return _one("on_time", code, period, filters)


@case_measure(
    key="satisfaction", label=_("回访满意率"), target=90, where="e.kind = 'case.followed_up'",
    num="(e.data->>'satisfaction' IN ('satisfied', 'fairly'))::int",
    definition=_("回访结果为“满意”或“基本满意”的件数 ÷ 期内回访件数（按回访记录时间）。"))
def satisfaction_rate(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """(satisfied + fairly satisfied) ÷ follow-ups."""
    return _one("satisfaction", code, period, filters)


@case_measure(
    key="recurrence", label=_("重复纠纷"), unit="件", direction=LOWER, target=None, amber_margin=0,
    where="e.kind = 'case.settled'",
    num=f"""(EXISTS (SELECT 1 FROM cases_caseevent r WHERE r.case_id = e.case_id AND r.at > e.at
                     AND r.at <= e.at + interval '{RECURRENCE_DAYS} days'
                     AND (r.kind = 'case.recurred'
                          OR (r.kind = 'case.followed_up' AND (r.data->>'recurred')::boolean))))::int""",
    definition=_("期内调解成功的案件中，调解成功后 90 天内纠纷复发的件数（复发重新登记，或回访记录“纠纷反复”）。"
                 "分母为期内调解成功件数。"))
def recurrences(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Settled cases whose dispute came back within 90 days of settling."""
    return _one("recurrence", code, period, filters)


@case_measure(
    key="criminal", label=_("民转刑案件"), unit="件", direction=LOWER, target=0, amber_margin=0,
    where="e.kind = 'case.referred' AND e.data->>'to' = 'police' AND c.violence_risk", num="1",
    definition=_("期内标记有民转刑风险、并转公安机关（警调联动）处理的纠纷件数。目标为 0。"))
def civil_to_criminal(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Disputes flagged with a risk of violence that went to the police."""
    return _one("criminal", code, period, filters)


@case_measure(
    key="volume", label=_("纠纷登记量"), unit="件", direction=NEUTRAL, where="e.kind = 'case.registered'", num="1",
    definition=_("期内登记的矛盾纠纷件数（按登记时间，含后来合并、不予受理的）。"))
def registered(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Cases registered in the period."""
    return _one("volume", code, period, filters)


# A case counts once, at its first escalation: so the figure is the number of cases its list shows,
# and a year is the sum of its months.
FIRST_ESCALATION = """e.kind = 'case.escalated' AND NOT EXISTS (
    SELECT 1 FROM cases_caseevent p WHERE p.case_id = e.case_id AND p.kind = 'case.escalated'
    AND (p.at, p.id) < (e.at, e.id))"""


@case_measure(
    key="escalated", label=_("上报件数"), unit="件", direction=NEUTRAL, where=FIRST_ESCALATION, num="1",
    definition=_("期内首次上报上一级（村→乡镇、乡镇→县）的案件件数，含规则自动上报；每件按首次上报计一次，"
                 "此后再上报（如乡镇→县）不重复计数。"))
def escalations(code: str, period: Period, filters: Filters = NO_FILTERS) -> Figure:
    """Cases escalated to the next level for the first time in the period."""
    return _one("escalated", code, period, filters)


CASE_KEYS = list(SQL)
TZ = settings.TIME_ZONE
