"""Counting time limits in working days: 调休 weekends count, holidays do not."""

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from gridcase.workdays import selectors
from gridcase.workdays.selectors import add_working_days, is_workday, working_days_between
from tests.workdays.helpers import china, days_of

pytestmark = pytest.mark.django_db

AFTERNOON = time(15, 0)
US = timedelta(microseconds=1)


def nth_working_day_after(day: date, n: int) -> date:
    """The reference answer, walked day by day on chinesecalendar (which ends with 2026)."""
    while n:
        day += timedelta(days=1)
        n -= chinese_calendar.is_workday(day) if day.year <= 2026 else day.weekday() < 5
    return day


def test_ten_working_days_across_the_2026_spring_festival():
    # Worked: 2/14 (Sat, 调休), 2/24–2/28 (2/28 is a 调休 Saturday), 3/2–3/5. Off: 2/15–2/23.
    accepted = china(date(2026, 2, 13), AFTERNOON)
    due = add_working_days(accepted, 10)
    assert due == china(date(2026, 3, 5), AFTERNOON)
    assert working_days_between(accepted, due) == 10
    assert working_days_between(accepted, china(date(2026, 2, 24), AFTERNOON)) == 2


def test_a_tiaoxiu_saturday_is_a_working_day():
    assert add_working_days(china(date(2025, 10, 10), time(9)), 1) == china(date(2025, 10, 11), time(9))
    assert add_working_days(china(date(2025, 9, 26), time(9)), 1) == china(date(2025, 9, 28), time(9))


def test_a_case_accepted_on_a_holiday_counts_from_the_next_working_day():
    accepted = china(date(2025, 10, 3), time(10))  # National Day; work resumes Thursday 10/9
    assert add_working_days(accepted, 1) == china(date(2025, 10, 10))  # the end of 10/9
    assert add_working_days(accepted, 2) == china(date(2025, 10, 11))  # the end of 10/10
    assert add_working_days(accepted, 3) == china(date(2025, 10, 12))  # the end of 10/11, a 调休 Saturday
    assert working_days_between(accepted, china(date(2025, 10, 9), time(23, 59))) == 0
    assert working_days_between(accepted, china(date(2025, 10, 10))) == 1


def test_the_end_of_the_last_working_day_is_due_before_the_weekend():
    accepted = china(date(2026, 3, 7), time(11))  # a Saturday
    assert add_working_days(accepted, 5) == china(date(2026, 3, 14))  # 00:00 Saturday, i.e. 24:00 Friday
    assert working_days_between(accepted, china(date(2026, 3, 13), time(23, 59))) == 4


def test_a_start_in_utc_is_counted_in_china_time():
    # 2026-02-13 20:00 UTC is Saturday 2026-02-14 04:00 in China, a 调休 working day.
    accepted = datetime(2026, 2, 13, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert add_working_days(accepted, 1) == china(date(2026, 2, 24), time(4))


def test_every_start_in_2025_and_2026_round_trips():
    times = [time(0), time(9, 30), AFTERNOON, time(23, 59, 59, 999999)]
    for day in days_of(2025, 2026):
        for at in times:
            start = china(day, at)
            for n in (1, 2, 5, 10, 20):
                due = add_working_days(start, n)
                assert working_days_between(start, due) == n, (start, n)
                assert working_days_between(start, due - US) == n - 1, (start, n)
                assert add_working_days(due, 3) == add_working_days(start, n + 3), (start, n)
                if is_workday(day) and at != time(0):
                    assert due == china(nth_working_day_after(day, n), at), (start, n)


def test_zero_days_is_the_start_itself():
    start = china(date(2026, 2, 15), AFTERNOON)
    assert add_working_days(start, 0) == start
    assert working_days_between(start, start) == 0
    assert working_days_between(start, start - timedelta(days=30)) == 0


def test_years_without_a_schedule_fall_back_to_monday_to_friday_and_say_so_once(caplog, monkeypatch):
    monkeypatch.setattr(selectors, "_warned_years", set())
    with caplog.at_level(logging.WARNING, logger="gridcase.workdays.selectors"):
        assert all(is_workday(day) == (day.weekday() < 5) for day in days_of(2030))
        assert add_working_days(china(date(2030, 1, 4), AFTERNOON), 1) == china(date(2030, 1, 7), AFTERNOON)
        assert add_working_days(china(date(2030, 9, 30), AFTERNOON), 5) == china(date(2030, 10, 7), AFTERNOON)
    assert [record.getMessage() for record in caplog.records] == [
        "工作日历中没有 2030 年的节假日安排，该年按周一至周五上班计算；请在后台“节假日调整”中录入。"
    ]


def test_a_deadline_running_into_an_unscheduled_year_warns_for_that_year(caplog, monkeypatch):
    monkeypatch.setattr(selectors, "_warned_years", set())
    with caplog.at_level(logging.WARNING, logger="gridcase.workdays.selectors"):
        assert add_working_days(china(date(2026, 12, 30), AFTERNOON), 3) == china(date(2027, 1, 4), AFTERNOON)
    assert ["2027 年" in record.getMessage() for record in caplog.records] == [True]


def test_naive_datetimes_negative_counts_and_datetimes_as_days_are_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime(2026, 3, 2, 9), 1)
    with pytest.raises(ValueError):
        working_days_between(china(date(2026, 3, 2)), datetime(2026, 3, 9))
    with pytest.raises(ValueError):
        add_working_days(china(date(2026, 3, 2)), -1)
    with pytest.raises(TypeError):
        is_workday(china(date(2026, 3, 2)))
