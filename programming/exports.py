"""CSV and GeoJSON of a programme's works and couplings, for the GIS team (QGIS) and Excel.

- **CSV** goes through `impor.exports.csv_response`, like every list export: `;` as
  separator, decimal comma, UTF-8 with byte-order mark, so Dutch Excel opens it as is and
  QGIS reads it with "puntkomma" as delimiter.
- **GeoJSON** is RFC 7946: WGS84 longitude/latitude (CRS84), no ``crs`` member, one
  Feature per row with the CSV's columns as properties. A work without a geometry is a
  Feature with ``"geometry": null`` (RFC 7946 §3.2), so both files have the same rows.
- A coupling's geometry is the **union of its works' geometries** (shapely ``union_all``):
  works in one street overlap, and their union is one (multi)line a GIS layer can style,
  where a GeometryCollection of copies would draw the street several times. Only if the
  works mix points, lines and areas is the union a GeometryCollection.

Both stream: rows are read with ``.iterator(chunk_size=EXPORT_CHUNK_SIZE)``, converted a
chunk at a time (one vectorised reprojection per chunk) and sent as they are ready, so the
84k works of a city never sit in memory at once.

The rows are those of the list's FilterSet (`programming.filtersets`) applied to the
request's query, as on the page and in the API: an export of a filtered list holds the
rows the list shows.

The couplings carry their cost split (rule, shared cost and each party's part, from
`programming.couplings`, the page's and the API's one definition).

Partners (users of an external organisation) get only their own rows: the works their
organisation owns or whose project it owns, and the couplings that include such a work;
a coupling's geometry is then the union of their own works in it (`pages.works_visible_to`).
"""

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import shapely
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from impor.exports import EXPORT_CHUNK_SIZE, ExportColumn, csv_response
from impor.geometry import to_geojson_many
from programming import couplings, pages
from programming.choices import CouplingDecisionStatus, CouplingKind, WorkKind
from programming.filtersets import CouplingFilterSet, WorkFilterSet
from programming.models import CostRule, Programme, Work
from programming.wording import NAME_PARTS, work_name
from projects.choices import Certainty

GEOJSON_CONTENT_TYPE = "application/geo+json"


def _yes_no() -> dict[bool, str]:
    return {True: _("ja"), False: _("nee")}


def work_columns() -> list[tuple[str, ExportColumn]]:
    """(field, column) pairs of the works export, in order."""
    return [
        ("pk", ExportColumn(_("Nummer"), "int")),
        ("key", ExportColumn(_("Sleutel"))),
        ("kind", ExportColumn(_("Soort"), choices=dict(WorkKind.choices))),
        ("label", ExportColumn(_("Omschrijving"))),
        ("project__code", ExportColumn(_("Project"))),
        ("area__name", ExportColumn(_("Gebied"))),
        ("street", ExportColumn(_("Straat"))),
        ("window_start", ExportColumn(_("Venster vanaf"), "year")),
        ("window_end", ExportColumn(_("Venster tot en met"), "year")),
        ("preferred_year", ExportColumn(_("Voorkeursjaar"), "year")),
        ("scheduled_year", ExportColumn(_("Gepland jaar"), "year")),
        ("cost", ExportColumn(_("Kosten (€)"), "money")),
        ("saving", ExportColumn(_("Besparing door koppelen (€)"), "money")),
        ("opens_street", ExportColumn(_("Opent de straat"), choices=_yes_no())),
        ("certainty", ExportColumn(_("Zekerheid"), choices=dict(Certainty.choices))),
        ("score", ExportColumn(_("Score"), "decimal")),
        ("coupling_id", ExportColumn(_("Koppelkans"), "int")),
    ]


def coupling_columns() -> list[tuple[str, ExportColumn]]:
    """(field, column) pairs of the couplings export, in order."""
    return [
        ("pk", ExportColumn(_("Nummer"), "int")),
        ("kind", ExportColumn(_("Soort"), choices=dict(CouplingKind.choices))),
        ("area__name", ExportColumn(_("Gebied"))),
        ("street", ExportColumn(_("Straat"))),
        ("window_start", ExportColumn(_("Venster vanaf"), "year")),
        ("window_end", ExportColumn(_("Venster tot en met"), "year")),
        ("year", ExportColumn(_("Gepland jaar"), "year")),
        ("savings", ExportColumn(_("Besparing (€)"), "money")),
        ("openings_avoided", ExportColumn(_("Vermeden graafmomenten"), "int")),
        ("work_count", ExportColumn(_("Werken"), "int")),
        ("decision", ExportColumn(_("Besluit"), choices=dict(CouplingDecisionStatus.choices))),
        ("decision_reason", ExportColumn(_("Reden"))),
    ]


def split_columns() -> list[ExportColumn]:
    """The cost split of each coupling (`programming.couplings.cost_split`), after the
    coupling's own columns in both coupling exports."""
    return [
        ExportColumn(_("Verdeelregel"), choices=dict(CostRule.choices)),
        ExportColumn(_("Gedeelde kosten (€)"), "money"),
        ExportColumn(_("Kostenverdeling (€ per partij)")),
    ]


def _with_split(user, programme: Programme, rows: Iterable[Sequence[Any]]):
    """The coupling rows (id first, key last) with the key replaced by the split columns,
    a chunk at a time (two queries per chunk). A partner gets its own part and the other
    parties together, as on the coupling page."""
    for chunk in _chunks(rows):
        found = couplings.splits(programme, [(row[0], row[-1]) for row in chunk], user)
        for row in chunk:
            split = found[row[0]]
            yield (*row[:-1], split.rule, split.shared.total, couplings.split_text(split))


def _filename(programme: Programme, what: str) -> str:
    return f"{what}-{slugify(programme.name)}-v{programme.version}"


def _chunks(rows: Iterable[Any], size: int = EXPORT_CHUNK_SIZE) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _features(
    columns: Sequence[tuple[str, ExportColumn]], rows: Iterable[tuple[str, Sequence[Any]]]
) -> Iterator[str]:
    """GeoJSON Feature texts of (stored WKT or "", values) pairs, a chunk at a time: one
    vectorised reprojection per chunk; properties keyed by the Dutch headers."""
    headers = [column.header for _field, column in columns]
    for chunk in _chunks(rows):
        located = [i for i, (wkt, _values) in enumerate(chunk) if wkt]
        geometries = dict(
            zip(located, to_geojson_many([chunk[i][0] for i in located]), strict=True)
        )
        for i, (_wkt, values) in enumerate(chunk):
            properties = {
                header: column.convert(value)
                for header, (_field, column), value in zip(headers, columns, values, strict=True)
            }
            yield (
                f'{{"type":"Feature","geometry":{geometries.get(i, "null")},'
                f'"properties":{json.dumps(properties, ensure_ascii=False, default=str)}}}'
            )


def _feature_collection(features: Iterator[str]) -> Iterator[bytes]:
    yield b'{"type":"FeatureCollection","features":['
    first = True
    for chunk in _chunks(features):
        yield ((b"" if first else b",") + ",".join(chunk).encode())
        first = False
    yield b"]}"


def _geojson_response(filename: str, body: Iterator[bytes]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type=GEOJSON_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.geojson"'
    return response


def _works(request: HttpRequest, programme: Programme) -> QuerySet:
    """The programme's works the user may see, filtered as the works list is."""
    visible = pages.works_visible_to(request.user, programme)
    return WorkFilterSet(request.GET, queryset=visible, request=request).qs.order_by("pk")


def named_rows(works: QuerySet, fields: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """`works` as value rows of `fields`, streamed, with the work's name in the active
    language (`Work.name`) where `fields` has ``label``."""
    at, count = fields.index("label"), len(fields)
    rows = works.values_list(*fields, *NAME_PARTS)
    for row in rows.iterator(chunk_size=EXPORT_CHUNK_SIZE):
        yield (*row[:at], work_name(row[at], *row[count:]), *row[at + 1 : count])


def works_csv(request: HttpRequest, programme: Programme) -> StreamingHttpResponse:
    columns = work_columns()
    rows = named_rows(_works(request, programme), [f for f, _c in columns])
    return csv_response(_filename(programme, "werken"), [c for _f, c in columns], rows)


def works_geojson(request: HttpRequest, programme: Programme) -> StreamingHttpResponse:
    columns = work_columns()
    rows = named_rows(_works(request, programme), ["geometry", *(f for f, _c in columns)])
    pairs = ((row[0], row[1:]) for row in rows)
    return _geojson_response(
        _filename(programme, "werken"), _feature_collection(_features(columns, pairs))
    )


def _coupling_rows(request: HttpRequest, programme: Programme, columns) -> QuerySet:
    """The programme's couplings the user may see, filtered as the couplings list is."""
    visible = pages.couplings_visible_to(request.user, programme)
    filtered = CouplingFilterSet(request.GET, queryset=visible, request=request).qs
    rows = filtered.order_by("pk").values_list(*(f for f, _c in columns), "key")
    return _with_split(request.user, programme, rows.iterator(chunk_size=EXPORT_CHUNK_SIZE))


def couplings_csv(request: HttpRequest, programme: Programme) -> StreamingHttpResponse:
    columns = coupling_columns()
    return csv_response(
        _filename(programme, "koppelkansen"),
        [c for _f, c in columns] + split_columns(),
        _coupling_rows(request, programme, columns),
    )


def coupling_geometries(user, coupling_ids: Sequence[int]) -> dict[int, str]:
    """The stored WKT of the union of each coupling's works `user` may see ("" when it
    has none with a geometry), in one query: the exports and the OGC collection
    (`programming.ogc`) draw a coupling the same way.

    A coupling's works are its programme's, so the works are found by the coupling
    index alone, unordered: a filter on the programme too made SQLite walk all of the
    programme's works (100 ms for a page of 1,000 couplings of the city, 10 without)."""
    works = Work.objects.visible_to(user).exclude(geometry="").order_by()
    members: dict[int, list[str]] = defaultdict(list)
    for coupling_id, wkt in works.filter(coupling_id__in=coupling_ids).values_list(
        "coupling_id", "geometry"
    ):
        members[coupling_id].append(wkt)
    unions = {pk: shapely.union_all(shapely.from_wkt(wkts)) for pk, wkts in members.items()}
    return {
        pk: shapely.to_wkt(unions[pk], rounding_precision=3) if pk in unions else ""
        for pk in coupling_ids
    }


def _coupling_geometries(user, couplings: Iterable[Sequence[Any]]):
    """(stored WKT of the union of its visible works, values) per coupling row.

    The couplings come in by id; their works' geometries are read per chunk of couplings
    (one query per chunk), so memory stays at one chunk whatever the programme's size."""
    for chunk in _chunks(couplings):
        drawn = coupling_geometries(user, [row[0] for row in chunk])
        for row in chunk:
            yield (drawn[row[0]], row)


def couplings_geojson(request: HttpRequest, programme: Programme) -> StreamingHttpResponse:
    columns = coupling_columns()
    rows = _coupling_rows(request, programme, columns)
    properties = columns + [("", column) for column in split_columns()]
    return _geojson_response(
        _filename(programme, "koppelkansen"),
        _feature_collection(_features(properties, _coupling_geometries(request.user, rows))),
    )
