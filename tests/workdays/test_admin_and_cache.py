"""A county admin maintains the calendar; every process follows the change without a query per call."""

from datetime import date, time

import pytest
from django.contrib.auth.models import Permission

from gridcase.workdays import selectors
from gridcase.workdays.models import CalendarDay
from gridcase.workdays.selectors import add_working_days, is_workday, working_days_between
from tests.workdays.helpers import china

pytestmark = pytest.mark.django_db

WEDNESDAY = date(2026, 3, 11)
ACCEPTED = china(date(2026, 3, 10), time(10))  # the Tuesday before


@pytest.fixture
def county_admin(users, login):
    users["admin"].user_permissions.add(*Permission.objects.filter(content_type__app_label="workdays"))
    return login("admin")


def test_a_holiday_added_in_the_admin_moves_the_deadline_by_a_day(county_admin):
    assert add_working_days(ACCEPTED, 1) == china(WEDNESDAY, time(10))

    response = county_admin.post("/admin/workdays/calendarday/add/", {"date": "2026-03-11", "note": "防汛停工"})

    assert response.status_code == 302
    assert not is_workday(WEDNESDAY)
    assert add_working_days(ACCEPTED, 1) == china(date(2026, 3, 12), time(10))


def test_deleting_the_holiday_in_the_admin_moves_it_back(county_admin):
    day = CalendarDay.objects.create(date=WEDNESDAY, is_workday=False, note="防汛停工")
    assert add_working_days(ACCEPTED, 1) == china(date(2026, 3, 12), time(10))

    response = county_admin.post(f"/admin/workdays/calendarday/{day.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert add_working_days(ACCEPTED, 1) == china(WEDNESDAY, time(10))


def test_the_admin_refuses_a_day_that_follows_the_normal_rule(county_admin):
    response = county_admin.post("/admin/workdays/calendarday/add/", {"date": "2026-03-14", "note": "周六"})

    assert "周六、周日本来就休息，无需登记" in response.content.decode()
    assert not CalendarDay.objects.filter(date=date(2026, 3, 14)).exists()


def test_the_year_view_lists_the_days_with_their_weekday(county_admin):
    page = county_admin.get("/admin/workdays/calendarday/?date__year=2026").content.decode()
    assert "春节调休上班" in page and "周六" in page


def test_repeated_calls_do_not_query_the_database(django_assert_num_queries):
    is_workday(WEDNESDAY)
    with django_assert_num_queries(0):
        for n in range(1, 200):
            working_days_between(ACCEPTED, add_working_days(ACCEPTED, n))


def test_a_change_made_by_another_process_is_seen_once_the_copy_expires(monkeypatch):
    assert is_workday(WEDNESDAY)
    # bulk_create sends no signal: as far as this process knows, someone else wrote the row.
    CalendarDay.objects.bulk_create([CalendarDay(date=WEDNESDAY, is_workday=False, note="防汛停工")])
    assert is_workday(WEDNESDAY)

    later = selectors.monotonic() + selectors.CACHE_SECONDS + 1
    monkeypatch.setattr(selectors, "monotonic", lambda: later)
    assert not is_workday(WEDNESDAY)
