"""Schedule: choose a start year for every unit within budget, and explain what does not fit.

The exact MILP (milp.py) is used up to `max_exact_works` works, the LP-guided greedy
heuristic (heuristic.py) above that. When the MILP stops at its time limit without proving its
answer optimal, the heuristic also runs and the better of the two is kept.

What cannot be scheduled is reported with a reason; for budget reasons with the gap per
line and year: how much the line's budget would have to grow for the work to fit in its
target year (its preferred year, or its cluster's target year) next to everything that
is scheduled. Without carry-over that is the excess in each year the work spends; with
carry-over, budget added in a year carries forward, so the whole shortfall of a line is
reported in the first year the work spends on it. Each gap stands alone: it answers
"what would it take to add this work", not "to add all unfunded works".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.heuristic import solve_heuristically
from programming.engine.instance import Parameters, UnfundedRow
from programming.engine.milp import NO_SOLUTION, TIME_LIMIT, solve_exactly
from programming.engine.polish import polish_plan
from programming.engine.units import (
    Plan,
    Unit,
    must_do_missed,
    placed_works,
    spend_of,
    total_spend,
)

EXACT = "milp"
HEURISTIC = "heuristic"

OUTSIDE_HORIZON = "buiten de looptijd"
OVER_BUDGET = "past niet binnen het budget"
MUST_DO_OVER_BUDGET = "moet-werk past niet binnen het budget"

#: Gaps below this (in euros) are rounding noise of the solver's tolerances.
HALF_A_CENT = 0.005


def schedule(
    units: Sequence[Unit],
    budget: np.ndarray,
    params: Parameters,
    method: str | None = None,
) -> Plan:
    """A start year per unit (−1: not scheduled).

    Steps:
    1. Choose the method: `method` when given, else exact up to `max_exact_works` works.
    2. Exact: solve the MILP; if it stops at the time limit, run the heuristic too and
       keep the better plan (more must-do works, then the higher objective).
       Heuristic: the LP-guided greedy rule.
    3. Polish the plan: units to their target years where budgets allow (polish.py),
       and report the gap between its objective and the best bound.
    """
    n_works = len({work for unit in units for work in unit.members})
    if method is None:
        method = EXACT if n_works <= params.max_exact_works else HEURISTIC
    limit = params.time_limit
    if method == HEURISTIC:
        plan = solve_heuristically(units, budget, params.carry_over, limit)
    else:
        plan = solve_exactly(units, budget, params.carry_over, limit)
        if plan.status in (TIME_LIMIT, NO_SOLUTION):
            other = solve_heuristically(units, budget, params.carry_over, limit)
            if merit(units, other) > merit(units, plan):
                status = f"{plan.status}, heuristiek beter"
                plan = replace(other, status=status, best_bound=plan.best_bound)
    plan = polish_plan(units, plan, budget, params.carry_over)
    if plan.best_bound is None:
        return plan
    gap = max(plan.best_bound - plan.objective, 0.0) / max(abs(plan.objective), 1e-9)
    return replace(plan, gap=gap)


def merit(units: Sequence[Unit], plan: Plan) -> tuple[int, float]:
    """How plans compare: the fewest must-do works missed, then the highest objective."""
    return -must_do_missed(units, plan.start), plan.objective


def scheduled_years(units: Sequence[Unit], plan: Plan, n_works: int, first_year: int) -> np.ndarray:
    """Start year per work (float, NaN when not scheduled)."""
    years = np.full(n_works, np.nan)
    for unit, start in zip(units, plan.start, strict=True):
        if start >= 0:
            years[list(unit.members)] = first_year + start
    return years


def coupling_discounts(units: Sequence[Unit], plan: Plan, n_works: int) -> np.ndarray:
    """Per work, the part of its cost saved by the cluster unit it is placed in (0 when
    placed alone or not at all)."""
    discount = np.zeros(n_works)
    for unit, start in zip(units, plan.start, strict=True):
        if start >= 0 and unit.discount:
            discount[list(unit.members)] = unit.discount
    return discount


def find_unfunded(
    works: pd.DataFrame,
    units: Sequence[Unit],
    plan: Plan,
    budget: np.ndarray,
    tensor: np.ndarray,
    lines: tuple[str, ...],
    params: Parameters,
) -> list[UnfundedRow]:
    """Rows for every work that is not scheduled: outside the horizon, or over budget with
    the gap per line and year.

    Steps:
    1. Works in no unit have no feasible year in the horizon: "buiten de looptijd".
    2. For each unscheduled unit (a work's own unit, or its accepted cluster's), the gap
       matrix (lines × years) at its target year.
    3. Split each line's gap over the unit's members in proportion to their cost on
       that line, one row per member, line and year with a gap.
    """
    keys = works[col.KEY].to_numpy()
    in_unit = np.zeros(len(works), dtype=bool)
    for unit in units:
        in_unit[list(unit.members)] = True
    rows = [
        UnfundedRow(str(keys[i]), None, None, 0.0, OUTSIDE_HORIZON)
        for i in np.flatnonzero(~in_unit)
    ]

    spend = total_spend(units, plan.start, budget.shape)
    placed = placed_works(units, plan.start)
    for unit, start in zip(units, plan.start, strict=True):
        if start >= 0 or unit.alternative or placed[list(unit.members)].any():
            continue
        reason = MUST_DO_OVER_BUDGET if unit.must_do else OVER_BUDGET
        gaps = gap_matrix(unit, spend, budget, params.carry_over)
        line_cost = unit.cost.sum(axis=1)
        unit_rows = [
            UnfundedRow(
                work=str(keys[member]),
                budget_line=lines[line],
                year=params.first_year + int(year),
                gap=float(gaps[line, year] * tensor[member, line].sum() / line_cost[line]),
                reason=reason,
            )
            for line, year in zip(*np.nonzero(gaps > HALF_A_CENT), strict=True)
            for member in unit.members
            if tensor[member, line].sum() > 0
        ]
        rows.extend(
            unit_rows or [UnfundedRow(str(keys[m]), None, None, 0.0, reason) for m in unit.members]
        )
    return rows


def gap_matrix(unit: Unit, spend: np.ndarray, budget: np.ndarray, carry_over: bool) -> np.ndarray:
    """How much each line's budget must grow, per programme year, to add `unit` in its
    target year to the scheduled spend (see the module docstring)."""
    extra = spend_of(unit.cost, unit.target, budget.shape[1])
    excess = spend + extra - budget
    if not carry_over:
        gaps_now: np.ndarray = np.clip(excess, 0.0, None) * (extra > 0)
        return gaps_now
    gaps = np.zeros_like(budget)
    shortfall = np.clip(-np.cumsum(-excess, axis=1).min(axis=1, initial=0.0), 0.0, None)
    for line in np.flatnonzero((shortfall > HALF_A_CENT) & (extra > 0).any(axis=1)):
        first = np.flatnonzero(extra[line] > 0)[0]
        gaps[line, first] = shortfall[line]
    return gaps
