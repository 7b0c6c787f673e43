"""Pages of the asset classes (objecttypen): the list, a class's page with its lifecycle
and maintenance defaults and the sources of both, and the form that edits the
maintenance defaults (docs/maintenance.md)."""

from django.utils.translation import gettext_lazy as _

from assets.filters import AssetClassFilterSet
from assets.forms import AssetClassMaintenanceForm
from assets.models import AssetClass
from impor.choices import Discipline
from impor.lists import Column
from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView


class AssetClassListView(ObjectListView):
    queryset = AssetClass.objects.select_related("budget_line")
    filterset_class = AssetClassFilterSet
    default_sort = "name"
    export_name = "objecttypen"
    columns = (
        Column("name", _("naam")),
        Column("discipline", _("discipline"), choices=dict(Discipline.choices)),
        Column("unit", _("eenheid"), sortable=False),
        Column("lifespan", _("levensduur (jaar)"), kind="int"),
        Column("unit_cost", _("vervangingskosten per eenheid (€)"), kind="money"),
        Column("maintenance_cost", _("beheerkosten per eenheid per jaar (€)"), kind="money"),
        Column(
            "maintenance_saving",
            _("besparing bij vervanging per eenheid per jaar (€)"),
            kind="money",
        ),
    )


class AssetClassDetailView(ObjectDetailView):
    queryset = AssetClass.objects.select_related("budget_line")


class AssetClassEditView(ObjectEditView):
    """Change a class's maintenance defaults (only an existing class: the lifecycle
    defaults come from the defaults file or the administrator's site)."""

    model = AssetClass
    form_class = AssetClassMaintenanceForm
    detail_url = "assets:assetclass_detail"
    success_message = _("De beheerkosten zijn opgeslagen.")
