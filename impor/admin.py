from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from impor.models import Area

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
