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

from programming.engine.graafrust import ClosedPairs, breaches_at
from programming.engine.units import (
    Plan,
    Unit,
    objective_of,
    placed_works,
    spend_of,
    total_spend,
    within_budget,
    work_years,
)


def polish_plan(
    units: Sequence[Unit],
    plan: Plan,
    budget: np.ndarray,
    carry_over: bool,
    pairs: ClosedPairs | None = None,
) -> Plan:
    """The plan after repairing breaks, moving units towards their targets and adding
    units that fit (module docstring); `blocked` holds, per work of a unit that still
    breaks graafrust, the (line, year index) that was full in the years that would break
    fewer pairs, or None when every other year breaks as many."""
    horizon = budget.shape[1]
    pairs = pairs or ClosedPairs.none(len(placed_works(units, plan.start)))
    start = plan.start.copy()
    spend = total_spend(units, start, budget.shape)
    placed = placed_works(units, start)
    year_of = work_years(units, start, pairs.n_works)
    closers, openers = pairs.closers_of(pairs.n_works), pairs.openers_of(pairs.n_works)

    def breaks(u: int, year: float) -> int:
        return breaches_at(units[u].members, year, year_of, closers, openers, pairs.years)

    def move(u: int, year: int, candidate: np.ndarray) -> None:
        nonlocal spend
        spend, start[u] = candidate, year
        placed[list(units[u].members)] = True
        year_of[list(units[u].members)] = year

    order = sorted(range(len(units)), key=lambda u: (not units[u].must_do, -units[u].value, u))
    blocked: dict[int, tuple[int, int] | None] = {}
    moved = True
    while moved:  # a move may free a year for a unit tried before it
        moved = False
        blocked.clear()
        for u in [u for u in order if start[u] >= 0 and breaks(u, start[u])]:
            unit, now = units[u], breaks(u, start[u])
            here = spend_of(unit.cost, start[u], horizon)
            full = None
            for year in sorted(unit.years, key=lambda y: (abs(y - unit.target), y)):
                if year == start[u] or breaks(u, year) >= now:
                    continue
                candidate = spend - here + spend_of(unit.cost, year, horizon)
                if within_budget(candidate, budget, carry_over):
                    move(u, year, candidate)
                    moved = True
                    break
                full = full or first_full(candidate, budget, carry_over)
            else:
                for member in unit.members:
                    blocked[member] = full

    for u in [u for u in order if start[u] >= 0] + [u for u in order if start[u] < 0]:
        unit = units[u]
        if (start[u] < 0 and placed[list(unit.members)].any()) or start[u] == unit.target:
            continue  # held by a placed unit, or already in its target year
        current = spend_of(unit.cost, start[u], horizon) if start[u] >= 0 else 0.0
        distance = abs(start[u] - unit.target) if start[u] >= 0 else horizon + 1
        allowed = breaks(u, start[u]) if start[u] >= 0 else 0
        for year in sorted(unit.years, key=lambda y: (abs(y - unit.target), y)):
            if abs(year - unit.target) >= distance:
                break
            if breaks(u, year) > allowed:
                continue
            candidate = spend - current + spend_of(unit.cost, year, horizon)
            if within_budget(candidate, budget, carry_over):
                move(u, year, candidate)
                break
    objective = objective_of(units, start, horizon, pairs)
    return replace(plan, start=start, objective=objective, blocked=blocked)


def first_full(spend: np.ndarray, budget: np.ndarray, carry_over: bool) -> tuple[int, int]:
    """The first (line, year index) where `spend` exceeds the budget."""
    over = (np.cumsum(spend - budget, axis=1) if carry_over else spend - budget) > 0
    line, year = (
        np.argwhere(over)[0]
        if over.any()
        else np.unravel_index(int(np.argmax(spend - budget)), budget.shape)
    )
    return int(line), int(year)
