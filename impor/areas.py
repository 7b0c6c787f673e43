"""Placing things in the municipality's areas by their location (vectorised with shapely)."""

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from impor.choices import AreaLevel
from impor.models import Area

#: How far outside the municipal boundary a location is still accepted (GPS and drawing
#: tolerance along the border, in metres).
BOUNDARY_TOLERANCE = 250.0


@dataclass
class AreaIndex:
    """The smallest areas (buurten, or the deepest level there is) in an STRtree."""

    ids: np.ndarray
    polygons: np.ndarray
    tree: shapely.STRtree
    boundary: BaseGeometry | None

    def locate(self, geoms: np.ndarray) -> np.ndarray:
        """Area id per geometry (-1 where none): the area holding a point, or the area with
        the largest overlap for a line (by length) or polygon (by area)."""
        result = np.full(len(geoms), -1, dtype=np.int64)
        present = ~shapely.is_missing(geoms)
        if not present.any() or len(self.ids) == 0:
            return result
        geom_idx, poly_idx = self.tree.query(geoms, predicate="intersects")
        if len(geom_idx) == 0:
            return result
        dimension = shapely.get_dimensions(geoms[geom_idx])
        size = np.ones(len(geom_idx))
        extended = dimension > 0  # a point needs no overlap measure
        overlap = shapely.intersection(geoms[geom_idx[extended]], self.polygons[poly_idx[extended]])
        size[extended] = np.where(
            dimension[extended] == 2, shapely.area(overlap), shapely.length(overlap)
        )
        # Largest overlap first, then keep the first row per geometry.
        order = np.lexsort((-size, geom_idx))
        geom_sorted = geom_idx[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = geom_sorted[1:] != geom_sorted[:-1]
        result[geom_sorted[first]] = self.ids[poly_idx[order][first]]
        return result

    def outside(self, geoms: np.ndarray) -> np.ndarray:
        """True where a geometry lies outside the municipality (beyond the tolerance)."""
        if self.boundary is None:
            return np.zeros(len(geoms), dtype=bool)
        present = ~shapely.is_missing(geoms)
        inside = np.zeros(len(geoms), dtype=bool)
        inside[present] = shapely.intersects(geoms[present], self.boundary)
        return present & ~inside


def area_index() -> AreaIndex:
    """Build the index from the database: the deepest level that has areas with geometry."""
    for level in reversed(AreaLevel.values):
        rows = list(
            Area.objects.filter(level=level).exclude(geometry="").values_list("pk", "geometry")
        )
        if rows:
            break
    ids = np.array([pk for pk, _wkt in rows], dtype=np.int64)
    polygons = shapely.from_wkt(np.array([wkt for _pk, wkt in rows], dtype=object))
    roots = Area.objects.filter(parent__isnull=True).exclude(geometry="")
    outlines = [shapely.from_wkt(wkt) for wkt in roots.values_list("geometry", flat=True)]
    boundary = shapely.union_all(outlines).buffer(BOUNDARY_TOLERANCE) if outlines else None
    if boundary is not None:
        shapely.prepare(boundary)
    return AreaIndex(ids, polygons, shapely.STRtree(polygons), boundary)
