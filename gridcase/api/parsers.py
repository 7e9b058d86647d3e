"""Every JSON body the API reads is parsed here: bounded in size and nesting before it is parsed, and
strict (no NaN or Infinity), so that no body reaches a view as a RecursionError or a number that is
not one. A refused body is a 400 problem document like any other malformed request."""

import json
import re

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No request of ours nests deeper than a GeoJSON multipolygon (feature → geometry → polygons →
# rings → points → coordinates: 6); 32 leaves room for any honest client.
MAX_DEPTH = 32
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings are skipped whole: a "[" in one is text


class BodyError(ValueError):
    pass


def max_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def too_deep(body: bytes, limit: int = MAX_DEPTH) -> bool:
    depth = 0
    for match in _TOKENS.finditer(body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > limit:
                return True
        elif token in (b"]", b"}"):
            depth -= 1
    return False


def _constant(name: str):
    raise BodyError(_("JSON 中不能有 %(name)s（不是数字）") % {"name": name})


def loads(body: bytes):
    """The JSON value of `body`, or BodyError saying in plain words what is wrong with it."""
    if len(body) > max_bytes():
        raise BodyError(_("请求内容过大（上限 %(n)d 字节）") % {"n": max_bytes()})
    if too_deep(body):
        raise BodyError(_("JSON 嵌套过深（上限 %(n)d 层）") % {"n": MAX_DEPTH})
    try:
        return json.loads(body, parse_constant=_constant)
    except BodyError:
        raise
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError both are
        raise BodyError(_("JSON 格式错误：%(error)s") % {"error": exc}) from None


def canonical(body: bytes) -> bytes:
    """The same JSON however it is spaced or its keys ordered; the raw bytes if it is not JSON."""
    try:
        value = loads(body)
    except BodyError:
        return body
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read(max_bytes() + 1) if stream is not None else b""
        try:
            return loads(body)
        except BodyError as exc:
            raise ParseError(str(exc)) from None
