"""The one money selector (programming.money) and the views that must agree with it."""

from decimal import Decimal

import pytest

from programming.money import MoneyCell, programme_money
from tests.factories import (
    BudgetLineFactory,
    KpiValueFactory,
    ProgrammeFactory,
    UnfundedItemFactory,
    WorkFactory,
)

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
    programme = ProgrammeFactory(first_year=2026, horizon=4)
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
