"""A database that is down or does not answer in time (DATABASES' timeouts in settings) makes a
request fail with OperationalError or InterfaceError. The person gets a short 503 saying that
nothing was saved and to try again, in Indonesian first (JSON on the API, through
core.api.exception_handler), and the log a line per request, not a 500 with a traceback each
(issue 15). The page is rendered without the database: no context processors, session or user."""

import logging
import sys

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

from .db import DATABASE_DOWN

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def database_unavailable(request, exception: Exception) -> HttpResponse:
    logger.warning("database unavailable: %s", type(exception).__name__)
    if request.path.startswith("/api/"):
        detail = _("The service is unavailable for a moment. Nothing was saved: try again in a minute.")
        response = JsonResponse({"detail": detail, "code": "service_unavailable"}, status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Last in MIDDLEWARE, so the first to see what a view raised."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN):
            return database_unavailable(request, exception)
        return None


def server_error(request):
    """handler500: what a middleware raised (a session saved at the end, say) reaches here."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_DOWN):
        return database_unavailable(request, exception)
    return defaults.server_error(request)
