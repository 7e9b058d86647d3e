"""Load the 2024–2026 holiday schedule from data/cn-calendar.csv (made by `manage.py workdays_export_csv`).

Only those three years are read, so that a CSV regenerated with more years does not change what this
migration does; later years belong in later migrations or in the admin.
"""

import csv
from datetime import date
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "cn-calendar.csv"
YEARS = {2024, 2025, 2026}


def rows():
    with open(CSV, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            day = date.fromisoformat(row["date"])
            if day.year in YEARS:
                if row["is_workday"] not in ("true", "false"):
                    raise ValueError(f"{CSV.name}: {row['date']}: is_workday must be true or false")
                yield day, row["is_workday"] == "true", row["note"]


def seed(apps, schema_editor):
    CalendarDay = apps.get_model("workdays", "CalendarDay")
    CalendarDay.objects.bulk_create([CalendarDay(date=day, is_workday=workday, note=note) for day, workday, note in rows()])


def unseed(apps, schema_editor):
    apps.get_model("workdays", "CalendarDay").objects.filter(date__in=[day for day, _, _ in rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("workdays", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
