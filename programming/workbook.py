"""The council workbook (raadswerkboek): a programme as an Excel file for college and council.

Eight sheets, in this order: Samenvatting, Per jaar, Per gebied, Per thema, Per
budgetregel, Koppelkansen, Niet gedekt, Parameters en afwegingskader. Every sheet opens
with a title block (programme, version, status, adoption date, printed date) above one
table with Dutch headers, a frozen header row, an autofilter, euro and number formats and
column widths. Totals are Excel formulas (``=SUM(...)``) written with their computed
value, so the sheet recomputes when a council member edits a figure and still shows the
numbers in a reader that does not recalculate.

Where the figures come from:

- spend, budget, savings, gap and street openings are the engine's KPIs
  (`KpiValue`, see ``programming/engine/kpis.py``), so the workbook tells the same story
  as the dashboard: "Per jaar" sums the lines' ``besteding`` of a year, "Per gebied" is
  ``besteding_gebied`` and "Per thema" is ``besteding_thema``;
- themes come from the projects: a work counts in each theme of its project, and asset
  measures have no theme (their discipline's budget line shows them, on "Per
  budgetregel"), so the theme totals are not the programme's total spend;
- "Koppelkansen" and "Niet gedekt" list every coupling and every unfunded item.

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
from typing import Any

import xlsxwriter
from django.db.models import Count, F, Q, Sum
from django.http import FileResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from impor.choices import AreaLevel
from impor.models import Area
from programming import pages
from programming.choices import CouplingDecisionStatus, CouplingKind, MeasureGrouping
from programming.models import KpiValue, Programme, UnfundedItem
from programming.selectors import kpi_totals
from programming.xlsx import HEADER_ROW, Cell, Column, Sheet, write_sheets

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows fetched per database round trip for the long lists (couplings, unfunded items).
CHUNK_SIZE = 2000


def _money(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)


def _years(programme: Programme, extra: Iterable[int]) -> list[int]:
    """The programme's years and any year the KPIs name outside them (a work's cost
    can run on after the horizon), so the totals keep every euro."""
    return sorted({*range(programme.first_year, programme.last_year + 1), *extra})


def per_year_rows(programme: Programme) -> list[list[Any]]:
    """Per year: works planned, budget, spend, room (formula), savings, gap, openings
    sectoral and integrated, openings avoided (formula). Two queries, ≤ ~12 rows."""
    works = dict(
        programme.works.filter(scheduled_year__isnull=False)
        .order_by()
        .values_list("scheduled_year")
        .annotate(n=Count("*"))
    )
    figures: dict[int, dict[str, float]] = defaultdict(dict)
    for year, code, total in (
        KpiValue.objects.filter(
            programme=programme,
            year__isnull=False,
            area__isnull=True,
            theme__isnull=True,
            code__in=(
                "budget",
                "besteding",
                "besparing",
                "tekort",
                "graafmomenten_sectoraal",
                "graafmomenten_integraal",
            ),
        )
        .order_by()
        .values_list("year", "code")
        .annotate(total=Sum("value"))
    ):
        figures[year][code] = total
    rows = []
    for year in _years(programme, figures):
        kpi = figures[year]
        budget, spend = kpi.get("budget", 0.0), kpi.get("besteding", 0.0)
        sectoral = kpi.get("graafmomenten_sectoraal", 0.0)
        integrated = kpi.get("graafmomenten_integraal", 0.0)
        rows.append(
            [
                year,
                works.get(year, 0),
                budget,
                spend,
                budget - spend,
                kpi.get("besparing", 0.0),
                kpi.get("tekort", 0.0),
                sectoral,
                integrated,
                sectoral - integrated,
            ]
        )
    return rows


def _per_year_sheet(rows: list[list[Any]]) -> Sheet:
    return Sheet(
        _("Per jaar"),
        [
            Column(_("Jaar"), "year"),
            Column(_("Werken gepland"), "count", total=True),
            Column(_("Budget (€)"), "money", total=True),
            Column(_("Besteding (€)"), "money", total=True),
            Column(_("Ruimte (€)"), "money", total=True, formula="=C{r}-D{r}"),
            Column(_("Besparing door koppelen (€)"), "money", total=True),
            Column(_("Tekort (€)"), "money", total=True),
            Column(_("Graafmomenten sectoraal"), "count", total=True),
            Column(_("Graafmomenten integraal"), "count", total=True),
            Column(_("Vermeden graafmomenten"), "count", total=True, formula="=H{r}-I{r}"),
        ],
        rows,
        _(
            "Besteding na de besparing door koppelen, opgeteld over de budgetregels. Ruimte is "
            "budget min besteding; een negatief getal is een overschrijding."
        ),
    )


def _summary_sheet(programme: Programme, per_year: list[list[Any]]) -> Sheet:
    """The programme-wide KPIs. Budget and spend refer to the totals of "Per jaar", so
    the summary follows when someone edits that sheet."""
    kpis = kpi_totals(programme)
    counts = programme.works.aggregate(
        total=Count("pk"), unscheduled=Count("pk", filter=Q(scheduled_year__isnull=True))
    )
    totals_row = HEADER_ROW + 2 + max(len(per_year), 1)
    per_year_ref = "'" + _("Per jaar") + "'!"
    first = HEADER_ROW + 2  # the Excel row number of the summary's first KPI
    budget = sum(row[2] for row in per_year)
    spend = sum(row[3] for row in per_year)
    sectoral = kpis.get("graafmomenten_sectoraal", 0.0)
    integrated = kpis.get("graafmomenten_integraal", 0.0)
    rows = [
        (
            _("Budget over de looptijd"),
            Cell(budget, "money", f"={per_year_ref}C{totals_row}"),
            _("Som van de budgetregels over de jaren van het programma."),
        ),
        (
            _("Besteding over de looptijd"),
            Cell(spend, "money", f"={per_year_ref}D{totals_row}"),
            _("Kosten van de geplande werken na de besparing door koppelen."),
        ),
        (
            _("Ruimte in het budget"),
            Cell(budget - spend, "money", f"=B{first}-B{first + 1}"),
            _("Budget min besteding; negatief is een overschrijding."),
        ),
        (
            _("Besparing door koppelen"),
            Cell(kpis.get("besparing", 0.0), "money"),
            _("Wat het samen uitvoeren van werken bespaart."),
        ),
        (
            _("Tekort"),
            Cell(kpis.get("tekort", 0.0), "money"),
            _("Kosten van werken die niet in de budgetten passen (blad Niet gedekt)."),
        ),
        (
            _("Graafmomenten sectoraal"),
            Cell(sectoral, "count"),
            _("Als elk werk apart in zijn voorkeursjaar de straat opent."),
        ),
        (
            _("Graafmomenten integraal"),
            Cell(integrated, "count"),
            _("Zoals gepland: gekoppelde werken openen de straat samen."),
        ),
        (
            _("Vermeden graafmomenten"),
            Cell(sectoral - integrated, "count", f"=B{first + 5}-B{first + 6}"),
            _("Sectoraal min integraal."),
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
    programme: Programme, spend: dict[Any, dict[int, float]]
) -> tuple[list[int], list[Column], Callable[[dict[int, float]], list[Any]]]:
    """The years of a name × year table of `spend`, their columns and a function that
    turns one name's spend per year into the row's values."""
    years = _years(programme, {y for per in spend.values() for y in per})
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
            year__isnull=False,
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
    years, year_columns, cells = _year_table(programme, spend)
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
        _("Besteding per gebied en jaar, na de besparing door koppelen."),
    )


def _per_theme_sheet(programme: Programme) -> Sheet:
    """Spend per theme × year (the engine's ``besteding_thema``)."""
    spend: dict[str, dict[int, float]] = defaultdict(dict)
    for name, year, value in (
        KpiValue.objects.filter(
            programme=programme,
            code="besteding_thema",
            year__isnull=False,
            theme__isnull=False,
            area__isnull=True,
            budget_line__isnull=True,
        )
        .order_by("theme__name", "year")
        .values_list("theme__name", "year", "value")
    ):
        spend[name][year] = spend[name].get(year, 0.0) + value
    years, year_columns, cells = _year_table(programme, spend)
    rows = []
    for name, per in spend.items():
        values = cells(per)
        rows.append([name, *values, sum(values)])
    return Sheet(
        _("Per thema"),
        [Column(_("Thema")), *year_columns, _total_column(1, len(years))],
        rows,
        _(
            "Besteding per thema en jaar. Een werk telt mee bij elk thema van zijn project; "
            "maatregelen uit het areaal hebben geen thema (zie Per budgetregel). Daarom is "
            "het totaal hier niet de besteding van het hele programma."
        ),
    )


def _per_line_rows(programme: Programme) -> Iterator[list[Any]]:
    """Per budget line and year: budget, spend, room and gap, from one sorted query."""
    rows = (
        KpiValue.objects.filter(
            programme=programme,
            code__in=("budget", "besteding", "tekort"),
            year__isnull=False,
            budget_line__isnull=False,
            area__isnull=True,
            theme__isnull=True,
        )
        .order_by("budget_line__name", "budget_line_id", "year")
        .values_list("budget_line_id", "budget_line__name", "budget_line__owner__name", "year")
        .annotate(
            budget=Sum("value", filter=Q(code="budget")),
            spend=Sum("value", filter=Q(code="besteding")),
            gap=Sum("value", filter=Q(code="tekort")),
        )
    )
    for _line, name, owner, year, budget, spend, gap in rows.iterator(chunk_size=CHUNK_SIZE):
        budget, spend = budget or 0.0, spend or 0.0
        yield [name, owner, year, budget, spend, budget - spend, gap or 0.0]


def _per_line_sheet(programme: Programme) -> Sheet:
    return Sheet(
        _("Per budgetregel"),
        [
            Column(_("Budgetregel"), width=32),
            Column(_("Eigenaar")),
            Column(_("Jaar"), "year"),
            Column(_("Budget (€)"), "money", total=True),
            Column(_("Besteding (€)"), "money", total=True),
            Column(_("Ruimte (€)"), "money", total=True, formula="=D{r}-E{r}"),
            Column(_("Tekort (€)"), "money", total=True),
        ],
        _per_line_rows(programme),
        _("Besteding tegen budget per budgetregel en jaar; tekort is wat niet gedekt is."),
    )


def _coupling_rows(programme: Programme) -> Iterator[list[Any]]:
    kinds = dict(CouplingKind.choices)
    decisions = dict(CouplingDecisionStatus.choices)
    rows = pages.coupling_list(programme).values_list(
        "pk",
        "kind",
        "area__name",
        "street",
        "window_start",
        "window_end",
        "year",
        "savings",
        "openings_avoided",
        "work_count",
        "decision",
        "decision_reason",
    )
    for (
        pk,
        kind,
        area,
        street,
        start,
        end,
        year,
        savings,
        avoided,
        works,
        decision,
        reason,
    ) in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [
            pk,
            str(kinds.get(kind, kind)),
            area or "",
            street,
            start,
            end,
            year,
            float(savings),
            avoided,
            works,
            str(decisions.get(decision, decision)),
            reason or "",
        ]


def _couplings_sheet(programme: Programme) -> Sheet:
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
            Column(_("Besparing (€)"), "money", total=True),
            Column(_("Vermeden graafmomenten"), "count", total=True),
            Column(_("Werken"), "count", total=True),
            Column(_("Besluit"), width=14),
            Column(_("Reden"), width=40),
        ],
        _coupling_rows(programme),
        _("Elke koppelkans met het besluit erover; besparing is de geschatte besparing."),
    )


def _unfunded_rows(programme: Programme) -> Iterator[list[Any]]:
    rows = (
        UnfundedItem.objects.filter(work__programme=programme)
        .order_by(F("year").asc(nulls_last=True), "-gap", "pk")
        .values_list(
            "work__label", "work__area__name", "budget_line__name", "year", "gap", "reason"
        )
    )
    for label, area, line, year, gap, reason in rows.iterator(chunk_size=CHUNK_SIZE):
        yield [label, area or "", line or "", year, float(gap), reason]


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
    """The eight sheets of the council workbook, in order. The long lists (couplings,
    unfunded items) are generators that stream from the database while they are written."""
    per_year = per_year_rows(programme)
    return [
        _summary_sheet(programme, per_year),
        _per_year_sheet(per_year),
        _per_area_sheet(programme),
        _per_theme_sheet(programme),
        _per_line_sheet(programme),
        _couplings_sheet(programme),
        _unfunded_sheet(programme),
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
