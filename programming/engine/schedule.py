"""Schedule: choose a start year for every unit within budget.

The exact MILP (milp.py) is used up to `max_exact_works` works, the LP-guided greedy
heuristic (heuristic.py) above that. When the MILP stops at its time limit without proving its
answer optimal, the heuristic also runs and the better of the two is kept.

What cannot be scheduled, why, and the money that would fund it: unfunded.py.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

import numpy as np

from programming.engine.graafrust import ClosedPairs
from programming.engine.heuristic import solve_heuristically, start_relaxation
from programming.engine.instance import Parameters
from programming.engine.milp import NO_SOLUTION, TIME_LIMIT, solve_exactly
from programming.engine.polish import polish_plan
from programming.engine.units import (
    CarryOver,
    Plan,
    Unit,
    cost_rows,
    must_do_missed,
    work_years,
)

EXACT = "milp"
HEURISTIC = "heuristic"


def schedule(
    units: Sequence[Unit],
    budget: np.ndarray,
    params: Parameters,
    method: str | None = None,
    pairs: ClosedPairs | None = None,
    carry_over: CarryOver | None = None,
    *,
    start: np.ndarray | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> Plan:
    """A start year per unit (−1: not scheduled), keeping graafrust between `pairs`
    (graafrust.py) wherever windows and budgets allow; `carry_over` per row of `budget`
    (frames.py: a team's hours never carry over), else `params.carry_over` for all rows.
    `start`: a base plan's start-year index per unit (`warm_start_units`), the MILP's
    starting solution; the heuristic builds its own. `meanwhile` is called once on this
    thread while HiGHS solves the heuristic's LP on another, or before the MILP (`run`).

    Steps:
    1. Choose the method: `method` when given, else exact up to `max_exact_works` works.
    2. Exact: solve the MILP; if it stops at the time limit, run the heuristic too and
       keep the better plan (more must-do works, then the higher objective).
       Heuristic: the LP-guided greedy rule.
    3. Polish the plan: repair avoidable graafrust breaks, units to their target years
       where budgets allow (polish.py), and report the gap between its objective and the
       best bound.
    """
    n_works = len({work for unit in units for work in unit.members})
    if method is None:
        method = EXACT if n_works <= params.max_exact_works else HEURISTIC
    limit = params.time_limit
    carry_over = params.carry_over if carry_over is None else carry_over
    with ThreadPoolExecutor(1) as pool:
        relaxation = None
        if method == HEURISTIC:
            relaxation = start_relaxation(units, budget, carry_over, limit, pool)
        # The rows each unit's cost touches, found while HiGHS solves the LP, and the
        # caller's own work.
        touched = cost_rows([unit.cost for unit in units])
        if meanwhile is not None:
            meanwhile()
        if relaxation is not None:
            plan = solve_heuristically(units, budget, carry_over, relaxation, touched, pairs)
        else:
            plan = solve_exactly(units, budget, carry_over, limit, pairs, params.mip_gap, start)
            if plan.status in (TIME_LIMIT, NO_SOLUTION):
                relaxation = start_relaxation(units, budget, carry_over, limit, pool)
                other = solve_heuristically(units, budget, carry_over, relaxation, touched, pairs)
                if merit(units, other) > merit(units, plan):
                    status = f"{plan.status}, heuristiek beter"
                    plan = replace(other, status=status, best_bound=plan.best_bound)
    plan = polish_plan(units, plan, budget, carry_over, touched, pairs)
    if plan.best_bound is None:
        return plan
    gap = max(plan.best_bound - plan.objective, 0.0) / max(abs(plan.objective), 1e-9)
    return replace(plan, gap=gap)


def warm_start_units(
    units: Sequence[Unit], keys: Sequence[str], warm_start: Mapping[str, int], first_year: int
) -> np.ndarray | None:
    """A base plan (work key → start year, `Instance.warm_start`) as a start-year index
    per unit (−1: not placed), or None when there is no base plan.

    A unit starts in year y when all its members start in y in the base plan and y is
    one of its feasible years. Larger units are matched first and a work is placed at
    most once: a stored plan tells the year, not whether a proposed cluster's works were
    placed as the cluster or apart, and the cluster is the cheaper of the two. Works the
    base plan does not have are not placed in the start.
    """
    if not warm_start:
        return None
    missing = -(1 << 30)
    year = np.array([warm_start.get(key, missing) for key in keys], dtype=np.int64) - first_year
    start = np.full(len(units), -1)
    taken = np.zeros(len(keys), dtype=bool)
    for u in sorted(range(len(units)), key=lambda u: -len(units[u].members)):
        members = list(units[u].members)
        first = int(year[members[0]])
        if (year[members] == first).all() and first in units[u].years and not taken[members].any():
            start[u] = first
            taken[members] = True
    return start


def merit(units: Sequence[Unit], plan: Plan) -> tuple[int, float]:
    """How plans compare: the fewest must-do works missed, then the highest objective."""
    return -must_do_missed(units, plan.start), plan.objective


def scheduled_years(units: Sequence[Unit], plan: Plan, n_works: int, first_year: int) -> np.ndarray:
    """Start year per work (float, NaN when not scheduled)."""
    years: np.ndarray = first_year + work_years(units, plan.start, n_works)
    return years


def coupling_discounts(units: Sequence[Unit], plan: Plan, n_works: int) -> np.ndarray:
    """Per work, the part of its cost saved by the cluster unit it is placed in (0 when
    placed alone or not at all)."""
    discount = np.zeros(n_works)
    for unit, start in zip(units, plan.start, strict=True):
        if start >= 0 and unit.discount:
            discount[list(unit.members)] = unit.discount
    return discount
