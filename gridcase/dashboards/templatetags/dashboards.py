from django import template

from gridcase.dashboards.measures.registry import DAYS, MINUTES

register = template.Library()


@register.filter
def figure(value) -> str:
    """A Figure as shown on a card: '92.3%' for rates, '4.5 天' for averages, '6 分钟' for percentiles
    ('—' when nothing was counted), '5 件' for counts."""
    if value.unit in ("%", DAYS):
        return "—" if value.value is None else f"{value.value:.1f}{'%' if value.unit == '%' else ' ' + DAYS}"
    if value.unit == MINUTES:
        return "—" if value.value is None else f"{value.num} {MINUTES}"
    return f"{value.num} 件"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    return f"+{value:g}" if value > 0 else f"{value:g}"


@register.filter
def pct(value) -> str:
    return "" if value is None else f"{value:g}%"


@register.filter
def by_volume(rows):
    return sorted(rows, key=lambda r: -r["volume"].num)
