"""`Idempotency-Key` on POST: a phone or a hotline platform that retries gets the first answer
again, never a second case. The same key with a different body is a mistake and says so (422)."""

import hashlib
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils.translation import gettext as _

from gridcase.api.models import IdempotencyRecord
from gridcase.api.parsers import canonical
from gridcase.api.problems import problem_http_response
from gridcase.lib import clock

PREFIXES = ("/api/v1/", "/open311/")
KEEP = timedelta(hours=24)
# A first request that never finished (its process died) stops blocking its key after this.
ABANDONED = timedelta(minutes=5)
MAX_KEY_LENGTH = 200


def _owner(request) -> str:
    authorization = request.headers.get("Authorization", "")
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:56]
    if request.user.is_authenticated:
        return f"user:{request.user.pk}"
    credential = request.POST.get("api_key", "") or request.META.get("REMOTE_ADDR", "")
    return "anon:" + hashlib.sha256(credential.encode()).hexdigest()[:56]


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.get_full_path()}\n".encode())
    # The same JSON with other spacing or key order is the same request (a retry re-serialises it).
    json_body = request.content_type == "application/json"
    digest.update(canonical(request.body) if json_body else request.body)
    return digest.hexdigest()


def _claim(owner: str, key: str, fingerprint: str) -> tuple[IdempotencyRecord | None, IdempotencyRecord | None]:
    """(ours, earlier): a new record we now hold, or the earlier one with this key."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyRecord.objects.create(owner=owner, key=key, request_hash=fingerprint), None
        except IntegrityError:
            earlier = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
            if earlier is None:
                continue  # it was just removed; try again
            age = clock.now() - earlier.created_at
            if age > KEEP or (earlier.status is None and age > ABANDONED):
                earlier.delete()
                continue
            return None, earlier
    return None, None


def _refuse(request, status: int, slug: str, detail):
    """A problem document, or on /open311/ the GeoReport error document its clients understand."""
    if request.path.startswith("/open311/"):
        from gridcase.open311.formats import error_response, format_of

        return error_response(status, detail, format_of(request.path))
    return problem_http_response(status, slug, detail, request.path)


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.headers.get("Idempotency-Key", "").strip()
        if request.method != "POST" or not key or not request.path.startswith(PREFIXES):
            return self.get_response(request)
        if len(key) > MAX_KEY_LENGTH:
            return _refuse(request, 400, "validation-error", _("Idempotency-Key 过长（上限 200 个字符）"))
        fingerprint = _fingerprint(request)
        ours, earlier = _claim(_owner(request), key, fingerprint)
        if earlier is not None:
            return self._answer_again(request, earlier, fingerprint)
        response = self.get_response(request)
        if ours is None:
            return response
        if response.status_code >= 500 or response.streaming:
            ours.delete()  # nothing was done, or we cannot replay it: let the retry run for real
        else:
            ours.status, ours.content_type = response.status_code, response.get("Content-Type", "")
            ours.body, ours.location = response.content, response.get("Location", "")
            ours.save(update_fields=["status", "content_type", "body", "location"])
        return response

    @staticmethod
    def _answer_again(request, earlier: IdempotencyRecord, fingerprint: str):
        if earlier.request_hash != fingerprint:
            return _refuse(request, 422, "idempotency-key-reused",
                           _("该 Idempotency-Key 已用于另一个内容不同的请求；新请求请使用新的键"))
        if earlier.status is None:
            return _refuse(request, 409, "idempotency-in-progress", _("使用同一 Idempotency-Key 的请求仍在处理，请稍后重试"))
        response = HttpResponse(bytes(earlier.body), status=earlier.status, content_type=earlier.content_type)
        if earlier.location:
            response["Location"] = earlier.location
        response["Idempotent-Replayed"] = "true"
        return response
