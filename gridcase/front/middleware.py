import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from geodata import basemap
from gridcase.lib import logs

logger = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Names each request (or keeps the proxy's X-Request-ID) for the logs and the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Not reset on the way out: Django logs the response's status after the middleware has
        # returned; the request_finished signal clears it (apps.py).
        request.id = logs.new_request_id(request.headers.get("X-Request-ID"))
        logs.request_id.set(request.id)
        response = self.get_response(request)
        response.headers["X-Request-ID"] = request.id
        return response


MACHINE_PATHS = ("/api/", "/open311/")


class ChosenLanguageMiddleware:
    """Chinese unless the user picked another language (the cookie /i18n/setlang/ sets).

    Unlike LocaleMiddleware this ignores the browser's Accept-Language: office PCs often run
    English-language browsers, and their users still expect the Chinese interface.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages and request.path.startswith(MACHINE_PATHS):
            # Other systems have no cookie; they say what they read in Accept-Language.
            language = translation.get_language_from_request(request)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def content_security_policy() -> str:
    """Scripts only from this site, never inline; map tiles from the configured basemap, if any."""
    tiles = "".join(f" {host}" for host in basemap.configured().hosts())
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        # Leaflet positions map panes with style attributes; styles cannot run code.
        "style-src 'self' 'unsafe-inline'",
        f"img-src 'self' data: blob:{tiles}",
        "connect-src 'self'",
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


class SecurityHeadersMiddleware:
    """The headers Django's SecurityMiddleware does not set: CSP and what the pages may use."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = content_security_policy()

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.policy)
        # A grid worker's page uses the location and the camera; nothing else, and no other site.
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(self), microphone=()")
        if "Cache-Control" not in response.headers and _personal(request):
            # Village offices share computers and proxies: what a signed-in person saw is never kept.
            response.headers["Cache-Control"] = "private, no-store"
        return response


def _personal(request) -> bool:
    """A response to someone with a session, a token or an Open311 key may carry their data. Read from
    the request alone: asking for request.user here could be the first query of a request whose
    database just went away, and turn its clean 503 into a 500."""
    return bool(settings.SESSION_COOKIE_NAME in request.COOKIES or request.headers.get("Authorization")
                or "api_key" in request.GET)


class DatabaseUnavailableMiddleware:
    """While PostgreSQL is unreachable (a restart, a failover) answer 503 with Retry-After instead of
    a 500: clients and the load balancer try again, and nothing half-done is shown as an error.
    The broken connection is dropped (CONN_HEALTH_CHECKS), so the next request reconnects by itself."""

    RETRY_AFTER_SECONDS = 5

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.warning("database unavailable for %s %s: %s", request.method, request.path, exception)
        # No request context: its processors would query the database again.
        page = render_to_string("503.html", {"retry_after": self.RETRY_AFTER_SECONDS})
        response = HttpResponse(page, status=503)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response
