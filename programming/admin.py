from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from programming.choices import ProgrammeStatus
from programming.models import (
    ActualCost,
    AssessmentFramework,
    BudgetOverride,
    Coupling,
    CouplingCostSharing,
    CouplingDecision,
    CouplingReservation,
    CouplingResponse,
    Criterion,
    KpiValue,
    NewsletterDelivery,
    NewsletterEdition,
    Programme,
    ProgrammeRun,
    Realisation,
    ScenarioChange,
    Subscriber,
    UnfundedItem,
    Work,
    WorkCost,
    WorkHours,
    WorkSetting,
)


def _adopted(programme: Programme | None) -> bool:
    return programme is not None and programme.is_adopted


class FrozenProgrammeMixin:
    """The admin of a programme or of its rows (decisions, budget overrides): an adopted
    programme is frozen, so its rows are shown read-only and cannot be added to it.

    The rule itself is enforced in the models' `save()` (`ensure_changeable`); this only
    keeps the admin from offering a change the models would refuse."""

    #: The path from a row to its programme; "" for the programme itself.
    programme_path = "programme"

    def _programme_of(self, obj) -> Programme | None:
        return getattr(obj, self.programme_path) if self.programme_path else obj

    def has_change_permission(self, request, obj=None):
        if obj is not None and _adopted(self._programme_of(obj)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if self.programme_path and obj is not None and _adopted(self._programme_of(obj)):
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "programme":
            kwargs["queryset"] = Programme.objects.exclude(status=ProgrammeStatus.VASTGESTELD)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ComputedResultAdmin(admin.ModelAdmin):
    """Admin for rows the programming engine writes: viewable, never added or edited by hand.

    A recomputation replaces these rows, so a hand edit would be lost without a trace.
    Deleting stays allowed: the admin checks it on every related row when a whole
    programme is deleted.
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("code", "weight", "description")


@admin.register(AssessmentFramework)
class AssessmentFrameworkAdmin(SimpleHistoryAdmin):
    list_display = ("name", "description")
    search_fields = ("name",)
    inlines = (CriterionInline,)


@admin.register(Criterion)
class CriterionAdmin(SimpleHistoryAdmin):
    list_display = ("framework", "code", "weight")
    list_filter = ("framework", "code")
    search_fields = ("framework__name", "description")
    list_select_related = ("framework",)


class BudgetOverrideInline(admin.TabularInline):
    """Read-only on an adopted programme (`obj` is the programme here)."""

    model = BudgetOverride
    extra = 0
    fields = ("budget_line", "year", "amount")
    autocomplete_fields = ("budget_line",)

    def get_queryset(self, request):
        # Each row's title names its programme and budget line.
        return super().get_queryset(request).select_related("programme", "budget_line")

    def has_add_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _adopted(obj) and super().has_delete_permission(request, obj)


@admin.register(Programme)
class ProgrammeAdmin(FrozenProgrammeMixin, SimpleHistoryAdmin):
    programme_path = ""
    list_display = (
        "name",
        "status",
        "first_year",
        "horizon",
        "framework",
        "price_year",
        "based_on",
        "computed_at",
    )
    list_filter = ("status", "framework", "first_year")
    search_fields = ("name", "description")
    list_select_related = ("framework", "based_on")
    autocomplete_fields = ("based_on", "created_by")
    readonly_fields = ("computed_at", "version", "created_at", "updated_at")
    inlines = (BudgetOverrideInline,)


@admin.register(BudgetOverride)
class BudgetOverrideAdmin(FrozenProgrammeMixin, admin.ModelAdmin):
    list_display = ("programme", "budget_line", "year", "amount")
    list_filter = ("programme", "year")
    search_fields = ("programme__name", "budget_line__code", "budget_line__name")
    list_select_related = ("programme", "budget_line")
    autocomplete_fields = ("programme", "budget_line")


@admin.register(ProgrammeRun)
class ProgrammeRunAdmin(ComputedResultAdmin):
    list_display = (
        "__str__",
        "status",
        "progress",
        "step",
        "requested_by",
        "started_at",
        "finished_at",
    )
    list_filter = ("status", "programme")
    search_fields = ("programme__name", "task_id", "message")
    list_select_related = ("programme", "requested_by")


@admin.register(Coupling)
class CouplingAdmin(ComputedResultAdmin):
    list_display = (
        "__str__",
        "programme",
        "kind",
        "year",
        "window_start",
        "window_end",
        "savings",
        "openings_avoided",
        "score",
    )
    list_filter = ("programme", "kind")
    search_fields = ("=key", "street", "area__name")
    list_select_related = ("programme", "area")


@admin.register(CouplingDecision)
class CouplingDecisionAdmin(FrozenProgrammeMixin, SimpleHistoryAdmin):
    list_display = ("key", "programme", "status", "decided_by", "decided_at")
    list_filter = ("status", "programme")
    search_fields = ("=key", "reason")
    list_select_related = ("programme", "decided_by")
    autocomplete_fields = ("programme",)
    readonly_fields = ("decided_by", "decided_at")

    def save_model(self, request, obj, form, change):
        # The decision is on the record of whoever takes it here.
        obj.decided_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(CouplingCostSharing)
class CouplingCostSharingAdmin(FrozenProgrammeMixin, SimpleHistoryAdmin):
    list_display = ("key", "programme", "rule", "changed_by", "changed_at")
    list_filter = ("rule", "programme")
    search_fields = ("=key",)
    list_select_related = ("programme", "changed_by")
    autocomplete_fields = ("programme",)
    readonly_fields = ("changed_by", "changed_at")


@admin.register(CouplingReservation)
class CouplingReservationAdmin(FrozenProgrammeMixin, admin.ModelAdmin):
    list_display = ("key", "programme", "organisation", "kind", "length", "created_at")
    list_filter = ("kind", "programme")
    search_fields = ("=key", "organisation__name", "note")
    list_select_related = ("programme", "organisation")
    autocomplete_fields = ("programme", "organisation")
    readonly_fields = ("created_by", "created_at")


@admin.register(CouplingResponse)
class CouplingResponseAdmin(FrozenProgrammeMixin, admin.ModelAdmin):
    list_display = ("key", "programme", "organisation", "answer", "responded_by", "responded_at")
    list_filter = ("answer", "programme")
    search_fields = ("=key", "organisation__name", "comment")
    list_select_related = ("programme", "organisation", "responded_by")
    autocomplete_fields = ("programme", "organisation")
    readonly_fields = ("responded_by", "responded_at")


@admin.register(Work)
class WorkAdmin(ComputedResultAdmin):
    list_display = (
        "label",
        "programme",
        "kind",
        "scheduled_year",
        "window_start",
        "window_end",
        "cost",
        "score",
        "must_do",
        "certainty",
    )
    list_filter = ("programme", "kind", "certainty", "must_do", "breaks_graafrust")
    search_fields = ("label", "=key", "street")
    list_select_related = ("programme",)
    show_full_result_count = False


@admin.register(WorkCost)
class WorkCostAdmin(ComputedResultAdmin):
    list_display = ("work", "budget_line", "offset", "amount")
    list_filter = ("work__programme", "budget_line")
    search_fields = ("work__label", "=work__key")
    list_select_related = ("work", "budget_line")


@admin.register(WorkHours)
class WorkHoursAdmin(ComputedResultAdmin):
    list_display = ("work", "team", "offset", "hours")
    list_filter = ("work__programme", "team")
    search_fields = ("work__label", "=work__key")
    list_select_related = ("work", "team")


@admin.register(ScenarioChange)
class ScenarioChangeAdmin(FrozenProgrammeMixin, SimpleHistoryAdmin):
    list_display = ("programme", "kind", "budget_line", "team", "year", "work_key", "amount")
    list_filter = ("programme", "kind")
    search_fields = ("programme__name", "work_key", "note")
    list_select_related = ("programme", "budget_line", "team")
    autocomplete_fields = ("programme", "budget_line")


@admin.register(WorkSetting)
class WorkSettingAdmin(FrozenProgrammeMixin, SimpleHistoryAdmin):
    list_display = ("programme", "key", "hours", "maintenance")
    list_filter = ("programme",)
    search_fields = ("programme__name", "=key")
    list_select_related = ("programme",)
    autocomplete_fields = ("programme",)


@admin.register(UnfundedItem)
class UnfundedItemAdmin(ComputedResultAdmin):
    list_display = ("work", "budget_line", "year", "gap", "code", "reason")
    list_filter = ("work__programme", "code", "budget_line", "year")
    search_fields = ("work__label", "reason")
    list_select_related = ("work", "budget_line")


@admin.register(KpiValue)
class KpiValueAdmin(ComputedResultAdmin):
    list_display = ("code", "programme", "year", "area", "budget_line", "theme", "team", "value")
    list_filter = ("programme", "code", "year")
    search_fields = ("code",)
    list_select_related = ("programme", "area", "budget_line", "theme", "team")


class ActualCostInline(admin.TabularInline):
    model = ActualCost
    extra = 0
    fields = ("budget_line", "year", "amount", "reason", "source")
    autocomplete_fields = ("budget_line",)


@admin.register(Realisation)
class RealisationAdmin(SimpleHistoryAdmin):
    list_display = ("key", "label", "status", "actual_start", "actual_finish", "owner")
    list_filter = ("status",)
    search_fields = ("key", "label", "project__code")
    list_select_related = ("owner",)
    raw_id_fields = ("project", "owner", "updated_by")
    inlines = (ActualCostInline,)


@admin.register(ActualCost)
class ActualCostAdmin(SimpleHistoryAdmin):
    list_display = ("realisation", "budget_line", "year", "amount")
    list_filter = ("year", "budget_line")
    search_fields = ("realisation__key", "realisation__label")
    list_select_related = ("realisation", "budget_line")
    raw_id_fields = ("realisation",)
    autocomplete_fields = ("budget_line",)


@admin.register(NewsletterEdition)
class NewsletterEditionAdmin(admin.ModelAdmin):
    list_display = ("kern", "number", "title", "status", "published_at")
    list_filter = ("status", "kern")
    search_fields = ("title", "kern__name")
    list_select_related = ("kern",)
    raw_id_fields = ("kern", "programme", "created_by")


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "kern", "kind", "confirmed_at", "unsubscribed_at")
    list_filter = ("kind", "kern")
    search_fields = ("email", "name")
    list_select_related = ("kern",)
    raw_id_fields = ("kern",)
    exclude = ("token",)


@admin.register(NewsletterDelivery)
class NewsletterDeliveryAdmin(admin.ModelAdmin):
    list_display = ("edition", "subscriber", "sent_at")
    list_select_related = ("edition__kern", "subscriber")
    raw_id_fields = ("edition", "subscriber")
