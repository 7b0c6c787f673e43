"""The council workbook (raadswerkboek): a programme as an Excel file for college and council.

Nine sheets, in this order: Samenvatting, Per jaar, Per gebied, Per thema, Per
budgetregel, Werken, Koppelkansen, Niet gedekt, Parameters en afwegingskader. Every sheet opens
with a title block (programme, version, status, adoption date, printed date) above one
table with Dutch headers, a frozen header row, an autofilter, euro and number formats and
column widths. Totals are Excel formulas (``=SUM(...)``) written with their computed
value, so the sheet recomputes when a council member edits a figure and still shows the
numbers in a reader that does not recalculate.

Where the figures come from:

- the money (budget, planned gross, coupling savings, planned net, unused budget,
  shortfall) comes from the one selector `programming.money`, and the street openings
  from `pages.programme_openings`, so the workbook tells the same story as the dashboard,
  the budget page and the API, to the euro; "Per gebied" is the engine's
  ``besteding_gebied`` and "Per thema" its ``besteding_thema`` (both net);
- no sheet has a row or a column beyond the programme's years;
- themes come from the projects: a work counts in each theme of its project, and asset
  measures have no theme (their discipline's budget line shows them, on "Per
  budgetregel"), so the theme totals are not the programme's total spend;
- "Werken", "Koppelkansen" and "Niet gedekt" list every work, coupling and unfunded
  item; the works' gross cost in the programme's years adds up to the summary's planned
  gross.

Bounded memory: XlsxWriter runs in ``constant_memory`` mode (each row goes to a temporary
file as soon as the next starts), the long lists are read with
``.iterator(chunk_size=CHUNK_SIZE)`` and everything else is aggregated in the database,
so no list of the 84k works of a city is ever built. The reading (`workbook_sheets`) is
kept apart from the writing (`programming.xlsx.write_sheets`) so the benchmark can time
the writer alone.

Text is written (by `programming.xlsx`) with ``write_string`` after
`impor.spreadsheet.neutralise`, like every other CSV and Excel download: a programme,
area or street typed as ``=HYPERLINK(…)`` stays text (#14). The only formulas are the
ones this module declares (`Column.formula`, `Cell.formula`) and the totals.
"""

import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

import xlsxwriter
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from impor.choices import AreaLevel
from impor.models import Area
from programming import (
    capacity,
    couplings,
    maintenance,
    monitoring,
    pages,
    realised,
    scenarios,
    whatif,
)
from programming.choices import CouplingDecisionStatus, CouplingKind, MeasureGrouping, WorkKind
from programming.explain import unfunded_sentences
from programming.models import CostRule, KpiValue, Programme, UnfundedItem, Work, WorkCost
from programming.money import (
    BUDGET,
    GROSS,
    NET,
    SAVINGS,
    SHORTFALL,
    UNUSED,
    Money,
    programme_money,
)
from programming.pages import Openings
from programming.selectors import kpi_totals
from programming.wording import NAME_PARTS, work_name
from programming.xlsx import HEADER_ROW, Cell, Column, Sheet, write_sheets

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows fetched per database round trip for the long lists (couplings, unfunded items).
CHUNK_SIZE = 2000


def _euros(value: Decimal) -> float:
    """A selector amount (whole cents) as the number Excel stores."""
    return float(value)


def _horizon(programme: Programme) -> list[int]:
    """The programme's years: no sheet has a row or column beyond them."""
    return list(range(programme.first_year, programme.last_year + 1))


#: Columns of "Per jaar", in order; the letters the formulas use follow from them.
PER_YEAR = (
    "year",
    "works",
    "budget",
    "gross",
    "savings",
    "net",
    "unused",
    "over",
    "shortfall",
    "sectoral",
    "integrated",
    "avoided",
)


def _letter(name: str, columns: tuple[str, ...] = PER_YEAR) -> str:
    return xl_col_to_name(columns.index(name))


def per_year_rows(programme: Programme, money: Money, openings: Openings) -> list[list[Any]]:
    """Per programme year: works planned, the money terms of `programming.money` summed
    over the lines, and the street openings; one more query (works per year). When some
    gaps belong to no year, a last row without a year holds them, so the shortfall column
    adds up to the summary's."""
    works = dict(
        programme.works.filter(scheduled_year__isnull=False)
        .order_by()
        .values_list("scheduled_year")
        .annotate(n=Count("*"))
    )
    rows: list[list[Any]] = []
    for year, opened in zip(money.per_year(), openings.years, strict=True):
        cell = year.money
        rows.append(
            [
                year.year,
                works.get(year.year, 0),
                _euros(cell.budget),
                _euros(cell.gross),
                _euros(cell.savings),
                _euros(cell.net),
                _euros(cell.unused),
                _euros(cell.over),
                _euros(cell.shortfall),
                opened.sectoral,
                opened.integrated,
                opened.avoided,
            ]
        )
    if money.shortfall_without_year:
        rows.append(
            [None, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, _euros(money.shortfall_without_year), 0, 0, 0]
        )
    return rows


def _per_year_sheet(rows: list[list[Any]]) -> Sheet:
    gross, savings = _letter("gross"), _letter("savings")
    sectoral, integrated = _letter("sectoral"), _letter("integrated")
    return Sheet(
        _("Per jaar"),
        [
            Column(_("Jaar"), "year"),
            Column(_("Werken gepland"), "count", total=True),
            Column(_("Budget (€)"), "money", total=True),
            Column(_("Gepland bruto (€)"), "money", total=True),
            Column(_("Koppelvoordeel (€)"), "money", total=True),
            Column(
                _("Gepland netto (€)"), "money", total=True, formula=f"={gross}{{r}}-{savings}{{r}}"
            ),
            Column(_("Ongebruikt budget (€)"), "money", total=True),
            Column(_("Meer dan budget (€)"), "money", total=True),
            Column(_("Tekort (€)"), "money", total=True),
            Column(_("Graafmomenten sectoraal"), "count", total=True),
            Column(_("Graafmomenten integraal"), "count", total=True),
            Column(
                _("Vermeden graafmomenten"),
                "count",
                total=True,
                formula=f"=MAX({sectoral}{{r}}-{integrated}{{r}},0)",
            ),
        ],
        rows,
        _(
            "Geld opgeteld over de budgetregels. Bruto is wat de werken kosten, netto is bruto "
            "min het koppelvoordeel. Ongebruikt budget en meer dan budget zijn de sommen per "
            "budgetregel (zie Per budgetregel): wat op de ene regel over is, betaalt geen werk "
            "op een andere. Tekort is het geld dat de niet-gedekte werken financiert; een rij "
            "zonder jaar houdt het tekort van werken die in geen jaar passen."
        ),
    )


def _summary_sheet(
    programme: Programme, money: Money, openings: Openings, per_year: list[list[Any]]
) -> Sheet:
    """The programme-wide figures. The money refers to the totals of "Per jaar", so the
    summary follows when someone edits that sheet; the values are the selector's."""
    kpis = kpi_totals(programme)
    counts = programme.works.aggregate(
        total=Count("pk"), unscheduled=Count("pk", filter=Q(scheduled_year__isnull=True))
    )
    totals_row = HEADER_ROW + 2 + max(len(per_year), 1)
    per_year_ref = "'" + _("Per jaar") + "'!"
    total = money.cell()

    def per_year_total(name: str) -> str:
        return f"={per_year_ref}{_letter(name)}{totals_row}"

    rows = [
        (str(BUDGET), Cell(_euros(total.budget), "money", per_year_total("budget")), ""),
        (
            str(GROSS),
            Cell(_euros(total.gross), "money", per_year_total("gross")),
            _("Wat de geplande werken kosten, vóór het koppelvoordeel."),
        ),
        (
            str(SAVINGS),
            Cell(_euros(total.savings), "money", per_year_total("savings")),
            _("Wat werken minder kosten doordat ze samen met een ander werk gebeuren."),
        ),
        (
            str(NET),
            Cell(_euros(total.net), "money", per_year_total("net")),
            _("Bruto min koppelvoordeel: wat de budgetregels echt uitgeven."),
        ),
        (
            str(UNUSED),
            Cell(_euros(total.unused), "money", per_year_total("unused")),
            _("Geld dat op een budgetregel in een jaar overblijft."),
        ),
        (
            _("Meer dan budget"),
            Cell(_euros(total.over), "money", per_year_total("over")),
            _("Wat budgetregels in een jaar meer uitgeven dan hun budget."),
        ),
        (
            str(SHORTFALL),
            Cell(_euros(total.shortfall), "money", per_year_total("shortfall")),
            _("Het geld dat nodig is om de werken te betalen die niet passen (blad Niet gedekt)."),
        ),
        (
            _("Binnen budget"),
            Cell(_("ja") if money.within_budget else _("nee"), "text"),
            _(
                "Ja als elke budgetregel in elk jaar binnen budget blijft en elk moet-werk "
                "gedekt is."
            ),
        ),
        (
            _("Moet-werken niet gedekt"),
            Cell(money.must_do_unfunded, "count"),
            _("Werken die moeten gebeuren en niet in de budgetten passen."),
        ),
        (
            _("Graafmomenten sectoraal"),
            Cell(openings.sectoral, "count"),
            _("Als elk werk apart de straat opent, in het jaar waarin het gepland is."),
        ),
        (
            _("Graafmomenten integraal"),
            Cell(openings.integrated, "count"),
            _("Zoals gepland: werken op dezelfde plek in hetzelfde jaar openen de straat samen."),
        ),
        (
            _("Vermeden graafmomenten"),
            Cell(openings.avoided, "count"),
            _("Sectoraal min integraal; nooit minder dan 0."),
        ),
        (
            _("Ondergrens graafmomenten"),
            Cell(openings.bound, "count") if openings.bound is not None else Cell("—"),
            _("Bewezen: geen plan kan met minder graafmomenten."),
        ),
        (
            _("Graafrust doorbroken"),
            Cell(openings.graafrust_breaks, "count")
            if openings.graafrust_breaks is not None
            else Cell("—"),
            _(
                "Zo vaak gaat een straat open in de jaren na een herinrichting, als ze "
                "dicht moet blijven."
            ),
        ),
        (
            _("Optimaliteitsgat"),
            Cell(openings.gap, "share") if openings.gap is not None else Cell("—"),
            _("Hoe ver dit plan hoogstens van het beste plan af kan zitten."),
        ),
        (
            _("Deel van de ambities bediend"),
            Cell(kpis.get("ambitie_bediend", 0.0), "percent"),
            _("Deel van het totale ambitiegewicht dat gepland is."),
        ),
        (
            _("Achterstand (werken)"),
            Cell(kpis.get("achterstand", 0.0), "count"),
            _("Werken over hun eind van levensduur die niet gepland zijn."),
        ),
        (_("Werken"), Cell(counts["total"], "count"), ""),
        (_("Werken niet gepland"), Cell(counts["unscheduled"], "count"), ""),
        (_("Koppelkansen"), Cell(programme.couplings.count(), "count"), ""),
    ]
    return Sheet(
        _("Samenvatting"),
        [
            Column(_("Kengetal"), width=32),
            Column(_("Waarde"), "mixed"),
            Column(_("Toelichting"), width=60),
        ],
        rows,
        _("De kengetallen van het programma zoals de rekenkern ze berekende."),
    )


def _area_path(areas: dict[int, tuple[str, str, int | None]], pk: int | None) -> tuple[str, str]:
    """The names of the kern and the wijk an area lies in (empty where there is none)."""
    kern = wijk = ""
    node = pk
    while node is not None and node in areas:
        name, level, parent = areas[node]
        if level == AreaLevel.KERN:
            kern = name
        elif level == AreaLevel.WIJK:
            wijk = name
        node = parent
    return kern, wijk


def _year_table(
    programme: Programme,
) -> tuple[list[int], list[Column], Callable[[dict[int, float]], list[Any]]]:
    """The years of a name × year table (the programme's), their columns and a function
    that turns one name's spend per year into the row's values."""
    years = _horizon(programme)
    columns = [Column(str(year), "money", total=True) for year in years]
    return years, columns, lambda per: [per.get(y, 0.0) for y in years]


def _total_column(first: int, count: int) -> Column:
    """A row total over `count` columns from column index `first`."""
    start, end = xl_col_to_name(first), xl_col_to_name(first + count - 1)
    return Column(_("Totaal (€)"), "money", total=True, formula=f"=SUM({start}{{r}}:{end}{{r}})")


def _per_area_sheet(programme: Programme) -> Sheet:
    """Spend per area × year (the engine's ``besteding_gebied``), with the kern and wijk
    of each area so the reader can filter on them; sorted by kern, wijk and area."""
    spend: dict[int | None, dict[int, float]] = defaultdict(dict)
    for area_id, year, value in (
        KpiValue.objects.filter(
            programme=programme,
            code="besteding_gebied",
            year__in=_horizon(programme),
            budget_line__isnull=True,
            theme__isnull=True,
        )
        .values_list("area_id", "year", "value")
        .iterator(chunk_size=CHUNK_SIZE)
    ):
        spend[area_id][year] = spend[area_id].get(year, 0.0) + value
    # The area tree: thousands of rows at most, read once to name every area's kern and wijk.
    areas = {
        pk: (name, level, parent)
        for pk, name, level, parent in Area.objects.values_list("pk", "name", "level", "parent_id")
    }
    years, year_columns, cells = _year_table(programme)
    rows = []
    for area_id, per in spend.items():
        name = areas[area_id][0] if area_id in areas else _("zonder gebied")
        values = cells(per)
        rows.append([*_area_path(areas, area_id), name, *values, sum(values)])
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    return Sheet(
        _("Per gebied"),
        [
            Column(_("Kern")),
            Column(_("Wijk")),
            Column(_("Gebied")),
            *year_columns,
            _total_column(3, len(years)),
        ],
        rows,
        _("Gepland netto (na het koppelvoordeel) per gebied en jaar."),
    )


def _per_theme_sheet(programme: Programme) -> Sheet:
    """Spend per theme × year (the engine's ``besteding_thema``)."""
    spend: dict[str, dict[int, float]] = defaultdict(dict)
    for name, year, value in (
        KpiValue.objects.filter(
            programme=programme,
            code="besteding_thema",
            year__in=_horizon(programme),
            theme__isnull=False,
            area__isnull=True,
            budget_line__isnull=True,
        )
        .order_by("theme__name", "year")
        .values_list("theme__name", "year", "value")
    ):
        spend[name][year] = spend[name].get(year, 0.0) + value
    years, year_columns, cells = _year_table(programme)
    rows = []
    for name, per in spend.items():
        values = cells(per)
        rows.append([name, *values, sum(values)])
    return Sheet(
        _("Per thema"),
        [Column(_("Thema")), *year_columns, _total_column(1, len(years))],
        rows,
        _(
            "Gepland netto (na het koppelvoordeel) per thema en jaar. Een werk telt mee bij "
            "elk thema van zijn project; "
            "maatregelen uit het areaal hebben geen thema (zie Per budgetregel). Daarom is "
            "het totaal hier niet de besteding van het hele programma."
        ),
    )


#: Columns of "Per budgetregel", in order.
PER_LINE = (
    "line",
    "owner",
    "year",
    "budget",
    "gross",
    "savings",
    "net",
    "unused",
    "over",
    "shortfall",
)


def _per_line_rows(money: Money) -> Iterator[list[Any]]:
    """Per budget line and programme year: the money terms of `programming.money`."""
    for line in money.lines:
        for year in money.per_year(line.code):
            cell = year.money
            yield [
                line.name,
                line.owner.name,
                year.year,
                _euros(cell.budget),
                _euros(cell.gross),
                _euros(cell.savings),
                _euros(cell.net),
                _euros(cell.unused),
                _euros(cell.over),
                _euros(cell.shortfall),
            ]


def _per_line_sheet(money: Money) -> Sheet:
    def col(name: str) -> str:
        return _letter(name, PER_LINE)

    budget, gross, savings, net = col("budget"), col("gross"), col("savings"), col("net")
    return Sheet(
        _("Per budgetregel"),
        [
            Column(_("Budgetregel"), width=32),
            Column(_("Eigenaar")),
            Column(_("Jaar"), "year"),
            Column(_("Budget (€)"), "money", total=True),
            Column(_("Gepland bruto (€)"), "money", total=True),
            Column(_("Koppelvoordeel (€)"), "money", total=True),
            Column(
                _("Gepland netto (€)"), "money", total=True, formula=f"={gross}{{r}}-{savings}{{r}}"
            ),
            Column(
                _("Ongebruikt budget (€)"),
                "money",
                total=True,
                formula=f"=MAX({budget}{{r}}-{net}{{r}},0)",
            ),
            Column(
                _("Meer dan budget (€)"),
                "money",
                total=True,
                formula=f"=MAX({net}{{r}}-{budget}{{r}},0)",
            ),
            Column(_("Tekort (€)"), "money", total=True),
        ],
        _per_line_rows(money),
        _(
            "Geld per budgetregel en jaar. Netto is bruto min het koppelvoordeel; ongebruikt "
            "budget is budget min netto als dat meer dan 0 is. Tekort is het geld dat de "
            "niet-gedekte werken van die regel en dat jaar financiert."
        ),
    )


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _coupling_rows(programme: Programme, money: Money) -> Iterator[list[Any]]:
    """Every coupling with the saving its scheduled works realise. When the engine's
    coupling savings inside the programme years (`money`) differ from the works' own
    savings (a cost that runs on past the horizon), a last row holds the difference, so
    the column adds up to the summary's coupling savings."""
    kinds = dict(CouplingKind.choices)
    decisions = dict(CouplingDecisionStatus.choices)
    realised = Subquery(
        Work.objects.filter(coupling=OuterRef("pk"), scheduled_year__isnull=False)
        .order_by()
        .values("coupling")
        .annotate(total=Sum("saving"))
        .values("total")
    )
    rows = (
        pages.coupling_list(programme)
        .annotate(realised=Coalesce(realised, Value(Decimal(0))))
        .values_list(
            "pk",
            "kind",
            "area__name",
            "street",
            "window_start",
            "window_end",
            "year",
            "savings",
            "realised",
            "openings_avoided",
            "work_count",
            "decision",
            "decision_reason",
            "key",
        )
    )
    listed = Decimal(0)
    rules = dict(CostRule.choices)
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        found = couplings.splits(programme, [(row[0], row[-1]) for row in chunk])
        for (
            pk,
            kind,
            area,
            street,
            start,
            end,
            year,
            savings,
            realised_saving,
            avoided,
            works,
            decision,
            reason,
            _key,
        ) in chunk:
            listed += realised_saving
            split = found[pk]
            yield [
                pk,
                str(kinds.get(kind, kind)),
                area or "",
                street,
                start,
                end,
                year,
                float(savings),
                float(realised_saving),
                avoided,
                works,
                str(decisions.get(decision, decision)),
                reason or "",
                str(rules.get(split.rule, split.rule)),
                float(split.shared.total),
                couplings.split_text(split),
            ]
    rest = money.cell().savings - listed
    if rest:
        # Each work's saving is rounded to cents on its own: a difference under a euro
        # is that rounding, anything more is savings outside the programme's years.
        yield [
            None,
            _("afronding") if abs(rest) < 1 else _("verschil"),
            "",
            "",
            None,
            None,
            None,
            None,
            float(rest),
            None,
            None,
            "",
            _("Verschil door het afronden op centen per werk.")
            if abs(rest) < 1
            else _(
                "Verschil tussen het koppelvoordeel in de jaren van het programma en dat "
                "van de geplande werken, bijvoorbeeld doordat kosten na de looptijd vallen."
            ),
            "",
            None,
            "",
        ]


def _couplings_sheet(programme: Programme, money: Money) -> Sheet:
    return Sheet(
        _("Koppelkansen"),
        [
            Column(_("Nummer"), "id"),
            Column(_("Soort"), width=12),
            Column(_("Gebied")),
            Column(_("Straat")),
            Column(_("Venster vanaf"), "year", width=10),
            Column(_("Venster tot en met"), "year", width=10),
            Column(_("Gepland jaar"), "year", width=10),
            Column(_("Geschatte besparing (€)"), "money"),
            Column(_("Koppelvoordeel (€)"), "money", total=True),
            Column(_("Vermeden graafmomenten"), "count", total=True),
            Column(_("Werken"), "count", total=True),
            Column(_("Besluit"), width=14),
            Column(_("Reden"), width=40),
            Column(_("Verdeelregel"), width=16),
            Column(_("Gedeelde kosten (€)"), "money"),
            Column(_("Kostenverdeling (€ per partij)"), width=50),
        ],
        _coupling_rows(programme, money),
        _(
            "Elke koppelkans met het besluit erover. De geschatte besparing geldt als de "
            "kans doorgaat; het koppelvoordeel is wat de geplande werken echt minder kosten. "
            "Het totaal van het koppelvoordeel is dat van de Samenvatting. De gedeelde "
            "kosten zijn die van de ene opening, verdeeld over de partijen volgens de "
            "verdeelregel van de koppelkans."
        ),
    )


def _works_rows(programme: Programme) -> Iterator[list[Any]]:
    """Every work of the programme, planned ones by year first; its budget lines are read
    per chunk (one query each). "In de looptijd" is the part of a planned work's gross
    cost that falls in the programme's years, which is what the summary's planned gross
    adds up."""
    kinds = dict(WorkKind.choices)
    in_horizon = Subquery(
        WorkCost.objects.filter(work=OuterRef("pk"))
        .annotate(at=F("work__scheduled_year") + F("offset"))
        .filter(at__lte=programme.last_year)
        .order_by()
        .values("work")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    rows = (
        programme.works.order_by(F("scheduled_year").asc(nulls_last=True), "label", "pk")
        .annotate(in_horizon=Coalesce(in_horizon, Value(Decimal(0))))
        .values_list(
            "pk",
            "label",
            *NAME_PARTS,
            "kind",
            "area__name",
            "street",
            "owner__name",
            "project__owner__name",
            "window_start",
            "window_end",
            "scheduled_year",
            "coupling_id",
            "cost",
            "in_horizon",
        )
    )
    planned, unplanned = _("gepland"), _("niet gepland")
    for chunk in _chunks(rows.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        lines: dict[int, list[str]] = defaultdict(list)
        for work, line in (
            WorkCost.objects.filter(work_id__in=[row[0] for row in chunk])
            .order_by("work_id", "budget_line__name")
            .values_list("work_id", "budget_line__name")
            .distinct()
        ):
            lines[work].append(line)
        for (pk, label, discipline, place, count, kind, area, street, owner, project_owner,
             start, end, year, coupling, cost, horizon_cost) in chunk:  # fmt: skip
            yield [
                pk,
                work_name(label, discipline, place, count),
                str(kinds.get(kind, kind)),
                area or "",
                street,
                owner or project_owner or "",
                start,
                end,
                year,
                planned if year is not None else unplanned,
                coupling,
                ", ".join(lines.get(pk, [])),
                float(cost),
                float(horizon_cost) if year is not None else None,
            ]


def _works_sheet(programme: Programme) -> Sheet:
    return Sheet(
        _("Werken"),
        [
            Column(_("Nummer"), "id"),
            Column(_("Werk"), width=40),
            Column(_("Soort"), width=12),
            Column(_("Gebied")),
            Column(_("Straat")),
            Column(_("Eigenaar")),
            Column(_("Venster vanaf"), "year", width=10),
            Column(_("Venster tot en met"), "year", width=10),
            Column(_("Gepland jaar"), "year", width=10),
            Column(_("Status"), width=12),
            Column(_("Koppelkans"), "id", width=11),
            Column(_("Budgetregel"), width=32),
            Column(_("Kosten bruto, alle jaren (€)"), "money", total=True),
            Column(_("Gepland bruto in de looptijd (€)"), "money", total=True),
        ],
        _works_rows(programme),
        _(
            "Elk werk van het programma, gepland of niet. De kosten zijn bruto, zonder "
            "koppelvoordeel. Gepland bruto in de looptijd is het deel van de kosten van een "
            "gepland werk dat in de jaren van het programma valt; het totaal daarvan is het "
            "geplande bruto van de Samenvatting."
        ),
    )


def _unfunded_rows(programme: Programme) -> Iterator[list[Any]]:
    """Every unfunded item with its reason in the reader's language, worded per chunk
    (`explain.unfunded_sentences`: two queries each)."""
    items = (
        UnfundedItem.objects.filter(work__programme=programme)
        .select_related("work", "work__area", "budget_line")
        .order_by(F("year").asc(nulls_last=True), "-gap", "pk")
    )
    for chunk in _chunks(items.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        reasons = unfunded_sentences(chunk)
        for item in chunk:
            yield [
                item.work.name,
                item.work.area.name if item.work.area else "",
                item.budget_line.name if item.budget_line else "",
                item.year,
                float(item.gap),
                reasons[item.pk],
            ]


def _unfunded_sheet(programme: Programme) -> Sheet:
    return Sheet(
        _("Niet gedekt"),
        [
            Column(_("Werk"), width=40),
            Column(_("Gebied")),
            Column(_("Budgetregel"), width=32),
            Column(_("Jaar"), "year"),
            Column(_("Tekort (€)"), "money", total=True),
            Column(_("Reden"), width=50),
        ],
        _unfunded_rows(programme),
        _("Werken of delen ervan die niet in de budgetten passen."),
    )


#: The programme settings on the parameters sheet, with the kind of each value.
SETTINGS = (
    ("first_year", "year"),
    ("horizon", "count"),
    ("price_year", "year"),
    ("coupling_distance", "count"),
    ("coupling_overlap", "percent"),
    ("time_tolerance", "count"),
    ("measure_grouping", "text"),
    ("backlog_years", "count"),
    ("graafrust_years", "count"),
    ("graafrust_weight", "count"),
    ("opening_cost_share", "percent"),
    ("budget_factor", "decimal"),
    ("carry_over", "text"),
    ("time_limit", "count"),
)


def _parameters_sheet(programme: Programme) -> Sheet:
    """The settings the programme was computed with and the weights of its assessment
    framework; each criterion's share of the total weight is a formula."""
    meta = Programme._meta
    rows: list[list[Any]] = []
    for name, kind in SETTINGS:
        field = meta.get_field(name)
        value = getattr(programme, name)
        if name == "measure_grouping":
            value = str(MeasureGrouping(value).label)
        elif name == "carry_over":
            value = _("ja") if value else _("nee")
        elif isinstance(value, Decimal):
            value = float(value)
        rows.append(
            [
                _("instelling"),
                str(field.verbose_name),
                Cell(value, kind),
                None,
                None,
                str(field.help_text),
            ]
        )
    framework = programme.framework
    criteria = list(framework.criteria.order_by("-weight", "code"))
    total_row = HEADER_ROW + 2 + len(rows) + len(criteria)
    weights = sum(float(c.weight) for c in criteria)
    for criterion in criteria:
        weight = float(criterion.weight)
        rows.append(
            [
                _("afwegingskader %(name)s") % {"name": framework.name},
                str(criterion.get_code_display()),
                None,
                weight,
                weight / weights if weights else 0.0,
                criterion.description,
            ]
        )
    return Sheet(
        _("Parameters en afwegingskader"),
        [
            Column(_("Onderdeel"), width=30),
            Column(_("Naam"), width=34),
            Column(_("Waarde"), "mixed", width=14),
            Column(_("Gewicht"), "decimal", total=True),
            Column(
                _("Aandeel"),
                "percent",
                total=True,
                formula=f"=IF(D${total_row}=0,0,D{{r}}/D${total_row})",
            ),
            Column(_("Toelichting"), width=60),
        ],
        rows,
        _("De instellingen waarmee het programma is berekend en de gewichten van de criteria."),
    )


def workbook_sheets(programme: Programme) -> list[Sheet]:
    """The nine sheets of the council workbook, in order. The money comes from the one
    selector (`programming.money`) the pages and the API read too. The long lists
    (couplings, unfunded items) are generators that stream from the database while they
    are written."""
    money = programme_money(programme)
    openings = pages.programme_openings(programme)
    per_year = per_year_rows(programme, money, openings)
    return [
        _summary_sheet(programme, money, openings, per_year),
        _per_year_sheet(per_year),
        _per_area_sheet(programme),
        _per_theme_sheet(programme),
        _per_line_sheet(money),
        capacity.capacity_sheet(programme),
        _works_sheet(programme),
        _couplings_sheet(programme, money),
        _unfunded_sheet(programme),
        maintenance.maintenance_sheet(programme, money),
        whatif.extra_money_sheet(programme),
        scenarios.scenarios_sheet(programme),
        monitoring.monitoring_sheet(programme),
        realised.realised_sheet(programme),
        _parameters_sheet(programme),
    ]


def write_workbook(programme: Programme, target) -> None:
    """Write the council workbook of `programme` to `target` (a path or a binary file)."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    workbook.set_properties(
        {"title": _("Raadswerkboek %(name)s") % {"name": programme.name}, "author": "IMPOR"}
    )
    write_sheets(workbook, programme, workbook_sheets(programme))
    workbook.close()


def workbook_filename(programme: Programme) -> str:
    return f"raadswerkboek-{slugify(programme.name)}-v{programme.version}.xlsx"


def workbook_response(programme: Programme) -> FileResponse:
    """The workbook as a download, assembled in a spooled temporary file (in memory
    while small, on disk beyond 16 MB)."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    write_workbook(programme, spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=workbook_filename(programme),
        content_type=XLSX_CONTENT_TYPE,
    )
