"""/api/v1/requests/: resident requests (GeoJSON; reporters only masked — the full name and contact
are shown on the request page alone, and every such view is logged), one request, registering one,
the actions of the request page (gridcase.requests.actions) and the timeline."""

from django.contrib.gis.geos import Point
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from gridcase.api.conditional import ConditionalList, conditional_get, content_etag, version_etag
from gridcase.api.filters import BBOX, by_bbox, by_choice, by_time, time_parameters
from gridcase.api.pagination import IdCursorPagination, newest_first
from gridcase.api.problems import Problem
from gridcase.api.refusals import SERVICE_ERRORS, service_problem
from gridcase.api.transitions import Transition, refuse, transition_schema
from gridcase.lib import clock
from gridcase.patrols.selectors import PatrolNotVisible, patrol_for_finding
from gridcase.requests import permissions, selectors, services
from gridcase.requests.actions import ACTIONS, form_for
from gridcase.requests.models import OPEN_STATES, Channel, Kind, Request, RequestCategory, RequestEvent, State
from gridcase.requests.workflow import EVENT_LABELS, TRANSITIONS


class RequestFeatureSerializer(GeoFeatureModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    village = serializers.CharField(source="village_code", read_only=True)
    grid = serializers.SerializerMethodField()
    office = serializers.CharField(source="office.name", default=None, allow_null=True, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    channel_label = serializers.CharField(source="get_channel_display", read_only=True)
    reporter = serializers.CharField(source="reporter_name_masked", read_only=True, help_text="反映人（已脱敏）")
    contact = serializers.CharField(source="contact_masked", read_only=True, help_text="联系方式（已脱敏）")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Request
        geo_field = "location"
        fields = ["id", "number", "matter", "category", "category_name", "channel", "channel_label", "received_on",
                  "village", "grid", "state", "state_label", "kind", "kind_label", "office", "handling", "deadline",
                  "overdue", "reporter", "contact", "reporters_count", "replied_at", "satisfaction", "closed_at",
                  "registered_at", "updated_at", "version"]

    def get_grid(self, item) -> str | None:
        return item.area_code if item.grid_id else None

    def get_overdue(self, item) -> bool:
        return bool(item.state in OPEN_STATES and item.deadline and item.deadline < clock.now())


class RequestDetailSerializer(RequestFeatureSerializer):
    case = serializers.CharField(source="case.number", default=None, allow_null=True, read_only=True)
    merged_into = serializers.IntegerField(source="merged_into_id", allow_null=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(RequestFeatureSerializer.Meta):
        fields = [*RequestFeatureSerializer.Meta.fields, "guidance", "reply", "feedback", "case", "merged_into",
                  "allowed_actions"]

    def get_allowed_actions(self, item) -> list[str]:
        return [action for action, _label in permissions.allowed_actions(self.context["request"].user, item)]


class RequestEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)
    label = serializers.SerializerMethodField()

    class Meta:
        model = RequestEvent
        fields = ["id", "kind", "label", "at", "actor", "from_state", "to_state", "version", "note", "data"]

    def get_label(self, event) -> str:
        return str(EVENT_LABELS.get(event.kind, event.kind))


class RequestCreateSerializer(serializers.Serializer):
    client_id = serializers.UUIDField(required=False, help_text="手机端生成的编号：重复提交返回同一诉求")
    matter = serializers.CharField(max_length=4000)
    category = serializers.SlugRelatedField(slug_field="code", queryset=RequestCategory.objects.filter(active=True))
    channel = serializers.ChoiceField(choices=[c for c in Channel.choices if c[0] != Channel.OPEN311],
                                      default=Channel.WALK)
    received_on = serializers.DateField(required=False, help_text="默认今天")
    village = serializers.CharField(max_length=12, required=False, allow_blank=True,
                                    help_text="村(社区)代码；给出位置时可不填")
    lon = serializers.FloatField(min_value=-180, max_value=180, required=False, allow_null=True)
    lat = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    reporter_name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    contact = serializers.RegexField(r"^[\d\-+ ]{5,20}$", required=False, allow_blank=True, default="")
    patrol = serializers.IntegerField(required=False, allow_null=True, min_value=1, help_text="发现于哪次巡逻")

    def validate(self, data):
        if (data.get("lon") is None) != (data.get("lat") is None):
            raise ValidationError({"lon": ["经度和纬度须同时填写，或都不填"]})
        if data.get("lon") is None and not data.get("village"):
            raise ValidationError({"village": ["请给出村(社区)代码或位置"]})
        return data


def _detail(request, item: Request) -> dict:
    return RequestDetailSerializer(item, context={"request": request}).data


WINDOWS = {"registered_after": "registered_at__gte", "registered_before": "registered_at__lt",
           "updated_after": "updated_at__gte"}
CHOICES = {"state": ("state", State.values), "kind": ("kind", Kind.values), "channel": ("channel", Channel.values)}


class RequestList(generics.GenericAPIView):
    """Requests in the caller's jurisdiction (GeoJSON, newest first, cursor pages; those without a
    location have a null geometry); POST registers one."""

    pagination_class = newest_first("registered_at")
    serializer_class = RequestFeatureSerializer

    def get_queryset(self):
        rows = selectors.requests_visible_to(user=self.request.user).select_related("category", "office")
        rows = by_choice(self.request, by_time(self.request, by_bbox(self.request, rows, "location"), WINDOWS), CHOICES)
        if village := self.request.query_params.get("village"):
            rows = rows.filter(village_code=village)
        return rows

    @extend_schema(operation_id="requests_list", responses=RequestFeatureSerializer(many=True), parameters=[
        BBOX, *time_parameters(WINDOWS), OpenApiParameter("state", str, enum=State.values),
        OpenApiParameter("kind", str, enum=Kind.values), OpenApiParameter("channel", str, enum=Channel.values),
        OpenApiParameter("village", str, description="村(社区)代码")])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return conditional_get(request, response.data, content_etag(response.data))

    @extend_schema(request=RequestCreateSerializer, responses={201: RequestDetailSerializer, 200: RequestDetailSerializer})
    def post(self, request):
        data = RequestCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        village = None
        if fields.get("village"):
            village = services.villages_for(request.user).filter(code=fields["village"]).first()
            if village is None:
                raise ValidationError({"village": ["您的辖区内没有这个村(社区)"]})
        location = Point(fields["lon"], fields["lat"], srid=4326) if fields.get("lon") is not None else None
        client_id = fields.get("client_id")
        repeated = client_id is not None and Request.objects.filter(client_id=client_id).exists()
        try:
            patrol = patrol_for_finding(request.user, fields.get("patrol"))
            item = services.request_register(
                actor=request.user, matter=fields["matter"], category=fields["category"],
                received_on=fields.get("received_on") or clock.today(), channel=fields["channel"], village=village,
                location=location, reporter=services.Reporter(name=fields["reporter_name"], contact=fields["contact"]),
                client_id=client_id, patrol=patrol)
        except PatrolNotVisible as exc:
            raise Problem(422, "validation-error", str(exc)) from None
        except SERVICE_ERRORS as exc:
            raise service_problem(exc) from None
        item = permissions.request_for_user(request.user, item.pk)
        response = Response(_detail(request, item), status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:request-detail", args=[item.pk])
        response["ETag"] = version_etag(item.version)
        return response


class RequestDetail(APIView):
    serializer_class = RequestDetailSerializer

    def get(self, request, request_id):
        item = permissions.request_for_user(request.user, request_id)
        return conditional_get(request, _detail(request, item), version_etag(item.version))


class RequestTransition(Transition):
    """POST /requests/{id}/transitions/{name}: the actions of the request page, with the fields of its
    form (triage: kind, office (id, for 大事), handling, guidance, note; reply: reply; close: satisfaction,
    feedback; feedback: feedback; to_case: title, category (id), lon, lat; merge:
    into (the other request's number), note; the answer's merged_into names the other one). An allowed
    `deliberate` is not a transition here: it happens when a topic is registered from the request."""

    actions = ACTIONS

    def load(self, request, pk):
        return permissions.request_for_user(request.user, pk)

    def refusal(self, user, item, name):
        return refuse(may=permissions.may(user, item, name), allowed=name in TRANSITIONS[item.state],
                      allowed_now=[action for action, _label in permissions.allowed_actions(user, item)])

    def make_form(self, item, name, data, files):
        return form_for(name, item, data)

    def respond(self, request, item):
        return Response(_detail(request, item))

    @transition_schema(ACTIONS, RequestDetailSerializer)
    def post(self, request, request_id, name):
        return self.transition(request, request_id, name)


class RequestEvents(ConditionalList, generics.ListAPIView):
    """The request's timeline (append-only), oldest first."""

    serializer_class = RequestEventSerializer
    pagination_class = type("RequestTimelinePagination", (IdCursorPagination,), {"ordering": "id"})

    def get_queryset(self):
        return selectors.timeline(request=permissions.request_for_user(self.request.user, self.kwargs["request_id"]))
