"""The programme's money, defined once: every page, the workbook and the API read it here.

The terms, per budget line and programme year (euros, rounded to whole cents):

budget      what the line may spend in the year (KPI ``budget``).
gross       planned gross: the costs of the works scheduled in the year, before any coupling
            saving (KPI ``besteding_bruto``; for a programme computed before that row existed,
            ``besteding`` + ``besparing``).
savings     coupling savings: what the works cost less because they are done together with
            another work (KPI ``besparing`` per year × line; 0 where the engine wrote none).
net         planned net = gross − savings: what the line really spends.
unused      unused budget = max(budget − net, 0): money left on the line in that year.
over        max(net − budget, 0): what the line spends beyond its budget in that year.
shortfall   the money that would fund the works that do not fit: the sum of their gaps
            (KPI ``tekort`` per year × line; each gap is the least money that funds the work).

A total over lines or years adds up the cells, so a total's unused budget is the unused money
per line and year: one line's unused euros in 2031 do not fund another line or another year.
The grand total of the shortfall is the engine's total ``tekort`` row when it has one,
because that row also holds the gaps of works that fit no year or line at all.

The programme is within budget only when every line holds in every year (net ≤ budget)
and no must-do work is left unfunded.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from programming.models import KpiValue, Programme, UnfundedItem
from stakeholders.models import BudgetLine

BUDGET = _("Budget")
GROSS = _("Gepland (bruto)")
SAVINGS = _("Koppelvoordeel")
NET = _("Gepland (netto)")
UNUSED = _("Ongebruikt budget")
SHORTFALL = _("Tekort (geld dat de niet-gedekte werken financiert)")

#: The KPI codes the selector reads.
CODES = ("budget", "besteding", "besteding_bruto", "besparing", "tekort")
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def to_cents(value: float | Decimal | None) -> Decimal:
    """Euros as a Decimal of whole cents; a missing figure counts as 0."""
    if value is None:
        return ZERO
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def whole_euros(value: Decimal) -> int:
    """An amount rounded to whole euros the way the pages and Excel round (half up), for
    what only shows euros (a chart)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class MoneyCell:
    """The money terms of one line and year, or a total of cells (see the module docstring)."""

    budget: Decimal = ZERO
    gross: Decimal = ZERO
    savings: Decimal = ZERO
    net: Decimal = ZERO
    unused: Decimal = ZERO
    over: Decimal = ZERO
    shortfall: Decimal = ZERO

    @classmethod
    def of(cls, budget: Decimal, gross: Decimal, savings: Decimal, shortfall: Decimal) -> MoneyCell:
        net = gross - savings
        return cls(
            budget=budget,
            gross=gross,
            savings=savings,
            net=net,
            unused=max(budget - net, ZERO),
            over=max(net - budget, ZERO),
            shortfall=shortfall,
        )

    def __add__(self, other: MoneyCell) -> MoneyCell:
        return MoneyCell(
            budget=self.budget + other.budget,
            gross=self.gross + other.gross,
            savings=self.savings + other.savings,
            net=self.net + other.net,
            unused=self.unused + other.unused,
            over=self.over + other.over,
            shortfall=self.shortfall + other.shortfall,
        )

    @property
    def holds(self) -> bool:
        """True when no line spends beyond its budget in the cells summed here."""
        return self.over == ZERO


@dataclass(frozen=True)
class Money:
    """A programme's money per line and year (`programme_money`)."""

    years: list[int]
    lines: list[BudgetLine]
    cells: dict[tuple[str, int], MoneyCell] = field(repr=False)
    must_do_unfunded: int = 0
    must_do_unfunded_years: frozenset[int] = frozenset()
    total_shortfall: Decimal | None = None

    def cell(self, line: str | None = None, year: int | None = None) -> MoneyCell:
        """The terms of one line (by code) and year; None sums over that dimension."""
        lines = [line] if line is not None else [bl.code for bl in self.lines]
        years = [year] if year is not None else self.years
        total = MoneyCell()
        for code in lines:
            for y in years:
                total += self.cells.get((code, y), MoneyCell())
        if line is None and year is None and self.total_shortfall is not None:
            total = MoneyCell(
                budget=total.budget,
                gross=total.gross,
                savings=total.savings,
                net=total.net,
                unused=total.unused,
                over=total.over,
                shortfall=max(self.total_shortfall, total.shortfall),
            )
        return total

    @property
    def shortfall_without_year(self) -> Decimal:
        """The part of the total shortfall that no line and year holds: the gaps of works
        that fit no year at all (the grand total minus the years' shortfalls)."""
        return self.cell().shortfall - sum((self.cell(year=y).shortfall for y in self.years), ZERO)

    def year_within_budget(self, year: int) -> bool:
        """Every line holds in `year` and no must-do work of that year is unfunded."""
        return self.cell(year=year).holds and year not in self.must_do_unfunded_years

    @property
    def within_budget(self) -> bool:
        """Every line holds in every year and no must-do work is unfunded."""
        return self.cell().holds and self.must_do_unfunded == 0

    def per_year(self, line: str | None = None) -> list[YearMoney]:
        """One row per programme year (of one line, or summed over the lines), for the
        tables and charts that show the money year by year."""
        return [
            YearMoney(y, self.cell(line, y), line is None and self.year_within_budget(y))
            for y in self.years
        ]


@dataclass(frozen=True)
class YearMoney:
    """A year's money; `within_budget` is the year's honest status (summed over the
    lines only: one line's year cannot say whether the programme holds)."""

    year: int
    money: MoneyCell
    within_budget: bool


def programme_money(programme: Programme) -> Money:
    """The money of a computed programme, in three queries whatever its size.

    Steps:
    1. The money KPI rows per line × year inside the horizon, and the total shortfall row.
    2. The budget lines those rows name, by code.
    3. The must-do works left unfunded, and the years their gaps fall in.
    """
    years = list(range(programme.first_year, programme.last_year + 1))
    rows = KpiValue.objects.filter(
        programme=programme, code__in=CODES, area__isnull=True, theme__isnull=True
    ).values_list("code", "year", "budget_line__code", "value")
    figures: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(dict)
    total_shortfall: Decimal | None = None
    for code, year, line, value in rows:
        if code == "tekort" and year is None and line is None:
            total_shortfall = to_cents(value)
        elif year in years and line is not None:
            figures[line, year][code] = figures[line, year].get(code, ZERO) + to_cents(value)
    lines = list(
        BudgetLine.objects.filter(
            pk__in=KpiValue.objects.filter(
                programme=programme, code__in=CODES, budget_line__isnull=False
            ).values("budget_line")
        )
        .select_related("owner")
        .order_by("code")
    )
    cells = {}
    for key, terms in figures.items():
        savings = terms.get("besparing", ZERO)
        gross = terms.get("besteding_bruto")
        if gross is None:
            gross = terms.get("besteding", ZERO) + savings
        cells[key] = MoneyCell.of(
            terms.get("budget", ZERO), gross, savings, terms.get("tekort", ZERO)
        )
    must_do = set(
        UnfundedItem.objects.filter(work__programme=programme, work__must_do=True).values_list(
            "work_id", "year"
        )
    )
    return Money(
        years=years,
        lines=lines,
        cells=cells,
        must_do_unfunded=len({work for work, _year in must_do}),
        must_do_unfunded_years=frozenset(year for _work, year in must_do if year is not None),
        total_shortfall=total_shortfall,
    )
