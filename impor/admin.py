from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from impor.models import Area, ImportRun

admin.site.site_header = _("IMPOR beheer")
admin.site.site_title = _("IMPOR beheer")


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "level",
        "parent",
        "cbs_code",
        "area_type",
        "quality_level",
        "population",
        "social_priority",
    )
    list_filter = ("level", "area_type", "quality_level", "social_priority")
    search_fields = ("name", "cbs_code")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """The import log: read-only, it is the municipality's record of what came in."""

    list_display = (
        "file_name",
        "kind",
        "source",
        "status",
        "rows",
        "created",
        "updated",
        "error_count",
        "user",
        "started_at",
    )
    list_filter = ("kind", "status", "source")
    search_fields = ("file_name", "source", "=file_sha256")
    list_select_related = ("user",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
