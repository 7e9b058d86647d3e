"""The trend chart reads as a leader reads it: whole cases on the count axis, months with their
year, and a sentence instead of an empty frame."""

from datetime import date

from gridcase.dashboards import charts
from gridcase.dashboards.periods import last_months


def _chart(months, settled, not_settled, rates=None):
    return charts.trend_chart(months=months, rates=rates or [None] * len(months), settled=settled,
                              not_settled=not_settled, target=90.0)


def _count_ticks(svg: str) -> list[str]:
    import re

    return re.findall(r'class="tick-cases"[^>]*>(\d+)<', svg)


def test_a_count_axis_has_whole_distinct_steps_even_for_one_case():
    months = [p.start for p in last_months(date(2026, 3, 1), 12)]
    svg = _chart(months, [0] * 11 + [1], [0] * 12)
    assert _count_ticks(svg) == ["4", "3", "2", "1", "0"]  # never 1, 1, 0, 0, 0
    assert charts.axis_step(98) == 25 and charts.axis_step(7) == 2 and charts.axis_step(141) == 50
    assert charts.axis_step(0) == 1 and charts.axis_step(4) == 1 and charts.axis_step(5) == 2


def test_months_are_labelled_with_their_year():
    months = [p.start for p in last_months(date(2026, 3, 1), 12)]  # April 2025 … March 2026
    svg = _chart(months, [3] * 12, [1] * 12, rates=[75.0] * 12)
    assert svg.count('class="year"') == 2
    assert ">2025年<" in svg and ">2026年<" in svg
    assert "2025年4月调解成功：3 件" in svg  # each bar says what it counts, with its year
    assert charts.month_labels(months)[:2] == [("4月", "2025年"), ("5月", "")]
    assert charts.month_labels(months)[9] == ("1月", "2026年")


def test_nothing_ended_in_twelve_months_says_so_instead_of_an_empty_chart():
    months = [p.start for p in last_months(date(2026, 3, 1), 12)]
    html = _chart(months, [0] * 12, [0] * 12)
    assert "<svg" not in html and "没有调解结束的案件" in html
