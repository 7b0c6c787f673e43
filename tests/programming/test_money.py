"""The one money selector (programming.money) and the views that must agree with it."""

import io
import re
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programming.models import Programme
from programming.money import MoneyCell, programme_money, whole_euros
from programming.pages import programme_openings
from programming.workbook import write_workbook
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import client_for
from tests.factories import (
    BudgetLineFactory,
    KpiValueFactory,
    ProgrammeFactory,
    UnfundedItemFactory,
    UserFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)
from tests.programming.test_workbook import HEADER, computed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _kpi(programme, code, year, line, value):
    return KpiValueFactory(programme=programme, code=code, year=year, budget_line=line, value=value)


def _euros(**terms):
    return MoneyCell(**{name: Decimal(value) for name, value in terms.items()})


@pytest.fixture
def two_lines():
    """Two lines over three of the four programme years (2026–2029), with a coupled work,
    an overspent year, a programme computed before ``besteding_bruto`` existed (sewer 2028
    has only the net ``besteding``), a must-do work left unfunded and rows to ignore."""
    programme = ProgrammeFactory(first_year=2026, horizon=4, computed_at=timezone.now())
    sewer = BudgetLineFactory(code="a-riool", name="Riolering")
    roads = BudgetLineFactory(code="b-wegen", name="Wegen")
    rows = {
        # line, year: budget, gross, savings
        (sewer, 2026): (100, 150, 10),
        (sewer, 2027): (100, 60, 0),
        (sewer, 2028): (100, 0, 0),
        (roads, 2026): (50, 30, 5),
        (roads, 2027): (50, 50, 0),
    }
    for (line, year), (budget, gross, savings) in rows.items():
        _kpi(programme, "budget", year, line, budget)
        _kpi(programme, "besteding_bruto", year, line, gross)
        _kpi(programme, "besteding", year, line, gross - savings)
        _kpi(programme, "besparing", year, line, savings)
    _kpi(programme, "budget", 2028, roads, 50)
    _kpi(programme, "besteding", 2028, roads, 20)
    _kpi(programme, "besparing", 2028, roads, 2)
    # Beyond the horizon and per year only: neither is a line-year cell.
    _kpi(programme, "budget", 2036, sewer, 999)
    _kpi(programme, "besparing", 2026, None, 15)
    # The must-do work needs 25 on the sewer line in 2028; another work fits no year (7).
    must_do = WorkFactory(programme=programme, scheduled_year=None, must_do=True)
    UnfundedItemFactory(work=must_do, budget_line=sewer, year=2028, gap=Decimal(25))
    _kpi(programme, "tekort", 2028, sewer, 25)
    _kpi(programme, "tekort", None, None, 32)
    # Openings per year and in total, the bound and the optimality gap.
    for year, sectoral, integrated in ((2026, 5, 3), (2027, 2, 2), (2028, 1, 1)):
        _kpi(programme, "graafmomenten_sectoraal", year, None, sectoral)
        _kpi(programme, "graafmomenten_integraal", year, None, integrated)
    for code, value in (
        ("graafmomenten_sectoraal", 8),
        ("graafmomenten_integraal", 6),
        ("graafmomenten_ondergrens", 5),
        ("optimaliteitsgat", 0.0342),
    ):
        _kpi(programme, code, None, None, value)
    return programme


def test_cells_follow_the_definitions(two_lines):
    money = programme_money(two_lines)
    assert money.years == [2026, 2027, 2028, 2029]
    assert [line.code for line in money.lines] == ["a-riool", "b-wegen"]
    # net = 150 − 10 = 140 against 100: 40 over, nothing unused.
    assert money.cell("a-riool", 2026) == _euros(
        budget=100, gross=150, savings=10, net=140, unused=0, over=40, shortfall=0
    )
    # Only besteding (net 20) and besparing (2): gross is 20 + 2 = 22; unused 50 − 20 = 30.
    assert money.cell("b-wegen", 2028) == _euros(
        budget=50, gross=22, savings=2, net=20, unused=30, over=0, shortfall=0
    )
    # A year without any row is all zeros.
    assert money.cell("a-riool", 2029) == MoneyCell()


def test_totals_add_the_cells(two_lines):
    money = programme_money(two_lines)
    # 2026: budgets 100 + 50, gross 150 + 30, savings 10 + 5, net 140 + 25; roads leaves
    # 25 unused while sewer is 40 over: both are shown, they do not cancel.
    assert money.cell(year=2026) == _euros(
        budget=150, gross=180, savings=15, net=165, unused=25, over=40, shortfall=0
    )
    # Sewer: budget 3 × 100; gross 150 + 60 + 0; savings 10; net 140 + 60 + 0;
    # unused 0 + 40 + 100; the 2036 budget lies beyond the horizon and is left out.
    assert money.cell("a-riool") == _euros(
        budget=300, gross=210, savings=10, net=200, unused=140, over=40, shortfall=25
    )
    # All: budget 300 + 150; gross 210 + (30 + 50 + 22); savings 10 + (5 + 0 + 2);
    # net 200 + 95; unused 140 + (25 + 0 + 30); the shortfall is the engine's total row
    # (25 on sewer in 2028 plus 7 of a work that fits no year).
    assert money.cell() == _euros(
        budget=450, gross=312, savings=17, net=295, unused=195, over=40, shortfall=32
    )


def test_within_budget_needs_every_line_year_and_every_must_do_work(two_lines):
    money = programme_money(two_lines)
    assert money.must_do_unfunded == 1
    assert not money.within_budget
    # 2026: sewer is over. 2027: every line holds. 2028: lines hold, but a must-do work
    # in 2028 is unfunded. 2029: nothing planned, nothing missing.
    assert [money.year_within_budget(y) for y in money.years] == [False, True, False, True]


def test_a_programme_that_holds_everywhere_is_within_budget():
    programme = ProgrammeFactory(first_year=2026, horizon=4)
    line = BudgetLineFactory()
    _kpi(programme, "budget", 2026, line, 100)
    _kpi(programme, "besteding_bruto", 2026, line, 100)
    # A work that may wait is unfunded: that does not break the budget.
    UnfundedItemFactory(work=WorkFactory(programme=programme, must_do=False), budget_line=line)
    money = programme_money(programme)
    assert money.within_budget
    assert money.cell() == _euros(
        budget=100, gross=100, savings=0, net=100, unused=0, over=0, shortfall=0
    )


def test_amounts_are_whole_cents():
    programme = ProgrammeFactory(first_year=2026, horizon=4)
    line = BudgetLineFactory()
    _kpi(programme, "budget", 2026, line, 0.1 + 0.2)
    _kpi(programme, "besteding_bruto", 2026, line, 1234.565)
    money = programme_money(programme)
    assert money.cell().budget == Decimal("0.30")
    assert money.cell().gross == Decimal("1234.57")


def test_the_selector_runs_three_queries(two_lines, django_assert_num_queries):
    with django_assert_num_queries(3):
        programme_money(two_lines)


# --- every view tells the same money story ---------------------------------------------

TERMS = ("budget", "gross", "savings", "net", "unused", "shortfall")
EURO = re.compile(r"€\s?(-?[\d.]+)")


def _whole(value) -> int:
    """A workbook number or an API string in whole euros, rounded as the pages round."""
    return int(Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _euro_text(text: str) -> int:
    """ "€ 1.234.567" (Dutch grouping) as 1234567."""
    return int(EURO.search(text).group(1).replace(".", ""))


def _money_tables(body: str) -> list[dict[str, dict[str, int]]]:
    """Each `_money_table.html` of a page: {year or "totaal": {term: euros}}."""
    tables = []
    for table in re.findall(r'<table class="money">(.*?)</table>', body, re.S):
        rows = {}
        for year, row in re.findall(r'<tr data-year="([^"]+)">(.*?)</tr>', table, re.S):
            rows[year] = {
                term: _euro_text(text)
                for term, text in re.findall(r'data-term="(\w+)">([^<]*)<', row)
            }
        tables.append(rows)
    return tables


def _expected_table(money, line=None) -> dict[str, dict[str, int]]:
    rows = {
        str(y): {t: whole_euros(getattr(money.cell(line, y), t)) for t in TERMS}
        for y in money.years
    }
    rows["totaal"] = {t: whole_euros(getattr(money.cell(line), t)) for t in TERMS}
    return rows


def _only_terms(table):
    return {year: {t: row[t] for t in TERMS} for year, row in table.items()}


def _chart_series(chart) -> dict[str, list[int]]:
    """The numbers of a bar chart's table by series name, and its limit (the budget)."""
    series = {
        name: [_euro_text(row.cells[i]) for row in chart.rows]
        for i, name in enumerate(chart.series_names)
    }
    series["Budget"] = [_euro_text(row.limit) for row in chart.rows]
    return series


@pytest.fixture
def manager(client):
    ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.PROGRAMME_MANAGER.value))
    client.force_login(user)
    return user


@pytest.fixture
def demo():
    """The demo municipality with its concept programme computed (seed_demo, ~10 s)."""
    call_command("seed_demo", seed=1, verbosity=0)
    return Programme.objects.current()


@pytest.mark.parametrize("name", ["two_lines", "computed", "demo"])
def test_every_view_shows_the_same_totals_to_the_euro(request, client, manager, name):
    """The dashboard, the matrix, the budget page and its charts, the council workbook and
    the API's KPI summary show the selector's money and openings, to the euro: for
    hand-made KPI rows (with savings, an overspent year and an unfunded must-do work),
    for the small Kerkstraat programme and for the demo programme the engine computed."""
    programme = request.getfixturevalue(name)
    money = programme_money(programme)
    openings = programme_openings(programme)
    expected = _expected_table(money)
    per_year = [whole_euros(money.cell(year=y).net) for y in money.years]
    # Openings: the years add up to the totals (counted the same way, inside the horizon)
    # and planning together never opens the street more often than each work alone.
    assert [y.year for y in openings.years] == money.years
    assert sum(y.sectoral for y in openings.years) == openings.sectoral
    assert sum(y.integrated for y in openings.years) == openings.integrated
    assert all(y.integrated <= y.sectoral for y in openings.years)

    dashboard = client.get(reverse("programming:dashboard"))
    assert dashboard.context["programme"] == programme
    assert _only_terms(_money_tables(dashboard.content.decode())[0]) == expected
    chart = _chart_series(dashboard.context["chart"])
    assert chart["Gepland (netto)"] == per_year
    assert chart["Budget"] == [expected[str(y)]["budget"] for y in money.years]
    body = dashboard.content.decode()
    for term, value in (
        ("sectoral", openings.sectoral),
        ("integrated", openings.integrated),
        ("bound", openings.bound),
    ):
        shown = re.search(rf'data-term="{term}">([^<]*)<', body).group(1)
        assert shown == ("—" if value is None else f"{value:,}".replace(",", ".")), term

    matrix = client.get(reverse("programming:programme_matrix", args=[programme.pk]))
    assert _only_terms(_money_tables(matrix.content.decode())[0]) == expected

    budget = client.get(reverse("programming:programme_budget", args=[programme.pk]))
    tables = _money_tables(budget.content.decode())
    assert len(tables) == len(money.lines)
    for line, table, shown in zip(money.lines, tables, budget.context["lines"], strict=True):
        assert _only_terms(table) == _expected_table(money, line.code), line.code
        assert _chart_series(shown["chart"])["Gepland (netto)"] == [
            whole_euros(money.cell(line.code, y).net) for y in money.years
        ]

    target = io.BytesIO()
    write_workbook(programme, target)
    target.seek(0)
    book = openpyxl.load_workbook(target, data_only=True)
    sheet = list(book["Per jaar"].iter_rows(min_row=HEADER, values_only=True))
    header, body_rows, totals = sheet[0], sheet[1:-1], sheet[-1]
    columns = {
        "budget": "Budget (€)",
        "gross": "Gepland bruto (€)",
        "savings": "Koppelvoordeel (€)",
        "net": "Gepland netto (€)",
        "unused": "Ongebruikt budget (€)",
        "shortfall": "Tekort (€)",
    }
    in_book = {
        str(row[0]): {t: _whole(row[header.index(c)]) for t, c in columns.items()}
        for row in body_rows
        if row[0] is not None
    }
    in_book["totaal"] = {t: _whole(totals[header.index(c)]) for t, c in columns.items()}
    assert in_book == expected
    summary = {
        row[0]: row[1]
        for row in book["Samenvatting"].iter_rows(min_row=HEADER + 1, values_only=True)
    }
    assert _whole(summary["Koppelvoordeel"]) == expected["totaal"]["savings"]
    assert (
        _whole(summary["Tekort (geld dat de niet-gedekte werken financiert)"])
        == (expected["totaal"]["shortfall"])
    )
    assert summary["Graafmomenten sectoraal"] == openings.sectoral
    assert summary["Graafmomenten integraal"] == openings.integrated
    assert summary["Ondergrens graafmomenten"] == (openings.bound or "—")
    couplings = list(book["Koppelkansen"].iter_rows(min_row=HEADER, values_only=True))
    assert (
        _whole(couplings[-1][couplings[0].index("Koppelvoordeel (€)")] or 0)
        == (expected["totaal"]["savings"])
    )

    api = client_for(manager).get(f"/api/v1/programmas/{programme.pk}/kpis/samenvatting")
    assert api.status_code == 200
    data = api.json()
    in_api = {str(y["year"]): {t: _whole(y[t]) for t in TERMS} for y in data["years"]}
    in_api["totaal"] = {t: _whole(data["total"][t]) for t in TERMS}
    assert in_api == expected
    for line in data["lines"]:
        in_line = {str(y["year"]): {t: _whole(y[t]) for t in TERMS} for y in line["years"]}
        in_line["totaal"] = {t: _whole(line["total"][t]) for t in TERMS}
        assert in_line == _expected_table(money, line["code"]), line["code"]
    assert data["within_budget"] is money.within_budget
    assert (data["openings"]["sectoral"], data["openings"]["integrated"]) == (
        openings.sectoral,
        openings.integrated,
    )
    assert data["openings"]["bound"] == openings.bound


def test_the_dashboard_says_within_budget_only_for_years_that_hold(client, manager, two_lines):
    body = client.get(reverse("programming:dashboard")).content.decode()
    table = re.search(r'<table class="money">(.*?)</table>', body, re.S).group(1)
    status = dict(re.findall(r'<tr data-year="(\d+)">.*?<td>([^<]*)</td></tr>', table, re.S))
    # 2026: sewer over its budget; 2028: the must-do work is unfunded (see two_lines).
    assert status == {
        "2026": "meer dan budget",
        "2027": "binnen budget",
        "2028": "een moet-werk is niet gedekt",
        "2029": "binnen budget",
    }
    assert "Het programma past niet binnen het budget." in body
    assert "3,4 %" in body, "the optimality gap as a Dutch percentage"
    assert "geen plan kan met minder dan 5 graafmomenten" in body


def _add_line(programme, code):
    line = BudgetLineFactory(code=code)
    for year in (2026, 2027):
        for kpi in ("budget", "besteding_bruto", "besparing", "tekort"):
            _kpi(programme, kpi, year, line, 10)


#: The most queries each money page may run (measured: dashboard 15, matrix 13, budget 9,
#: the API summary 7); the counts must not grow with the number of budget lines.
PAGE_QUERIES = {
    "programming:dashboard": 15,
    "programming:programme_matrix": 13,
    "programming:programme_budget": 9,
}


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_the_money_pages_have_bounded_queries_whatever_the_lines(
    client, manager, two_lines, name, django_assert_max_num_queries
):
    args = [] if name == "programming:dashboard" else [two_lines.pk]
    for number in range(6):
        _add_line(two_lines, f"extra-{number}")
    with django_assert_max_num_queries(PAGE_QUERIES[name]):
        response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    if name == "programming:programme_budget":
        assert len(response.context["lines"]) == 8, "every line is on the page"


def test_the_api_summary_has_bounded_queries(manager, two_lines, django_assert_max_num_queries):
    for number in range(6):
        _add_line(two_lines, f"extra-{number}")
    with django_assert_max_num_queries(7):
        response = client_for(manager).get(f"/api/v1/programmas/{two_lines.pk}/kpis/samenvatting")
    assert len(response.json()["lines"]) == 8


def test_the_workbook_queries_do_not_grow_with_the_lines(two_lines):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            write_workbook(two_lines, io.BytesIO())
        return len(captured)

    before = queries()
    for number in range(6):
        _add_line(two_lines, f"extra-{number}")
    assert queries() == before


def test_within_budget_still_names_the_money_the_unfunded_works_need(
    client,
    manager,
    computed,  # noqa: F811
):
    """The Kerkstraat programme holds on every line, but the square redesign (no must-do
    work) does not fit: the dashboard says both."""
    body = client.get(reverse("programming:dashboard")).content.decode()
    shortfall = whole_euros(programme_money(computed).cell().shortfall)
    assert "Het programma past binnen het budget" in body
    assert f"daarvoor is € {shortfall:,} nodig".replace(",", ".") in body
