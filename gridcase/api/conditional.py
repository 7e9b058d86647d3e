"""ETag / If-None-Match on reads, If-Match on writes: the version a client saw is its ETag, and a
write against an older one is refused with 412 before anything changes."""

import hashlib
import json

from django.utils.translation import gettext as _
from rest_framework.response import Response

from gridcase.api.problems import Problem


def version_etag(version: int) -> str:
    return f'"{version}"'


def content_etag(data) -> str:
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    return f'W/"{digest}"'


def conditional_get(request, data, etag: str) -> Response:
    """200 with the ETag, or 304 when the client already has this version."""
    wanted = {tag.strip() for tag in request.headers.get("If-None-Match", "").split(",") if tag.strip()}
    weak = etag.removeprefix("W/")
    if "*" in wanted or etag in wanted or weak in wanted or f"W/{weak}" in wanted:
        response = Response(status=304)
    else:
        response = Response(data)
    response["ETag"] = etag
    return response


def expected_version(request, current: int) -> int:
    """The version named by If-Match, which writes must send; 428 without it, 412 if stale."""
    header = request.headers.get("If-Match", "").strip()
    if not header:
        raise Problem(428, "precondition-required", _("修改前请在 If-Match 头中给出所读到的版本（即 ETag）"))
    if header == "*":  # RFC 9110: any current version — the client knowingly overwrites
        return current
    try:
        # A tag may carry more after the version ("7.120": a patrol's version and its track's length);
        # a list of tags matches if any of them does.
        seen = [int(tag.strip().removeprefix("W/").strip('"').split(".")[0]) for tag in header.split(",")]
    except ValueError:
        raise Problem(428, "precondition-required", _("If-Match 应为读取时得到的 ETag，例如 \"3\"")) from None
    if current not in seen:
        raise Problem(412, "stale-version", _("读取后该记录已被他人修改（当前版本 %(current)s），请重新读取后再提交")
                      % {"current": current}, current_version=current)
    return current


class ConditionalList:
    """For a ListAPIView: each page carries an ETag of its content, and is a 304 when unchanged."""

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        return conditional_get(request, response.data, content_etag(response.data))
