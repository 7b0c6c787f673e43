"""Forms of the stakeholder pages; validation lives in the models."""

import json

import shapely.geometry
from django import forms
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from impor import geometry
from impor.formsets import SharedChoicesInlineFormSet
from impor.widgets import MapDrawWidget
from stakeholders.models import (
    MAX_INTEREST_BUFFER,
    Actor,
    AlertSettings,
    AreaOfInterest,
    BudgetLine,
    ContactPerson,
    Indicator,
    IndicatorMeasurement,
    ProcessPosition,
    Team,
    WebhookEndpoint,
)
from stakeholders.webhook_address import check_webhook_address


class ActorForm(forms.ModelForm):
    # A web address typed without a scheme is read as https (Django 6's default).
    website = Actor._meta.get_field("website").formfield(assume_scheme="https")

    class Meta:
        model = Actor
        fields = [
            "name",
            "short_name",
            "is_internal",
            "kind",
            "domain",
            "parent",
            "description",
            "email",
            "phone",
            "website",
            "areas_of_interest",
        ]


ContactFormSet = inlineformset_factory(
    Actor,
    ContactPerson,
    formset=SharedChoicesInlineFormSet,
    fields=["name", "function", "email", "phone"],
    extra=1,
    can_delete=True,
)

ProcessPositionFormSet = inlineformset_factory(
    Actor,
    ProcessPosition,
    formset=SharedChoicesInlineFormSet,
    fields=["step", "now", "desired", "notes"],
    widgets={"notes": forms.TextInput()},
    extra=1,
    can_delete=True,
)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["code", "name", "owner", "description"]


class TeamForm(forms.ModelForm):
    class Meta:
        model = Team
        fields = ["code", "name", "actor", "discipline"]


# --- indicators: target path and measurements (issue #20 §3) ---------------------------


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
        ]


class MeasurementFormSet(SharedChoicesInlineFormSet):
    """Measurements of one indicator: one a year for the whole municipality and one a
    year per area. The database's unique constraints have a condition (area empty or
    not), which a formset does not check across its rows; this does, so a double year
    is an error on the page, not a failed save."""

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data.get("year"), form.cleaned_data.get("area"))
            if key in seen:
                form.add_error(
                    "year",
                    _("Dit jaar heeft al een meting voor dit gebied (of de hele gemeente)."),
                )
            seen.add(key)


class MeasurementUploadForm(forms.Form):
    """A CSV or Excel file of measurements (`stakeholders.measurement_import`)."""

    file = forms.FileField(
        label=_("bestand"),
        help_text=_(
            "CSV of Excel (.xlsx) met de kolommen indicator, jaar of datum, waarde en "
            "eventueel bron en gebied."
        ),
    )


IndicatorMeasurementFormSet = inlineformset_factory(
    Indicator,
    IndicatorMeasurement,
    formset=MeasurementFormSet,
    fields=["year", "value", "date", "source", "area"],
    widgets={"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")},
    extra=2,
    can_delete=True,
)


# --- areas of interest and alerts ------------------------------------------------------


def geometry_from_text(text: str) -> str:
    """The stored WKT of a geometry typed as WKT (RD New) or GeoJSON (WGS84 lon/lat, or
    RD New when its numbers are metres); a drawn shape arrives as WKT already
    (`MapDrawWidget`)."""
    text = text.strip()
    if not text:
        return ""
    try:
        if text.startswith("{"):
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise forms.ValidationError(_("Dit is geen geldige GeoJSON.")) from exc
            if data.get("type") == "Feature":
                data = data.get("geometry") or {}
            shape = shapely.geometry.shape(data)
            crs = geometry.WGS84 if abs(shape.bounds[0]) <= 180 else geometry.RD_NEW
            return geometry.to_storage(shape, crs)
        return geometry.to_storage(geometry.parse(text))
    except (geometry.GeometryError, ValueError, AttributeError, TypeError) as exc:
        raise forms.ValidationError(str(exc)) from exc


class AreaOfInterestForm(forms.ModelForm):
    """An area of interest drawn or typed. A partner keeps them for its own organisation
    only (the field is left out); a municipal user chooses the organisation, by default
    its own department."""

    geometry = forms.CharField(
        label=_("geometrie"),
        help_text=_(
            "Teken het gebied op de kaart, of typ WKT in RD New (EPSG:28992) of GeoJSON "
            "(lengte- en breedtegraden)."
        ),
    )

    class Meta:
        model = AreaOfInterest
        fields = ["organisation", "name", "geometry", "buffer"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["geometry"].widget = MapDrawWidget()
        partner = getattr(user, "partner_organisation", None)
        if partner is not None:
            del self.fields["organisation"]
            self.instance.organisation = partner
        elif self.instance.pk is None and getattr(user, "organisation_id", None):
            self.fields["organisation"].initial = user.organisation_id

    def clean_geometry(self) -> str:
        return geometry_from_text(self.cleaned_data["geometry"])


class InterestUploadForm(forms.Form):
    """A file of areas or of a network, and how to read it (`interest_areas_from_file`)."""

    organisation = forms.ModelChoiceField(
        label=_("organisatie"), queryset=Actor.objects.order_by("name")
    )
    file = forms.FileField(
        label=_("bestand"),
        help_text=_("GeoJSON (.geojson), GeoPackage (.gpkg) of een gezipte shapefile (.zip)."),
    )
    name = forms.CharField(label=_("naam"), max_length=200, initial=_("Ons netwerk"))
    per_feature = forms.TypedChoiceField(
        label=_("gebieden"),
        choices=[
            ("0", _("één gebied voor het hele bestand (bijvoorbeeld een netwerk)")),
            ("1", _("één gebied per object in het bestand")),
        ],
        coerce=lambda value: value == "1",
        initial="0",
        widget=forms.RadioSelect,
    )
    name_column = forms.CharField(
        label=_("kolom met de naam"),
        required=False,
        max_length=100,
        help_text=_("Bij één gebied per object: de kolom die het gebied een naam geeft."),
    )
    buffer = forms.IntegerField(
        label=_("buffer (m)"),
        min_value=0,
        max_value=MAX_INTEREST_BUFFER,
        initial=25,
        help_text=_("Zo ver rond de lijnen en punten van het bestand telt een werk mee."),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        partner = getattr(user, "partner_organisation", None)
        if partner is not None:
            del self.fields["organisation"]
        elif getattr(user, "organisation_id", None):
            self.fields["organisation"].initial = user.organisation_id

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".geojson", ".json", ".gpkg", ".zip")):
            raise forms.ValidationError(
                _("Kies een GeoJSON-, GeoPackage- of gezipt shapefile-bestand."), code="format"
            )
        return upload


class AlertSettingsForm(forms.ModelForm):
    class Meta:
        model = AlertSettings
        fields = ["frequency"]
        widgets = {"frequency": forms.RadioSelect}


class WebhookForm(forms.ModelForm):
    """A webhook of the user's own organisation; the address is checked against the
    internal network with a DNS lookup (stakeholders/webhook_address.py)."""

    url = WebhookEndpoint._meta.get_field("url").formfield(assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "is_active"]

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        try:
            check_webhook_address(url)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return url
