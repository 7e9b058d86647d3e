"""/api/v1/hazards/: the hazard list (GeoJSON), one hazard, reporting, the actions of the hazard page
(gridcase.hazards.actions) and the timeline — through the hazards app's selectors and services."""

from django.contrib.gis.geos import Point
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gridcase.api.conditional import ConditionalList, conditional_get, content_etag, version_etag
from gridcase.api.filters import BBOX, by_bbox, by_choice, by_time, time_parameters
from gridcase.api.pagination import IdCursorPagination, newest_first
from gridcase.api.problems import Problem
from gridcase.api.refusals import SERVICE_ERRORS, service_problem
from gridcase.api.transitions import Transition, refuse, transition_schema
from gridcase.cases.models import Level
from gridcase.hazards import permissions, selectors, services
from gridcase.hazards.actions import ACTIONS
from gridcase.hazards.models import Hazard, HazardCategory, HazardEvent, HazardPhoto, ResponsibleKind, Severity, State
from gridcase.hazards.workflow import RECORDS, TRANSITIONS
from gridcase.lib import clock
from gridcase.patrols.selectors import PatrolNotVisible, patrol_for_finding


class HazardFeatureSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    grid = serializers.CharField(source="area_code", read_only=True)
    severity_label = serializers.CharField(source="get_severity_display", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    level_label = serializers.CharField(source="get_level_display", read_only=True)
    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = Hazard
        geo_field = "location"
        fields = ["id", "number", "title", "category", "category_name", "severity", "severity_label", "grid", "state",
                  "state_label", "level", "level_label", "responsible_kind", "responsible_name", "deadline", "overdue",
                  "reported_at", "verified_at", "rectified_at", "closed_at", "rework_count", "extension_count",
                  "updated_at", "version"]


class HazardPhotoSerializer(serializers.ModelSerializer):
    class Meta:
        model = HazardPhoto
        fields = ["id", "kind", "original_name", "content_type", "size", "uploaded_at"]


class HazardDetailSerializer(HazardFeatureSerializer):
    photos = HazardPhotoSerializer(many=True, read_only=True)
    pending_extension = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()

    class Meta(HazardFeatureSerializer.Meta):
        fields = [*HazardFeatureSerializer.Meta.fields, "description", "responsible_contact", "photos",
                  "pending_extension", "allowed_actions"]

    def get_pending_extension(self, hazard) -> dict | None:
        pending = selectors.pending_extension(hazard=hazard)
        return None if pending is None else {"new_deadline": pending.new_deadline, "reason": pending.reason,
                                             "requested_at": pending.requested_at}

    def get_allowed_actions(self, hazard) -> list[str]:
        return _transitions_now(self.context["request"].user, hazard)


class HazardEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    label = serializers.CharField(read_only=True)

    class Meta:
        model = HazardEvent
        fields = ["id", "kind", "label", "at", "actor", "from_state", "to_state", "level", "version", "reason", "data"]


class HazardCreateSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, help_text="手机端生成的编号：重复提交返回同一隐患")
    title = serializers.CharField(max_length=200)
    category = serializers.SlugRelatedField(slug_field="code", queryset=HazardCategory.objects.filter(active=True))
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.GENERAL)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lon = serializers.FloatField(min_value=-180, max_value=180, help_text="WGS-84 经度")
    lat = serializers.FloatField(min_value=-90, max_value=90, help_text="WGS-84 纬度")
    responsible_kind = serializers.ChoiceField(choices=ResponsibleKind.choices, default=ResponsibleKind.UNIT)
    responsible_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    responsible_contact = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    patrol = serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text="发现于哪次巡逻")


def _transitions_now(user, hazard: Hazard) -> list[str]:
    """The page's buttons that are transitions here (photos have no API yet)."""
    return [action for action in permissions.allowed_actions(user, hazard) if action in ACTIONS]


def _detail(request, hazard: Hazard) -> dict:
    return HazardDetailSerializer(hazard, context={"request": request}).data


WINDOWS = {"reported_after": "reported_at__gte", "reported_before": "reported_at__lt", "updated_after": "updated_at__gte"}
CHOICES = {"state": ("state", State.values), "level": ("level", Level.values),
           "severity": ("severity", Severity.values)}


class HazardList(generics.GenericAPIView):
    """Hazards in the caller's jurisdiction (GeoJSON, newest first, cursor pages); POST reports one."""

    pagination_class = newest_first("reported_at")
    serializer_class = HazardFeatureSerializer

    def get_queryset(self):
        hazards = selectors.hazards_visible_to(user=self.request.user).select_related("category")
        hazards = by_choice(self.request, by_time(self.request, by_bbox(self.request, hazards, "location"), WINDOWS),
                            CHOICES)
        if category := self.request.query_params.get("category"):
            hazards = hazards.filter(category__code=category)
        if self.request.query_params.get("overdue") == "1":
            hazards = hazards.filter(state=State.RECTIFYING, deadline__lt=clock.now())
        return hazards

    @extend_schema(operation_id="hazards_list", responses=HazardFeatureSerializer(many=True), parameters=[
        BBOX, *time_parameters(WINDOWS), OpenApiParameter("state", str, enum=State.values),
        OpenApiParameter("level", str, enum=Level.values), OpenApiParameter("severity", int, enum=Severity.values),
        OpenApiParameter("category", str, description="隐患类别代码"), OpenApiParameter("overdue", str, enum=["1"])])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return conditional_get(request, response.data, content_etag(response.data))

    @extend_schema(request=HazardCreateSerializer, responses={201: HazardDetailSerializer, 200: HazardDetailSerializer})
    def post(self, request):
        data = HazardCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        client_id = fields.get("client_id")
        repeated = client_id is not None and Hazard.objects.filter(client_id=client_id).exists()
        try:
            patrol = patrol_for_finding(request.user, fields.get("patrol"))
            hazard = services.hazard_report(
                actor=request.user, title=fields["title"], category=fields["category"], severity=fields["severity"],
                description=fields["description"], location=Point(fields["lon"], fields["lat"], srid=4326),
                responsible_kind=fields["responsible_kind"], responsible_name=fields["responsible_name"],
                responsible_contact=fields["responsible_contact"], client_id=client_id, patrol=patrol)
        except PatrolNotVisible as exc:
            raise Problem(422, "validation-error", str(exc)) from None
        except SERVICE_ERRORS as exc:
            raise service_problem(exc) from None
        hazard = permissions.hazard_for_user(request.user, hazard.pk)
        response = Response(_detail(request, hazard), status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:hazard-detail", args=[hazard.pk])
        response["ETag"] = version_etag(hazard.version)
        return response


class HazardDetail(APIView):
    serializer_class = HazardDetailSerializer

    def get(self, request, hazard_id):
        hazard = permissions.hazard_for_user(request.user, hazard_id)
        return conditional_get(request, _detail(request, hazard), version_etag(hazard.version))


class HazardTransition(Transition):
    """POST /hazards/{id}/transitions/{name}: the actions of the hazard page, with the fields of its form
    for that action (verify: severity, note; reject: reason; rectify: responsible_kind, responsible_name,
    responsible_contact, deadline (date), note; complete: photos (multipart, one or more), note; close: note;
    rework: reason, deadline; extend: new_deadline, reason; decide_extension: approve ("1"/"0"), note;
    escalate: reason)."""

    actions = ACTIONS

    def load(self, request, pk):
        return permissions.hazard_for_user(request.user, pk)

    def refusal(self, user, hazard, name):
        possible = name in TRANSITIONS[hazard.state] or hazard.state in RECORDS.get(name, ())
        return refuse(may=permissions.may(user, hazard, name), allowed=possible,
                      allowed_now=_transitions_now(user, hazard))

    def respond(self, request, hazard):
        return Response(_detail(request, hazard))

    @transition_schema(ACTIONS, HazardDetailSerializer)
    def post(self, request, hazard_id, name):
        return self.transition(request, hazard_id, name)


class HazardEvents(ConditionalList, generics.ListAPIView):
    """The hazard's timeline (append-only), oldest first."""

    serializer_class = HazardEventSerializer
    pagination_class = type("HazardTimelinePagination", (IdCursorPagination,), {"ordering": "id"})

    def get_queryset(self):
        return selectors.timeline(hazard=permissions.hazard_for_user(self.request.user, self.kwargs["hazard_id"]))

