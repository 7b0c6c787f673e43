"""A programme's works and couplings as OGC API feature collections (`impor.ogc`):
``programme-<id>-works`` and ``programme-<id>-couplings`` for every programme the
programme API lists (to whom reads programmes or works: partners too).

Rows, values and geometries are those of the works and couplings exports
(`programming.exports`), so a GIS layer, the CSV and the GeoJSON file agree: a partner
gets its own organisation's works and the couplings that include one of them
(`pages.works_visible_to`, `pages.couplings_visible_to`), and a coupling is drawn as the
union of the works in it the user may see (`exports.coupling_geometries`). Property names
are the works and couplings API's; a choice is its code, as the API and the queryables
take it. Money is in euros with 2 decimals, as in the exports. Reading needs
`programming.view_work` or `programming.view_coupling`, as the API.

Works (``datetime``: the window meets the period):

=====================  =================================================================
``key``                the work's key, the same in every version of the programme
``kind``               ``maatregel``, ``project`` or ``partner``
``label``              the work's name in the reader's language
``project``            the project's id; ``project_code`` its code
``area``               the area's id; ``area_name`` its name
``owner``              the owning organisation's id
``street``             the street
``window_start``       first and last year it may be done (``window_end``)
``preferred_year``     the year it is best done
``scheduled_year``     the year it is planned; null: not funded (``funded`` false)
``cost``               gross cost (euros), before the coupling saving
``saving``             what doing it with its coupling saves (euros); net = cost − saving
``opens_street``       whether it opens the street; ``certainty`` how firm it is (code)
``score``              its priority score
``coupling``           the id of its coupling
``budget_lines``       the ids of the budget lines its cost is charged to
``status``             what happened in reality (the realisation by the work's key, as the
                       Realisatie tab and API have it: ``voorbereiding``, ``uitvoering``,
                       ``gereed``, ``vervallen``, ``uitgesteld``); null: nothing recorded
=====================  =================================================================

Queryables: ``scheduled_year``, ``kind``, ``area``, ``owner``, ``project``,
``coupling``, ``certainty``, ``window_start``, ``window_end``, ``budget_line`` (a line
its cost is charged to), ``status``.

Couplings (``datetime``: the shared window meets the period): ``key`` (the same in
every version), ``kind`` (``kans`` or
``conflict``), ``area``/``area_name``, ``street``, ``window_start``, ``window_end``,
``year`` (planned), ``savings`` (euros), ``openings_avoided``, ``work_count``,
``decision`` (code) and ``decision_reason``, ``score``. Not the cost split of the
couplings export: it is worked out per coupling in exact fractions, some 270 ms for a page
of 1,000, beyond a GIS page's budget; the coupling's page, API and export give it.
Queryables: ``year``, ``kind``, ``area``, ``decision``.
"""

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from impor import geometry
from impor.ogc.collections import CHUNK, Collection, Queryable
from programming import exports, pages
from programming.api import ProgrammeViewSet
from programming.models import Programme, Work, WorkCost
from programming.realisation import recorded

#: The works export's fields (`exports.work_columns`) under the works API's names; the
#: key (pk) is the feature's id.
WORK_NAMES = {"project__code": "project_code", "area__name": "area_name", "coupling_id": "coupling"}
#: The couplings export's fields (`exports.coupling_columns`) under the API's names.
COUPLING_NAMES = {"area__name": "area_name"}


def _chunks(rows: Iterable[Any]) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, CHUNK)):
        yield chunk


def _value(column: Any, value: Any) -> Any:
    """A value as the exports give it, but a choice as its code (as the API and the
    queryables have it) and money rounded to the cent."""
    if column.choices or value is None:
        return value
    if column.kind == "money":
        return round(float(value), 2)
    return column.convert(value)


def _attribute(row: Any, field: str) -> Any:
    """`row`'s value of an ORM path (``area__name``), None past an empty relation."""
    for name in field.split("__"):
        if row is None:
            return None
        row = getattr(row, name)
    return row


class ProgrammeCollection(Collection):
    """A collection of one programme's rows."""

    permission: str

    def __init__(self, programme: Programme) -> None:
        self.programme = programme
        # Its works and couplings are replaced at once, by a computation.
        self.version = programme.computed_at.isoformat() if programme.computed_at else ""

    def available_to(self, user: Any) -> bool:
        return bool(user.has_perm(self.permission))


class WorkCollection(ProgrammeCollection):
    permission = "programming.view_work"
    temporal = ("window_start", "window_end")
    queryables = (
        Queryable("scheduled_year", "scheduled_year", "integer", "Het geplande jaar."),
        Queryable("kind", "kind", "string", "De soort: maatregel, project of partner."),
        Queryable("area", "area_id", "integer", "Het id van het gebied."),
        Queryable("owner", "owner_id", "integer", "Het id van de eigenaar."),
        Queryable("project", "project_id", "integer", "Het id van het project."),
        Queryable("coupling", "coupling_id", "integer", "Het id van de koppelkans."),
        Queryable("certainty", "certainty", "string", "De zekerheid (code)."),
        Queryable("window_start", "window_start", "integer", "Het eerste jaar van het venster."),
        Queryable("window_end", "window_end", "integer", "Het laatste jaar van het venster."),
        Queryable(
            "budget_line",
            "costs__budget_line",
            "integer",
            "Het id van een budgetregel van het werk.",
        ),
        Queryable(
            "status",
            "status",
            "string",
            "Wat er in werkelijkheid mee gebeurt (code uit de realisatie, zoals gereed).",
        ),
    )

    def __init__(self, programme: Programme) -> None:
        super().__init__(programme)
        self.id = f"programme-{programme.pk}-works"
        self.title = str(_("%(programme)s: werken") % {"programme": programme.name})
        self.description = str(
            _("De werken van het programma %(programme)s, met hun venster en geplande jaar.")
            % {"programme": programme.name}
        )

    def queryset(self, user: Any) -> QuerySet[Any]:
        # The realisation's status as the Realisatie tab reads it: the property and its
        # queryable at once.
        return (
            pages.works_visible_to(user, self.programme)
            .only("pk", "geometry")
            .annotate(status=recorded("status"))
            .order_by()
        )

    def filter(self, queryset: QuerySet[Any], queryable: Queryable, values: list) -> QuerySet[Any]:
        if queryable.name != "budget_line":
            return super().filter(queryset, queryable, values)
        # A work charged to one line in two years has two cost rows: a subquery keeps it
        # one row on the page.
        charged = WorkCost.objects.filter(budget_line_id__in=values).values("work_id")
        return queryset.filter(pk__in=charged)

    def properties(self, user: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
        ids = [row.pk for row in rows]
        columns = exports.work_columns()
        fields = [field for field, _column in columns]
        extra = ("project_id", "area_id", "owner_id")
        found: dict[int, dict[str, Any]] = {}
        # By key alone and unordered: the page's works are the programme's already.
        page = Work.objects.visible_to(user).filter(pk__in=ids).order_by()
        for values in exports.named_rows(page, [*fields, *extra]):
            named = dict(zip([*fields, *extra], values, strict=True))
            found[named["pk"]] = {
                WORK_NAMES.get(field, field): _value(column, named[field])
                for field, column in columns
                if field != "pk"
            } | {
                "project": named["project_id"],
                "area": named["area_id"],
                "owner": named["owner_id"],
                "funded": named["scheduled_year"] is not None,
                "budget_lines": [],
            }
        for row in rows:
            found[row.pk]["status"] = row.status
        lines = (
            WorkCost.objects.filter(work_id__in=ids)
            .order_by("work_id", "budget_line_id")
            .values_list("work_id", "budget_line_id")
            .distinct()
        )
        for work_id, line_id in lines:
            found[work_id]["budget_lines"].append(line_id)
        return [found[pk] for pk in ids]


class CouplingCollection(ProgrammeCollection):
    permission = "programming.view_coupling"
    temporal = ("window_start", "window_end")
    queryables = (
        Queryable("year", "year", "integer", "Het geplande jaar."),
        Queryable("kind", "kind", "string", "De soort: kans of conflict."),
        Queryable("area", "area_id", "integer", "Het id van het gebied."),
        Queryable("decision", "decision", "string", "Het besluit (code)."),
    )

    def __init__(self, programme: Programme) -> None:
        super().__init__(programme)
        self.id = f"programme-{programme.pk}-couplings"
        self.title = str(_("%(programme)s: koppelkansen") % {"programme": programme.name})
        self.description = str(
            _(
                "De koppelkansen van het programma %(programme)s, getekend als de werken "
                "erin die u mag zien."
            )
            % {"programme": programme.name}
        )

    def queryset(self, user: Any) -> QuerySet[Any]:
        return pages.couplings_visible_to(user, self.programme).order_by()

    def properties(self, user: Any, rows: Sequence[Any]) -> list[dict[str, Any]]:
        columns = exports.coupling_columns()
        return [
            {
                COUPLING_NAMES.get(field, field): _value(column, _attribute(row, field))
                for field, column in columns
                if field != "pk"
            }
            | {
                "key": row.key,
                "area": row.area_id,
                "score": row.score,
            }
            for row in rows
        ]

    def geometries(self, user: Any, rows: Sequence[Any]) -> list[str]:
        drawn = exports.coupling_geometries(user, [row.pk for row in rows])
        return [drawn[row.pk] for row in rows]

    def keyed_geometries(self, user: Any, rows: QuerySet[Any]) -> Iterator[tuple[int, str]]:
        """(pk, the box around the coupling's works `user` may see) of every row: the
        service tests `bbox` and builds the extent on a feature's box only, and a union's
        box is the box around its parts, so no union is built (a union per coupling took
        4.8 s for the city's 21,000 couplings, the boxes take the works' parsing only)."""
        works = (
            Work.objects.visible_to(user)
            .filter(coupling_id__in=rows.order_by().values("pk"))
            .exclude(geometry="")
            .order_by()
            .values_list("coupling_id", "geometry")
        )
        boxes: dict[int, list[float]] = {}
        for chunk in _chunks(works.iterator(CHUNK)):
            bounds = geometry.bounds_array([wkt for _pk, wkt in chunk])
            for (pk, _wkt), (xmin, ymin, xmax, ymax) in zip(chunk, bounds, strict=True):
                box = boxes.setdefault(pk, [xmin, ymin, xmax, ymax])
                box[:] = min(box[0], xmin), min(box[1], ymin), max(box[2], xmax), max(box[3], ymax)
        for pk in sorted(boxes):
            yield pk, shapely.box(*boxes[pk]).wkt


def collections(user: Any) -> list[Collection]:
    """The works and couplings of each programme the programme API lists to `user`."""
    if not (user.has_perm("programming.view_programme") or user.has_perm("programming.view_work")):
        return []
    found: list[Collection] = []
    for programme in ProgrammeViewSet.queryset.all():
        found.extend((WorkCollection(programme), CouplingCollection(programme)))
    return found
