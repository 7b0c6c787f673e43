"""Form widgets: for the sizes of a city, and for drawing a geometry on a map."""

import json
from html import escape

from django import forms
from django.conf import settings
from django.forms.utils import flatatt
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from impor import geometry


class LongSelect(forms.Select):
    """A select for hundreds of options (the areas of a city), rendered in Python.

    Django renders every option through a template; for the 700 kernen and wijken of a
    city that is most of a list page's time. This widget writes the same HTML (the
    attributes Django adds, such as aria-describedby, included), escaping each value and
    label. It takes flat choices only, no option groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(option))}"'
            f"{' selected' if str(option) in selected else ''}>{escape(str(label))}</option>"
            for option, label in self.choices
        )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attrs}>{options}</select>')


class MapDrawWidget(forms.Textarea):
    """A geometry textarea with a map to draw on (progressive enhancement).

    The textarea stays the field: it takes WKT in RD New or GeoJSON (a geometry, a
    Feature or a one-feature FeatureCollection in WGS84 lon/lat, RFC 7946), typed or
    pasted, and keyboard and screen-reader users keep it as it is. With JavaScript,
    `static/impor/draw.js` adds a map below it (`map.js` draws the map; Leaflet-Geoman,
    `static/vendor/leaflet-geoman/`, the drawing tools): a drawn point, line or polygon
    replaces the textarea's text with its GeoJSON, which this widget turns into the stored
    form (`impor.geometry.from_geojson` → `to_storage`, RD New WKT) before the model
    field validates it. Text that is no valid GeoJSON goes through unchanged, so the
    field's own validation reports it.

    Usage, in a ModelForm's Meta: ``widgets = {"geometry": MapDrawWidget()}``.
    """

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, **(attrs or {})})

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if not isinstance(value, str) or not value.lstrip().startswith("{"):
            return value
        try:
            return geometry.from_geojson(_geojson_geometry(json.loads(value)))
        except (ValueError, TypeError, KeyError, geometry.GeometryError):
            return value

    def render(self, name, value, attrs=None, renderer=None):
        textarea = super().render(name, value, attrs, renderer)
        input_id = escape((attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}")
        current = ""
        if value:
            try:
                geometry.parse(str(value))
                current = json.dumps(geometry.to_geojson(str(value)))
            except geometry.GeometryError:
                current = ""
        label = escape(str(_("Kaart om de geometrie te tekenen")))
        help_text = escape(
            str(
                _(
                    "Teken op de kaart een punt, lijn of vlak; de tekening komt als GeoJSON "
                    "in het veld hierboven. U kunt ook WKT (RD New) of GeoJSON in het veld "
                    "typen of plakken."
                )
            )
        )
        draw = (
            f'<div class="impor-draw" data-input="{input_id}" data-geojson="{escape(current)}"'
            f' data-geoman-js="{escape(static("vendor/leaflet-geoman/leaflet-geoman.min.js"))}"'
            f' data-geoman-css="{escape(static("vendor/leaflet-geoman/leaflet-geoman.css"))}"'
            " hidden>"
            f'<p class="impor-draw__help">{help_text}</p>'
            f'<div class="impor-map impor-draw__map" role="region" aria-label="{label}"'
            f' data-tile-url="{escape(settings.IMPOR_TILE_URL)}"'
            f' data-attribution="{escape(settings.IMPOR_TILE_ATTRIBUTION)}"></div>'
            "</div>"
            f'<script src="{escape(static("impor/draw.js"))}" defer></script>'
        )
        return mark_safe(textarea + draw)


def _geojson_geometry(data):
    """The geometry of a GeoJSON text's object: itself, a Feature's, or the one feature's
    of a FeatureCollection."""
    if data.get("type") == "FeatureCollection":
        (feature,) = data["features"]
        data = feature
    if data.get("type") == "Feature":
        return data["geometry"]
    return data
