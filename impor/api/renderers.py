"""Renderers for the media types of the API besides plain JSON."""

from rest_framework.renderers import JSONRenderer


class ProblemJSONRenderer(JSONRenderer):
    """Lets a client ask for `Accept: application/problem+json` (errors only)."""

    media_type = "application/problem+json"
    format = "problem+json"


class GeoJSONRenderer(JSONRenderer):
    """RFC 7946 GeoJSON, chosen with `Accept: application/geo+json` or `?format=geojson`;
    the view shapes the FeatureCollection, this only writes it."""

    media_type = "application/geo+json"
    format = "geojson"
