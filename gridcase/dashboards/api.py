"""Map layers for the dashboards: heat bins, choropleth, hot spots — JSON, within the jurisdiction."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox, parse_zoom
from gridcase.dashboards import maps, periods, selectors
from gridcase.dashboards.forms import DashboardFilterForm
from gridcase.hazards.models import State as HazardState
from gridcase.lib import clock
from gridcase.patrols.models import PatrolType


def _period(request):
    try:
        return periods.parse(request.query_params, clock.today())
    except periods.PeriodError as exc:
        raise ValidationError({"period": str(exc)}) from None


def _check_role(request):
    selectors.home_area(request.user)  # PermissionDenied (403) for roles without a dashboard


HEAT_LAYERS = ("cases", "hazards", "tracks")


@require_GET
def heat_map(request):
    """?bbox=w,s,e,n&zoom=z[&layer=cases|hazards|tracks][&period=…&start=…&end=…] and the layer's
    filters (cases: category; hazards: category, state; tracks: type) → GeoJSON squares with counts.

    A plain view rather than DRF: it is the hottest endpoint, and PostGIS writes its JSON."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": _("请先登录")}, status=403)
    try:
        selectors.home_area(request.user)
    except PermissionDenied as exc:
        return JsonResponse({"detail": str(exc)}, status=403)
    params = request.GET
    try:
        bbox, zoom = parse_bbox(params.get("bbox")), parse_zoom(params.get("zoom"))
        period = periods.parse(params, clock.today())
    except (MapRequestError, periods.PeriodError) as exc:
        return JsonResponse({"detail": str(exc)}, status=400)
    if bbox is None or zoom is None:
        return JsonResponse({"detail": _("需要 bbox 和 zoom 参数")}, status=400)
    layer, category = params.get("layer") or "cases", params.get("category") or ""
    state, patrol_type = params.get("state") or "", params.get("type") or ""
    if layer not in HEAT_LAYERS:
        return JsonResponse({"detail": _("图层应为 %(values)s 之一") % {"values": ", ".join(HEAT_LAYERS)}}, status=400)
    if not (category.isdigit() or not category):
        return JsonResponse({"detail": _("类型应为编号")}, status=400)
    if state and state not in HazardState.values:
        return JsonResponse({"detail": _("隐患状态应为 %(values)s 之一") % {"values": ", ".join(HazardState.values)}},
                            status=400)
    if patrol_type and patrol_type not in PatrolType.values:
        return JsonResponse({"detail": _("巡逻类型应为 %(values)s 之一") % {"values": ", ".join(PatrolType.values)}},
                            status=400)
    where = {"user": request.user, "bbox": bbox, "zoom": zoom, "period": period}
    if layer == "hazards":
        text = maps.hazard_heat_geojson(**where, category=int(category) if category else None, state=state)
    elif layer == "tracks":
        text = maps.track_heat_geojson(**where, type=patrol_type)
    else:
        text = maps.heat_geojson(**where, category=int(category) if category else None)
    return HttpResponse(text, content_type="application/json")


class Choropleth(APIView):
    """?code=<area>&measure=success|volume|per_1000[&zoom=z&period…] → children with values."""

    def get(self, request):
        _check_role(request)
        measure = request.query_params.get("measure", "success")
        if measure not in maps.CHOROPLETH_MEASURES:
            raise ValidationError({"measure": _("指标应为 %(values)s 之一") % {"values": ", ".join(maps.CHOROPLETH_MEASURES)}})
        area = selectors.area_for(request.user, request.query_params.get("code") or selectors.home_area(request.user).code)
        try:
            zoom = parse_zoom(request.query_params.get("zoom")) or 12
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        filters = DashboardFilterForm(request.query_params).filters()
        text = maps.choropleth(area=area, measure=measure, period=_period(request), filters=filters, zoom=zoom)
        return HttpResponse(text, content_type="application/json")


class HotSpots(APIView):
    def get(self, request):
        _check_role(request)
        area = selectors.area_for(request.user, request.query_params.get("code") or selectors.home_area(request.user).code)
        spots = maps.hot_spots(user=request.user, area=area, period=_period(request))
        return Response({"spots": [dict(s, first=s["first"].isoformat(), last=s["last"].isoformat()) for s in spots]})
