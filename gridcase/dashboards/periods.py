"""The period a figure covers: a month, a quarter, a year or custom dates, as [start, end) in local time."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

KINDS = ("month", "quarter", "year", "custom")


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the user."""


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Period:
    kind: str
    start: date
    end: date  # exclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d} 至 {self.end - timedelta(days=1):%Y-%m-%d}"

    @property
    def aligned(self) -> bool:
        """Whole months, so the monthly rollup can answer."""
        return self.start.day == 1 and self.end.day == 1

    def months(self) -> list[date]:
        months, month = [], self.start.replace(day=1)
        while month < self.end:
            months.append(month)
            month = _add_months(month, 1)
        return months

    def previous(self) -> "Period":
        if self.kind == "custom":
            length = self.end - self.start
            return Period("custom", self.start - length, self.start)
        step = {"month": 1, "quarter": 3, "year": 12}[self.kind]
        return Period(self.kind, _add_months(self.start, -step), self.start)

    def bounds(self) -> tuple[datetime, datetime]:
        """Local midnights, as aware datetimes (events are timestamps)."""
        return local_midnight(self.start), local_midnight(self.end)

    def query(self) -> str:
        if self.kind == "custom":
            return f"period=custom&start={self.start:%Y-%m-%d}&end={self.end - timedelta(days=1):%Y-%m-%d}"
        return f"period={self.kind}&start={self.start:%Y-%m-%d}"


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def month_of(day: date) -> Period:
    start = day.replace(day=1)
    return Period("month", start, _add_months(start, 1))


def last_months(end_month: date, count: int) -> list[Period]:
    """`count` month periods ending with the month of `end_month`, oldest first."""
    last = end_month.replace(day=1)
    return [month_of(_add_months(last, -i)) for i in reversed(range(count))]


def parse(params, today: date) -> Period:
    """From ?period=month|quarter|year|custom&start=YYYY-MM-DD[&end=YYYY-MM-DD] (end inclusive for
    custom); the default is the current month."""
    kind = params.get("period") or "month"
    if kind not in KINDS:
        raise PeriodError(_("统计周期必须是月、季度、年或自定义"))
    try:
        start = date.fromisoformat(params["start"]) if params.get("start") else today
        end = date.fromisoformat(params["end"]) if params.get("end") else None
    except ValueError:
        raise PeriodError(_("日期格式应为 YYYY-MM-DD")) from None
    if kind == "month":
        return month_of(start)
    if kind == "quarter":
        first = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
        return Period("quarter", first, _add_months(first, 3))
    if kind == "year":
        return Period("year", date(start.year, 1, 1), date(start.year + 1, 1, 1))
    if end is None or end < start:
        raise PeriodError(_("自定义时段需要起止日期，且截止日期不早于起始日期"))
    if (end - start).days > 3 * 366:
        raise PeriodError(_("自定义时段最长三年"))
    return Period("custom", start, end + timedelta(days=1))
