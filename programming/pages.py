"""Page-oriented reads for the programme pages and the dashboard.

Every function aggregates in the database and returns only what one page shows: a
programme of the 1M-asset city has ~84k works and ~21k couplings, so no page loads
all of them into Python.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from impor.models import Area
from programming.choices import CouplingDecisionStatus, CouplingKind
from programming.models import (
    Coupling,
    CouplingDecision,
    KpiValue,
    Programme,
    ProgrammeRun,
    UnfundedItem,
    Work,
    WorkCost,
)
from programming.selectors import kpi_totals, works_not_in

#: Ten distinguishable colours, one per programme year (colour-blind safe "tab10"-like).
YEAR_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
UNSCHEDULED_COLOUR = "#000000"
#: Most features the map endpoint sends at once; narrow by area or year for more detail.
MAP_LIMIT = 5_000


#: The opening KPI codes `programme_openings` reads.
OPENING_CODES = (
    "graafmomenten_sectoraal",
    "graafmomenten_integraal",
    "graafmomenten_ondergrens",
    "graafrust_doorbrekingen",
    "optimaliteitsgat",
)


@dataclass(frozen=True)
class YearOpenings:
    """A year's street openings: each work alone (sectoral) and as planned (integrated),
    both counted in the year the work is scheduled."""

    year: int
    sectoral: int
    integrated: int

    @property
    def avoided(self) -> int:
        return max(self.sectoral - self.integrated, 0)


@dataclass(frozen=True)
class Openings:
    """How often the programme opens the street, and how good the schedule is.

    `bound` is a proven lower bound: no plan can do with fewer openings. `gap` is the
    schedule's optimality gap (0–1): how far the found plan may be from the best one.
    Both are None for a programme computed before the engine wrote them."""

    years: list[YearOpenings]
    sectoral: int
    integrated: int
    bound: int | None
    gap: float | None
    graafrust_breaks: int | None

    @property
    def avoided(self) -> int:
        return max(self.sectoral - self.integrated, 0)

    @property
    def gap_percent(self) -> float | None:
        return None if self.gap is None else self.gap * 100


def programme_openings(programme: Programme) -> Openings:
    """The openings per programme year and in total, in one query. The totals are the
    engine's total rows where it wrote them (they hold the same works as the years)."""
    rows = KpiValue.objects.filter(
        programme=programme,
        code__in=OPENING_CODES,
        area__isnull=True,
        budget_line__isnull=True,
        theme__isnull=True,
    ).values_list("year", "code", "value")
    per_year: dict[int, dict[str, float]] = defaultdict(dict)
    total: dict[str, float] = {}
    for year, code, value in rows:
        if year is None:
            total[code] = value
        else:
            per_year[year][code] = value
    years = [
        YearOpenings(
            year,
            round(per_year[year].get("graafmomenten_sectoraal", 0)),
            round(per_year[year].get("graafmomenten_integraal", 0)),
        )
        for year in range(programme.first_year, programme.last_year + 1)
    ]

    def whole(code: str) -> int | None:
        return None if code not in total else round(total[code])

    sectoral, integrated = whole("graafmomenten_sectoraal"), whole("graafmomenten_integraal")
    return Openings(
        years=years,
        sectoral=sum(y.sectoral for y in years) if sectoral is None else sectoral,
        integrated=sum(y.integrated for y in years) if integrated is None else integrated,
        bound=whole("graafmomenten_ondergrens"),
        gap=total.get("optimaliteitsgat"),
        graafrust_breaks=whole("graafrust_doorbrekingen"),
    )


def _decision(field: str):
    return Subquery(
        CouplingDecision.objects.filter(
            programme=OuterRef("programme"), key=OuterRef("key")
        ).values(field)[:1]
    )


def _work_count():
    """The number of works of each coupling, as a subquery (see gantt_works)."""
    return Coalesce(
        Subquery(
            Work.objects.filter(coupling=OuterRef("pk"))
            .order_by()
            .values("coupling")
            .annotate(n=Count("pk"))
            .values("n")
        ),
        Value(0),
    )


def coupling_list(programme: Programme) -> QuerySet[Coupling]:
    """The programme's couplings with the decision taken on each (by key) and their size.

    `decision` is voorgesteld while nobody decided (or when explicitly proposed again);
    `filtersets.CouplingFilterSet` filters on it."""
    return (
        programme.couplings.select_related("area")
        .annotate(
            decision=Coalesce(_decision("status"), Value(CouplingDecisionStatus.PROPOSED)),
            decision_reason=_decision("reason"),
            work_count=_work_count(),
        )
        .order_by("-score", "-savings", "pk")
    )


def couplings_awaiting_decision(programme: Programme, limit: int = 5) -> QuerySet[Coupling]:
    """The best coupling opportunities nobody has decided on yet."""
    decided = CouplingDecision.objects.filter(programme=programme, key=OuterRef("key")).exclude(
        status=CouplingDecisionStatus.PROPOSED
    )
    return (
        programme.couplings.filter(kind=CouplingKind.OPPORTUNITY)
        .filter(~Exists(decided))
        .select_related("area")
        .order_by("-score", "-savings", "pk")[:limit]
    )


def recent_runs(limit: int = 5) -> QuerySet[ProgrammeRun]:
    return ProgrammeRun.objects.select_related("programme", "requested_by").order_by(
        "-created_at", "-pk"
    )[:limit]


def recent_decisions(limit: int = 5) -> QuerySet[CouplingDecision]:
    return CouplingDecision.objects.select_related("programme", "decided_by").order_by(
        "-decided_at", "-pk"
    )[:limit]


def programme_years(programme: Programme) -> list[int]:
    return list(range(programme.first_year, programme.last_year + 1))


def areas_with_works(programme: Programme) -> list[dict]:
    """``{"area_id", "area__name", "n"}`` for each area the programme's works lie in, by
    name; the works without an area come last, under id None.

    The works are counted per area id only (COUNT(*): an index-only scan); the names
    come from the area table, so no join runs over every work of a city.
    """
    counts = dict(programme.works.order_by().values_list("area_id").annotate(n=Count("*")))
    rows = [
        {"area_id": pk, "area__name": name, "n": counts[pk]}
        for pk, name in Area.objects.order_by("name", "pk").values_list("pk", "name")
        if pk in counts
    ]
    if None in counts:
        rows.append({"area_id": None, "area__name": None, "n": counts[None]})
    return rows


def _in_accepted_coupling(programme: Programme) -> Q:
    """Works whose coupling the programme manager accepted (decisions are kept by key)."""
    accepted = CouplingDecision.objects.filter(
        programme=programme, status=CouplingDecisionStatus.ACCEPTED
    ).values("key")
    return Q(coupling__key__in=accepted)


def _cell_counts(programme: Programme) -> dict:
    return {
        "n": Count("pk"),
        "cost": Sum("cost"),
        "coupled": Count("pk", filter=_in_accepted_coupling(programme)),
    }


def area_year_matrix(programme: Programme, area_ids: list[int | None]) -> dict:
    """Works, their cost and how many are in an accepted coupling, per area × scheduled
    year, for the given areas (one page of rows)."""
    ids = [a for a in area_ids if a is not None]
    condition = Q(area_id__in=ids)
    if None in area_ids:
        condition |= Q(area__isnull=True)
    rows = (
        programme.works.filter(condition)
        .values("area_id", "scheduled_year")
        .annotate(**_cell_counts(programme))
    )
    cells: dict[int | None, dict[int | None, dict]] = defaultdict(dict)
    for row in rows:
        cells[row["area_id"]][row["scheduled_year"]] = row
    return cells


def year_totals(programme: Programme) -> dict[int | None, dict]:
    rows = programme.works.values("scheduled_year").annotate(**_cell_counts(programme))
    return {r["scheduled_year"]: r for r in rows}


class AreaOrderedWorks(Sequence):
    """Works grouped by area, in the order of `areas` (from `areas_with_works`), and
    within an area by year, coupling and label: a sequence for Django's paginator.

    Its length comes from the area counts, and a slice queries only the works of the
    areas it spans, so a page of the Gantt never sorts all 84k works of a city.
    """

    def __init__(self, works: QuerySet[Work], areas: list[dict]):
        self.works = works
        self.areas = areas

    def __len__(self) -> int:
        return sum(area["n"] for area in self.areas)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("AreaOrderedWorks supports slices only")
        start, stop, _step = index.indices(len(self))
        spanned: list[int | None] = []
        first = offset = 0
        for area in self.areas:
            if offset + area["n"] > start and offset < stop:
                if not spanned:
                    first = offset
                spanned.append(area["area_id"])
            offset += area["n"]
        if not spanned:
            return []
        ids = [pk for pk in spanned if pk is not None]
        in_areas = Q(area_id__in=ids)
        if None in spanned:
            in_areas |= Q(area__isnull=True)
        # The spanned areas' places in `areas`, the works without an area last. Without
        # any area id the CASE would be the bare constant 0, which PostgreSQL reads as
        # "order by the first column"; the works then share one group anyway.
        by_area = []
        if ids:
            by_area.append(
                Case(
                    *(When(area_id=pk, then=Value(number)) for number, pk in enumerate(ids)),
                    default=Value(len(ids)),
                    output_field=IntegerField(),
                )
            )
        works = self.works.filter(in_areas).order_by(
            *by_area,
            F("scheduled_year").asc(nulls_last=True),
            "coupling_id",
            "label",
            "pk",
        )
        return list(works[start - first : stop - first])


def gantt_works(programme: Programme, areas: list[dict]) -> AreaOrderedWorks:
    """The works of `areas` (rows of `areas_with_works`) for the Gantt, with their
    coupling's decision and how many years their cost profile runs (a bar's length)."""
    works = programme.works.select_related("area", "coupling").annotate(
        # Subqueries, not aggregates: only the rows of the page are looked up.
        years=Coalesce(
            Subquery(
                WorkCost.objects.filter(work=OuterRef("pk"))
                .order_by("-offset")
                .values("offset")[:1]
            ),
            Value(0),
            output_field=IntegerField(),
        )
        + 1,
        coupling_decision=Subquery(
            CouplingDecision.objects.filter(
                programme=OuterRef("programme"), key=OuterRef("coupling__key")
            ).values("status")[:1]
        ),
    )
    return AreaOrderedWorks(works, areas)


def works_visible_to(user, programme: Programme) -> QuerySet[Work]:
    """The programme's works a user may see: all, or for a partner those its organisation
    owns, as owner of the work or of its project (pages, API and exports alike)."""
    # Not programme.works: its rows would each fetch the programme id that `.only()`
    # leaves out, to attach the programme.
    return Work.objects.visible_to(user).filter(programme=programme)


def couplings_visible_to(user, programme: Programme) -> QuerySet[Coupling]:
    """The programme's couplings (`coupling_list`) a user may see: all, or for a partner
    those that include one of its works."""
    return coupling_list(programme).visible_to(user)


def year_colour(programme: Programme, year: int | None) -> str:
    if year is None:
        return UNSCHEDULED_COLOUR
    return YEAR_COLOURS[(year - programme.first_year) % len(YEAR_COLOURS)]


def unfunded_items(programme: Programme) -> QuerySet[UnfundedItem]:
    return (
        UnfundedItem.objects.filter(work__programme=programme)
        .select_related("work", "work__area", "budget_line")
        .order_by(F("year").asc(nulls_last=True), "-gap", "pk")
    )


def unfunded_gaps(programme: Programme) -> dict:
    """The gap per budget line × year, with totals per line and per year."""
    rows = (
        UnfundedItem.objects.filter(work__programme=programme)
        .values("budget_line__name", "year")
        .annotate(gap=Sum("gap"))
    )
    lines: dict[str, dict[int | None, float]] = defaultdict(dict)
    for row in rows:
        lines[row["budget_line__name"] or ""][row["year"]] = row["gap"]
    years = sorted({y for per in lines.values() for y in per}, key=lambda y: (y is None, y))
    return {
        "years": years,
        "rows": [
            {"line": line, "gaps": [per.get(y) for y in years], "total": sum(per.values())}
            for line, per in sorted(lines.items())
        ],
        "total": sum(sum(per.values()) for per in lines.values()),
    }


def comparison(current: Programme, other: Programme) -> dict:
    """KPIs side by side and the counts of added and dropped works (by key)."""
    mine, theirs = kpi_totals(current), kpi_totals(other)
    added = works_not_in(current, other)
    dropped = works_not_in(other, current)
    return {
        "kpis": [
            {
                "code": code,
                "current": mine.get(code),
                "other": theirs.get(code),
                "change": (mine.get(code) or 0) - (theirs.get(code) or 0),
            }
            for code in sorted(mine.keys() | theirs.keys())
        ],
        "added": added.count(),
        "dropped": dropped.count(),
    }
