"""Working days in China: Monday to Friday, except the days listed in CalendarDay (holidays, 调休).

Time limits are counted in working time. Each working day counts in full, midnight to midnight
(China time, settings.TIME_ZONE), and non-working days do not count at all. So a moment on a
non-working day counts as 00:00 of the next working day. `working_days_between` and
`add_working_days` both use this one measure, so for any n ≥ 1:

    working_days_between(start, moment) >= n  exactly when  moment >= add_working_days(start, n)

For a year that has no rows in CalendarDay, the functions use plain Monday to Friday. They log a
warning the first time they meet such a year in a process.
"""

import logging
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic

from django.db import transaction
from django.utils import timezone

from gridcase.workdays.models import CalendarDay, is_weekday

logger = logging.getLogger(__name__)

# Each process keeps the small table in memory: 100,000 cases in a sweep must not mean 100,000 queries.
# A change clears the copy in the process that saved it at once. Other processes (web workers,
# Celery) see the change when their copy expires. No shared cache is configured, so a generation
# key in Django's cache would not reach them either.
CACHE_SECONDS = 60

DAY_US = 24 * 3600 * 10**6


@dataclass(frozen=True)
class _Calendar:
    exceptions: dict[date, bool]
    years: frozenset[int]
    # Exceptions that change the count of working days (+1 for a weekend day worked, -1 for a weekday
    # off), as sorted day ordinals, and totals[i] = the sum of the first i of those changes.
    ordinals: list[int]
    totals: list[int]
    expires: float


_calendar: _Calendar | None = None
_warned_years: set[int] = set()


def is_workday(day: date) -> bool:
    """Whether people work on this day (a date, not a datetime: use timezone.localdate())."""
    if isinstance(day, datetime):
        raise TypeError("is_workday() takes a date; for a moment, pass timezone.localdate(moment)")
    cal = _current()
    _note_fallback(cal, day.year, day.year)
    return _is_workday(cal, day)


def add_working_days(start: datetime, days: int) -> datetime:
    """The first moment at which `days` whole working days have passed since `start`.

    Starting at 15:00 on a working day, that is 15:00 on the `days`-th working day after it. Starting
    on a non-working day, counting begins at 00:00 of the next working day. A result that falls
    exactly at the end of a working day (24:00) is returned as 00:00 of the following calendar day, even
    if that day is not a working day. For example, 5 working days from a Saturday are over at 00:00
    on the next Saturday. The result is in China time; `days == 0` returns `start` unchanged.
    """
    if days < 0:
        raise ValueError(f"days must not be negative, not {days}")
    _require_aware(start)
    if days == 0:
        return start
    cal = _current()
    tz = timezone.get_default_timezone()
    start_day = start.astimezone(tz).date()
    index, into_day = divmod(_position(cal, start) + days * DAY_US, DAY_US)
    if into_day:
        day = date.fromordinal(_workday_by_index(cal, index, search_from=start_day.toordinal()))
    else:
        day = date.fromordinal(_workday_by_index(cal, index - 1, search_from=start_day.toordinal()) + 1)
    _note_fallback(cal, start_day.year, day.year)
    return datetime.combine(day, time(), tzinfo=tz) + timedelta(microseconds=into_day)


def working_days_between(start: datetime, end: datetime) -> int:
    """How many whole working days have passed from `start` to `end`; 0 if `end` is not after `start`.

    Consistent with add_working_days: working_days_between(s, add_working_days(s, n)) == n.
    """
    _require_aware(start)
    _require_aware(end)
    if end <= start:
        return 0
    cal = _current()
    tz = timezone.get_default_timezone()
    _note_fallback(cal, start.astimezone(tz).year, end.astimezone(tz).year)
    return (_position(cal, end) - _position(cal, start)) // DAY_US


def clear_cache() -> None:
    """Forget this process's copy of the calendar; the next call reads the table again."""
    global _calendar
    _calendar = None


def calendar_changed(**kwargs) -> None:
    """Signal receiver for saved and deleted CalendarDay rows."""
    clear_cache()
    # Another thread of this process may read the table again before the change is committed.
    transaction.on_commit(clear_cache)


def _current() -> _Calendar:
    global _calendar
    cal = _calendar
    if cal is None or cal.expires <= monotonic():
        cal = _calendar = _load()
    return cal


def _load() -> _Calendar:
    exceptions = dict(CalendarDay.objects.values_list("date", "is_workday"))
    changes = sorted((day.toordinal(), int(workday) - int(is_weekday(day))) for day, workday in exceptions.items())
    changes = [(ordinal, change) for ordinal, change in changes if change]  # tolerate rows that repeat the normal rule
    totals = [0]
    for _, change in changes:
        totals.append(totals[-1] + change)
    return _Calendar(
        exceptions=exceptions, years=frozenset(day.year for day in exceptions),
        ordinals=[ordinal for ordinal, _ in changes], totals=totals, expires=monotonic() + CACHE_SECONDS,
    )


def _is_workday(cal: _Calendar, day: date) -> bool:
    return cal.exceptions.get(day, is_weekday(day))


def _workdays_before(cal: _Calendar, ordinal: int) -> int:
    """How many working days come before the day with this ordinal, counting from 0001-01-01 (a Monday)."""
    weeks, rest = divmod(ordinal - 1, 7)
    return 5 * weeks + min(rest, 5) + cal.totals[bisect_left(cal.ordinals, ordinal)]


def _position(cal: _Calendar, moment: datetime) -> int:
    """The moment on the working-time scale, in microseconds."""
    local = moment.astimezone(timezone.get_default_timezone())
    day = local.date()
    position = _workdays_before(cal, day.toordinal()) * DAY_US
    if _is_workday(cal, day):
        position += ((local.hour * 60 + local.minute) * 60 + local.second) * 10**6 + local.microsecond
    return position


def _workday_by_index(cal: _Calendar, index: int, *, search_from: int) -> int:
    """The ordinal of the working day with `index` working days before it, which is not before `search_from`."""

    def reached(ordinal: int) -> bool:
        return _workdays_before(cal, ordinal + 1) > index

    low = search_from - 1  # not reached
    high = low + 2 * (index - _workdays_before(cal, search_from)) + 16
    while not reached(high):
        low, high = high, high + 2 * (high - low)
    while high - low > 1:
        middle = (low + high) // 2
        if reached(middle):
            high = middle
        else:
            low = middle
    return high


def _note_fallback(cal: _Calendar, first_year: int, last_year: int) -> None:
    for year in range(first_year, last_year + 1):
        if year not in cal.years and year not in _warned_years:
            _warned_years.add(year)
            logger.warning("工作日历中没有 %s 年的节假日安排，该年按周一至周五上班计算；请在后台“节假日调整”中录入。", year)


def _require_aware(moment: datetime) -> None:
    if timezone.is_naive(moment):
        raise ValueError(f"a naive datetime cannot be placed on the calendar: {moment!r}")
