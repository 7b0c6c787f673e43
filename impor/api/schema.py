"""The OpenAPI description of the API's errors.

Every operation documents the problem+json answers it can give (impor/api/exceptions.py),
so a client generated from the schema knows them and schemathesis checks their shape:

- 401 and 403 wherever a login is needed (every endpoint but the public schema);
- 404 where the path names an object, and for a list: a page that does not exist;
- 400 for a write, and for a list, whose query parameters (filters, `bbox`, the page)
  are validated;
- 406 everywhere: a `?format=` (or an `Accept-Crs`) the operation cannot give;
- 409 for a delete, refused while other rows refer to the object;
- 413 and 415 for a write: a body above DATA_UPLOAD_MAX_MEMORY_SIZE, or of a media type
  the operation does not read.

An operation that documents a code itself (a 409 with its own description) keeps its
description and gets the problem body.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from impor.api.exceptions import PROBLEM_CONTENT_TYPE, TITLES

WRITE_METHODS = {"POST", "PUT", "PATCH"}


class InvalidParamSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Het veld, met punten voor rijen: fundings.2.year."))
    reason = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """An error as application/problem+json (RFC 9457)."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    invalidParams = InvalidParamSerializer(many=True, required=False)

    class Meta:
        ref_name = "Problem"


class ProblemAutoSchema(AutoSchema):
    def _problem_codes(self) -> list[int]:
        codes = []
        method = self.method.upper()
        if method in WRITE_METHODS or (method == "GET" and self._is_list_view()):
            codes.append(400)
        if not any(issubclass(p, AllowAny) for p in self.view.permission_classes):
            codes += [401, 403]
        if "{" in self.path or (method == "GET" and self._is_list_view()):
            codes.append(404)
        codes.append(406)
        if method == "DELETE":
            codes.append(409)
        if method in WRITE_METHODS:
            codes += [413, 415]
        return codes

    def _get_response_bodies(self, direction: str = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        problem = {
            PROBLEM_CONTENT_TYPE: {
                "schema": self.resolve_serializer(ProblemSerializer, direction).ref
            }
        }
        for code in self._problem_codes():
            responses.setdefault(str(code), {"description": str(TITLES[code])})
        for code, response in responses.items():
            if code.startswith("4") and not response.get("content"):
                response["content"] = problem
        return responses


def declare_api_conventions(result, generator, request, public):
    """drf-spectacular post-processing: the document says what every answer does.

    ApiConventionsMiddleware sends `API-Version` on every API response, so each 2xx and
    3xx response declares it (one shared header component); whichever view made the
    operation, so new endpoints need nothing of their own. The tags the operations use
    are listed at the top, so a reader (and Spectral's `operation-tag-defined`) finds
    them all."""
    version = result["info"]["version"]
    result.setdefault("components", {}).setdefault("headers", {})["API-Version"] = {
        "description": _("De volledige versie van de API (NL API Design Rules)."),
        "required": True,
        "schema": {"type": "string", "example": version},
    }
    tags = set()
    for path in result.get("paths", {}).values():
        for operation in path.values():
            tags.update(operation.get("tags", []))
            for code, response in operation.get("responses", {}).items():
                if str(code)[0] in "23":
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
    result["tags"] = [{"name": tag} for tag in sorted(tags)]
    return result
