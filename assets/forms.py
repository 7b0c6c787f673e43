"""Forms of the asset pages. Validation lives in the model (`Asset.clean`, field validators,
constraints); the form only chooses the fields and widgets."""

import json
from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from assets.models import Asset, AssetClass
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


# --- The import in the browser (assets/import_views.py) -------------------------------

#: The parts of a shapefile that may be uploaded loose, together, instead of as a zip.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")
#: The files one upload may be: a single file of these types, or shapefile parts.
SINGLE_FILE_TYPES = (".csv", ".xlsx", ".geojson", ".json", ".gpkg", ".zip", ".shp")
#: Coordinate systems offered for a file that names none (the ones Dutch sources use).
CRS_CHOICES = (
    ("", _("herken het uit de coördinaten")),
    ("EPSG:28992", _("RD New (EPSG:28992)")),
    ("EPSG:4326", _("WGS84, lengte- en breedtegraden (EPSG:4326)")),
    ("EPSG:4258", _("ETRS89 (EPSG:4258)")),
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one ``<input type=file multiple>``: a shapefile's loose parts."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class ImportUploadForm(forms.Form):
    """Step 1 of the browser import: what the file holds, where it comes from, the file."""

    kind = forms.ChoiceField(label=_("soort gegevens"))
    source = forms.CharField(
        label=_("bron"),
        max_length=60,
        help_text=_(
            "Een korte naam voor waar het bestand vandaan komt, bijvoorbeeld gis-bomen. "
            "De volgende keer dat u een bestand van deze bron uploadt, stelt IMPOR dezelfde "
            "kolomtoewijzing voor."
        ),
    )
    files = MultipleFileField(
        label=_("bestand"),
        help_text=_(
            "CSV, Excel (.xlsx), GeoJSON, GeoPackage (.gpkg) of een shapefile: als zip, of "
            "de losse delen (.shp, .shx, .dbf, .prj, .cpg) samen geselecteerd."
        ),
    )

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds

    def clean_source(self) -> str:
        return self.cleaned_data["source"].strip()

    def clean_files(self) -> list:
        """One file of a type IMPOR reads, or the loose parts of one shapefile."""
        uploads = self.cleaned_data["files"]
        suffixes = [Path(upload.name).suffix.lower() for upload in uploads]
        for upload, suffix in zip(uploads, suffixes, strict=True):
            if suffix not in SINGLE_FILE_TYPES + SHAPEFILE_PARTS:
                raise forms.ValidationError(
                    _(
                        "%(name)s heeft een bestandstype dat IMPOR niet leest. Kies CSV, "
                        "Excel (.xlsx), GeoJSON, GeoPackage (.gpkg) of een shapefile (als zip "
                        "of als losse delen .shp, .shx, .dbf en .prj)."
                    ),
                    code="file_type",
                    params={"name": upload.name},
                )
        if len(uploads) == 1 and suffixes[0] in SINGLE_FILE_TYPES:
            return uploads
        if not set(suffixes) <= set(SHAPEFILE_PARTS):
            raise forms.ValidationError(
                _("Kies één bestand, of de losse delen van één shapefile."), code="several_files"
            )
        shapefiles = [u for u, s in zip(uploads, suffixes, strict=True) if s == ".shp"]
        if len(shapefiles) != 1:
            raise forms.ValidationError(
                _("Kies de .shp van de shapefile samen met de .shx, .dbf en .prj.")
                if not shapefiles
                else _("Kies de delen van één shapefile; u koos er meer dan één .shp."),
                code="one_shapefile",
            )
        return uploads


class ImportSheetForm(forms.Form):
    """Step 1b: the sheet of an Excel file or the layer of a GeoPackage holding several."""

    sheet = forms.ChoiceField(label=_("tabblad of laag"))

    def __init__(self, *args, names: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [(name, name) for name in names]


class ImportMappingForm(forms.Form):
    """Step 2: one select per field the import fills, offering the file's columns (with a
    sample value) and, for the object type, one type for every row. The values are the
    mapping entries as JSON (a column name, or ``{"value": …}``, or the proposed
    ``{"column": …, "with_location": true}``), so what the form returns is the mapping
    `assets.importing.service.import_file` reads. A target in ``value_only`` offers
    only its fixed values (an area file's level)."""

    PREFIX = "veld_"

    def __init__(
        self,
        *args,
        targets,
        columns: list[str],
        samples: dict[str, str],
        proposal: dict,
        fixed_values: dict[str, list[tuple[str, str]]],
        value_only: frozenset[str] = frozenset(),
        ask_crs: bool,
        ask_crs_confirmation: bool,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.targets = targets
        column_choices = [
            (json.dumps(column), _column_label(column, samples.get(column, "")))
            for column in columns
        ]
        for target in targets:
            choices = [("", _("— niet gebruiken —"))]
            if target.name not in value_only:
                choices += column_choices
            choices += [
                (json.dumps({"value": value}), _("voor elke rij: %(value)s") % {"value": label})
                for value, label in fixed_values.get(target.name, [])
            ]
            proposed = proposal.get(target.name)
            if proposed is not None and json.dumps(proposed) not in dict(choices):
                choices.append((json.dumps(proposed), _proposed_label(proposed)))
            self.fields[self.PREFIX + target.name] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=target.required,
                initial=json.dumps(proposed) if proposed is not None else "",
                error_messages={
                    "required": _("Kies een kolom voor %(label)s: dit veld is verplicht.")
                    % {"label": target.label}
                },
            )
        if ask_crs:
            self.fields["crs"] = forms.ChoiceField(
                label=_("coördinatenstelsel"),
                choices=CRS_CHOICES,
                required=False,
                help_text=_("Het bestand noemt geen coördinatenstelsel."),
            )
        if ask_crs_confirmation:
            self.fields["crs_confirmed"] = forms.BooleanField(
                label=_("Lees het bestand in het coördinatenstelsel dat het zelf noemt."),
                required=False,
            )

    def mapping(self) -> dict:
        """The mapping entries chosen, by target field."""
        return {
            target.name: json.loads(value)
            for target in self.targets
            if (value := self.cleaned_data.get(self.PREFIX + target.name))
        }


def _column_label(column: str, sample: str) -> str:
    if not sample:
        return column
    return _("%(column)s (bijvoorbeeld: %(sample)s)") % {"column": column, "sample": sample}


def _proposed_label(choice: dict) -> str:
    if "value" in choice:
        return _("voor elke rij: %(value)s") % {"value": choice["value"]}
    if choice.get("with_location"):
        return _("%(column)s plus de locatie") % {"column": choice.get("column", "")}
    return str(choice.get("column", ""))


class AssetClassMaintenanceForm(forms.ModelForm):
    """An asset class's maintenance defaults: what a new object costs to maintain per
    unit and year, what replacing a worn one saves, and where the figures come from."""

    class Meta:
        model = AssetClass
        fields = ["maintenance_cost", "maintenance_saving", "maintenance_source"]
        widgets = {"maintenance_source": forms.Textarea(attrs={"rows": 4})}
