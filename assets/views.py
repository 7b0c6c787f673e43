"""Pages of the asset base: the list with filters and export, an asset's page, its map
data and the edit form. Views parse input, call a selector and render."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView

from assets import access
from assets.choices import Condition
from assets.filters import URGENCY_CHOICES, AssetFilterSet, with_lifecycle
from assets.forms import AssetForm
from assets.models import Asset
from assets.selectors import asset_lifecycle_explained
from impor import geometry
from impor.choices import Discipline
from impor.lists import Column
from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView


class AssetListView(ObjectListView):
    """Beheerobjecten: filter on discipline, type, area, street, urgency, condition, year."""

    model = Asset
    filterset_class = AssetFilterSet
    # Type in catalogue order first: a discipline's or a type's first page then comes
    # straight from an index, also among a million assets.
    default_sort = "asset_class__name"
    export_name = "beheerobjecten"
    columns = (
        Column("external_id", _("id")),
        Column("asset_class__name", _("objecttype"), order_by=("asset_class_id", "external_id")),
        Column("asset_class__discipline", _("discipline"), choices=dict(Discipline.choices)),
        Column("area__name", _("gebied")),
        Column("street", _("straat")),
        Column("quantity", _("hoeveelheid"), kind="decimal"),
        Column("asset_class__unit", _("eenheid"), sortable=False),
        Column("construction_year", _("aanlegjaar"), kind="year"),
        Column("condition", _("conditie"), kind="int", choices=dict(Condition.choices)),
        Column("preferred_year", _("voorkeursjaar"), kind="year", computed=True),
        Column("remaining_life", _("restlevensduur (jaar)"), kind="int", computed=True),
        Column(
            "urgency",
            _("urgentie"),
            order_by=("remaining_life",),
            choices=dict(URGENCY_CHOICES),
            computed=True,
        ),
        Column("replacement_value", _("vervangingswaarde (€)"), kind="money", computed=True),
    )

    def get_base_queryset(self):
        # The lifecycle counts from this year: annotated per request.
        return with_lifecycle(Asset.objects.select_related("asset_class", "area"))


class AssetDetailView(ObjectDetailView):
    """One asset: its data, the lifecycle derivation, value, inspections, reports, map."""

    queryset = Asset.objects.select_related("asset_class", "area__parent", "owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        asset = self.object
        steps = asset_lifecycle_explained(asset)
        context["steps"] = steps
        context["replacement_value"] = next(
            (step.value for step in steps if step.key == "replacement_value"), None
        )
        context["inspections"] = asset.inspections.order_by("-date")
        context["reports"] = asset.reports.order_by("-reported_on")
        context["has_map"] = bool(asset.geometry)
        context["geojson_url"] = reverse("assets:asset_geojson", args=[asset.pk])
        context["can_change"] = context["can_change"] and access.may_write(self.request.user, asset)
        return context


class AssetGeoJsonView(PermissionRequiredMixin, DetailView):
    """The asset's geometry as a GeoJSON FeatureCollection in WGS84, for the map."""

    permission_required = "assets.view_asset"
    raise_exception = True
    queryset = Asset.objects.select_related("asset_class")

    def render_to_response(self, context, **response_kwargs):
        asset = self.object
        features = []
        if asset.geometry:
            features.append(
                {
                    "type": "Feature",
                    "geometry": geometry.to_geojson(asset.geometry),
                    "properties": {
                        "label": str(asset),
                        "color": "#00689e",
                        "url": reverse("assets:asset_detail", args=[asset.pk]),
                    },
                }
            )
        return JsonResponse(
            {"type": "FeatureCollection", "features": features},
            content_type="application/geo+json",
        )


class AssetEditView(ObjectEditView):
    """Create or edit an asset, within the user's disciplines (`assets.access`)."""

    model = Asset
    queryset = Asset.objects.select_related("asset_class")
    form_class = AssetForm
    detail_url = "assets:asset_detail"
    success_message = _("Het beheerobject is opgeslagen.")

    def get_object(self, queryset=None):
        asset = super().get_object(queryset)
        user = self.request.user
        if asset is not None and not access.may_write(user, asset):
            raise PermissionDenied(access.refusal(user, asset.asset_class.discipline))
        return asset

    def form_valid(self, form):
        user = self.request.user
        asset_class = form.cleaned_data["asset_class"]
        if not access.may_write(user, asset_class):
            form.add_error("asset_class", access.refusal(user, asset_class.discipline))
            return self.form_invalid(form)
        return super().form_valid(form)
