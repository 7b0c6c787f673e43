"""A collection's features: the rows a request selects, one page of them by key, their
GeoJSON text, and the collection's extent.

A page costs the same on the first and the millionth row: the page itself (`pk > after`,
ascending, `limit + 1` rows: the extra row says whether there is a next page) and what
the collection reads for the page's properties. The first page (no `after`) also counts
the selection, `numberMatched`: a client reads it there to know how many it will get,
and counting a bbox of a million rows on every page would cost more than the page.

A `bbox` on a collection without bbox columns tests the geometries in Python
(`ids_in_bbox`); the page is then cut from the sorted keys of the rows in the box, so no
query holds them all.
"""

import bisect
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import shapely
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, Min, QuerySet

from impor import geometry
from impor.api.geo import ids_in_bbox
from impor.ogc.collections import Collection
from impor.ogc.params import ItemsQuery


def selection(collection: Collection, user: Any, query: ItemsQuery) -> QuerySet[Any]:
    """The rows of `query`'s queryables, `datetime` and (with bbox columns) `bbox`.

    A feature is in a `datetime` interval when its years meet it: its first year is not
    after the interval's last and its last year not before the interval's first. A
    collection without time ignores `datetime`, as one without a queryable ignores it."""
    rows = collection.queryset(user)
    for queryable, values in query.filters:
        rows = collection.filter(rows, queryable, values)
    if query.years is not None and collection.temporal is not None:
        first_field, last_field = collection.temporal
        first, last = query.years
        if last is not None:
            rows = rows.filter(**{f"{first_field}__lte": last})
        if first is not None:
            rows = rows.filter(**{f"{last_field}__gte": first})
    if query.bbox is not None and collection.has_bbox_columns:
        xmin, ymin, xmax, ymax = query.bbox
        rows = rows.filter(
            bbox_xmax__gte=xmin, bbox_xmin__lte=xmax, bbox_ymax__gte=ymin, bbox_ymin__lte=ymax
        )
    return rows


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    #: The number of rows of the whole selection; counted on the first page only.
    number_matched: int | None
    #: The key to ask the next page after; None on the last page.
    next_after: int | None


def page(collection: Collection, user: Any, query: ItemsQuery) -> Page:
    rows = selection(collection, user, query)
    first = query.after == 0
    if query.bbox is not None and not collection.has_bbox_columns:
        keys = sorted(ids_in_bbox(collection.keyed_geometries(user, rows), query.bbox))
        start = bisect.bisect_right(keys, query.after)
        wanted = keys[start : start + query.limit + 1]
        found = list(rows.filter(pk__in=wanted).order_by("pk")) if wanted else []
        matched = len(keys) if first else None
    else:
        matched = rows.count() if first else None
        found = list(rows.filter(pk__gt=query.after).order_by("pk")[: query.limit + 1])
    more = len(found) > query.limit
    found = found[: query.limit]
    return Page(found, matched, found[-1].pk if more else None)


def features(collection: Collection, user: Any, rows: list[Any], crs: str) -> list[str]:
    """The GeoJSON text of each row's Feature. The geometries are written by GEOS in one
    vectorised call and go into the text as they are (`impor.geometry.feature_collection`)."""
    if not rows:
        return []
    properties = collection.properties(user, rows)
    wkts = collection.geometries(user, rows)
    present = [index for index, wkt in enumerate(wkts) if wkt]
    geometries = ["null"] * len(rows)
    texts = geometry.to_geojson_many([wkts[i] for i in present], crs) if present else []
    for index, text in zip(present, texts, strict=True):
        geometries[index] = text
    return [
        f'{{"type":"Feature","id":{row.pk},"geometry":{geom},'
        f'"properties":{json.dumps(props, cls=DjangoJSONEncoder)}}}'
        for row, geom, props in zip(rows, geometries, properties, strict=True)
    ]


#: Seconds a user's extent of a collection is kept. A GIS client asks `/collections` and
#: `/collections/{id}` one after the other when a layer is added, and the extent of a
#: million rows takes seconds (the city's works 1.2 s, its assets 0.4 s). An extent
#: describes the data (OGC API Features §7.14.4) and may lag a change by this long; a
#: programme's new computation changes the collection's `version`, so it starts afresh.
EXTENT_SECONDS = 300


def extent(collection: Collection, user: Any) -> tuple[list[float] | None, list[str | None] | None]:
    """The spatial and temporal extent of what `user` may see, kept `EXTENT_SECONDS` per
    user and organisation: never shared between users, as each sees other rows."""
    organisation = getattr(user, "organisation_id", None)
    key = f"ogc-extent:{collection.id}:{collection.version}:{user.pk}:{organisation}"
    found = cache.get(key)
    if found is None:
        found = (spatial_extent(collection, user), temporal_extent(collection, user))
        cache.set(key, found, EXTENT_SECONDS)
    return found


def spatial_extent(collection: Collection, user: Any) -> list[float] | None:
    """The CRS84 box of every feature `user` may see (`Collection.spatial_extent`)."""
    box = collection.spatial_extent(user)
    if box is None:
        return None
    crs84 = geometry.transform(shapely.box(*box), geometry.RD_NEW, geometry.WGS84).bounds
    return [round(value, geometry.GEOJSON_PRECISION) for value in crs84]


def temporal_extent(collection: Collection, user: Any) -> list[str | None] | None:
    """The first day of the first year and the last moment of the last year, as RFC 3339
    texts (null for an unknown end); None for a collection without time."""
    if collection.temporal is None:
        return None
    first_field, last_field = collection.temporal
    found = (
        collection.queryset(user).order_by().aggregate(first=Min(first_field), last=Max(last_field))
    )
    first = datetime(found["first"], 1, 1, tzinfo=UTC) if found["first"] is not None else None
    last = (
        datetime(found["last"], 12, 31, 23, 59, 59, tzinfo=UTC)
        if found["last"] is not None
        else None
    )
    return [
        moment.isoformat().replace("+00:00", "Z") if moment else None for moment in (first, last)
    ]


def now() -> str:
    """`timeStamp` of an answer: when its rows were read, in UTC."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
