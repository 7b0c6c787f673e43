"""The heuristic schedule for instances above `max_exact_works`: LP-guided greedy.

Rule:

1. Solve the LP relaxation of the MILP (milp.py with 0 ≤ x ≤ 1 instead of binary) with
   HiGHS. Its objective is an upper bound on any schedule, reported as the best bound.
2. Order the units: must-do units first, then by how much of the unit the LP schedules
   (Σ_y x[u, y], 1 = fully), then by value density — value divided by the unit's weight,
   where weight = Σ over lines of (its cost on the line / the line's total budget over
   the horizon), so a euro on a scarce line weighs more than a euro on a rich one.
3. Place each unit in the first of its feasible years that still fits every line's
   budget (with carry-over, every line's cumulative budget) and breaks no graafrust next
   to the units already placed, trying years in order of the LP's weight for them, then
   nearest the target year. If every fitting year breaks graafrust, the unit takes the
   one with the fewest breaks when its value outweighs what they cost
   (`graafrust_weight` each), as in the MILP. A unit that fits nowhere stays unscheduled.

If the LP fails (time limit), step 2 orders by density alone and step 3 tries years
nearest the target first: the plain greedy rule, which gives no bound.

On a synthetic municipality of 5,000 works the LP takes about 0.3 s and the result lies
within 1% of the LP bound — better than what the MILP reaches in 30 s at that size
(docs/engine.md). On the instances both can solve, the MILP is never worse (tested).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Executor, Future

import highspy
import numpy as np

from programming.engine.graafrust import ClosedPairs, breaches_at
from programming.engine.milp import Model, build_model, highs_model
from programming.engine.units import (
    CarryOver,
    CostRows,
    Ledger,
    Plan,
    Unit,
    must_do_missed,
    objective_of,
    placed_works,
)

FEASIBLE = "feasible"
MUST_DO_INFEASIBLE = "must_do_infeasible"


def solve_heuristically(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: CarryOver,
    relaxation: Future[Relaxed | None],
    touched: CostRows,
    pairs: ClosedPairs | None = None,
) -> Plan:
    """The LP-guided greedy plan, with the LP bound (see the module docstring).
    `relaxation`: `start_relaxation`'s LP, which HiGHS solves while the units' densities
    are found here; `touched`: `cost_rows` of the units."""
    if not units:
        return Plan(np.full(0, -1), "heuristic", FEASIBLE, 0.0, 0.0, 0.0)
    density = value_density(units, budget)
    must_do_last = np.array([not unit.must_do for unit in units])
    relaxed = relaxation.result()
    if relaxed is None:
        return solve_greedily(units, budget, carry_over, touched, pairs)
    share, year_weight, bound = relaxed
    # Must-do first, then by LP share, then by density; lexsort is stable: then by index.
    order = np.lexsort((-density, -share.round(6), must_do_last)).tolist()

    def by_lp_weight(unit: Unit, weight: dict[int, float]) -> list[int]:
        return sorted(
            unit.years, key=lambda y: (-round(weight.get(y, 0.0), 6), abs(y - unit.target), y)
        )

    years = [by_lp_weight(unit, weight) for unit, weight in zip(units, year_weight, strict=True)]
    plan = place_in_order(units, budget, carry_over, touched, order, years, pairs)
    gap = (bound - plan.objective) / max(abs(plan.objective), 1e-9)
    return Plan(plan.start, plan.solver, plan.status, plan.objective, bound, max(gap, 0.0))


def solve_greedily(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: CarryOver,
    touched: CostRows,
    pairs: ClosedPairs | None = None,
) -> Plan:
    """The plain greedy rule: densest first, each in the fitting year nearest its target."""
    density = value_density(units, budget)
    order = sorted(range(len(units)), key=lambda u: (not units[u].must_do, -density[u], u))

    def nearest_target_first(unit: Unit) -> list[int]:
        return sorted(unit.years, key=lambda y: (abs(y - unit.target), y))

    years = [nearest_target_first(unit) for unit in units]
    return place_in_order(units, budget, carry_over, touched, order, years, pairs)


def place_in_order(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: CarryOver,
    touched: CostRows,
    order: Sequence[int],
    years: Sequence[Sequence[int]],
    pairs: ClosedPairs | None = None,
) -> Plan:
    """Place the units in `order`, each in the first of its `years` that fits and breaks
    no graafrust, else in the fitting year with the fewest breaks if its value outweighs
    their cost (module docstring)."""
    horizon = budget.shape[1]
    pairs = pairs or ClosedPairs.none(len(placed_works(units, np.full(len(units), -1))))
    closers, openers = pairs.closers_of(pairs.n_works), pairs.openers_of(pairs.n_works)
    year_of = np.full(pairs.n_works, np.nan)
    ledger = Ledger(budget, carry_over, touched)
    start = np.full(len(units), -1)
    taken: set[int] = set()
    for u in order:
        unit = units[u]
        if taken.intersection(unit.members):
            continue
        best: tuple[int, int, list[list[float]]] | None = None  # (breaks, year, spend)
        for year in years[u]:
            candidate = ledger.fits(u, year)
            if candidate is None:
                continue
            breaks = breaches_at(unit.members, year, year_of, closers, openers, pairs.years)
            if best is None or breaks < best[0]:
                best = (breaks, year, candidate)
            if breaks == 0:
                break
        if best is not None and (
            best[0] == 0 or unit.must_do or unit.value > pairs.weight * best[0]
        ):
            ledger.book(u, best[2])
            start[u] = best[1]
            taken.update(unit.members)
            year_of[list(unit.members)] = best[1]
    status = MUST_DO_INFEASIBLE if must_do_missed(units, start) else FEASIBLE
    return Plan(start, "heuristic", status, objective_of(units, start, horizon, pairs))


#: The LP relaxation's answer: per unit the share scheduled and the weight per year,
#: and the LP objective (an upper bound on any schedule).
Relaxed = tuple[np.ndarray, list[dict[int, float]], float]


def start_relaxation(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: CarryOver,
    time_limit: float,
    pool: Executor,
) -> Future[Relaxed | None]:
    """The LP relaxation, built here and solved in `pool`: HiGHS lets go of the GIL
    while it solves, so the caller's thread computes what the greedy needs beside it
    (the city: the units' cost rows and densities, ~1 s, during the LP's 6-9 s). The LP
    leaves the graafrust rows out: fewer constraints can only raise the bound."""
    if not units:  # no LP to solve: `solve_heuristically` plans nothing
        return pool.submit(lambda: None)
    model = build_model(units, budget, carry_over)
    return pool.submit(solve_relaxation, model, len(units), time_limit)


def solve_relaxation(model: Model, n_units: int, time_limit: float) -> Relaxed | None:
    """Solve the LP relaxation (`Relaxed`), or None when HiGHS finds no optimum in time.
    Must-do rows are dropped if they make it infeasible."""
    for must_do in (True, False):
        highs = highs_model(
            model.reward, model.matrix, model.assignment_lower(must_do), model.upper
        )
        highs.setOptionValue("time_limit", float(time_limit))
        # HiGHS's presolve costs more than it saves on this LP (city: 8.6 s → 6.4 s), and
        # so does its scaling: the rows are a work's 0/1 assignment and a line's euros,
        # and the dual simplex takes 25-35% less time on them unscaled (city: 10.3-13.2 s
        # → 7.2-8.8 s, the same optimum).
        highs.setOptionValue("presolve", "off")
        highs.setOptionValue("simplex_scale_strategy", 0)
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            break
    else:
        return None
    x = np.asarray(highs.getSolution().col_value)
    objective = -float(highs.getInfo().objective_function_value)
    share = np.zeros(n_units)
    np.add.at(share, model.var_unit, x)
    year_weight: list[dict[int, float]] = [{} for _ in range(n_units)]
    for u, y, value in zip(
        model.var_unit.tolist(), model.var_year.tolist(), x.tolist(), strict=True
    ):
        year_weight[u][y] = value
    return share, year_weight, objective


def value_density(units: Sequence[Unit], budget: np.ndarray) -> np.ndarray:
    """Value per unit of budget weight; infinite for a unit that costs nothing."""
    line_total = budget.sum(axis=1)
    # A line without budget makes any cost on it very heavy rather than infinitely so.
    scarcity = 1.0 / np.where(line_total > 0, line_total, 1e-9)
    weight = np.array([float(unit.cost.sum(axis=1) @ scarcity) for unit in units])
    value = np.array([unit.value for unit in units])
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(weight > 0, value / weight, np.inf)
