from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox, parse_zoom
from geodata.selectors import LocationError, point_from_lonlat
from gridcase.cases import selectors


class CasePoints(APIView):
    """?bbox=w,s,e,n&zoom=z[&all=1]: the cases in view (open ones unless all=1), as points or clusters."""

    @extend_schema(parameters=[OpenApiParameter("bbox", str, required=True, description="w,s,e,n"),
                               OpenApiParameter("zoom", int, required=True), OpenApiParameter("all", str, enum=["1"])],
                   responses=OpenApiTypes.OBJECT)
    def get(self, request):
        try:
            bbox, zoom = parse_bbox(request.query_params.get("bbox")), parse_zoom(request.query_params.get("zoom"))
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        if bbox is None or zoom is None:
            raise ValidationError({"detail": "需要 bbox 与 zoom 参数"})
        open_only = request.query_params.get("all") != "1"
        return Response(selectors.case_points(user=request.user, bbox=bbox, zoom=zoom, open_only=open_only))


NEARBY = inline_serializer("NearbyCase", many=True, fields={
    "id": serializers.IntegerField(), "number": serializers.CharField(), "title": serializers.CharField(),
    "state": serializers.CharField(), "registered_at": serializers.DateTimeField(), "metres": serializers.IntegerField()})


class NearbyCases(APIView):
    """?lon=&lat=[&category=]: open cases nearby, to attach a new report to instead of a duplicate."""

    @extend_schema(parameters=[OpenApiParameter("lon", float, required=True), OpenApiParameter("lat", float, required=True),
                               OpenApiParameter("category", int)], responses=NEARBY)
    def get(self, request):
        try:
            point = point_from_lonlat(request.query_params.get("lon"), request.query_params.get("lat"))
        except LocationError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        category = request.query_params.get("category") or None
        if category is not None and not category.isdigit():
            raise ValidationError({"category": "应为纠纷类型编号"})
        cases = selectors.nearby_open_cases(user=request.user, point=point, category=category)[:10]
        return Response([{"id": c.pk, "number": c.number, "title": c.title, "state": c.get_state_display(),
                          "registered_at": c.registered_at, "metres": round(c.distance.m)} for c in cases])
