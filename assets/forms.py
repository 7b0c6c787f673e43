"""Forms of the asset pages. Validation lives in the model (`Asset.clean`, field validators,
constraints); the form only chooses the fields and widgets."""

from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from impor import geometry
from impor.widgets import LongSelect


class AssetForm(forms.ModelForm):
    """Create or edit one asset; the geometry is WKT in RD New, checked by `impor.geometry`."""

    class Meta:
        model = Asset
        fields = [
            "source",
            "external_id",
            "asset_class",
            "area",
            "street",
            "quantity",
            "material",
            "construction_year",
            "lifespan_override",
            "condition",
            "condition_date",
            "unit_cost_override",
            "owner",
            "geometry",
        ]
        widgets = {
            "area": LongSelect,
            "geometry": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
            "condition_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "geometry": _(
                "WKT in RD New (EPSG:28992), in meters, bijvoorbeeld "
                "LINESTRING (214500 500800, 214540 500800). Leeg laten mag."
            ),
        }

    def clean_geometry(self) -> str:
        """Store the geometry as every other geometry is stored: normalised, in millimetres."""
        value = self.cleaned_data["geometry"].strip()
        if not value:
            return ""
        try:
            return geometry.to_storage(geometry.parse(value))
        except geometry.GeometryError as exc:
            raise forms.ValidationError(
                _("Geen geldige geometrie: %(reason)s."), params={"reason": exc}
            ) from exc
