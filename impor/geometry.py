"""Geometry in IMPOR: one storage choice, one place to convert.

Storage: every geometry is stored as WKT in **RD New (EPSG:28992)**, rounded to the
millimetre. RD New is the Dutch national grid in metres: the CRS in which municipal GIS
and asset systems (IMBOR/GWSW exports) deliver their data, in which distances such as
the 25 m coupling distance are measured directly, and in which a delivered geometry
round-trips exactly (to the millimetre) without reprojection. Maps and the API convert
to WGS84 (RFC 7946 GeoJSON) on the way out with :func:`to_geojson`.

This module is pure Python (shapely + pyproj) so that the programming engine can use it.
"""

import json
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"

#: Decimal places kept in storage: millimetres in RD New.
STORAGE_PRECISION = 3
#: Decimal places in GeoJSON output: ~1 cm in WGS84, as RFC 7946 §11.2 advises.
GEOJSON_PRECISION = 7

#: The validity area of RD New (the Netherlands and its shores), from the EPSG registry.
RD_EXTENT = (-7_000.0, 289_000.0, 300_000.0, 629_000.0)

ALLOWED_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)


class GeometryError(ValueError):
    """A geometry that cannot be stored; the message is shown to the user."""


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(
        CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True
    )


def normalise_crs(value: str | int) -> str:
    """Return 'EPSG:NNNN' for a CRS given as code, URN, OGC URL or WKT; raise GeometryError."""
    if isinstance(value, int) or str(value).isdigit():
        value = f"EPSG:{value}"
    text = str(value)
    if text.endswith("CRS84"):
        return WGS84
    try:
        crs = CRS.from_user_input(text)
    except Exception as exc:  # pyproj raises CRSError and others for unreadable input
        raise GeometryError(f"onbekend coördinatenstelsel: {text[:80]}") from exc
    epsg = crs.to_epsg(min_confidence=70)
    if epsg is None:
        raise GeometryError(f"coördinatenstelsel zonder EPSG-code: {crs.name}")
    return f"EPSG:{epsg}"


def transform(geom: BaseGeometry, source: str, target: str) -> BaseGeometry:
    """Reproject one geometry (x = easting/longitude)."""
    if source == target:
        return geom
    tr = _transformer(source, target)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def transform_array(geoms: np.ndarray, source: str, target: str) -> np.ndarray:
    """Reproject an array of geometries in one vectorised call."""
    if source == target:
        return geoms
    tr = _transformer(source, target)
    return shapely.transform(geoms, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def to_storage(geom: BaseGeometry, source: str = RD_NEW) -> str:
    """Validate and convert a geometry to the stored form: RD New WKT in millimetres."""
    check(geom)
    rd = transform(geom, source, RD_NEW)
    check_extent(rd)
    return shapely.to_wkt(rd, rounding_precision=STORAGE_PRECISION, trim=True)


def parse(wkt: str) -> BaseGeometry:
    """Parse stored WKT; raise GeometryError with a readable message."""
    try:
        geom = shapely.from_wkt(wkt)
    except shapely.errors.ShapelyError as exc:
        raise GeometryError(f"geen geldige WKT-geometrie: {exc}") from exc
    check(geom)
    return geom


def check(geom: BaseGeometry) -> None:
    if geom is None or geom.is_empty:
        raise GeometryError("de geometrie is leeg")
    if geom.geom_type not in ALLOWED_TYPES:
        raise GeometryError(f"geometrietype {geom.geom_type} wordt niet ondersteund")
    if not geom.is_valid:
        raise GeometryError(f"ongeldige geometrie: {shapely.is_valid_reason(geom)}")


def check_extent(rd: BaseGeometry) -> None:
    xmin, ymin, xmax, ymax = rd.bounds
    if xmin < RD_EXTENT[0] or ymin < RD_EXTENT[1] or xmax > RD_EXTENT[2] or ymax > RD_EXTENT[3]:
        raise GeometryError(
            "de coördinaten liggen buiten Nederland (RD New); klopt het coördinatenstelsel?"
        )


def bounds(wkt: str) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = shapely.from_wkt(wkt).bounds
    return xmin, ymin, xmax, ymax


def bounds_array(wkts: Sequence[str | None]) -> np.ndarray:
    """Bounding boxes (n × 4: xmin, ymin, xmax, ymax) of many stored geometries; NaN for None."""
    return shapely.bounds(shapely.from_wkt(np.asarray(wkts, dtype=object)))


def _for_geojson(geoms, crs: str):
    """Stored geometries reprojected to `crs` and rounded to the output precision, in one
    pass over the coordinates (rounding, not snapping: a shape is drawn as stored)."""
    precision = GEOJSON_PRECISION if crs == WGS84 else STORAGE_PRECISION
    if crs == RD_NEW:
        return shapely.transform(geoms, lambda xy: np.round(xy, precision))
    tr = _transformer(RD_NEW, crs)
    return shapely.transform(
        geoms, lambda xy: np.round(np.column_stack(tr.transform(xy[:, 0], xy[:, 1])), precision)
    )


def to_geojson(wkt: str, crs: str = WGS84) -> dict[str, Any]:
    """GeoJSON geometry dict of a stored geometry; WGS84 lon/lat (RFC 7946) by default."""
    return shapely.geometry.mapping(_for_geojson(shapely.from_wkt(wkt), crs))


def to_geojson_many(wkts: Sequence[str], crs: str = WGS84) -> list[str]:
    """GeoJSON geometry texts of many stored geometries at once: one vectorised
    reprojection and GEOS's GeoJSON writer; each is `to_geojson` of its WKT as JSON."""
    geoms = _for_geojson(shapely.from_wkt(np.asarray(wkts, dtype=object)), crs)
    return list(shapely.to_geojson(geoms))


def feature_collection(features: Iterable[tuple[str, dict[str, Any]]]) -> str:
    """A GeoJSON FeatureCollection text from (geometry text, properties) pairs.

    The geometry texts from `to_geojson_many` go in as they are: parsing and dumping
    thousands of coordinate lists again would cost more than the rest of the request.
    """
    parts = (
        f'{{"type":"Feature","geometry":{geometry},"properties":{json.dumps(properties)}}}'
        for geometry, properties in features
    )
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def from_geojson(data: dict[str, Any], crs: str = WGS84) -> str:
    """Stored WKT of a GeoJSON geometry dict given in `crs`."""
    try:
        geom = shapely.geometry.shape(data)
    except Exception as exc:  # shapely raises several error types for malformed GeoJSON
        raise GeometryError(f"geen geldige GeoJSON-geometrie: {exc}") from exc
    return to_storage(geom, crs)


def union_bounds(wkts: Iterable[str]) -> tuple[float, float, float, float] | None:
    arr = bounds_array(list(wkts))
    if len(arr) == 0:
        return None
    return (
        float(np.nanmin(arr[:, 0])),
        float(np.nanmin(arr[:, 1])),
        float(np.nanmax(arr[:, 2])),
        float(np.nanmax(arr[:, 3])),
    )
