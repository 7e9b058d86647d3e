import csv
from datetime import date, timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridcase.workdays.models import is_weekday

DEFAULT_OUTPUT = Path(__file__).resolve().parents[2] / "data" / "cn-calendar.csv"
DEFAULT_YEARS = [2024, 2025, 2026]


def official_exceptions(year: int) -> list[tuple[date, bool, str]]:
    """(date, is_workday, note) for each day of the year on which the State Council's schedule
    departs from Monday–Friday, as the chinesecalendar package records it."""
    import chinese_calendar  # only this command needs it; the app reads the committed CSV

    rows = []
    day = date(year, 1, 1)
    while day.year == year:
        workday = chinese_calendar.is_workday(day)  # raises NotImplementedError for unsupported years
        if workday != is_weekday(day):
            name = chinese_calendar.get_holiday_detail(day)[1]
            if name is None:
                raise CommandError(f"{day}: chinesecalendar 没有给出节日名称")
            holiday = chinese_calendar.Holiday(name).chinese
            rows.append((day, workday, f"{holiday}调休上班" if workday else holiday))
        day += timedelta(days=1)
    return rows


class Command(BaseCommand):
    help = "由 chinesecalendar 包生成节假日调整表（CSV：date,is_workday,note），只含与“周一至周五上班”不同的日子。"

    def add_arguments(self, parser):
        parser.add_argument("--years", type=int, nargs="+", default=DEFAULT_YEARS)
        parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)

    def handle(self, *args, **options):
        try:
            rows = [row for year in sorted(options["years"]) for row in official_exceptions(year)]
        except NotImplementedError as e:
            raise CommandError(f"chinesecalendar 不支持该年份：{e}") from e
        with open(options["output"], "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["date", "is_workday", "note"])
            writer.writerows((day.isoformat(), "true" if workday else "false", note) for day, workday, note in rows)
        self.stdout.write(f"{options['output']}：{len(rows)} 行")
