"""Conventions that hold for every response under /api/, whichever view made it."""

import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from impor.api.exceptions import PROBLEM_CONTENT_TYPE, problem

API_PREFIX = "/api/"


class ApiConventionsMiddleware:
    """Adds the `API-Version` header to every API response, and answers in problem+json
    where Django would send an HTML error page: an unknown API URL (such as one with a
    trailing slash) is a 404, and any other error that did not pass DRF's exception
    handler keeps its status with a problem body. API URLs are never redirected to add a
    slash: `CommonMiddleware` only appends one when the URL with it exists, and no API URL
    ends with a slash."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX):
            return response
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            (PROBLEM_CONTENT_TYPE, "application/json")
        ):
            if response.status_code == 404:
                detail = "Deze URL bestaat niet in de API."
            else:
                detail = _("De API kon dit verzoek niet verwerken.")
            response = HttpResponse(
                json.dumps(problem(response.status_code, detail, request.path)),
                status=response.status_code,
                content_type=PROBLEM_CONTENT_TYPE,
            )
        response["API-Version"] = settings.SPECTACULAR_SETTINGS["VERSION"]
        return response
