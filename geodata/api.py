"""Map layers and the point lookup, always within the user's jurisdiction."""

from django.db.models import F, Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.fields import GeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geodata.maps import MapRequestError, SimplifyPreserveTopology, degrees_per_pixel, parse_bbox, parse_zoom
from geodata.models import Area, KeyArea, Level
from geodata.selectors import LocationError, locate_for_user, point_from_lonlat
from gridcase.accounts.jurisdiction import get_or_404, scope
from gridcase.accounts.models import User


@extend_schema_field(OpenApiTypes.OBJECT)  # a GeoJSON geometry; the schema takes its type from Area.geom
class ShapeField(GeometryField):
    pass


class AreaFeatureSerializer(GeoFeatureModelSerializer):
    workers = serializers.SerializerMethodField()
    # The outline as drawn: simplified for the zoom when the map says which (see AreaList), from the
    # `shape` annotation; named after the model field so that the schema knows its type.
    geom = ShapeField(source="shape", read_only=True)

    class Meta:
        model = Area
        geo_field = "geom"
        id_field = "code"  # the feature id; the code is not repeated in properties
        fields = ["code", "name", "level", "population", "households", "workers"]

    def get_workers(self, area) -> list[str]:
        return [str(user) for user in area.workers.all()] if area.level == Level.GRID else []


class KeyAreaFeatureSerializer(GeoFeatureModelSerializer):
    area_code = serializers.CharField(source="area.code")

    class Meta:
        model = KeyArea
        geo_field = "geom"
        fields = ["id", "name", "area_code", "patrols_per_week"]


def _visible_areas(request):
    workers = Prefetch("workers", queryset=User.objects.filter(is_active=True).order_by("username"))
    return scope(Area.objects.prefetch_related(workers), request.user)


class AreaList(ListAPIView):
    """GeoJSON of one level of areas (?level=town|village|grid) in the user's jurisdiction.

    With ?zoom=z the outlines are simplified to half a screen pixel, in PostGIS; with
    ?bbox=w,s,e,n only the areas that reach into the box come back.
    """

    serializer_class = AreaFeatureSerializer

    def get_queryset(self):
        params = self.request.query_params
        level = params.get("level", Level.GRID)
        if level not in Level.values:
            raise ValidationError({"level": f"层级必须是 {', '.join(Level.values)} 之一"})
        try:
            bbox, zoom = parse_bbox(params.get("bbox")), parse_zoom(params.get("zoom"))
        except MapRequestError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        areas = _visible_areas(self.request).filter(level=level).defer("geom")
        if bbox is not None:
            areas = areas.filter(geom__bboverlaps=bbox)
        if zoom is None:
            return areas.annotate(shape=F("geom"))
        return areas.annotate(shape=SimplifyPreserveTopology("geom", degrees_per_pixel(zoom) / 2))


class AreaDetail(RetrieveAPIView):
    serializer_class = AreaFeatureSerializer

    def get_object(self):
        return get_or_404(_visible_areas(self.request).annotate(shape=F("geom")), self.request.user,
                          code=self.kwargs["code"])


class KeyAreaList(ListAPIView):
    serializer_class = KeyAreaFeatureSerializer

    def get_queryset(self):
        return scope(KeyArea.objects.select_related("area"), self.request.user, "area__code")


PLACE = inline_serializer("Place", {"code": serializers.CharField(), "name": serializers.CharField()})


class Locate(APIView):
    """?lon=&lat= (WGS-84) → the grid, village, town and county; 400 with a reason if outside."""

    @extend_schema(parameters=[OpenApiParameter("lon", float, required=True), OpenApiParameter("lat", float, required=True)],
                   responses=inline_serializer("Location", {level: PLACE for level in ("grid", "village", "town", "county")}))
    def get(self, request):
        try:
            point = point_from_lonlat(request.query_params.get("lon"), request.query_params.get("lat"))
            location = locate_for_user(user=request.user, point=point)
        except LocationError as exc:
            raise ValidationError({"detail": str(exc)}) from None
        return Response({
            level: {"code": area.code, "name": area.name}
            for level, area in vars(location).items()
        })
