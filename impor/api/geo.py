"""Geometry in the API: GeoJSON (RFC 7946) in CRS84 by default, RD New on request.

- Every geometry is a GeoJSON geometry object, in plain JSON too.
- `Accept: application/geo+json` (or `?format=geojson`) answers a list with a
  FeatureCollection and a single row with a Feature.
- `Accept-Crs: EPSG:28992` asks for RD New; the answer names its CRS in `Content-Crs`
  (NL API geo rules). Geometry sent in is read in the CRS of `Content-Crs` (default CRS84).
- `bbox=minlon,minlat,maxlon,maxlat` (CRS84) keeps the rows whose extent meets the box.
"""

import contextlib
import math
from collections.abc import Iterable

import shapely
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import exceptions, serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.response import Response

from impor import geometry
from impor.api.renderers import GeoJSONRenderer

#: Header values for the CRSs the API speaks, and back.
CRS_NAMES = {
    "OGC:CRS84": geometry.WGS84,
    "EPSG:4326": geometry.WGS84,
    "EPSG:28992": geometry.RD_NEW,
}
HEADER_OF = {geometry.WGS84: "OGC:CRS84", geometry.RD_NEW: "EPSG:28992"}


def _crs_from_header(value: str | None, header: str) -> str:
    if not value:
        return geometry.WGS84
    crs = CRS_NAMES.get(value.strip().upper())
    if crs is None:
        message = _("%(header)s %(value)s wordt niet ondersteund; kies OGC:CRS84 of EPSG:28992.")
        params = {"header": header, "value": value[:40]}
        if header == "Accept-Crs":
            raise exceptions.NotAcceptable(message % params)
        raise exceptions.ValidationError({header: [message % params]})
    return crs


def response_crs(request) -> str:
    return _crs_from_header(request.headers.get("Accept-Crs"), "Accept-Crs")


def input_crs(request) -> str:
    return _crs_from_header(request.headers.get("Content-Crs"), "Content-Crs")


GEOMETRY_SCHEMA = {
    "type": "object",
    "description": "GeoJSON-geometrie (RFC 7946), standaard in CRS84 (lengte, breedte).",
    "properties": {
        "type": {
            "type": "string",
            "enum": sorted(geometry.ALLOWED_TYPES),
        },
        "coordinates": {"type": "array", "items": {}},
    },
    "required": ["type", "coordinates"],
    "nullable": True,
}


@extend_schema_field(GEOMETRY_SCHEMA)
class GeometryField(serializers.Field):
    """A stored RD New WKT geometry as a GeoJSON geometry object; null when none is
    known (stored as an empty text)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def validate_empty_values(self, data):
        if data is None and self.allow_null:
            return True, ""
        return super().validate_empty_values(data)

    def to_representation(self, value: str):
        if not value:
            return None
        request = self.context.get("request")
        crs = response_crs(request) if request is not None else geometry.WGS84
        return geometry.to_geojson(value, crs)

    def to_internal_value(self, data) -> str:
        if not isinstance(data, dict):
            raise serializers.ValidationError(_("Geef een GeoJSON-geometrie (een object)."))
        request = self.context.get("request")
        crs = input_crs(request) if request is not None else geometry.WGS84
        try:
            return geometry.from_geojson(data, crs)
        except geometry.GeometryError as exc:
            raise serializers.ValidationError(str(exc)) from exc


def parse_bbox(value: str) -> tuple[float, float, float, float]:
    """The box in RD New of a CRS84 `minlon,minlat,maxlon,maxlat` parameter."""
    try:
        minx, miny, maxx, maxy = (float(part) for part in value.split(","))
    except ValueError:
        raise exceptions.ValidationError(
            {"bbox": [_("Geef vier getallen: minlengte,minbreedte,maxlengte,maxbreedte.")]}
        ) from None
    if not (-180 <= minx < maxx <= 180 and -90 <= miny < maxy <= 90):
        raise exceptions.ValidationError(
            {"bbox": [_("De bbox is geen geldig gebied in CRS84 (lengte, breedte).")]}
        )
    box = geometry.transform(shapely.box(minx, miny, maxx, maxy), geometry.WGS84, geometry.RD_NEW)
    if not all(math.isfinite(value) for value in box.bounds):
        raise exceptions.ValidationError({"bbox": [_("De bbox valt buiten het kaartgebied.")]})
    return box.bounds


def ids_in_bbox(rows: Iterable[tuple[int, str]], box: tuple[float, ...]) -> list[int]:
    """Primary keys of (pk, wkt) rows whose extent meets `box` (RD New), in chunks: for
    tables without stored bbox columns (areas, projects: thousands of rows, not millions)."""
    ids, chunk = [], []

    def flush():
        bounds = geometry.bounds_array([wkt for _pk, wkt in chunk])
        for (pk, _wkt), (xmin, ymin, xmax, ymax) in zip(chunk, bounds, strict=True):
            if xmax >= box[0] and xmin <= box[2] and ymax >= box[1] and ymin <= box[3]:
                ids.append(pk)
        chunk.clear()

    for row in rows:
        if not row[1]:
            continue  # no geometry known: never in a box
        chunk.append(row)
        if len(chunk) >= 2000:
            flush()
    if chunk:
        flush()
    return ids


class BBoxFilter(BaseFilterBackend):
    """`?bbox=` for views that define `filter_bbox(queryset, box_rd)`."""

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get("bbox")
        if not value:
            return queryset
        return view.filter_bbox(queryset, parse_bbox(value))

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "bbox",
                "in": "query",
                "required": False,
                "description": str(
                    _("Alleen rijen in dit gebied: minlengte,minbreedte,maxlengte,maxbreedte.")
                )
                + " (CRS84)",
                "schema": {"type": "string", "example": "6.23,52.49,6.28,52.52"},
            }
        ]


ACCEPT_CRS = OpenApiParameter(
    "Accept-Crs",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    enum=["OGC:CRS84", "EPSG:4326", "EPSG:28992"],
    description="Coördinatenstelsel van de geometrie in het antwoord (standaard OGC:CRS84).",
)


geo_schema = extend_schema_view(
    list=extend_schema(parameters=[ACCEPT_CRS]), retrieve=extend_schema(parameters=[ACCEPT_CRS])
)


class GeoViewSetMixin:
    """Geometry conventions for a viewset whose serializer has a `geometry` field; the
    viewset lists `BBoxFilter` in its `filter_backends` and defines `filter_bbox`."""

    geometry_field = "geometry"

    def get_renderers(self):
        return [*super().get_renderers(), GeoJSONRenderer()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        response_crs(request)  # an unsupported Accept-Crs is refused before any work

    def _feature(self, row: dict) -> dict:
        properties = dict(row)
        geom = properties.pop(self.geometry_field, None)
        return {
            "type": "Feature",
            "id": properties.get("id"),
            "geometry": geom,
            "properties": properties,
        }

    def _wants_geojson(self) -> bool:
        return getattr(self.request, "accepted_renderer", None) is not None and (
            self.request.accepted_renderer.format == "geojson"
        )

    def list(self, request, *args, **kwargs):
        if not self._wants_geojson():
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = self.get_serializer(page, many=True).data
        body = {"type": "FeatureCollection", "features": [self._feature(row) for row in rows]}
        body["links"] = [
            {"rel": rel, "href": href, "type": GeoJSONRenderer.media_type}
            for rel, href in (
                ("next", self.paginator.get_next_link()),
                ("prev", self.paginator.get_previous_link()),
            )
            if href
        ]
        return Response(body)

    def retrieve(self, request, *args, **kwargs):
        response = super().retrieve(request, *args, **kwargs)
        if self._wants_geojson():
            response.data = self._feature(response.data)
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code < 400:
            with contextlib.suppress(exceptions.NotAcceptable):
                response["Content-Crs"] = HEADER_OF[response_crs(request)]
        return response


FEATURE_SCHEMA = {
    "type": "object",
    "description": "GeoJSON Feature (RFC 7946); de velden van de rij staan in properties.",
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "integer"},
        "geometry": GEOMETRY_SCHEMA,
        "properties": {"type": "object"},
    },
    "required": ["type", "geometry", "properties"],
}
FEATURE_COLLECTION_SCHEMA = {
    "type": "object",
    "description": "GeoJSON FeatureCollection (RFC 7946) van één pagina; links naar de "
    "volgende en vorige pagina.",
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": FEATURE_SCHEMA},
        "links": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["type", "features"],
}


def describe_media_types(result, generator, request, public):
    """drf-spectacular post-processing: a GET of a geo resource answers GeoJSON with the
    Feature(Collection) schema; the problem+json and GeoJSON renderers say nothing
    about other successful answers (they carry no other shape)."""
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            for code, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if not str(code).startswith("2"):
                    continue
                content.pop("application/problem+json", None)
                if GeoJSONRenderer.media_type not in content:
                    continue
                if method != "get":
                    del content[GeoJSONRenderer.media_type]
                elif operation["operationId"].endswith("_list"):
                    content[GeoJSONRenderer.media_type] = {"schema": FEATURE_COLLECTION_SCHEMA}
                else:
                    content[GeoJSONRenderer.media_type] = {"schema": FEATURE_SCHEMA}
    return result
