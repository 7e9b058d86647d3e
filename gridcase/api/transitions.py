"""POST /<resources>/{id}/transitions/{name}: the pages' action table of each app, behind one shape
— If-Match first (412 if stale, nothing changed), then who may and whether the state allows it
(403/409), then the page's own form for the action (400 listing its fields), then its service."""

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from gridcase.api.conditional import expected_version, version_etag
from gridcase.api.problems import Problem
from gridcase.api.refusals import SERVICE_ERRORS, service_problem

IF_MATCH = OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=True, description="读取时的 ETag")


def transition_schema(names, response, description: str = ""):
    return extend_schema(
        request={"application/json": OpenApiTypes.OBJECT, "multipart/form-data": OpenApiTypes.OBJECT},
        responses={200: response}, description=description,
        parameters=[OpenApiParameter("name", str, OpenApiParameter.PATH, enum=sorted(names)), IF_MATCH])


def _form_value(value):
    # The pages' forms read what a browser posts: "1"/"0" for yes and no.
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def form_input(request, version: int):
    """(data, files) for the page's form: JSON fields, or the fields and files of a multipart body."""
    if hasattr(request.data, "getlist"):  # form or multipart: keep repeated keys (several photos)
        data = request.data.copy()
        for name in request.FILES:
            data.pop(name, None)
        data["version"] = str(version)
        return data, request.FILES
    if not isinstance(request.data, dict):
        raise ValidationError({"detail": _("请求体应为 JSON 对象")})
    return {**{k: _form_value(v) for k, v in request.data.items()}, "version": version}, None


class Transition(APIView):
    """Subclasses name the action table and say how to load, check, and show the object."""

    actions: dict = {}
    version_field = "version"

    def load(self, request, pk):
        raise NotImplementedError

    def refusal(self, user, obj, name: str) -> Problem | None:
        """403 or 409 before the form is read; None when the action may go ahead."""
        return None

    def make_form(self, obj, name: str, data, files):
        return self.actions[name][0](data=data, files=files) if files is not None else self.actions[name][0](data=data)

    def respond(self, request, obj) -> Response:
        raise NotImplementedError

    def etag(self, obj) -> str:
        return version_etag(getattr(obj, self.version_field))

    def transition(self, request, pk, name: str) -> Response:
        obj = self.load(request, pk)
        if name not in self.actions:
            raise Problem(404, "not-found", _("没有名为 %(name)s 的操作；可用：%(names)s")
                          % {"name": name, "names": ", ".join(sorted(self.actions))})
        version = expected_version(request, getattr(obj, self.version_field))
        if (refused := self.refusal(request.user, obj, name)) is not None:
            raise refused
        data, files = form_input(request, version)
        form = self.make_form(obj, name, data, files)
        if not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        try:
            with transaction.atomic():
                self.actions[name][1](obj, request.user, dict(form.cleaned_data))
        except SERVICE_ERRORS as exc:
            raise service_problem(exc) from None
        obj = self.load(request, pk)
        response = self.respond(request, obj)
        response["ETag"] = self.etag(obj)
        return response


def refuse(*, may: bool, allowed: bool, allowed_now: list[str]) -> Problem | None:
    """The usual refusal: 403 when the user may never take the action here, 409 when the state forbids it."""
    if not may:
        return Problem(403, "permission-denied", _("您无权执行该操作"))
    if not allowed:
        return Problem(409, "state-conflict", _("当前状态不允许该操作；现在可以：%(names)s")
                       % {"names": ", ".join(allowed_now) or _("无")}, allowed_actions=allowed_now)
    return None
