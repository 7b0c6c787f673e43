"""Middleware for running IMPOR in production: request logging and the answer when the
database cannot be reached (docs/deploy.md)."""

import json
import logging
import sys
import time

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from impor.api.exceptions import PROBLEM_CONTENT_TYPE, problem
from impor.api.middleware import API_PREFIX

request_logger = logging.getLogger("impor.request")

#: The errors of a database that is down, unreachable or lost its connection.
DATABASE_ERRORS = (OperationalError, InterfaceError)
#: How long a client should wait before trying again (Retry-After, in seconds).
RETRY_AFTER_SECONDS = 30
_DATABASE_DOWN = "_impor_database_down"


class RequestLogMiddleware:
    """One log line per request with its method, path, status and duration in
    milliseconds; with LOG_FORMAT=json these are fields of the JSON line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


@receiver(got_request_exception, dispatch_uid="impor.middleware.note_database_down")
def _note_database_down(sender, request=None, **kwargs):
    """Mark the request whose handling failed because the database is unreachable.

    Django turns an exception into a 500 response inside each middleware layer, so an
    outer middleware never sees the exception itself, only this signal (sent while the
    exception is being handled) and the 500 response."""
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, DATABASE_ERRORS):
            if request is not None:
                setattr(request, _DATABASE_DOWN, True)
            return
        error = error.__cause__ or error.__context__


class DatabaseUnavailableMiddleware:
    """When the database cannot be reached — in the session or user lookup of a middleware
    below this one, or in the view — answer 503 with Retry-After: a plain Dutch page for
    people, problem+json for the API. Never a stack trace; the error itself is logged by
    Django."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, _DATABASE_DOWN, False):
            return unavailable_response(request)
        return response


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        body = problem(
            503, _("De database is even niet bereikbaar. Probeer het later opnieuw."), request.path
        )
        body["title"] = _("IMPOR is even niet bereikbaar.")
        response = HttpResponse(json.dumps(body), status=503, content_type=PROBLEM_CONTENT_TYPE)
    else:
        # Rendered without the request: context processors may need the database.
        # str(): the nonce is lazy, and enters the policy only once it has been read.
        nonce = str(request.csp_nonce) if hasattr(request, "csp_nonce") else ""
        html = render_to_string("503.html", {"csp_nonce": nonce})
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
