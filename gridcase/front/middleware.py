import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


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
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


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
