"""The monthly rollup of the case measures (`MeasureMonth`), so that a dashboard sums a few
thousand small rows instead of joining a month of events to their cases on every request.

Correct by construction: every change to a case's history marks the months it can change as dirty
(`DirtyMonth`, written by triggers in the same transaction, whatever the month's age: late entries,
demo history, imports). A period that touches a dirty month is computed live; `refresh_dirty`
(Celery beat) rebuilds just those months. Whatever else the rollup cannot answer — custom dates, a
grid, filters by source or level — is computed live from the event log with the same SQL
(`measures.cases.live`), which the tests compare with the rollup.
"""

import time
from datetime import date

from django.conf import settings
from django.db import connection, transaction

from gridcase.dashboards.measures.cases import SQL, contributions_sql
from gridcase.dashboards.measures.registry import Figure, Filters, sum_months
from gridcase.dashboards.models import RollupState
from gridcase.dashboards.periods import Period, _add_months, local_midnight
from gridcase.lib import clock

ROLLUP_LOCK = 72_000_601
EVER, NEVER = date(1900, 1, 1), date(9999, 1, 1)


def _rebuild(cursor, start: date, end: date) -> int:
    """Recompute the rollup rows of the months in [start, end); returns the rows written."""
    params = {"tz": settings.TIME_ZONE, "start": local_midnight(start), "end": local_midnight(end)}
    cursor.execute("DELETE FROM dashboards_measuremonth WHERE month >= %s AND month < %s", [start, end])
    written = 0
    for key in SQL:
        select = (f"(date_trunc('month', e.at AT TIME ZONE %(tz)s))::date AS month, c.village_code,"
                  f" c.category_id, '{key}'")
        cursor.execute(
            "INSERT INTO dashboards_measuremonth (month, village_code, category_id, measure, num, den) "
            + contributions_sql(key, select, "TRUE")
            + " GROUP BY GROUPING SETS ((1, 2, 3), (1, 2))", params)
        written += cursor.rowcount
    cursor.execute("DELETE FROM dashboards_measuremonth WHERE num = 0 AND den = 0 AND month >= %s AND month < %s",
                   [start, end])
    return written


def _refreshed(since: date) -> None:
    RollupState.objects.update_or_create(pk=1, defaults={"refreshed_at": clock.now(), "since": since})
    transaction.on_commit(forget)
    forget()


def refresh(*, since: date | None = None) -> int:
    """Rebuild every month from `since` on (all months if None); returns the rows written."""
    since = since or EVER
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])  # one refresh at a time
        cursor.execute("DELETE FROM dashboards_dirtymonth WHERE month >= %s", [since])
        written = _rebuild(cursor, since, NEVER)
        _refreshed(since)
    return written


def refresh_dirty() -> int:
    """Rebuild the months marked dirty (none: nothing to do, and the cache generation stays)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
        # Taking the marks waits for a change still holding one; the rebuild's statements then see it.
        cursor.execute("DELETE FROM dashboards_dirtymonth RETURNING month")
        months = sorted(month for (month,) in cursor.fetchall())
        if not months:
            return 0
        written = 0
        for start, end in _runs(months):
            written += _rebuild(cursor, start, end)
        _refreshed(months[0])
    return written


def _runs(months: list[date]) -> list[tuple[date, date]]:
    """Consecutive months as [start, end) ranges: one rebuild per run, not per month."""
    runs: list[tuple[date, date]] = []
    for month in months:
        if runs and runs[-1][1] == month:
            runs[-1] = (runs[-1][0], _add_months(month, 1))
        else:
            runs.append((month, _add_months(month, 1)))
    return runs


def dirty_within(periods: list[Period]) -> bool:
    """Whether a month of these periods is stale (read each time: it is what makes figures right)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM dashboards_dirtymonth WHERE month >= %s AND month < %s)",
                       [min(p.start for p in periods), max(p.end for p in periods)])
        return cursor.fetchone()[0]


_memo: dict[str, tuple[float, object]] = {}
MEMO_SECONDS = 5


def last_refresh():
    """When the rollup was last rebuilt (None: never, so read the event log); remembered for a
    few seconds because one page asks many times."""
    seen = _memo.get("state")
    if seen is not None and time.monotonic() - seen[0] < MEMO_SECONDS:
        return seen[1]
    state = RollupState.objects.filter(pk=1).first()
    refreshed = state.refreshed_at if state else None
    _memo["state"] = (time.monotonic(), refreshed)
    return refreshed


def forget() -> None:
    _memo.clear()


def can_answer(*, code: str, periods: list[Period], filters: Filters, child_length: int | None) -> bool:
    return (len(code) <= 12 and (child_length or 0) <= 12 and not filters.source and not filters.level
            and all(p.aligned for p in periods) and last_refresh() is not None and not dirty_within(periods))


CACHE_SECONDS = 600


def cache_key(name: str, *, code: str, period: Period, filters: Filters, child_length: int | None, extra=()) -> str | None:
    """A cache key for something computed from the rollup for this territory, period and filters,
    under the rollup's generation (its last refresh: a refresh makes every older key unused); None
    when the rollup cannot answer (live figures are not cached). The caller has checked that the
    user may see `code`, so users of one territory share the entry."""
    if not can_answer(code=code, periods=[period], filters=filters, child_length=child_length):
        return None
    generation = last_refresh().timestamp()
    return ":".join(["dashboards", name, code, period.query(), filters.query(), *map(str, extra), f"{generation:.6f}"])


def _where(code: str, filters: Filters, params: dict) -> str:
    params["prefix"] = code + "%"
    category = "category_id = %(category)s" if filters.category else "category_id IS NULL"
    params["category"] = filters.category
    return f"village_code LIKE %(prefix)s AND {category} AND month >= %(start)s AND month < %(end)s" \
           " AND measure = ANY(%(keys)s)"


def read(keys: list[str], *, code: str, period: Period, filters: Filters,
         child_length: int | None) -> dict[str, dict[str, Figure]]:
    params = {"start": period.start, "end": period.end, "keys": keys, "n": child_length or 0}
    child = "left(village_code, %(n)s)" if child_length else "''"
    result: dict[str, dict[str, Figure]] = {key: {} for key in keys}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT measure, {child}, SUM(num), SUM(den) FROM dashboards_measuremonth"
                       f" WHERE {_where(code, filters, params)} GROUP BY 1, 2", params)
        for key, child_code, num, den in cursor.fetchall():
            result[key][child_code] = Figure(int(num), int(den), SQL[key].unit)
    return result


def series(keys: list[str], *, code: str, periods: list[Period], filters: Filters) -> dict[str, list[Figure]]:
    """Each measure for each of `periods` (whole months, in any order), from one read of the months they span."""
    params = {"start": min(p.start for p in periods), "end": max(p.end for p in periods), "keys": keys}
    by_key: dict[str, dict[date, tuple[int, int]]] = {key: {} for key in keys}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT measure, month, SUM(num), SUM(den) FROM dashboards_measuremonth"
                       f" WHERE {_where(code, filters, params)} GROUP BY 1, 2", params)
        for key, month, num, den in cursor.fetchall():
            by_key[key][month] = (int(num), int(den))
    return {key: [sum_months(by_key[key], period, SQL[key].unit) for period in periods] for key in keys}
