"""Polish a plan: the same or more value, and every unit as near its target year as fits.

The tie-breaks in the objective (units.py) are tiny — far below the MILP's optimality
tolerance on a large instance — so the solver may return any of several equally valuable
plans. Polishing makes the outcome predictable without lowering the objective:

1. Move each scheduled unit (must-do first, then most valuable) to the feasible year
   nearest its target that still fits the budgets, if that is nearer than its current year.
2. Place each unscheduled unit (must-do first, then most valuable) whose works are all
   still unplaced in the feasible year nearest its target where it fits, if any (a unit
   without value may have been left out).

Both steps keep every budget and only raise the objective, so a proven optimum stays one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from programming.engine.units import (
    Plan,
    Unit,
    objective_of,
    placed_works,
    spend_of,
    total_spend,
    within_budget,
)


def polish_plan(units: Sequence[Unit], plan: Plan, budget: np.ndarray, carry_over: bool) -> Plan:
    """The plan after moving units towards their targets and adding units that fit."""
    horizon = budget.shape[1]
    start = plan.start.copy()
    spend = total_spend(units, start, budget.shape)
    placed = placed_works(units, start)
    order = sorted(range(len(units)), key=lambda u: (not units[u].must_do, -units[u].value, u))
    for u in [u for u in order if start[u] >= 0] + [u for u in order if start[u] < 0]:
        unit = units[u]
        if start[u] < 0 and placed[list(unit.members)].any():
            continue
        current = spend_of(unit.cost, start[u], horizon) if start[u] >= 0 else 0.0
        distance = abs(start[u] - unit.target) if start[u] >= 0 else horizon + 1
        for year in sorted(unit.years, key=lambda y: (abs(y - unit.target), y)):
            if abs(year - unit.target) >= distance:
                break
            candidate = spend - current + spend_of(unit.cost, year, horizon)
            if within_budget(candidate, budget, carry_over):
                spend, start[u] = candidate, year
                placed[list(unit.members)] = True
                break
    return replace(plan, start=start, objective=objective_of(units, start, horizon))
