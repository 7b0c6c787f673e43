"""/api/v1/projecten with /financieringen, /projectrollen, /registeritems and
/projectopdrachten.

Partners (users of an external organisation, or their tokens) deliver their planned
works here. Every query starts from `projects_visible_to`, as the pages do: another
partner's project is simply not found (404), in lists, filters, details and writes.
A partner's project always belongs to its own organisation: naming another owner is a
400 on the `owner` field.

Projects and briefs are versioned (`impor.api.locking`): their detail carries an ETag, and
a write that started from an old version (If-Match or `version`) is refused with 412 or
409. A write to a project's funding, roles or register entries moves the project's
version on, as the project's edit page does.
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from impor.api.filters import FilterBackend
from impor.api.geo import BBoxFilter, GeometryField, GeoViewSetMixin, geo_schema, ids_in_bbox
from impor.api.history import HistoryMixin
from impor.api.locking import (
    VersionedViewSetMixin,
    version_field,
    versioned_schema,
    versioned_write_schema,
)
from impor.api.permissions import ModelPermissions
from impor.api.routers import api_router
from impor.api.serializers import ModelSerializer
from impor.filters import AreaFilter
from impor.locking import bump_version
from impor.visibility import partner_of
from projects.choices import ProjectStatus
from projects.filters import ProjectFilterSet
from projects.forms import ProjectBriefForm, ProjectForm
from projects.models import Funding, Project, ProjectBrief, ProjectRole, RegisterEntry
from projects.selectors import projects_visible_to


@extend_schema_field(OpenApiTypes.INT)
class AreaIdFilter(AreaFilter):
    """The area filter, described as an area id in the OpenAPI document."""


class ProjectApiFilterSet(ProjectFilterSet):
    area = AreaIdFilter(method="in_area")


class ProjectSerializer(ModelSerializer):
    geometry = GeometryField()
    version = version_field()

    class Meta:
        model = Project
        # The fields the project form edits, in the same order.
        fields = ["id", *ProjectForm.Meta.fields, "version", "created_at", "updated_at"]
        extra_kwargs = {"owner": {"required": False}}
        # A code is unique per owner; `full_clean` checks it once the owner is known (a
        # partner's is its organisation), so no unique-together validator asks for it.
        validators: list = []

    def validate(self, attrs: dict) -> dict:
        organisation = partner_of(self.context["request"].user)
        if organisation is not None:
            # The owner field offers a partner its own organisation only (impor.visibility).
            attrs["owner"] = organisation
        elif self.instance is None and "owner" not in attrs:
            raise serializers.ValidationError({"owner": _("Dit veld is verplicht.")})
        return super().validate(attrs)


class FundingSerializer(ModelSerializer):
    class Meta:
        model = Funding
        fields = ["id", "project", "budget_line", "year", "amount", "secured"]


class ProjectRoleSerializer(ModelSerializer):
    class Meta:
        model = ProjectRole
        fields = ["id", "project", "actor", "person", "role", "from_step"]


class RegisterEntrySerializer(ModelSerializer):
    class Meta:
        model = RegisterEntry
        fields = [
            "id",
            "project",
            "kind",
            "description",
            "measure",
            "owner",
            "status",
            "likelihood",
            "impact",
        ]


class ProjectBriefSerializer(ModelSerializer):
    completeness = serializers.IntegerField(read_only=True)
    version = version_field()

    class Meta:
        model = ProjectBrief
        # The fields a project leader fills are the brief form's, in the same order.
        fields = [
            "id",
            "project",
            *ProjectBriefForm.Meta.fields,
            "completeness",
            "version",
            "updated_at",
        ]


@geo_schema
@versioned_schema(ProjectSerializer)
class ProjectViewSet(HistoryMixin, VersionedViewSetMixin, GeoViewSetMixin, viewsets.ModelViewSet):
    """Projecten van de gemeente en werken van partners; een partner ziet alleen de
    projecten van de eigen organisatie."""

    serializer_class = ProjectSerializer
    permission_classes = [ModelPermissions]
    filter_backends = [FilterBackend, BBoxFilter]
    filterset_class = ProjectApiFilterSet
    queryset = Project.objects.none()  # the model for ModelPermissions; rows: get_queryset
    conflict_subject = _("dit project")

    def get_queryset(self) -> QuerySet[Project]:
        return (
            projects_visible_to(self.request.user)
            .prefetch_related("areas", "themes")
            .order_by("start_year", "code", "pk")
        )

    def filter_bbox(self, queryset: QuerySet[Project], box) -> QuerySet[Project]:
        rows = queryset.order_by().values_list("pk", "geometry").iterator(chunk_size=2000)
        return queryset.filter(pk__in=ids_in_bbox(rows, box))

    @versioned_write_schema(ProjectSerializer, request=None)
    @action(detail=True, methods=["post"], url_path="intrekken")
    def withdraw(self, request, pk=None):
        """Trek een project in: het programma plant het niet meer (status ingetrokken)."""
        if not request.user.has_perm("projects.change_project"):
            raise exceptions.PermissionDenied()
        project = self.get_object()
        with self.versioned_write(project):
            project.status = ProjectStatus.INGETROKKEN
            project.save(update_fields=["status", "updated_at", "version"])
        return Response(self.get_serializer(project).data)


class VisibleProjectRowsMixin:
    """Rows that belong to a project: only those of projects the user may see."""

    def get_queryset(self) -> QuerySet:
        model = self.serializer_class.Meta.model
        return model.objects.filter(project__in=projects_visible_to(self.request.user)).order_by(
            "project", "pk"
        )


class ProjectRowWritesMixin:
    """A write to a project's row is a change of the project: its version moves on (both
    projects' when a row moves to another project)."""

    def perform_create(self, serializer):
        with transaction.atomic():
            bump_version(Project, serializer.validated_data["project"].pk)
            super().perform_create(serializer)

    def perform_update(self, serializer):
        before = serializer.instance.project_id
        after = (
            serializer.validated_data["project"].pk
            if "project" in serializer.validated_data
            else before
        )
        with transaction.atomic():
            for pk in sorted({before, after}):
                bump_version(Project, pk)
            super().perform_update(serializer)

    def perform_destroy(self, instance):
        with transaction.atomic():
            bump_version(Project, instance.project_id)
            super().perform_destroy(instance)


class FundingViewSet(
    HistoryMixin, ProjectRowWritesMixin, VisibleProjectRowsMixin, viewsets.ModelViewSet
):
    """Dekking van projecten: bedrag per budgetregel per jaar, gedekt of niet."""

    queryset = Funding.objects.none()
    serializer_class = FundingSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["project", "budget_line", "year", "secured"]


class ProjectRoleViewSet(ProjectRowWritesMixin, VisibleProjectRowsMixin, viewsets.ModelViewSet):
    """Rollen op projecten: trekker, opdrachtgever, projectleider, …"""

    queryset = ProjectRole.objects.none()
    serializer_class = ProjectRoleSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["project", "actor", "role"]


class RegisterEntryViewSet(ProjectRowWritesMixin, VisibleProjectRowsMixin, viewsets.ModelViewSet):
    """Kansen, risico's, succesfactoren en randvoorwaarden van projecten."""

    queryset = RegisterEntry.objects.none()
    serializer_class = RegisterEntrySerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["project", "kind", "status"]


@versioned_schema(ProjectBriefSerializer)
class ProjectBriefViewSet(
    HistoryMixin, VersionedViewSetMixin, VisibleProjectRowsMixin, viewsets.ModelViewSet
):
    """Projectopdrachten: de zes vragen, scope en benodigde rollen."""

    queryset = ProjectBrief.objects.none()
    conflict_subject = _("deze projectopdracht")
    serializer_class = ProjectBriefSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["project"]


router = api_router()
router.register("projecten", ProjectViewSet, basename="project")
router.register("financieringen", FundingViewSet, basename="funding")
router.register("projectrollen", ProjectRoleViewSet, basename="projectrole")
router.register("registeritems", RegisterEntryViewSet, basename="registerentry")
router.register("projectopdrachten", ProjectBriefViewSet, basename="projectbrief")
urlpatterns = router.urls
