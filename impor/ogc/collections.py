"""What one OGC API feature collection is, and which ones a user may read.

A collection is a layer in the user's GIS: rows of one model the user may see
(`visible_to`), each a feature with a geometry (stored RD New WKT) and properties. The
apps declare theirs in a module of their own (``assets/ogc.py``, …) with a function
``collections(user)``; `OGC_COLLECTIONS` in the settings names those functions, so this
lowest layer imports none of the apps above it (as the API's URL list does).

Paging is by key (`pk` ascending): a page is the first `limit` rows after the last key
of the page before, so a page costs the same at the start and at the end of a million
rows, and rows added meanwhile are neither skipped nor read twice.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Max, Min, QuerySet
from django.utils.module_loading import import_string

from impor import geometry

#: Rows read at a time where every row of a selection is looked at (bbox, extent).
CHUNK = 2000


@dataclass(frozen=True)
class Queryable:
    """A property a client may filter on with ``?<name>=<value>`` (OGC API Features
    Part 1 §7.15.7: equality, several values comma-separated)."""

    #: The parameter and the property's name in a feature.
    name: str
    #: The ORM lookup on the collection's queryset (``scheduled_year``, ``area__name``).
    lookup: str
    #: "string" or "integer": the JSON schema type, and how a value is read.
    type: str
    description: str


class Collection:
    """One feature collection. Subclasses set the class attributes and `queryset`."""

    #: The id in the URL: lowercase, digits and hyphens (``programme-12-works``).
    id: str
    title: str
    description: str = ""
    #: The properties a client may filter on; also listed in the collection's metadata.
    queryables: Sequence[Queryable] = ()
    #: The fields of the first and last year of a feature (window, construction year):
    #: `datetime` filters on them, and they give the collection's temporal extent.
    #: None when the features have no time.
    temporal: tuple[str, str] | None = None
    #: The stored RD New WKT geometry field ("" or null: a feature without geometry).
    geometry_field: str = "geometry"
    #: The model has `bbox_xmin`, `bbox_ymin`, `bbox_xmax`, `bbox_ymax` columns (RD New);
    #: else `bbox` is tested on the geometries themselves (thousands of rows, not millions).
    has_bbox_columns: bool = False
    #: What changes when the features change at once (a programme's computation): part of
    #: the key under which a user's extent of the collection is kept (`features.extent`).
    version: str = ""

    def available_to(self, user: Any) -> bool:
        """Whether `user` may read this collection at all (its model's view permission);
        a collection a user may not read is not listed and answers 404."""
        raise NotImplementedError

    def queryset(self, user: Any) -> QuerySet[Any]:
        """The rows `user` may see (the model's `visible_to` rule), unordered."""
        raise NotImplementedError

    def properties(self, user: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
        """The properties of each row of one page, in order. `rows` are model instances
        of `queryset(user)`; one call per page, so related rows are fetched at once."""
        raise NotImplementedError

    def geometries(self, user: Any, rows: Sequence[Any]) -> list[str]:
        """The stored RD New WKT of each row of one page ("" for none). By default the
        `geometry_field`; a collection whose geometry is derived (a coupling: the union
        of the works the user may see) overrides it."""
        return [getattr(row, self.geometry_field) or "" for row in rows]

    def filter(self, queryset: QuerySet[Any], queryable: Queryable, values: list) -> QuerySet[Any]:
        """The rows whose `queryable` is one of `values`. A collection overrides it for a
        lookup across a multi-valued relation (a `pk__in` subquery, so that a row matching
        twice is not on a page twice)."""
        return queryset.filter(**{f"{queryable.lookup}__in": values})

    def keyed_geometries(self, user: Any, rows: QuerySet[Any]) -> Iterator[tuple[int, str]]:
        """(pk, stored WKT) of every row of `rows`, for a `bbox` without bbox columns and
        for the extent: the geometry column itself, or, when `geometries` is overridden,
        `geometries` a chunk of rows at a time (a collection may answer this cheaper)."""
        if type(self).geometries is Collection.geometries:
            yield from rows.order_by().values_list("pk", self.geometry_field).iterator(CHUNK)
            return
        after = 0
        while True:
            chunk = list(rows.filter(pk__gt=after).order_by("pk")[:CHUNK])
            if not chunk:
                return
            yield from zip((row.pk for row in chunk), self.geometries(user, chunk), strict=True)
            after = chunk[-1].pk

    def spatial_extent(self, user: Any) -> tuple[float, float, float, float] | None:
        """The RD New box of every feature `user` may see, None when none has a geometry:
        the bbox columns' minima and maxima (one aggregate, also on a million rows), else
        the bounds of `keyed_geometries`. A collection whose geometry is derived may
        answer it cheaper (a union's box is the box of its parts)."""
        rows = self.queryset(user).order_by()
        if not self.has_bbox_columns:
            return geometry.union_bounds(
                wkt for _pk, wkt in self.keyed_geometries(user, rows) if wkt
            )
        found = rows.aggregate(
            xmin=Min("bbox_xmin"),
            ymin=Min("bbox_ymin"),
            xmax=Max("bbox_xmax"),
            ymax=Max("bbox_ymax"),
        )
        if any(value is None for value in found.values()):
            return None
        return found["xmin"], found["ymin"], found["xmax"], found["ymax"]


def collections_for(user: Any) -> list[Collection]:
    """Every collection `user` may read, in the order of `OGC_COLLECTIONS`."""
    found: list[Collection] = []
    for path in settings.OGC_COLLECTIONS:
        provider = import_string(path)
        found.extend(c for c in provider(user) if c.available_to(user))
    return found


def collection_for(user: Any, collection_id: str) -> Collection | None:
    """The collection `collection_id` if `user` may read it; None if it does not exist
    or the user may not read it (the same answer: no existence oracle)."""
    return next((c for c in collections_for(user) if c.id == collection_id), None)
