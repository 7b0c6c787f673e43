from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from assets.models import (
    Asset,
    AssetClass,
    DeteriorationModel,
    ImportMapping,
    Inspection,
    Report,
)


@admin.register(AssetClass)
class AssetClassAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "discipline",
        "unit",
        "lifespan",
        "window_early",
        "window_late",
        "unit_cost",
        "price_year",
        "opens_street",
        "budget_line",
        "maintenance_cost",
        "maintenance_saving",
    )
    list_filter = ("discipline", "unit", "geometry_kind", "opens_street")
    search_fields = ("name", "code")
    list_select_related = ("budget_line",)
    autocomplete_fields = ("budget_line",)
    prepopulated_fields = {"code": ("name",)}


class InspectionInline(admin.TabularInline):
    model = Inspection
    extra = 0
    fields = ("date", "condition", "inspector", "notes")

    def get_queryset(self, request):
        # Each row's title names its asset, whose name names its class.
        return super().get_queryset(request).select_related("asset__asset_class")


class ReportInline(admin.TabularInline):
    model = Report
    extra = 0
    fields = ("source", "external_id", "reported_on", "category", "status", "closed_on")
    show_change_link = True


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = (
        "external_id",
        "source",
        "asset_class",
        "street",
        "area",
        "construction_year",
        "quantity",
        "condition",
        "owner",
    )
    list_filter = ("asset_class__discipline", "asset_class", "condition")
    # Exact and prefix matches only: a contains-search scans every row of a large areaal.
    search_fields = ("=external_id", "^street")
    list_select_related = ("asset_class", "area", "owner")
    # The model's ordering sorts through a join on asset classes; the primary key index
    # serves the first page of a million rows at once.
    ordering = ("-pk",)
    show_full_result_count = False
    autocomplete_fields = ("asset_class", "area", "owner")
    readonly_fields = (
        "bbox_xmin",
        "bbox_ymin",
        "bbox_xmax",
        "bbox_ymax",
        "created_at",
        "updated_at",
    )
    inlines = (InspectionInline, ReportInline)


@admin.register(DeteriorationModel)
class DeteriorationModelAdmin(SimpleHistoryAdmin):
    list_display = ("asset_class", "method", "fitted_at", "inspections", "lifespan", "adopted_at")
    list_filter = ("method",)
    search_fields = ("asset_class__name", "asset_class__code")
    list_select_related = ("asset_class",)
    raw_id_fields = ("asset_class", "adopted_by")


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    list_display = ("asset", "date", "condition", "inspector")
    list_filter = ("condition", "date")
    search_fields = ("=asset__external_id", "inspector")
    list_select_related = ("asset__asset_class",)
    raw_id_fields = ("asset",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "category",
        "status",
        "reported_on",
        "closed_on",
        "street",
        "area",
        "asset",
    )
    list_filter = ("status", "category", "reported_on")
    search_fields = ("external_id", "street", "=asset__external_id")
    list_select_related = ("area", "asset__asset_class")
    date_hierarchy = "reported_on"
    raw_id_fields = ("asset",)
    autocomplete_fields = ("area",)


@admin.register(ImportMapping)
class ImportMappingAdmin(admin.ModelAdmin):
    list_display = ("source", "kind", "crs", "updated_at")
    list_filter = ("kind",)
    search_fields = ("source",)
