"""Errors as application/problem+json (RFC 9457), as the NL API Design Rules ask.

Every error of the API — validation, authentication, permission, not found, conflicts,
a body it cannot read — leaves as one JSON object with `type`, `title`, `status`,
`detail` and `instance`; a validation error adds `invalidParams`, one `{name, reason}`
per wrong field, with dotted names for nested fields and rows (``fundings.2.year``).

A body above DATA_UPLOAD_MAX_MEMORY_SIZE is a 413, too many fields or files a 400: Django
raises these while DRF reads the request, and would otherwise answer with its HTML 400
page. Whatever still leaves the API as an HTML error, `ApiConventionsMiddleware` turns
into problem+json.
"""

from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.views import exception_handler

from impor.api.serializers import field_errors

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("De invoer is niet geldig."),
    401: _("U bent niet aangemeld."),
    403: _("U hebt geen toegang."),
    404: _("Niet gevonden."),
    405: _("Deze methode is hier niet toegestaan."),
    406: _("Dit formaat kan niet geleverd worden."),
    409: _("Dit conflicteert met andere gegevens."),
    412: _("Aan de voorwaarde is niet voldaan."),
    413: _("Het verzoek is te groot."),
    415: _("Dit mediatype wordt niet ondersteund."),
    429: _("Te veel verzoeken."),
}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Dit conflicteert met andere gegevens.")
    default_code = "conflict"


class ContentTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("Het verzoek is te groot.")
    default_code = "content_too_large"


def _unreadable_body(exc: Exception) -> exceptions.APIException | None:
    """The API's answer to a body Django refuses to read, or None for other errors."""
    if isinstance(exc, RequestDataTooBig):
        return ContentTooLarge(
            _("Het verzoek is groter dan %(max)s bytes. Stuur minder gegevens per verzoek.")
            % {"max": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    if isinstance(exc, TooManyFieldsSent):
        return exceptions.ParseError(
            _("Het verzoek heeft meer dan %(max)s velden.")
            % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS}
        )
    if isinstance(exc, TooManyFilesSent):
        return exceptions.ParseError(
            _("Het verzoek heeft meer dan %(max)s bestanden.")
            % {"max": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
        )
    return None


def invalid_params(errors: Any, prefix: str = "") -> list[dict[str, str]]:
    """Flatten DRF's error structure into `invalidParams` rows with dotted names."""
    if isinstance(errors, dict):
        rows = []
        for key, value in errors.items():
            rows.extend(invalid_params(value, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    if isinstance(errors, list):
        if all(not isinstance(item, dict | list) for item in errors):
            return [{"name": prefix, "reason": str(item)} for item in errors]
        rows = []
        for index, item in enumerate(errors):
            rows.extend(invalid_params(item, f"{prefix}.{index}" if prefix else str(index)))
        return rows
    return [{"name": prefix, "reason": str(errors)}]


def problem(status_code: int, detail: str, instance: str) -> dict[str, Any]:
    return {
        "type": "about:blank",
        "title": str(TITLES.get(status_code, _("Er ging iets mis."))),
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }


def problem_exception_handler(exc: Exception, context: dict[str, Any]):
    """DRF's exception handler, answering in problem+json; Django's own validation,
    permission and not-found errors, a refused delete (409) and a body Django will not
    read (413, 400) are translated first."""
    if unreadable := _unreadable_body(exc):
        exc = unreadable
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(field_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ProtectedError | RestrictedError):
        exc = Conflict(_("Dit kan niet weg: andere gegevens verwijzen ernaar."))
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.get_full_path() if request is not None else ""
    if isinstance(exc, exceptions.ValidationError):
        body = problem(
            response.status_code,
            str(_("Een of meer velden zijn niet geldig; zie invalidParams.")),
            instance,
        )
        body["invalidParams"] = invalid_params(exc.detail)
    else:
        body = problem(response.status_code, str(getattr(exc, "detail", exc)), instance)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
