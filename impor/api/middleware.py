"""Conventions that hold for every response under /api/, whichever view made it."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from impor.api.exceptions import PROBLEM_CONTENT_TYPE, problem

API_PREFIX = "/api/"


class ApiConventionsMiddleware:
    """Adds the `API-Version` header to every API response, and answers an unknown API
    URL (such as one with a trailing slash) with a problem+json 404 instead of the HTML
    error page. API URLs are never redirected to add a slash: `CommonMiddleware` only
    appends one when the URL with it exists, and no API URL ends with a slash."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code == 404 and not response.get("Content-Type", "").startswith(
            (PROBLEM_CONTENT_TYPE, "application/json")
        ):
            response = HttpResponse(
                json.dumps(problem(404, "Deze URL bestaat niet in de API.", request.path)),
                status=404,
                content_type=PROBLEM_CONTENT_TYPE,
            )
        response["API-Version"] = settings.SPECTACULAR_SETTINGS["VERSION"]
        return response
