"""/api/v1/patrols/: patrols with their track line (GeoJSON), one patrol, planning or starting one,
start/finish/cancel (gridcase.patrols.actions), the phone's track upload and the check-ins — through
the patrols app's selectors and services."""

from django.db.models import F
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geodata.api import ShapeField
from geodata.maps import MapRequestError, SimplifyPreserveTopology, degrees_per_pixel, parse_zoom
from geodata.models import Area, Level
from gridcase.accounts.jurisdiction import scope
from gridcase.accounts.models import Role, User
from gridcase.api.conditional import conditional_get, content_etag
from gridcase.api.filters import BBOX, by_bbox, by_choice, by_time, time_parameters
from gridcase.api.pagination import GeoJsonCursorPagination
from gridcase.api.refusals import SERVICE_ERRORS, service_problem
from gridcase.api.transitions import Transition, refuse, transition_schema
from gridcase.patrols import selectors, services
from gridcase.patrols.actions import ACTIONS
from gridcase.patrols.models import TRANSITIONS, CheckIn, Patrol, PatrolType, Status


class PatrolFeatureSerializer(GeoFeatureModelSerializer):
    """A patrol as a GeoJSON feature whose geometry is its track (null before the first fix)."""

    track = ShapeField(source="shape", read_only=True, allow_null=True)
    grid = serializers.CharField(source="area_code", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    type_label = serializers.CharField(source="get_type_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    workers = serializers.SerializerMethodField()

    class Meta:
        model = Patrol
        geo_field = "track"
        fields = ["id", "type", "type_label", "planned", "status", "status_label", "grid", "grid_name", "workers",
                  "note", "planned_start", "planned_end", "started_at", "ended_at", "distance_m", "duration_s",
                  "points_kept", "points_dropped", "created_at", "updated_at", "version"]

    def get_workers(self, patrol) -> list[str]:
        return [str(worker) for worker in patrol.workers.all()]


class PatrolCreateSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, help_text="手机端生成的编号：重复提交返回同一巡逻")
    grid = serializers.CharField(max_length=15, help_text="网格代码（15 位）")
    type = serializers.ChoiceField(choices=PatrolType.choices, default=PatrolType.ROUTINE)
    workers = serializers.ListField(child=serializers.CharField(max_length=150), required=False, default=list,
                                    help_text="巡逻人员的用户名（网格员本人可不填）")
    planned_start = serializers.DateTimeField(required=False, allow_null=True, help_text="不填则为临时巡逻，立即开始")
    planned_end = serializers.DateTimeField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TrackUploadSerializer(serializers.Serializer):
    points = serializers.ListField(child=serializers.DictField(), help_text=(
        '定位点：{"t": ISO 时间或毫秒时间戳, "lon", "lat", "acc": 精度（米）, "id": 客户端编号}'))


INGEST_RESULT = inline_serializer("TrackIngestResult", fields={
    "received": serializers.IntegerField(), "stored": serializers.IntegerField(),
    "duplicates": serializers.IntegerField(), "dropped": serializers.IntegerField(),
    "dropped_for": serializers.DictField(child=serializers.IntegerField()), "invalid": serializers.IntegerField(),
    "revised": serializers.IntegerField(), "errors": serializers.ListField(child=serializers.JSONField()),
    "kept_total": serializers.IntegerField(), "distance_m": serializers.FloatField(),
    "arrivals": serializers.ListField(child=serializers.IntegerField())})


class CheckInSerializer(serializers.ModelSerializer):
    check_point = serializers.CharField(source="check_point.name", read_only=True)
    key_area = serializers.CharField(source="check_point.key_area.name", read_only=True)
    lon = serializers.FloatField(source="check_point.location.x", read_only=True)
    lat = serializers.FloatField(source="check_point.location.y", read_only=True)

    class Meta:
        model = CheckIn
        fields = ["id", "check_point", "key_area", "lon", "lat", "at", "distance_m"]


def _with_shape(patrols, zoom: int | None = None):
    """The track as drawn: simplified to half a screen pixel at `zoom` (in PostGIS), whole without one."""
    if zoom is None:
        return patrols.annotate(shape=F("track"))
    return patrols.annotate(shape=SimplifyPreserveTopology("track", degrees_per_pixel(zoom) / 2))


def _patrol(request, patrol_id) -> Patrol:
    patrol = selectors.patrol_for_user(request.user, patrol_id)
    return _with_shape(Patrol.objects.filter(pk=patrol.pk).select_related("grid").defer("grid__geom")).get()


def _detail(patrol: Patrol) -> dict:
    return PatrolFeatureSerializer(patrol).data


WINDOWS = {"started_after": "started_at__gte", "started_before": "started_at__lt", "updated_after": "updated_at__gte"}
CHOICES = {"status": ("status", Status.values), "type": ("type", PatrolType.values)}


class PatrolList(generics.GenericAPIView):
    """Patrols in the caller's jurisdiction with their tracks (GeoJSON, newest first, cursor pages;
    ?zoom= simplifies the lines for a map); POST plans a patrol, or starts one now without planned_start."""

    pagination_class = GeoJsonCursorPagination
    serializer_class = PatrolFeatureSerializer

    def get_queryset(self):
        try:
            zoom = parse_zoom(self.request.query_params.get("zoom"))
        except MapRequestError as exc:
            raise ValidationError({"zoom": [str(exc)]}) from None
        patrols = selectors.patrols_visible_to(user=self.request.user).select_related("grid").defer("grid__geom")
        patrols = by_choice(self.request, by_time(self.request, by_bbox(self.request, patrols, "track"), WINDOWS),
                            CHOICES)
        if grid := self.request.query_params.get("grid"):
            patrols = patrols.filter(area_code__startswith=grid)
        return _with_shape(patrols.prefetch_related("workers"), zoom)

    @extend_schema(operation_id="patrols_list", responses=PatrolFeatureSerializer(many=True), parameters=[
        BBOX, *time_parameters(WINDOWS), OpenApiParameter("status", str, enum=Status.values),
        OpenApiParameter("type", str, enum=PatrolType.values), OpenApiParameter("grid", str, description="网格或村代码"),
        OpenApiParameter("zoom", int, description="按地图缩放级别简化轨迹")])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return conditional_get(request, response.data, content_etag(response.data))

    @extend_schema(request=PatrolCreateSerializer, responses={201: PatrolFeatureSerializer, 200: PatrolFeatureSerializer})
    def post(self, request):
        data = PatrolCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        grid = scope(Area.objects.filter(level=Level.GRID).defer("geom"), request.user).filter(code=fields["grid"]).first()
        if grid is None:
            raise ValidationError({"grid": ["您的辖区内没有这个网格"]})
        # The workers a page could pick: active grid workers of the user's jurisdiction (PatrolForm).
        candidates = scope(User.objects.filter(role=Role.GRID_WORKER, is_active=True), request.user, "area__code")
        workers = list(candidates.filter(username__in=fields["workers"])) if fields["workers"] else []
        if len(workers) != len(set(fields["workers"])):
            raise ValidationError({"workers": ["有的用户名不是您辖区内的网格员"]})
        client_id = fields.get("client_id")
        repeated = client_id is not None and Patrol.objects.filter(client_id=client_id).exists()
        try:
            patrol = services.patrol_create(
                actor=request.user, grid=grid, type=fields["type"], workers=workers,
                planned_start=fields.get("planned_start"), planned_end=fields.get("planned_end"), note=fields["note"],
                client_id=client_id)
        except SERVICE_ERRORS as exc:
            raise service_problem(exc) from None
        patrol = _patrol(request, patrol.pk)
        response = Response(_detail(patrol), status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:patrol-detail", args=[patrol.pk])
        response["ETag"] = patrol_etag(patrol)
        return response


def patrol_etag(patrol: Patrol) -> str:
    """The version, then the track's fixes: the track grows while the phone uploads, without a new
    version (If-Match reads the version, the part before the dot)."""
    return f'"{patrol.version}.{patrol.points_kept}.{patrol.points_dropped}"'


class PatrolDetail(APIView):
    serializer_class = PatrolFeatureSerializer

    def get(self, request, patrol_id):
        patrol = _patrol(request, patrol_id)
        return conditional_get(request, _detail(patrol), patrol_etag(patrol))


class PatrolTransition(Transition):
    """POST /patrols/{id}/transitions/{name}: start, finish, or cancel (with a reason)."""

    actions = ACTIONS

    def load(self, request, pk):
        return _patrol(request, pk)

    def refusal(self, user, patrol, name):
        return refuse(may=services.may_manage(user, patrol), allowed=patrol.status in TRANSITIONS[name],
                      allowed_now=[a for a, states in TRANSITIONS.items() if patrol.status in states])

    def respond(self, request, patrol):
        return Response(_detail(patrol))

    def etag(self, patrol):
        return patrol_etag(patrol)

    @transition_schema(ACTIONS, PatrolFeatureSerializer)
    def post(self, request, patrol_id, name):
        return self.transition(request, patrol_id, name)


class PatrolTrack(APIView):
    """POST a batch of fixes from the phone: each is stored once, so a batch sent again (or late, or
    out of order) is answered with duplicates rather than stored twice. No If-Match: the track is
    appended to, not edited, and late batches are accepted after the patrol is finished."""

    @extend_schema(request=TrackUploadSerializer, responses={200: INGEST_RESULT})
    def post(self, request, patrol_id):
        patrol = selectors.patrol_for_user(request.user, patrol_id)
        batch = TrackUploadSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        try:
            result = services.track_ingest(patrol=patrol, actor=request.user, points=batch.validated_data["points"])
        except SERVICE_ERRORS as exc:
            raise service_problem(exc) from None
        return Response(result.as_dict())


class PatrolCheckIns(APIView):
    """The key-area check points this patrol's track passed, in time order."""

    @extend_schema(responses={200: CheckInSerializer(many=True)})
    def get(self, request, patrol_id):
        patrol = selectors.patrol_for_user(request.user, patrol_id)
        data = CheckInSerializer(selectors.check_ins(patrol=patrol), many=True).data
        return conditional_get(request, data, content_etag(data))
