from datetime import date, datetime, time, timedelta

from django.utils import timezone


def china(day: date, at: time = time()) -> datetime:
    return datetime.combine(day, at, tzinfo=timezone.get_default_timezone())


def days_of(*years: int):
    day = date(min(years), 1, 1)
    while day.year <= max(years):
        yield day
        day += timedelta(days=1)
