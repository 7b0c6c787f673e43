"""The council workbook (raadswerkboek), read back with openpyxl."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse

from programming.models import KpiValue, Programme, UnfundedItem
from programming.money import programme_money
from programming.services import programme_adopt, programme_compute
from programming.workbook import HEADER_ROW, write_workbook
from projects.models import Project
from stakeholders.choices import Role
from stakeholders.models import BudgetAmount
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    BudgetLineFactory,
    CouplingFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
    ThemeFactory,
    UnfundedItemFactory,
    UserFactory,
    WorkFactory,
)
from tests.programming.test_services import STREET, street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

SHEETS = [
    "Samenvatting",
    "Per jaar",
    "Per gebied",
    "Per thema",
    "Per budgetregel",
    "Capaciteit",
    "Werken",
    "Koppelkansen",
    "Niet gedekt",
    "Beheerlasten",
    "Extra geld",
    "Scenario's",
    "Ambities gemeten",
    "Gepland en gerealiseerd",
    "Parameters en afwegingskader",
]
#: Sheets whose rows do not add up: "Beheerlasten" lists every year three times (in
#: total, per line, per area), "Extra geld" steps that each include the ones before,
#: "Scenario's" programmes side by side, "Ambities gemeten" values of indicators.
WITHOUT_TOTALS = {"Beheerlasten", "Extra geld", "Scenario's", "Ambities gemeten"}
#: The money and opening columns of "Per jaar" by the selector's names.
PER_YEAR_HEADERS = {
    "budget": "Budget (€)",
    "gross": "Gepland bruto (€)",
    "savings": "Koppelvoordeel (€)",
    "net": "Gepland netto (€)",
    "unused": "Ongebruikt budget (€)",
    "shortfall": "Tekort (€)",
    "avoided": "Vermeden graafmomenten",
}
#: Excel row numbers (1-based) of the header and the first data row.
HEADER = HEADER_ROW + 1
FIRST = HEADER + 1


@pytest.fixture
def computed(street):  # noqa: F811
    """The Kerkstraat programme computed and adopted, with a theme on the grid operator's
    cable work and a square redesign whose budget line has almost no money (unfunded)."""
    Project.objects.get(code="E-1").themes.add(ThemeFactory(name="Energietransitie"))
    poor = BudgetLineFactory(code="groen", name="Groen en spelen")
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget_line=poor, year=year, amount=Decimal(1_000))
        for year in range(2026, 2036)
    )
    square = ProjectFactory(
        code="G-1", name="Herinrichting Marktplein", street="Markt", geometry=STREET,
        start_year=2027, end_year=2027, shift_early=0, shift_late=0, opens_street=False,
    )  # fmt: skip
    FundingFactory(project=square, budget_line=poor, year=2027, amount=Decimal(400_000))
    programme_compute(street)
    programme_adopt(street, adopted_on=datetime.date(2026, 3, 12), adopted_by="raad")
    return street


def _read(programme, *, data_only: bool):
    target = io.BytesIO()
    write_workbook(programme, target)
    target.seek(0)
    return openpyxl.load_workbook(target, data_only=data_only)


@pytest.fixture
def formulas(computed):
    return _read(computed, data_only=False)


@pytest.fixture
def values(computed):
    """The workbook as a reader without recalculation sees it: the cached values."""
    return _read(computed, data_only=True)


def _table(sheet) -> tuple[list[str], list[tuple], tuple]:
    """Header, data rows and totals row ("Totaal" in column A) of a sheet's table."""
    rows = list(sheet.iter_rows(min_row=HEADER, values_only=True))
    header, body = list(rows[0]), rows[1:]
    if body and body[-1][0] == "Totaal":
        return header, body[:-1], body[-1]
    return header, body, ()


def test_the_workbook_has_its_nine_sheets_in_order(formulas):
    assert formulas.sheetnames == SHEETS


def test_every_sheet_has_a_title_block_a_frozen_header_and_an_autofilter(formulas, computed):
    for sheet in formulas.worksheets:
        assert sheet["A1"].value.startswith(sheet.title), sheet.title
        title = {sheet.cell(row, 1).value: sheet.cell(row, 2).value for row in range(2, 7)}
        assert title["Programma"] == computed.name
        assert title["Versie"] == computed.version
        assert title["Status"] == "vastgesteld"
        assert title["Vastgesteld op"] == datetime.datetime(2026, 3, 12), sheet.title
        assert sheet["B5"].number_format == "dd-mm-yyyy"
        assert isinstance(title["Afgedrukt op"], datetime.datetime)
        assert sheet.freeze_panes == f"A{FIRST}", sheet.title
        assert sheet.auto_filter.ref.startswith(f"A{HEADER}:"), sheet.title
        assert sheet.cell(HEADER, 1).font.bold, sheet.title
        assert sheet.column_dimensions["A"].width >= 8, sheet.title


def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(
    formulas, computed
):
    for sheet in formulas.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        # fitToWidth left out is its default, 1 (ECMA-376); fitToHeight 0 is "as many".
        assert (setup.fitToWidth or 1, setup.fitToHeight) == (1, 0), sheet.title
        assert sheet.print_title_rows == f"${HEADER}:${HEADER}", sheet.title
        assert sheet.oddHeader.left.text == computed.name
        assert sheet.oddHeader.right.text == f"versie {computed.version}, vastgesteld"
        assert sheet.oddFooter.left.text.startswith("Afgedrukt op ")
        assert sheet.oddFooter.right.text == "Pagina &P van &N"


def test_an_ampersand_in_the_programme_name_prints_as_itself(street):  # noqa: F811
    street.name = "Wegen & water"
    street.save()
    sheet = _read(street, data_only=False)["Werken"]
    assert sheet.oddHeader.left.text == "Wegen && water"


def test_the_works_sheet_lists_every_work_and_adds_up_to_the_summary(values, computed):
    header, rows, totals = _table(values["Werken"])
    works = list(computed.works.all())
    assert sorted(row[header.index("Werk")] for row in rows) == sorted(w.name for w in works)
    assert len(rows) == len(works) > 0
    by_id = {row[0]: row for row in rows}
    unfunded = UnfundedItem.objects.filter(work__programme=computed).first().work
    assert by_id[unfunded.pk][header.index("Status")] == "niet gepland"
    assert by_id[unfunded.pk][header.index("Gepland bruto in de looptijd (€)")] is None
    assert by_id[unfunded.pk][header.index("Budgetregel")] == "Groen en spelen"
    planned = next(w for w in works if w.scheduled_year)
    assert by_id[planned.pk][header.index("Gepland jaar")] == planned.scheduled_year
    gross = totals[header.index("Gepland bruto in de looptijd (€)")]
    year_header, _rows, year_totals = _table(values["Per jaar"])
    assert gross == pytest.approx(float(programme_money(computed).cell().gross))
    assert gross == pytest.approx(year_totals[year_header.index("Gepland bruto (€)")])
    assert totals[header.index("Kosten bruto, alle jaren (€)")] == pytest.approx(
        float(sum(w.cost for w in works))
    )


def test_a_concept_programme_says_it_is_not_adopted(street):  # noqa: F811
    programme_compute(street)
    sheet = _read(street, data_only=False)["Per jaar"]
    assert (sheet["A5"].value, sheet["B5"].value) == ("Vastgesteld op", "niet vastgesteld")
    assert sheet["B4"].value == "concept"


def test_the_money_per_year_is_the_selectors_inside_the_horizon(values, computed):
    header, rows, totals = _table(values["Per jaar"])
    money = programme_money(computed)
    assert [row[0] for row in rows] == list(range(2026, 2036)), "no year beyond the horizon"
    column = {name: header.index(label) for name, label in PER_YEAR_HEADERS.items()}
    for row in rows:
        cell = money.cell(year=row[0])
        for name in ("budget", "gross", "savings", "net", "unused", "shortfall"):
            assert row[column[name]] == float(getattr(cell, name)), (row[0], name)
        assert row[column["avoided"]] >= 0
    assert totals[column["budget"]] == pytest.approx(3 * 5_000_000 * 10 + 1_000 * 10)
    assert totals[column["net"]] == pytest.approx(float(money.cell().net))
    openings = header.index("Graafmomenten integraal")
    integrated = KpiValue.objects.get(
        programme=computed, code="graafmomenten_integraal", year=None, area=None
    ).value
    assert totals[openings] == integrated


def test_totals_and_differences_are_formulas_that_recompute(formulas):
    sheet = formulas["Per jaar"]
    last = FIRST + 9
    assert sheet[f"A{last + 1}"].value == "Totaal"
    assert sheet[f"D{last + 1}"].value == f"=SUM(D{FIRST}:D{last})"
    assert sheet[f"F{FIRST}"].value == f"=D{FIRST}-E{FIRST}", "net is gross minus savings"
    assert sheet[f"L{FIRST}"].value == f"=MAX(J{FIRST}-K{FIRST},0)", "avoided never below 0"
    line = formulas["Per budgetregel"]
    assert line[f"H{FIRST}"].value == f"=MAX(D{FIRST}-G{FIRST},0)", "unused: budget − net"
    for name in SHEETS[1:]:
        if name in WITHOUT_TOTALS:
            continue
        _header, _rows, totals = _table(formulas[name])
        assert totals, f"{name} has a totals row"
        assert any(str(v).startswith("=SUM(") for v in totals if v), name
    summary = formulas["Samenvatting"]
    assert summary[f"B{FIRST}"].value == f"='Per jaar'!C{last + 1}", "budget from Per jaar"
    assert summary[f"B{FIRST + 3}"].value == f"='Per jaar'!F{last + 1}", "net from Per jaar"


def test_money_and_counts_have_number_formats(formulas):
    sheet = formulas["Per jaar"]
    assert sheet[f"C{FIRST}"].number_format == "€ #,##0"
    assert sheet[f"D{FIRST + 10}"].number_format == "€ #,##0", "the total too"
    assert sheet[f"B{FIRST}"].number_format == "#,##0"
    assert sheet[f"A{FIRST}"].number_format == "0", "a year without a thousands separator"
    assert formulas["Samenvatting"][f"B{FIRST}"].number_format == "€ #,##0"
    assert formulas["Koppelkansen"][f"I{FIRST}"].number_format == "€ #,##0"


def test_the_summary_shows_the_programme_kpis(values, computed):
    summary = {row[0]: row[1] for row in _table(values["Samenvatting"])[1]}
    total = programme_money(computed).cell()
    kpis = dict(
        KpiValue.objects.filter(programme=computed, year=None, area=None).values_list(
            "code", "value"
        )
    )
    assert summary["Gepland (bruto)"] == float(total.gross)
    assert summary["Koppelvoordeel"] == float(total.savings)
    assert summary["Gepland (netto)"] == float(total.net)
    assert summary["Ongebruikt budget"] == float(total.unused)
    assert summary["Tekort (geld dat de niet-gedekte werken financiert)"] == pytest.approx(
        kpis["tekort"]
    )
    # The square redesign is unfunded, but it is no must-do work and the engine keeps
    # every line within its budget: the programme holds.
    assert summary["Binnen budget"] == "ja"
    assert summary["Graafmomenten sectoraal"] == kpis["graafmomenten_sectoraal"]
    assert summary["Vermeden graafmomenten"] == max(
        kpis["graafmomenten_sectoraal"] - kpis["graafmomenten_integraal"], 0
    )
    assert summary["Koppelkansen"] == computed.couplings.count()
    assert "Ruimte in het budget" not in summary


def test_the_couplings_sheet_adds_up_to_the_summarys_coupling_savings(values, computed):
    header, _rows, totals = _table(values["Koppelkansen"])
    summary = {row[0]: row[1] for row in _table(values["Samenvatting"])[1]}
    assert round(totals[header.index("Koppelvoordeel (€)")], 2) == summary["Koppelvoordeel"]


def test_the_couplings_sheet_carries_each_couplings_cost_split(values, computed):
    """Without a rule set, the shared cost is the engine's kept opening (the opening share
    of the largest street-opening member) split equally over the parties."""
    header, rows, _totals = _table(values["Koppelkansen"])
    row = rows[0]
    coupling = computed.couplings.get(pk=row[0])
    opening = [w.cost for w in coupling.works.all() if w.opens_street]
    expected = float(max(opening) * computed.opening_cost_share) if opening else 0.0
    assert row[header.index("Verdeelregel")] == "gelijk per partij"
    assert row[header.index("Gedeelde kosten (€)")] == pytest.approx(expected, abs=0.01)
    parts = row[header.index("Kostenverdeling (€ per partij)")].split("; ")
    owners = {
        w.owner_id or (w.project.owner_id if w.project else None) for w in coupling.works.all()
    }
    assert len(parts) == len(owners)


def test_areas_themes_and_lines_add_up_to_the_engines_spend(values, computed):
    def kpi_sum(**filters):
        return KpiValue.objects.filter(programme=computed, **filters).aggregate(s=Sum("value"))["s"]

    header, rows, totals = _table(values["Per gebied"])
    assert header[:3] == ["Kern", "Wijk", "Gebied"]
    assert header[3:-1] == [str(y) for y in range(2026, 2036)], "no year beyond the horizon"
    assert rows[0][2] == "Centrum"
    assert rows[0][0].startswith("Kern"), "the kern of the buurt"
    assert totals[-1] == pytest.approx(kpi_sum(code="besteding_gebied"))

    header, rows, totals = _table(values["Per thema"])
    assert [row[0] for row in rows] == ["Energietransitie"]
    assert totals[-1] == pytest.approx(kpi_sum(code="besteding_thema"))

    header, rows, totals = _table(values["Per budgetregel"])
    assert {row[0] for row in rows} >= {"Groen en spelen"}
    assert header[3:] == [
        "Budget (€)",
        "Gepland bruto (€)",
        "Koppelvoordeel (€)",
        "Gepland netto (€)",
        "Ongebruikt budget (€)",
        "Meer dan budget (€)",
        "Tekort (€)",
    ]
    assert totals[header.index("Gepland netto (€)")] == pytest.approx(kpi_sum(code="besteding"))
    assert totals[header.index("Tekort (€)")] == pytest.approx(
        kpi_sum(code="tekort", year__isnull=False)
    )


def test_couplings_and_unfunded_items_are_all_listed(values, computed):
    header, rows, totals = _table(values["Koppelkansen"])
    assert len(rows) == computed.couplings.count() > 0
    assert rows[0][header.index("Besluit")] == "voorgesteld"
    assert totals[header.index("Werken")] == computed.works.exclude(coupling=None).count()

    header, rows, totals = _table(values["Niet gedekt"])
    unfunded = UnfundedItem.objects.filter(work__programme=computed)
    assert len(rows) == unfunded.count() > 0
    assert rows[0][0] == "G-1 Herinrichting Marktplein"
    assert totals[header.index("Tekort (€)")] == pytest.approx(
        float(unfunded.aggregate(s=Sum("gap"))["s"])
    )


def test_the_parameters_sheet_has_the_settings_and_the_weighted_criteria(formulas, computed):
    header, rows, totals = _table(formulas["Parameters en afwegingskader"])
    settings = {row[1]: row[2] for row in rows if row[0] == "instelling"}
    assert settings["eerste jaar"] == 2026
    assert settings["koppelafstand (m)"] == 25
    assert settings["groepering tot maatregelen"] == "per straat en discipline"
    criteria = [row for row in rows if row[0].startswith("afwegingskader")]
    assert {row[1] for row in criteria} == {
        "technische urgentie",
        "koppelwaarde",
        "bijdrage aan ambities en thema's",
    }
    assert all(row[3] == 10 for row in criteria)
    share = header.index("Aandeel")
    total_row = FIRST + len(rows)
    assert criteria[0][share] == f"=IF(D${total_row}=0,0,D{FIRST + len(settings)}/D${total_row})"
    assert totals[header.index("Gewicht")] == f"=SUM(D{FIRST}:D{total_row - 1})"


def test_a_programme_without_results_gives_a_workbook_that_says_so():
    programme = ProgrammeFactory()
    book = _read(programme, data_only=True)
    assert book.sheetnames == SHEETS
    assert book["Koppelkansen"][f"A{FIRST}"].value == "Geen gegevens"


def test_the_workbook_reads_a_fixed_number_of_queries(django_assert_max_num_queries):
    """Many couplings and unfunded items: the query count does not grow with them."""
    programme = ProgrammeFactory()
    for n in range(30):
        coupling = CouplingFactory(programme=programme)
        WorkFactory(programme=programme, coupling=coupling, key=f"w{n}")
        UnfundedItemFactory(work__programme=programme)
    # The couplings' cost split adds two per chunk: their works and sharing rules; the
    # works sheet one for its rows and one per chunk for their budget lines; the unfunded
    # reasons two per chunk (names of the works they mention, each work's gap per line).
    # "Extra geld" reads the programme's engine instance once (about 26 queries, one per
    # table), capacity and maintenance a few, "Gepland en gerealiseerd" one to find no
    # adopted version (about eight with one): none of them per coupling or item.
    with django_assert_max_num_queries(61):
        _read(programme, data_only=True)


def _login(client, role: Role | None, **user):
    ensure_role_groups()
    account = UserFactory(**user)
    if role is not None:
        account.groups.add(Group.objects.get(name=role.value))
    client.force_login(account)
    return account


def test_the_programme_page_offers_the_workbook_as_a_download(client, computed):
    _login(client, Role.VIEWER)
    url = reverse("programming:programme_workbook", args=[computed.pk])
    assert (
        url
        in client.get(reverse("programming:programme_detail", args=[computed.pk])).content.decode()
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        f'filename="raadswerkboek-{computed.name.lower().replace(" ", "-")}-v1.xlsx"'
        in (response["Content-Disposition"])
    )
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == SHEETS


def test_the_workbook_needs_a_login_and_the_view_permission(client):
    programme = ProgrammeFactory()
    url = reverse("programming:programme_workbook", args=[programme.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    _login(client, None)
    assert client.get(url).status_code == 403


def test_a_partner_gets_no_workbook_of_the_whole_programme(client):
    """The workbook sums every work; a partner sees only its own (see the exports)."""
    programme = ProgrammeFactory()
    _login(client, Role.PARTNER, partner=True)
    assert (
        client.get(reverse("programming:programme_workbook", args=[programme.pk])).status_code
        == 403
    )


def test_on_the_demo_the_works_sheet_adds_up_to_the_money_on_every_view(client):
    """Cross-view: the works sheet's planned gross in the programme's years is the money
    selector's (which the dashboard, matrix and budget page show: test_money), the
    summary's and the per-year sheet's, on the demo the engine computed (works with costs
    over several years and lines, and unplanned works)."""
    call_command("seed_demo", seed=1, verbosity=0)
    programme = Programme.objects.current()
    book = _read(programme, data_only=True)
    header, rows, totals = _table(book["Werken"])
    assert len(rows) == programme.works.count()
    gross = programme_money(programme).cell().gross
    assert totals[header.index("Gepland bruto in de looptijd (€)")] == pytest.approx(float(gross))
    year_header, _rows, year_totals = _table(book["Per jaar"])
    assert year_totals[year_header.index("Gepland bruto (€)")] == pytest.approx(float(gross))
    summary = {row[0]: row[1] for row in book["Samenvatting"].iter_rows(values_only=True)}
    assert summary["Gepland (bruto)"] == pytest.approx(float(gross))
