"""The monthly report of a town as A4 PDF (WeasyPrint, like cases.documents): KPIs, the trend,
the ranking of villages, the heat map and the escalated and overdue cases. Charts are SVG drawn
here; nothing is fetched while rendering."""

from django.contrib.gis.geos import Polygon
from django.template.loader import render_to_string
from weasyprint import HTML, URLFetcher

from geodata.models import Area, Level
from gridcase.dashboards import charts, maps, selectors
from gridcase.dashboards.measures.registry import NO_FILTERS
from gridcase.dashboards.periods import Period
from gridcase.lib import clock


def monthly_context(*, user, area: Area, period: Period) -> dict:
    cards = selectors.cards(area=area, period=period, filters=NO_FILTERS)
    target = next((c.target for c in cards if c.measure.key == "success"), None)
    town = Area.objects.get(pk=area.pk)
    bins = maps.heat_bins(user=user, bbox=Polygon.from_bbox(town.geom.extent), zoom=12, period=period)
    villages = Area.objects.filter(level=Level.VILLAGE, code__startswith=area.code).values_list("geom", flat=True)
    overdue, overdue_total = selectors.overdue(user=user, area=area, filters=NO_FILTERS)
    escalated, escalated_total = selectors.escalated(user=user, area=area, period=period, filters=NO_FILTERS)
    return {"area": area, "period": period, "cards": cards, "generated_at": clock.now(),
            "trend": selectors.trend(area=area, period=period, filters=NO_FILTERS, target=target),
            "ranking": selectors.ranking(area=area, period=period, filters=NO_FILTERS),
            "heat": charts.heat_map(bins=bins, outlines=[town.geom, *villages], width=480), "heat_total": bins["total"],
            "overdue": overdue, "overdue_total": overdue_total, "escalated": escalated,
            "escalated_total": escalated_total}


def monthly_pdf(*, user, area: Area, period: Period) -> bytes:
    html = render_to_string("dashboards/report.html", monthly_context(user=user, area=area, period=period))
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols={"data"})).write_pdf()
