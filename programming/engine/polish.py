"""Polish a plan: no more graafrust breaks than needed, the same or more value, and every
unit as near its target year as fits.

The tie-breaks in the objective (units.py) are tiny — far below the MILP's optimality
tolerance on a large instance — so the solver may return any of several equally valuable
plans, and a plan proven within `mip_gap` may still hold a break that one move undoes.
Polishing makes the outcome predictable without lowering the objective:

1. Repair: move each unit that breaks graafrust (must-do first, then most valuable) to
   the feasible year nearest its target where it fits the budgets and breaks fewer
   pairs, until no such move is left (each move breaks fewer pairs, so this ends); a
   unit that cannot move keeps the reason (the budget line and year that is full in the
   years that would avoid the break).
2. Move each scheduled unit to the feasible year nearest its target that still fits the
   budgets without breaking more pairs, if that is nearer than its current year.
3. Place each unscheduled unit whose works are all still unplaced in the feasible year
   nearest its target where it fits without breaking graafrust, if any (a unit without
   value may have been left out).

Every step keeps every budget and only raises the objective, so a proven optimum stays one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from programming.engine.graafrust import ClosedPairs, breaches_at, breaking
from programming.engine.units import (
    CarryOver,
    CostRows,
    Ledger,
    Plan,
    Unit,
    carried,
    objective_of,
    placed_works,
    total_spend,
    work_years,
)


def polish_plan(
    units: Sequence[Unit],
    plan: Plan,
    budget: np.ndarray,
    carry_over: CarryOver,
    touched: CostRows,
    pairs: ClosedPairs | None = None,
) -> Plan:
    """The plan after repairing breaks, moving units towards their targets and adding
    units that fit (module docstring); `blocked` holds, per work of a unit that still
    breaks graafrust, the (line, year index) that was full in the years that would break
    fewer pairs, or None when every other year breaks as many. `touched`: `cost_rows` of
    the units."""
    horizon = budget.shape[1]
    pairs = pairs or ClosedPairs.none(len(placed_works(units, plan.start)))
    start = plan.start.copy()
    ledger = Ledger(budget, carry_over, touched, total_spend(units, start, budget.shape))
    placed = placed_works(units, start)
    year_of = work_years(units, start, pairs.n_works)
    closers, openers = pairs.closers_of(pairs.n_works), pairs.openers_of(pairs.n_works)

    def breaks(u: int, year: float) -> int:
        return breaches_at(units[u].members, year, year_of, closers, openers, pairs.years)

    def move(u: int, year: int, candidate: list[list[float]]) -> None:
        ledger.book(u, candidate)
        start[u] = year
        placed[list(units[u].members)] = True
        year_of[list(units[u].members)] = year

    order = sorted(range(len(units)), key=lambda u: (not units[u].must_do, -units[u].value, u))
    blocked: dict[int, tuple[int, int] | None] = {}
    moved = True
    while moved:  # a move may free a year for a unit tried before it
        moved = False
        blocked.clear()
        for u in breaking_units(units, start, order, pairs, year_of):
            unit, now = units[u], breaks(u, start[u])
            fewer = [
                year
                for year in sorted(unit.years, key=lambda y: (abs(y - unit.target), y))
                if year != start[u] and breaks(u, year) < now
            ]
            fitting = (
                (year, spend)
                for year in fewer
                if (spend := ledger.fits(u, year, moved_from=start[u])) is not None
            )
            found = next(fitting, None)
            if found is not None:
                move(u, *found)
                moved = True
            else:
                full = (
                    first_full(
                        ledger.whole(u, ledger.spread(u, fewer[0], start[u])),
                        budget,
                        carry_over,
                    )
                    if fewer
                    else None
                )
                for member in unit.members:
                    blocked[member] = full

    for u in [u for u in order if start[u] >= 0] + [u for u in order if start[u] < 0]:
        unit = units[u]
        if (start[u] < 0 and placed[list(unit.members)].any()) or start[u] == unit.target:
            continue  # held by a placed unit, or already in its target year
        distance = abs(start[u] - unit.target) if start[u] >= 0 else horizon + 1
        allowed = breaks(u, start[u]) if start[u] >= 0 else 0
        nearer = [
            year
            for year in sorted(unit.years, key=lambda y: (abs(y - unit.target), y))
            if abs(year - unit.target) < distance
        ]
        if not nearer:
            continue
        for year in nearer:
            spend = ledger.fits(u, year, moved_from=start[u])
            if spend is not None and breaks(u, year) <= allowed:
                move(u, year, spend)
                break
    objective = objective_of(units, start, horizon, pairs)
    return replace(plan, start=start, objective=objective, blocked=blocked)


def breaking_units(
    units: Sequence[Unit],
    start: np.ndarray,
    order: Sequence[int],
    pairs: ClosedPairs,
    year_of: np.ndarray,
) -> list[int]:
    """The placed units, in `order`, that break graafrust next to the others in `year_of`.

    What `breaches_at` > 0 says unit by unit, for all at once: a placed unit breaks when
    one of its members is in a breaking pair (graafrust.py), since the other work of
    such a pair is never a member (members start in the same year, and a pair in one
    year breaks nothing). The repair ran that test per placed unit in every pass, on
    the 1M-asset city 56,000 units a pass.
    """
    if not len(pairs):
        return []
    flagged = np.zeros(len(year_of), dtype=bool)
    hit = breaking(pairs, year_of)
    flagged[pairs.closing[hit]] = True
    flagged[pairs.opening[hit]] = True
    unit_of = np.repeat(np.arange(len(units)), [len(unit.members) for unit in units])
    members = np.fromiter((m for unit in units for m in unit.members), dtype=int)
    broken = np.bincount(unit_of[flagged[members]], minlength=len(units)) > 0
    ordered = np.asarray(order, dtype=int)
    found: list[int] = ordered[(start[ordered] >= 0) & broken[ordered]].tolist()
    return found


def first_full(spend: np.ndarray, budget: np.ndarray, carry_over: CarryOver) -> tuple[int, int]:
    """The first (line, year index) where `spend` exceeds the budget."""
    over = carried(spend - budget, carry_over) > 0
    line, year = (
        np.argwhere(over)[0]
        if over.any()
        else np.unravel_index(int(np.argmax(spend - budget)), budget.shape)
    )
    return int(line), int(year)
