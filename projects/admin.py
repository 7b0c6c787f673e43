from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from impor.locking import bump_version, claim_version
from projects.models import (
    AmbitionContribution,
    Funding,
    IndicatorContribution,
    Project,
    ProjectBrief,
    ProjectRole,
    RegisterEntry,
)


class VersionedAdmin(SimpleHistoryAdmin):
    """A save in the admin moves the version on, as one in the pages or the API does, so
    an editor who started from the old version is refused instead of overwriting it."""

    def save_model(self, request, obj, form, change):
        if change:
            claim_version(obj, obj.version)
        super().save_model(request, obj, form, change)


class ProjectRowMixin:
    """A change to a project's row (funding, role, register item) is a change of the
    project: its version moves on."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        bump_version(Project, obj.project_id)

    def delete_model(self, request, obj):
        project_id = obj.project_id
        super().delete_model(request, obj)
        bump_version(Project, project_id)

    def delete_queryset(self, request, queryset):
        project_ids = set(queryset.values_list("project_id", flat=True))
        super().delete_queryset(request, queryset)
        for project_id in project_ids:
            bump_version(Project, project_id)


class AmbitionContributionInline(admin.TabularInline):
    model = AmbitionContribution
    extra = 0
    fields = ("ambition", "weight", "note")
    autocomplete_fields = ("ambition",)

    def get_queryset(self, request):
        # Each row's title names its project and ambition.
        return super().get_queryset(request).select_related("project", "ambition")


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = ("budget_line", "year", "amount", "secured")
    autocomplete_fields = ("budget_line",)

    def get_queryset(self, request):
        # Each row's title names its project and budget line.
        return super().get_queryset(request).select_related("project", "budget_line")


class ProjectRoleInline(admin.TabularInline):
    model = ProjectRole
    extra = 0
    fields = ("role", "actor", "person", "from_step")
    autocomplete_fields = ("actor",)

    def get_queryset(self, request):
        # Each row's title names its actor when no person is given.
        return super().get_queryset(request).select_related("actor")


class RegisterEntryInline(admin.TabularInline):
    model = RegisterEntry
    extra = 0
    fields = ("kind", "description", "measure", "owner", "status", "likelihood", "impact")
    autocomplete_fields = ("owner",)


class ProjectBriefInline(admin.StackedInline):
    model = ProjectBrief
    extra = 0
    max_num = 1
    autocomplete_fields = ("leading_theme",)
    readonly_fields = ("version", "updated_at")

    def get_queryset(self, request):
        # The brief's title names its project.
        return super().get_queryset(request).select_related("project")


@admin.register(Project)
class ProjectAdmin(VersionedAdmin):
    list_display = (
        "code",
        "name",
        "kind",
        "status",
        "certainty",
        "owner",
        "lead",
        "start_year",
        "end_year",
        "cost_estimate",
    )
    list_filter = (
        "kind",
        "status",
        "certainty",
        "scale",
        "opens_street",
        ("owner", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("code", "name", "street")
    list_select_related = ("owner", "lead")
    autocomplete_fields = ("owner", "lead", "areas", "themes")
    raw_id_fields = ("assets",)
    readonly_fields = ("version", "created_at", "updated_at")
    inlines = (
        ProjectBriefInline,
        AmbitionContributionInline,
        FundingInline,
        ProjectRoleInline,
        RegisterEntryInline,
    )


@admin.register(AmbitionContribution)
class AmbitionContributionAdmin(admin.ModelAdmin):
    list_display = ("project", "ambition", "weight", "note")
    list_filter = ("ambition",)
    search_fields = ("project__code", "project__name", "ambition__name")
    list_select_related = ("project", "ambition")
    autocomplete_fields = ("project", "ambition")


@admin.register(IndicatorContribution)
class IndicatorContributionAdmin(admin.ModelAdmin):
    list_display = ("project", "indicator", "expected", "note")
    list_filter = ("indicator__ambition",)
    search_fields = ("project__code", "project__name", "indicator__name")
    list_select_related = ("project", "indicator")
    autocomplete_fields = ("project", "indicator")


@admin.register(Funding)
class FundingAdmin(ProjectRowMixin, SimpleHistoryAdmin):
    list_display = ("project", "budget_line", "year", "amount", "secured")
    list_filter = ("secured", "year", "budget_line")
    search_fields = ("project__code", "project__name", "budget_line__code")
    list_select_related = ("project", "budget_line")
    autocomplete_fields = ("project", "budget_line")


@admin.register(ProjectRole)
class ProjectRoleAdmin(ProjectRowMixin, admin.ModelAdmin):
    list_display = ("project", "role", "actor", "person", "from_step")
    list_filter = ("role", "from_step")
    search_fields = ("project__code", "project__name", "actor__name", "person")
    list_select_related = ("project", "actor")
    autocomplete_fields = ("project", "actor")


@admin.register(RegisterEntry)
class RegisterEntryAdmin(ProjectRowMixin, admin.ModelAdmin):
    list_display = ("__str__", "project", "kind", "status", "owner", "likelihood", "impact")
    list_filter = ("kind", "status", "likelihood", "impact")
    search_fields = ("description", "measure", "project__code", "project__name")
    list_select_related = ("project", "owner")
    autocomplete_fields = ("project", "owner")


@admin.register(ProjectBrief)
class ProjectBriefAdmin(VersionedAdmin):
    list_display = ("__str__", "project", "leading_theme", "completeness", "updated_at")
    list_filter = ("leading_theme",)
    search_fields = ("project__code", "project__name")
    list_select_related = ("project", "leading_theme")
    autocomplete_fields = ("project", "leading_theme")
    readonly_fields = ("version", "updated_at")

    @admin.display(description=_("volledigheid (%)"))
    def completeness(self, obj):
        return obj.completeness
