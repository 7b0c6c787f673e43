"""The query parameters of an items request, read and checked before any row is read.

A wrong value is a 400 problem+json whose `invalidParams` names the parameter, as
everywhere in the API; a parameter the service does not know is ignored (OGC API
Features Part 1 §7.15: a client may send parameters a server does not understand).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime

import shapely
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from rest_framework import exceptions

from impor import geometry
from impor.ogc.collections import Collection, Queryable

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
RD_NEW = "http://www.opengis.net/def/crs/EPSG/0/28992"
#: The CRSs of every collection, CRS84 first (the default, RFC 7946), as URIs (Part 2).
CRS_URIS = [CRS84, RD_NEW]
#: The CRS of a URI as `impor.geometry` names it.
CRS_OF = {CRS84: geometry.WGS84, RD_NEW: geometry.RD_NEW}
URI_OF = {crs: uri for uri, crs in CRS_OF.items()}

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000


def _invalid(name: str, reason: str) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [reason]})


@dataclass(frozen=True)
class ItemsQuery:
    """What a client asked of a collection's items."""

    limit: int
    #: The last key of the page before (keyset paging); 0 for the first page.
    after: int
    #: The box in RD New, or None.
    bbox: tuple[float, float, float, float] | None
    #: The first and last year of the `datetime` interval; None for an open end.
    years: tuple[int | None, int | None] | None
    #: The CRS of the answer's geometries (`impor.geometry` name).
    crs: str
    #: The queryables asked for, each with its values.
    filters: list[tuple[Queryable, list[str | int]]]


def read_crs(value: str | None, name: str) -> str:
    """The URI of a `crs` or `bbox-crs` parameter, CRS84 when absent."""
    if value is None or value == "":
        return CRS84
    if value not in CRS_OF:
        raise _invalid(name, _("Kies %(crs84)s of %(rd)s.") % {"crs84": CRS84, "rd": RD_NEW})
    return value


def read_int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        number = low - 1
    if not low <= number <= high:
        raise _invalid(
            name,
            _("Geef een geheel getal van %(low)s tot en met %(high)s.")
            % {"low": low, "high": high},
        )
    return number


def read_bbox(value: str | None, crs_uri: str) -> tuple[float, float, float, float] | None:
    """The box in RD New of `bbox` given in `crs_uri`: four numbers, or six of which the
    heights are ignored (every geometry is flat)."""
    if value is None or value == "":
        return None
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if len(numbers) != 4 or not all(math.isfinite(n) for n in numbers):
        raise _invalid("bbox", _("Geef vier getallen: minx,miny,maxx,maxy."))
    minx, miny, maxx, maxy = numbers
    if not (minx < maxx and miny < maxy):
        raise _invalid(
            "bbox", _("De kleinste waarden komen voor de grootste: minx,miny,maxx,maxy.")
        )
    if crs_uri == RD_NEW:
        return minx, miny, maxx, maxy
    if not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        raise _invalid("bbox", _("De bbox is geen geldig gebied in CRS84 (lengte, breedte)."))
    box = geometry.transform(shapely.box(minx, miny, maxx, maxy), geometry.WGS84, geometry.RD_NEW)
    if not all(math.isfinite(n) for n in box.bounds):
        raise _invalid("bbox", _("De bbox valt buiten het kaartgebied."))
    return box.bounds


def _year(part: str) -> int | None:
    """The year of one end of a `datetime` value; None for an open end (``..`` or empty)."""
    if part in ("", ".."):
        return None
    moment: date | datetime | None = None
    try:
        moment = parse_datetime(part) or parse_date(part)
    except ValueError:
        moment = None
    if moment is None:
        raise _invalid(
            "datetime",
            _(
                "Geef een datum of tijdstip (RFC 3339) of een interval: 2027-01-01/2028-12-31, "
                "../2028-12-31 of 2027-01-01/.."
            ),
        )
    return moment.year


def read_datetime(value: str | None) -> tuple[int | None, int | None] | None:
    """The first and last year of a `datetime` instant or interval."""
    if value is None or value == "":
        return None
    parts = value.split("/")
    if len(parts) == 1:
        year = _year(parts[0])
        if year is None:
            raise _invalid("datetime", _("Een tijdstip kan niet open zijn."))
        return year, year
    if len(parts) != 2:
        raise _invalid("datetime", _("Een interval heeft één schuine streep: begin/eind."))
    start, end = _year(parts[0]), _year(parts[1])
    if start is None and end is None:
        raise _invalid("datetime", _("Een interval heeft ten minste één begin of eind."))
    if start is not None and end is not None and start > end:
        raise _invalid("datetime", _("Het begin van het interval ligt na het eind."))
    return start, end


def read_filters(collection: Collection, params) -> list[tuple[Queryable, list[str | int]]]:
    """The queryables asked for: ``?name=a,b`` keeps the features whose `name` is a or b."""
    filters: list[tuple[Queryable, list[str | int]]] = []
    for queryable in collection.queryables:
        value = params.get(queryable.name)
        if value is None or value == "":
            continue
        values: list[str | int] = value.split(",")
        if queryable.type == "integer":
            try:
                values = [int(v) for v in values]
            except ValueError:
                raise _invalid(
                    queryable.name, _("Geef gehele getallen, gescheiden door komma's.")
                ) from None
        filters.append((queryable, values))
    return filters


def read_items_query(collection: Collection, params) -> ItemsQuery:
    return ItemsQuery(
        limit=read_int(params.get("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT),
        after=read_int(params.get("after"), "after", 0, 0, 2**63 - 1),
        bbox=read_bbox(params.get("bbox"), read_crs(params.get("bbox-crs"), "bbox-crs")),
        years=read_datetime(params.get("datetime")),
        crs=CRS_OF[read_crs(params.get("crs"), "crs")],
        filters=read_filters(collection, params),
    )
