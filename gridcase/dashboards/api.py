"""Map layers for the dashboards: heat bins, choropleth, hot spots — JSON, within the jurisdiction."""

from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox, parse_zoom
from gridcase.dashboards import maps, periods, selectors
from gridcase.dashboards.forms import DashboardFilterForm
from gridcase.lib import clock


def _period(request):
    try:
        return periods.parse(request.query_params, clock.now().date())
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None


def _check_role(request):
    selectors.home_area(request.user)  # PermissionDenied (403) for roles without a dashboard


class HeatMap(APIView):
    """?bbox=w,s,e,n&zoom=z[&period=…&start=…&end=…][&category=id] → GeoJSON squares with counts."""

    def get(self, request):
        _check_role(request)
        try:
            bbox, zoom = parse_bbox(request.query_params.get("bbox")), parse_zoom(request.query_params.get("zoom"))
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        if bbox is None or zoom is None:
            raise ValidationError({"detail": "需要 bbox 和 zoom 参数"})
        category = request.query_params.get("category")
        if category and not category.isdigit():
            raise ValidationError({"category": "类型应为编号"})
        return Response(maps.heat_bins(user=request.user, bbox=bbox, zoom=zoom, period=_period(request),
                                       category=int(category) if category else None))


class Choropleth(APIView):
    """?code=<area>&measure=success|volume|per_1000[&zoom=z&period…] → children with values."""

    def get(self, request):
        _check_role(request)
        measure = request.query_params.get("measure", "success")
        if measure not in maps.CHOROPLETH_MEASURES:
            raise ValidationError({"measure": f"指标应为 {', '.join(maps.CHOROPLETH_MEASURES)} 之一"})
        area = selectors.area_for(request.user, request.query_params.get("code") or selectors.home_area(request.user).code)
        try:
            zoom = parse_zoom(request.query_params.get("zoom")) or 12
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        filters = DashboardFilterForm(request.query_params).filters()
        return Response(maps.choropleth(area=area, measure=measure, period=_period(request), filters=filters, zoom=zoom))


class HotSpots(APIView):
    def get(self, request):
        _check_role(request)
        area = selectors.area_for(request.user, request.query_params.get("code") or selectors.home_area(request.user).code)
        spots = maps.hot_spots(user=request.user, area=area, period=_period(request))
        return Response({"spots": [dict(s, first=s["first"].isoformat(), last=s["last"].isoformat()) for s in spots]})
