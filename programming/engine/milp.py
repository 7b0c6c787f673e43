"""The exact schedule: a binary MILP solved by HiGHS through scipy.optimize.milp.

Variables: x[u, y] ∈ {0, 1} for every unit u and each of its feasible start years y.

Constraints:

- each work is placed at most once, on its own or in one cluster unit:
  Σ_{u ∋ w, y} x[u, y] ≤ 1, and exactly once for a must-do work;
- for every budget line l and programme year t, the spend of the units running then
  stays within the budget: Σ_{u,y} cost[u, l, t − y] · x[u, y] ≤ budget[l, t]
  (with carry-over the sums run over all years up to t on both sides).

Objective: maximise Σ coefficient(u, y) · x[u, y] (see units: the value, a tiny reward
for any placed unit and a tiny preference for the target year).

When the must-do works cannot all fit, the model is solved again with "exactly once"
relaxed to "at most once" and a bonus per must-do work larger than all other rewards
together: as many must-do works as possible are placed, then the most value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, vstack

from programming.engine.units import (
    Plan,
    Unit,
    coefficient,
    objective_of,
    spend_of,
    value_epsilon,
)

#: Relative optimality gap at which HiGHS stops: small enough to prove the optimum of
#: every instance whose values differ visibly.
MIP_REL_GAP = 1e-6

OPTIMAL = "optimal"
TIME_LIMIT = "time_limit"
INFEASIBLE = "infeasible"
MUST_DO_INFEASIBLE = "must_do_infeasible"
NO_SOLUTION = "no_solution"


@dataclass(frozen=True)
class Model:
    """The MILP: one column per (unit, feasible year); one assignment row per work that
    is in a unit, then the budget rows."""

    var_unit: np.ndarray
    var_year: np.ndarray
    reward: np.ndarray
    matrix: csr_matrix
    upper: np.ndarray
    n_units: int
    must_do: np.ndarray  # per assignment row: the work must be done

    def assignment_lower(self, must_do: bool) -> np.ndarray:
        """Lower bounds of all rows: 1 for must-do works when `must_do`, else none."""
        assigned = self.must_do.astype(float) if must_do else np.zeros(len(self.must_do))
        return np.concatenate([assigned, np.full(len(self.upper) - len(assigned), -np.inf)])


def solve_exactly(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: bool,
    time_limit: float,
) -> Plan:
    """Solve the schedule MILP; the plan's status tells whether it is proven optimal.

    Steps:
    1. Build the model: variables, rewards, assignment and budget rows.
    2. Solve with HiGHS under the time limit.
    3. If the must-do rows make it infeasible, solve again with the must-do bonus.
    4. Read the start year per unit, the objective, the best bound and the gap.
    """
    if not units:
        return Plan(np.full(0, -1), "milp", OPTIMAL, 0.0, 0.0, 0.0)
    model = build_model(units, budget, carry_over)
    status, start, bound, gap = _solve(model, model.reward, True, time_limit)
    if status == INFEASIBLE and model.must_do.any():
        bonus = 1.0 + float(model.reward.sum())
        must_do = np.array([unit.must_do for unit in units], dtype=float)
        boosted = model.reward + bonus * must_do[model.var_unit]
        status, start, _, _ = _solve(model, boosted, False, time_limit)
        status, bound, gap = (MUST_DO_INFEASIBLE if start is not None else status), None, None
    if start is None:
        return Plan(np.full(len(units), -1), "milp", status, 0.0)
    objective = objective_of(units, start, budget.shape[1])
    return Plan(start, "milp", status, objective, bound, gap)


def build_model(units: Sequence[Unit], budget: np.ndarray, carry_over: bool) -> Model:
    """Variables (unit, feasible year), their rewards, and the constraint rows."""
    horizon = budget.shape[1]
    var_unit = np.array([u for u, unit in enumerate(units) for _ in unit.years], dtype=int)
    var_year = np.array([y for unit in units for y in unit.years], dtype=int)
    epsilon = value_epsilon(units)
    reward = np.array(
        [
            coefficient(units[u], int(y), horizon, epsilon)
            for u, y in zip(var_unit, var_year, strict=True)
        ]
    )
    assignment, must_do = assignment_rows(units, var_unit)
    spend, limit = budget_rows(units, var_unit, var_year, budget, carry_over)
    return Model(
        var_unit=var_unit,
        var_year=var_year,
        reward=reward,
        matrix=vstack([assignment, spend]).tocsr(),
        upper=np.concatenate([np.ones(assignment.shape[0]), limit]),
        n_units=len(units),
        must_do=must_do,
    )


def assignment_rows(units: Sequence[Unit], var_unit: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
    """One row per work in a unit: 1 in every column of a unit that holds it; and per
    row whether the work must be done. A work's own unit (or its accepted cluster's) is
    the only one of its units that is not an alternative, and tells."""
    works = sorted({w for unit in units for w in unit.members})
    row_of = {w: r for r, w in enumerate(works)}
    must_do = np.zeros(len(works), dtype=bool)
    unit_rows = []
    for unit in units:
        unit_rows.append([row_of[w] for w in unit.members])
        if unit.must_do and not unit.alternative:
            must_do[unit_rows[-1]] = True
    counts = np.array([len(unit_rows[u]) for u in var_unit], dtype=int)
    rows = np.concatenate([unit_rows[u] for u in var_unit]) if len(var_unit) else np.array([])
    cols = np.repeat(np.arange(len(var_unit)), counts)
    matrix = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(works), len(var_unit)))
    return matrix, must_do


def budget_rows(
    units: Sequence[Unit],
    var_unit: np.ndarray,
    var_year: np.ndarray,
    budget: np.ndarray,
    carry_over: bool,
) -> tuple[csr_matrix, np.ndarray]:
    """One row per line and programme year, each scaled so its limit (or largest entry) is 1."""
    lines, horizon = budget.shape
    rows, cols, vals = [], [], []
    for k, (u, y) in enumerate(zip(var_unit, var_year, strict=True)):
        spend = spend_of(units[u].cost, int(y), horizon)
        if carry_over:
            spend = np.cumsum(spend, axis=1)
        line, year = np.nonzero(spend)
        rows.append(line * horizon + year)
        cols.append(np.full(len(line), k))
        vals.append(spend[line, year])
    matrix = csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(lines * horizon, len(var_unit)),
    )
    limit = (np.cumsum(budget, axis=1) if carry_over else budget).ravel()
    largest = np.asarray(abs(matrix).max(axis=1).todense()).ravel()
    scale = 1.0 / np.maximum(np.maximum(limit, largest), 1.0)
    return csr_matrix(matrix.multiply(scale[:, None])), limit * scale


def _solve(
    model: Model, reward: np.ndarray, must_do: bool, time_limit: float
) -> tuple[str, np.ndarray | None, float | None, float | None]:
    """One HiGHS run: (status, start year index per unit, best bound, gap)."""
    result = milp(
        -reward,
        integrality=np.ones(len(reward), dtype=int),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(model.matrix, model.assignment_lower(must_do), model.upper),
        options={"time_limit": time_limit, "mip_rel_gap": MIP_REL_GAP, "disp": False},
    )
    status = {0: OPTIMAL, 1: TIME_LIMIT, 2: INFEASIBLE}.get(result.status, NO_SOLUTION)
    if result.x is None:
        return (NO_SOLUTION if status == TIME_LIMIT else status), None, None, None
    start = np.full(model.n_units, -1)
    chosen = result.x > 0.5
    start[model.var_unit[chosen]] = model.var_year[chosen]
    bound = None if result.mip_dual_bound is None else -float(result.mip_dual_bound)
    gap = None if result.mip_gap is None else float(result.mip_gap)
    return status, start, bound, gap
