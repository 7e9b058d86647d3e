"""Errors as RFC 9457 problem details (application/problem+json), each with a stable `type`
that clients may branch on, a title, and a `detail` in the request's language (Chinese unless
the client asks for English with Accept-Language)."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

PROBLEM_BASE = "/api/v1/problems/"
CONTENT_TYPE = "application/problem+json"

# DRF's own exceptions → our stable type names.
_TYPES = {
    exceptions.ValidationError: "validation-error",
    exceptions.ParseError: "malformed-request",
    exceptions.NotAuthenticated: "not-authenticated",
    exceptions.AuthenticationFailed: "not-authenticated",
    exceptions.PermissionDenied: "permission-denied",
    exceptions.NotFound: "not-found",
    exceptions.MethodNotAllowed: "method-not-allowed",
    exceptions.NotAcceptable: "not-acceptable",
    exceptions.UnsupportedMediaType: "unsupported-media-type",
    exceptions.Throttled: "throttled",
}


class Problem(exceptions.APIException):
    """An error of our own: Problem(409, "state-conflict", "案件当前状态不允许该操作")."""

    def __init__(self, status_code: int, slug: str, detail, **extra):
        self.status_code, self.slug, self.extra = status_code, slug, extra
        super().__init__(detail)


def problem_body(status_code: int, slug: str, detail, instance: str = "", **extra) -> dict:
    return {"type": PROBLEM_BASE + slug, "title": str(TITLES.get(slug, slug)), "status": status_code,
            "detail": str(detail), **({"instance": instance} if instance else {}), **extra}


def problem_response(status_code: int, slug: str, detail, instance: str = "", **extra) -> Response:
    return Response(problem_body(status_code, slug, detail, instance, **extra), status=status_code,
                    content_type=CONTENT_TYPE)


def problem_http_response(status_code: int, slug: str, detail, instance: str = "") -> JsonResponse:
    """The same, outside DRF (middleware)."""
    return JsonResponse(problem_body(status_code, slug, detail, instance), status=status_code,
                        content_type=CONTENT_TYPE, json_dumps_params={"ensure_ascii": False})


TITLES = {
    "validation-error": _("请求内容不符合要求"), "malformed-request": _("请求格式错误"),
    "not-authenticated": _("未登录或令牌无效"), "permission-denied": _("无权进行此操作"), "not-found": _("找不到该资源"),
    "method-not-allowed": _("不支持该请求方法"), "not-acceptable": _("无法提供所要求的格式"),
    "unsupported-media-type": _("不支持该内容类型"), "throttled": _("请求过于频繁"),
    "state-conflict": _("当前状态不允许该操作"), "stale-version": _("数据已被他人修改"),
    "precondition-required": _("缺少 If-Match 版本号"), "idempotency-key-reused": _("幂等键已用于不同的请求"),
    "idempotency-in-progress": _("相同幂等键的请求正在处理"), "outside-jurisdiction": _("位置不在您的辖区内"),
    "server-error": _("服务器内部错误"),
}


def _first(messages):
    return messages[0] if isinstance(messages, list) and messages else messages


def exception_handler(exc, context):
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DataError) or (isinstance(exc, ValueError) and "NUL" in str(exc)):
        # A value the database cannot take (a NUL character, a time-zone offset or a number out of
        # range): the request's fault, said as such rather than a 500.
        return problem_response(400, "malformed-request", _("请求中有超出范围或无法处理的值"), instance)
    elif isinstance(exc, RequestDataTooBig):
        return problem_response(400, "malformed-request", _("请求内容过大（上限 %(n)d 字节）") % {
            "n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}, instance)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, Problem):
        return problem_response(exc.status_code, exc.slug, exc.detail, instance, **exc.extra)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a real bug: Django's 500 handling and logging take over
    slug = next((name for cls, name in _TYPES.items() if isinstance(exc, cls)), "error")
    if isinstance(exc, exceptions.ValidationError) and isinstance(exc.detail, dict) and set(exc.detail) == {"detail"}:
        problem = problem_response(status.HTTP_400_BAD_REQUEST, slug, _first(exc.detail["detail"]), instance)
    elif isinstance(exc, exceptions.ValidationError):
        problem = problem_response(status.HTTP_400_BAD_REQUEST, slug, _("请检查 errors 中列出的字段"), instance,
                                   errors=exc.detail)
    else:
        problem = problem_response(response.status_code, slug, getattr(exc, "detail", exc), instance)
    for header in ("WWW-Authenticate", "Retry-After", "Allow"):
        if header in response:
            problem[header] = response[header]
    return problem
