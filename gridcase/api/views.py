"""/api/v1/: thin views over the same selectors and services as the pages."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from geodata.maps import MapRequestError, parse_bbox
from gridcase.api import serializers
from gridcase.api.conditional import ConditionalList, conditional_get, content_etag, expected_version, version_etag
from gridcase.api.filters import datetime_param
from gridcase.api.pagination import IdCursorPagination, newest_first
from gridcase.api.problems import Problem, problem_http_response
from gridcase.api.refusals import service_problem
from gridcase.cases import permissions as case_permissions
from gridcase.cases import selectors as case_selectors
from gridcase.cases import services as case_services
from gridcase.cases.actions import ACTIONS
from gridcase.cases.models import Agreement, Case, Level, State
from gridcase.notifications import selectors as notification_selectors
from gridcase.notifications import services as notification_services


@csrf_exempt
def no_such_resource(request, *args, **kwargs):
    return problem_http_response(404, "not-found", _("没有这个接口地址"), request.path)


TRANSITION_NAMES = sorted(name for name in ACTIONS if name != "edit")


def case_error(exc: case_services.CaseError) -> Problem:
    """The services' refusals as problems (the mapping all resources share)."""
    return service_problem(exc)


CASE_FILTERS = [
    OpenApiParameter("bbox", str, description="w,s,e,n（WGS-84 经纬度）：只返回此范围内的案件"),
    OpenApiParameter("registered_after", OpenApiTypes.DATETIME), OpenApiParameter("registered_before", OpenApiTypes.DATETIME),
    OpenApiParameter("updated_after", OpenApiTypes.DATETIME, description="增量同步：此后有变化的案件"),
    OpenApiParameter("state", str, enum=State.values), OpenApiParameter("level", str, enum=Level.values),
    OpenApiParameter("category", str, description="纠纷类型代码"),
]


class CaseList(generics.GenericAPIView):
    """Cases in the caller's jurisdiction (GeoJSON, newest first, cursor pages); POST logs a new one."""

    pagination_class = newest_first("registered_at")
    serializer_class = serializers.CaseFeatureSerializer

    def get_queryset(self):
        params = self.request.query_params
        cases = case_selectors.cases_visible_to(user=self.request.user).select_related("category")
        try:
            bbox = parse_bbox(params.get("bbox"))
        except MapRequestError as exc:
            raise ValidationError({"bbox": [str(exc)]}) from None
        if bbox is not None:
            cases = cases.filter(location__intersects=bbox)
        for name, lookup in (("registered_after", "registered_at__gte"), ("registered_before", "registered_at__lt"),
                             ("updated_after", "updated_at__gte")):
            if (moment := datetime_param(self.request, name)) is not None:
                cases = cases.filter(**{lookup: moment})
        for name in ("state", "level"):
            if value := params.get(name):
                cases = cases.filter(**{name: value})
        if category := params.get("category"):
            cases = cases.filter(category__code=category)
        return cases

    @extend_schema(parameters=CASE_FILTERS, operation_id="cases_list", responses=serializers.CaseFeatureSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=serializers.CaseCreateSerializer, responses={201: serializers.CaseDetailSerializer,
                                                                        200: serializers.CaseDetailSerializer})
    def post(self, request):
        data = serializers.CaseCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        client_id = fields.get("client_id")
        repeated = client_id is not None and Case.objects.filter(client_id=client_id).exists()
        try:
            case = case_services.case_register(
                actor=request.user, title=fields["title"], category=fields["category"], narrative=fields["narrative"],
                location=data.point(), people_involved=fields["people_involved"], amount=fields.get("amount"),
                risk=fields["risk"], violence_risk=fields["violence_risk"], source=fields["source"],
                parties=[case_services.PartyInput(**p) for p in fields["parties"]], client_id=client_id)
        except case_services.CaseError as exc:
            raise case_error(exc) from None
        body = serializers.CaseDetailSerializer(case, context={"request": request}).data
        response = Response(body, status=status.HTTP_200_OK if repeated else status.HTTP_201_CREATED)
        response["Location"] = reverse("api:case-detail", args=[case.pk])
        response["ETag"] = version_etag(case.version)
        return response


class CaseDetail(APIView):
    """One case; PATCH edits it (send the ETag you read as If-Match)."""

    serializer_class = serializers.CaseDetailSerializer

    def get_object(self) -> Case:
        return case_permissions.case_for_user(self.request.user, self.kwargs["case_id"])

    def get(self, request, case_id):
        case = self.get_object()
        return conditional_get(request, serializers.CaseDetailSerializer(case, context={"request": request}).data,
                               version_etag(case.version))

    @extend_schema(request=serializers.CaseUpdateSerializer, parameters=[
        OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True, description="读取时的 ETag")])
    def patch(self, request, case_id):
        case = self.get_object()
        changes = serializers.CaseUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        version = expected_version(request, case.version)
        try:
            case = case_services.case_update(case=case, actor=request.user, expected_version=version,
                                             **changes.validated_data)
        except case_services.CaseError as exc:
            raise case_error(exc) from None
        response = Response(serializers.CaseDetailSerializer(case, context={"request": request}).data)
        response["ETag"] = version_etag(case.version)
        return response


class CaseTransition(APIView):
    """POST /cases/{id}/transitions/{name}: the case actions, with the fields of the page's form for
    that action (e.g. accept: note; settle: signed_on, terms, performance_due; fail: reason)."""

    @extend_schema(request=OpenApiTypes.OBJECT, responses={200: serializers.CaseDetailSerializer}, parameters=[
        OpenApiParameter("name", str, OpenApiParameter.PATH, enum=TRANSITION_NAMES),
        OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True, description="读取时的 ETag")])
    def post(self, request, case_id, name):
        case = case_permissions.case_for_user(request.user, case_id)
        if name not in TRANSITION_NAMES:
            raise Problem(404, "not-found", _("没有名为 %(name)s 的操作；可用：%(names)s")
                          % {"name": name, "names": ", ".join(TRANSITION_NAMES)})
        if not isinstance(request.data, dict):
            raise ValidationError({"detail": _("请求体应为 JSON 对象")})
        version = expected_version(request, case.version)
        form_class, perform = ACTIONS[name]
        form = form_class(data={**request.data, "version": version})
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            with transaction.atomic():
                perform(case, request.user, dict(form.cleaned_data))
        except case_services.CaseError as exc:
            raise case_error(exc) from None
        case = case_permissions.case_for_user(request.user, case_id)
        response = Response(serializers.CaseDetailSerializer(case, context={"request": request}).data)
        response["ETag"] = version_etag(case.version)
        return response


class CaseEvents(ConditionalList, generics.ListAPIView):
    """The case's timeline (append-only), oldest first."""

    serializer_class = serializers.CaseEventSerializer
    pagination_class = type("TimelinePagination", (IdCursorPagination,), {"ordering": "id"})

    def get_queryset(self):
        case = case_permissions.case_for_user(self.request.user, self.kwargs["case_id"])
        return case.events.select_related("actor")


class NotificationList(generics.ListAPIView):
    """My notifications, newest first."""

    serializer_class = serializers.NotificationSerializer
    pagination_class = IdCursorPagination

    def get_queryset(self):
        return notification_selectors.inbox(user=self.request.user)


class NotificationRead(APIView):
    @extend_schema(request=None, responses={200: serializers.NotificationSerializer})
    def post(self, request, notification_id):
        get_object_or_404(notification_selectors.inbox(user=request.user), pk=notification_id)
        notification = notification_services.notification_mark_read(user=request.user, notification_id=notification_id)
        return Response(serializers.NotificationSerializer(notification).data)


class CaseSessions(APIView):
    """The case's mediation sessions (调解记录), in order; recorded through the mediate and session transitions."""

    @extend_schema(responses={200: serializers.SessionSerializer(many=True)})
    def get(self, request, case_id):
        case = case_permissions.case_for_user(request.user, case_id)
        data = serializers.SessionSerializer(case.sessions.select_related("recorded_by"), many=True).data
        return conditional_get(request, data, content_etag(data))


class CaseAgreement(APIView):
    """The case's mediation agreement (调解协议); 404 until the case is settled."""

    @extend_schema(responses={200: serializers.AgreementSerializer})
    def get(self, request, case_id):
        case = case_permissions.case_for_user(request.user, case_id)
        agreement = Agreement.objects.filter(case=case).first()
        if agreement is None:
            raise Problem(404, "not-found", _("该案件尚无调解协议"))
        data = serializers.AgreementSerializer(agreement).data
        return conditional_get(request, data, content_etag(data))


class CaseFollowUps(APIView):
    """The return visits (回访) after the case, in order; recorded through the follow_up transition."""

    @extend_schema(responses={200: serializers.FollowUpSerializer(many=True)})
    def get(self, request, case_id):
        case = case_permissions.case_for_user(request.user, case_id)
        data = serializers.FollowUpSerializer(case.follow_ups.select_related("recorded_by"), many=True).data
        return conditional_get(request, data, content_etag(data))
