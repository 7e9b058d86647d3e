"""/api/v1/measures/ and /api/v1/heat/: the dashboards' figures and heat map for leaders, from the
dashboards app's measure registry, targets and heat-map selector — the numbers the pages show."""

import json
from datetime import timedelta

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox, parse_zoom
from gridcase.api.conditional import conditional_get, content_etag
from gridcase.cases.models import Level, Source
from gridcase.dashboards import maps, periods, selectors
from gridcase.dashboards.forms import DashboardFilterForm
from gridcase.dashboards.measures import registry
from gridcase.dashboards.targets import targets_for
from gridcase.lib import clock

PERIOD = [OpenApiParameter("period", str, enum=list(periods.KINDS), description="默认本月"),
          OpenApiParameter("start", OpenApiTypes.DATE, description="周期内任一天；自定义时为起始日"),
          OpenApiParameter("end", OpenApiTypes.DATE, description="自定义时段的截止日（含）")]
FILTERS = [OpenApiParameter("category", int, description="纠纷类型编号（案件指标）"),
           OpenApiParameter("source", str, enum=Source.values), OpenApiParameter("level", str, enum=Level.values)]

MEASURE = inline_serializer("MeasureValue", many=True, fields={
    "key": serializers.CharField(), "label": serializers.CharField(), "section": serializers.CharField(),
    "definition": serializers.CharField(), "unit": serializers.CharField(),
    "direction": serializers.CharField(help_text="higher / lower 为好，空为不评价"),
    "value": serializers.FloatField(allow_null=True, help_text="比率为百分数（无分母时为空），计数为件数"),
    # Counts are whole, but a duration's sum is minutes with a fraction: a number, not an integer.
    "numerator": serializers.FloatField(help_text="分子：件数，或时长类指标的分钟数"),
    "denominator": serializers.FloatField(help_text="分母：件数（无分母的计数为 0）"),
    "target": serializers.FloatField(allow_null=True), "rag": serializers.CharField(help_text="green / amber / red 或空")})
MEASURES = inline_serializer("Measures", fields={
    "area": inline_serializer("MeasureArea", fields={"code": serializers.CharField(), "name": serializers.CharField(),
                                                     "level": serializers.CharField()}),
    "period": inline_serializer("MeasurePeriod", fields={"kind": serializers.CharField(),
                                                         "start": serializers.DateField(),
                                                         "end": serializers.DateField(help_text="含"),
                                                         "label": serializers.CharField()}),
    "measures": MEASURE})


def _period(params) -> periods.Period:
    try:
        return periods.parse(params, clock.today())
    except periods.PeriodError as exc:
        raise ValidationError({"period": [str(exc)]}) from None


def _filters(params) -> registry.Filters:
    form = DashboardFilterForm(params)
    if not form.is_valid():
        raise ValidationError(form.errors.get_json_data())
    return form.filters()


class Measures(APIView):
    """?area=<code>&period=month|quarter|year|custom&start=…[&end=…][&key=…]: each measure of the
    dashboards for the area (default: the caller's own) and period — its value with numerator and
    denominator, the target that applies, the colour, and its definition. Leaders only (county,
    town, village), within their jurisdiction."""

    @extend_schema(parameters=[OpenApiParameter("area", str, description="区域代码；默认本人辖区"), *PERIOD, *FILTERS,
                               OpenApiParameter("key", str, many=True, description="只要这些指标")],
                   responses={200: MEASURES})
    def get(self, request):
        params = request.query_params
        home = selectors.home_area(request.user)  # 403 for roles without a dashboard
        area = selectors.area_for(request.user, params.get("area") or home.code)
        period, filters = _period(params), _filters(params)
        keys = selectors.kpi_keys()
        if wanted := params.getlist("key"):
            unknown = sorted(set(wanted) - set(keys))
            if unknown:
                raise ValidationError({"key": [f"未知指标：{', '.join(unknown)}"]})
            keys = [key for key in keys if key in wanted]
        figures = registry.figures(keys, code=area.code, period=period, filters=filters)
        targets = targets_for(code=area.code)
        data = {
            "area": {"code": area.code, "name": area.name, "level": area.level},
            "period": {"kind": period.kind, "start": period.start.isoformat(),
                       "end": (period.end - timedelta(days=1)).isoformat(), "label": period.label},
            "measures": [_measure(registry.MEASURES[key], figures[key], targets.get(key)) for key in keys],
        }
        return conditional_get(request, data, content_etag(data))


def _measure(measure: registry.Measure, figure: registry.Figure, target) -> dict:
    value = figure.value
    return {"key": measure.key, "label": str(measure.label), "section": measure.section,
            "definition": str(measure.definition), "unit": measure.unit, "direction": measure.direction,
            "value": round(value, 2) if value is not None else None, "numerator": figure.num,
            "denominator": figure.den, "target": float(target) if target is not None else None,
            "rag": registry.rag(measure, value, target)}


HEAT = inline_serializer("HeatBins", fields={
    "type": serializers.ChoiceField(choices=["FeatureCollection"]),
    "size": serializers.IntegerField(help_text="格子边长（米，Web 墨卡托）"),
    "max": serializers.IntegerField(), "total": serializers.IntegerField(),
    "features": serializers.ListField(child=serializers.JSONField(), help_text="方格（Polygon），properties.count 为件数")})


class Heat(APIView):
    """?bbox=w,s,e,n&zoom=z[&period…][&category=id]: cases registered in the period, counted per
    square cell sized for the zoom (GeoJSON), only in the caller's jurisdiction. Leaders only."""

    @extend_schema(parameters=[OpenApiParameter("bbox", str, required=True, description="w,s,e,n"),
                               OpenApiParameter("zoom", int, required=True), *PERIOD,
                               OpenApiParameter("category", int, description="纠纷类型编号")],
                   responses={200: HEAT})
    def get(self, request):
        selectors.home_area(request.user)  # 403 for roles without a dashboard
        params = request.query_params
        try:
            bbox, zoom = parse_bbox(params.get("bbox")), parse_zoom(params.get("zoom"))
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        if bbox is None or zoom is None:
            raise ValidationError({"detail": "需要 bbox 与 zoom 参数"})
        category = params.get("category") or ""
        if category and not category.isdigit():
            raise ValidationError({"category": ["应为纠纷类型编号"]})
        text = maps.heat_geojson(user=request.user, bbox=bbox, zoom=zoom, period=_period(params),
                                 category=int(category) if category else None)
        data = json.loads(text)
        return conditional_get(request, data, content_etag(data))
