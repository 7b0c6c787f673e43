"""Optimistic locking in the API (`impor.locking`): ETag and If-Match, 412 and 409.

A viewset with `VersionedViewSetMixin` (its model has a `version`):

- answers a GET, PUT or PATCH of one object with ``ETag: "<version>"``;
- takes the version a write starts from from the ``If-Match`` header, else from the
  body's `version`, else from the stored version read at the start of the request;
- refuses a write whose version is no longer the stored one: 412 Precondition Failed
  when it came from If-Match, 409 Conflict when it came from the body (or when another
  save landed during the request). Both are problem+json whose `detail` says who changed
  the object and when, with `changes`: each changed field with its value at the client's
  version and now.

Without If-Match and `version` a write is accepted (the NL API Design Rules do not
demand a precondition); a client that sends back what it read always sends `version`.
"""

from contextlib import contextmanager

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, serializers, status

from impor.api.exceptions import PROBLEM_CONTENT_TYPE
from impor.api.schema import ProblemSerializer
from impor.locking import EditConflict, claim_version, describe_conflict


class StaleVersion(exceptions.APIException):
    """A write that started from a version that is no longer the stored one."""

    def __init__(self, detail: str, *, status_code: int, version: int, changes: list[dict]):
        super().__init__(detail)
        self.status_code = status_code
        self.version = version
        self.changes = changes


class ChangeSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("Het veld in de API."))
    label = serializers.CharField(help_text=_("Het veld zoals de pagina's het noemen."))
    before = serializers.CharField(help_text=_("De waarde in de versie van de client."))
    after = serializers.CharField(help_text=_("De waarde nu."))


class StaleVersionProblemSerializer(ProblemSerializer):
    """A refused write: someone else saved the object after the client read it."""

    version = serializers.IntegerField(help_text=_("De versie die nu is opgeslagen."))
    changes = ChangeSerializer(many=True)

    class Meta:
        ref_name = "StaleVersionProblem"


def version_field() -> serializers.IntegerField:
    """The object's `version` in a serializer: read, and sent back on a write."""
    return serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "De versie; stuur bij een wijziging de gelezen versie mee (of If-Match): is het "
            "intussen door iemand anders gewijzigd, dan volgt 409."
        ),
    )


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description=_(
        'De ETag uit de laatste GET, bijvoorbeeld "3": de wijziging wordt alleen opgeslagen '
        "als niemand het object intussen heeft gewijzigd (anders 412)."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=[200],
    description=_('De versie van het object, bijvoorbeeld "3"; stuur hem terug als If-Match.'),
)
STALE_RESPONSES = {
    (412, PROBLEM_CONTENT_TYPE): OpenApiResponse(
        StaleVersionProblemSerializer,
        description=_("If-Match is niet de huidige versie: iemand anders heeft het gewijzigd."),
    ),
    (409, PROBLEM_CONTENT_TYPE): OpenApiResponse(
        StaleVersionProblemSerializer,
        description=_("De `version` is niet de huidige: iemand anders heeft het gewijzigd."),
    ),
}


def versioned_write_schema(serializer, **kwargs):
    """`extend_schema` for a write with the If-Match header and the 412/409 answers."""
    return extend_schema(
        parameters=[IF_MATCH, ETAG],
        responses={200: serializer, **STALE_RESPONSES},
        **kwargs,
    )


def versioned_schema(serializer):
    """Documents the ETag of a viewset's detail and the preconditions of its writes."""
    return extend_schema_view(
        retrieve=extend_schema(parameters=[ETAG]),
        update=versioned_write_schema(serializer),
        partial_update=versioned_write_schema(serializer),
    )


def etag(version: int) -> str:
    return f'"{version}"'


def _tag_versions(header: str) -> list[int | None]:
    """The versions an If-Match header names (None for a tag that is no version of
    ours); "*" (any version) names none."""
    tags = [tag.strip().removeprefix("W/").strip('"') for tag in header.split(",")]
    return [int(tag) if tag.isdigit() else None for tag in tags if tag and tag != "*"]


class VersionedViewSetMixin:
    """ETag on a single object's answer, and writes refused when they started from an old
    version (see the module docstring)."""

    #: How the refusal names the object: "dit project".
    conflict_subject = _("dit object")

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            status.is_success(response.status_code)
            and self.kwargs.get(self.lookup_url_kwarg or self.lookup_field) is not None
            and isinstance(data, dict)
            and isinstance(data.get("version"), int)
        ):
            response["ETag"] = etag(data["version"])
        return response

    def perform_create(self, serializer):
        serializer.validated_data.pop("version", None)
        super().perform_create(serializer)

    def perform_update(self, serializer):
        body_version = serializer.validated_data.pop("version", None)
        with self.versioned_write(serializer.instance, body_version):
            serializer.save()

    @contextmanager
    def versioned_write(self, instance, body_version: int | None = None):
        """Claim the next version of `instance` for the write inside the block, in one
        transaction, or refuse it with 412 (If-Match) or 409 (body or a save during the
        request)."""
        tags = _tag_versions(self.request.headers.get("If-Match", ""))
        if tags:
            started_from = instance.version if instance.version in tags else tags[0]
            code = status.HTTP_412_PRECONDITION_FAILED
        elif body_version is not None:
            started_from, code = body_version, status.HTTP_409_CONFLICT
        else:
            started_from, code = instance.version, status.HTTP_409_CONFLICT
        try:
            with transaction.atomic():
                claim_version(instance, started_from)
                yield
        except EditConflict:
            raise self.stale(instance, started_from, code) from None

    def stale(self, instance, started_from: int | None, code: int) -> StaleVersion:
        conflict = describe_conflict(instance, started_from)
        changes = [
            {"name": c.name, "label": c.label, "before": c.before, "after": c.after}
            for c in conflict.changes or []
        ]
        return StaleVersion(
            conflict.message(str(self.conflict_subject)),
            status_code=code,
            version=conflict.version,
            changes=changes,
        )

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        if isinstance(exc, StaleVersion):
            response.data["version"] = exc.version
            response.data["changes"] = exc.changes
            response["ETag"] = etag(exc.version)
        return response
