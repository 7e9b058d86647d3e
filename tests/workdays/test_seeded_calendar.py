"""The 2024–2026 schedule that migration 0002 loads from data/cn-calendar.csv."""

import importlib
import io
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest
from django.apps import apps
from django.core.management import call_command

from gridcase.workdays.models import CalendarDay
from gridcase.workdays.selectors import is_workday
from tests.workdays.helpers import days_of

pytestmark = pytest.mark.django_db

seed_migration = importlib.import_module("gridcase.workdays.migrations.0002_seed_2024_2026")
COMMITTED_CSV = Path(seed_migration.CSV)


def test_every_day_of_2024_to_2026_matches_the_state_council_schedule():
    wrong = [day for day in days_of(2024, 2025, 2026) if is_workday(day) != chinese_calendar.is_workday(day)]
    assert wrong == []


def test_only_exceptions_to_monday_to_friday_are_stored():
    rows = CalendarDay.objects.filter(date__year__in=[2024, 2025, 2026])
    assert rows.count() == 75
    assert all(row.is_workday == (row.date.weekday() >= 5) for row in rows)


def test_spring_festival_2026_has_two_saturdays_worked_and_six_weekdays_off():
    assert is_workday(date(2026, 2, 14)) and is_workday(date(2026, 2, 28))
    week = [date(2026, 2, 16) + timedelta(days=i) for i in range(8)]
    assert [is_workday(day) for day in week] == [chinese_calendar.is_workday(day) for day in week] == [False] * 8
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).note == "春节调休上班"
    assert CalendarDay.objects.get(date=date(2026, 2, 23)).note == "春节"
    assert is_workday(date(2026, 2, 24))


def test_national_day_and_mid_autumn_2025_run_from_the_first_to_the_eighth():
    assert not any(is_workday(date(2025, 10, day)) for day in range(1, 9))
    assert is_workday(date(2025, 9, 28)) and is_workday(date(2025, 10, 11))
    assert CalendarDay.objects.get(date=date(2025, 10, 6)).note == "中秋"


def test_the_migration_can_be_reversed_and_applied_again():
    seed_migration.unseed(apps, None)
    assert not CalendarDay.objects.filter(date__year__in=[2024, 2025, 2026]).exists()

    seed_migration.seed(apps, None)
    assert CalendarDay.objects.filter(date__year__in=[2024, 2025, 2026]).count() == 75


def test_the_committed_csv_is_what_the_export_command_writes(tmp_path):
    out = tmp_path / "cn-calendar.csv"
    call_command("workdays_export_csv", "--output", str(out), stdout=io.StringIO())
    assert out.read_text(encoding="utf-8") == COMMITTED_CSV.read_text(encoding="utf-8")
