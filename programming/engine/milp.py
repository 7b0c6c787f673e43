"""The exact schedule: a binary MILP solved by HiGHS (scipy.optimize.milp; highspy when
warm-started).

Variables: x[u, y] ∈ {0, 1} for every unit u and each of its feasible start years y.

Constraints:

- each work is placed at most once, on its own or in one cluster unit:
  Σ_{u ∋ w, y} x[u, y] ≤ 1, and exactly once for a must-do work;
- for every budget line l and programme year t, the spend of the units running then
  stays within the budget: Σ_{u,y} cost[u, l, t − y] · x[u, y] ≤ budget[l, t]
  (with carry-over the sums run over all years up to t on both sides).

- graafrust (graafrust.py): for every pair (reconstruction r, opening o) of neighbours
  and every start year t of r, r in t and o in (t, t + graafrust_years] not both:
  Σ_{u ∋ r} x[u, t] + Σ_{v ∋ o, v ∌ r, t < s ≤ t + g} x[v, s] ≤ 1 + b[r, o, t], where the
  slack b costs `graafrust_weight` points; and the same with s > t + g and a slack that
  costs the dig-before-pave tie-break.

Objective: maximise Σ coefficient(u, y) · x[u, y] (see units: the value, a tiny reward
for any placed unit and a tiny preference for the target year) less the slacks' costs.

When the must-do works cannot all fit, the model is solved again with "exactly once"
relaxed to "at most once" and a bonus per must-do work larger than all other rewards
together: as many must-do works as possible are placed, then the most value.

HiGHS stops when it has proven the plan within `mip_gap` of the best possible objective.
Models up to `EXACT_COLUMNS` columns are solved to 10⁻⁶, so every tie-break holds; on
larger ones a multi-year knapsack's last fractions of a percent cost minutes of
branching for no visible difference, and the plan reports its proven gap instead.

Warm start: given a base plan (a start year per unit), HiGHS receives it as a starting
solution, so a re-plan after a small change (one budget line, whatif.py) begins from a
good incumbent and mostly has to prove it or improve it. The start is a hint only: the
unit columns are given and HiGHS completes the slacks; a start that breaks the new
budgets is repaired or dropped by HiGHS, and the answer is the same optimum as without
it (within the tolerance). scipy.optimize.milp cannot pass a start, so a warm-started
solve goes through highspy, pinned to the HiGHS scipy bundles (1.12): with the same
solver a start changes the time, not the plan it proves (docs/whatif.md, "Warm start").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, vstack

from programming.engine.graafrust import DIG_BEFORE_PAVE, ClosedPairs
from programming.engine.units import (
    CarryOver,
    Plan,
    Unit,
    carried,
    coefficients,
    objective_of,
    value_epsilon,
)

#: Relative optimality gap at which HiGHS stops: small enough to prove the optimum of
#: every instance whose values differ visibly.
MIP_REL_GAP = 1e-6
#: Models with at most this many columns are solved to MIP_REL_GAP whatever `mip_gap` says.
EXACT_COLUMNS = 2000

OPTIMAL = "optimal"
TIME_LIMIT = "time_limit"
INFEASIBLE = "infeasible"
MUST_DO_INFEASIBLE = "must_do_infeasible"
NO_SOLUTION = "no_solution"


@dataclass(frozen=True)
class Model:
    """The MILP: one column per (unit, feasible year), then the graafrust slacks; one
    assignment row per work that is in a unit, then the budget rows, then the graafrust
    rows."""

    var_unit: np.ndarray  # per unit column
    var_year: np.ndarray
    reward: np.ndarray  # per column, slacks included (negative: their cost)
    matrix: csr_matrix
    upper: np.ndarray
    n_units: int
    must_do: np.ndarray  # per assignment row: the work must be done

    @property
    def integrality(self) -> np.ndarray:
        """1 for the unit columns (binary), 0 for the slacks."""
        flags = np.zeros(len(self.reward), dtype=int)
        flags[: len(self.var_unit)] = 1
        return flags

    def assignment_lower(self, must_do: bool) -> np.ndarray:
        """Lower bounds of all rows: 1 for must-do works when `must_do`, else none."""
        assigned = self.must_do.astype(float) if must_do else np.zeros(len(self.must_do))
        return np.concatenate([assigned, np.full(len(self.upper) - len(assigned), -np.inf)])


def solve_exactly(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: CarryOver,
    time_limit: float,
    pairs: ClosedPairs | None = None,
    mip_gap: float = MIP_REL_GAP,
    start: np.ndarray | None = None,
) -> Plan:
    """Solve the schedule MILP; the plan's status tells whether it is proven optimal.
    `start`: a start-year index per unit (−1: not placed), given to HiGHS as its
    starting solution (module docstring).

    Steps:
    1. Build the model: variables, rewards, assignment and budget rows.
    2. Solve with HiGHS under the time limit, from `start` when given.
    3. If the must-do rows make it infeasible, solve again with the must-do bonus.
    4. Read the start year per unit, the objective, the best bound and the gap.
    """
    if not units:
        return Plan(np.full(0, -1), "milp", OPTIMAL, 0.0, 0.0, 0.0)
    model = build_model(units, budget, carry_over, pairs)
    tolerance = MIP_REL_GAP if len(model.reward) <= EXACT_COLUMNS else max(mip_gap, MIP_REL_GAP)
    initial = None if start is None else start_columns(model, start)
    status, placed, bound, gap = _solve(model, model.reward, True, time_limit, tolerance, initial)
    if status == INFEASIBLE and model.must_do.any():
        rewards = model.reward[: len(model.var_unit)]
        # Larger than all rewards and all graafrust costs together: a must-do work is
        # placed even where it breaks graafrust.
        bonus = 1.0 + float(np.abs(model.reward).sum())
        must_do = np.array([unit.must_do for unit in units], dtype=float)
        boosted = model.reward.copy()
        boosted[: len(rewards)] += bonus * must_do[model.var_unit]
        status, placed, _, _ = _solve(model, boosted, False, time_limit, tolerance, initial)
        status, bound, gap = (MUST_DO_INFEASIBLE if placed is not None else status), None, None
    if placed is None:
        return Plan(np.full(len(units), -1), "milp", status, 0.0)
    objective = objective_of(units, placed, budget.shape[1], pairs)
    return Plan(placed, "milp", status, objective, bound, gap)


def start_columns(model: Model, start: np.ndarray) -> np.ndarray:
    """The unit columns' values (0 or 1) of a plan given as a start-year index per unit."""
    chosen: np.ndarray = start[model.var_unit] == model.var_year
    return chosen.astype(float)


def build_model(
    units: Sequence[Unit],
    budget: np.ndarray,
    carry_over: CarryOver,
    pairs: ClosedPairs | None = None,
) -> Model:
    """Variables (unit, feasible year) and slacks, their rewards, and the constraint
    rows. Without `pairs` there are no graafrust rows: the relaxation the heuristic
    solves for its bound (leaving rows out can only raise the bound, so it stays one)."""
    horizon = budget.shape[1]
    var_unit = np.repeat(np.arange(len(units)), [len(unit.years) for unit in units])
    var_year = np.array([y for unit in units for y in unit.years], dtype=int)
    epsilon = value_epsilon(units)
    reward = coefficients(units, var_unit, var_year, horizon, epsilon)
    assignment, must_do = assignment_rows(units, var_unit)
    spend, limit = budget_rows(units, var_unit, var_year, budget, carry_over)
    closed, cost = graafrust_rows(units, var_unit, var_year, pairs, epsilon)
    n_slacks = len(cost)
    blocks = [assignment, spend]
    if n_slacks:
        blocks = [
            csr_matrix(
                (assignment.data, assignment.indices, assignment.indptr),
                shape=(assignment.shape[0], len(var_unit) + n_slacks),
            ),
            csr_matrix(
                (spend.data, spend.indices, spend.indptr),
                shape=(spend.shape[0], len(var_unit) + n_slacks),
            ),
            closed,
        ]
    return Model(
        var_unit=var_unit,
        var_year=var_year,
        reward=np.concatenate([reward, -cost]),
        matrix=vstack(blocks).tocsr(),
        upper=np.concatenate([np.ones(assignment.shape[0]), limit, np.ones(n_slacks)]),
        n_units=len(units),
        must_do=must_do,
    )


def graafrust_rows(
    units: Sequence[Unit],
    var_unit: np.ndarray,
    var_year: np.ndarray,
    pairs: ClosedPairs | None,
    epsilon: float,
) -> tuple[csr_matrix, np.ndarray]:
    """The graafrust rows (module docstring), one slack column each, and the slacks'
    costs. A row is only written where both sides have a column."""
    n_columns = len(var_unit)
    if pairs is None or not len(pairs):
        return csr_matrix((0, n_columns)), np.zeros(0)
    columns: dict[int, dict[int, list[int]]] = {}  # work → year → columns of its units
    for k, (u, y) in enumerate(zip(var_unit, var_year, strict=True)):
        for w in units[u].members:
            columns.setdefault(w, {}).setdefault(int(y), []).append(k)
    rows: list[list[int]] = []
    cost: list[float] = []
    late_cost = DIG_BEFORE_PAVE * epsilon
    for r, o in zip(pairs.closing, pairs.opening, strict=True):
        at, along = columns.get(int(r), {}), columns.get(int(o), {})
        if not at or not along:
            continue
        apart = {
            s: [k for k in ks if r not in units[var_unit[k]].members] for s, ks in along.items()
        }
        for t, closing in at.items():
            within = [k for s, ks in apart.items() if t < s <= t + pairs.years for k in ks]
            late = [k for s, ks in apart.items() if s > t + pairs.years for k in ks]
            for opening, price in ((within, pairs.weight), (late, late_cost)):
                if opening and price > 0:
                    rows.append(closing + opening)
                    cost.append(price)
    if not rows:
        return csr_matrix((0, n_columns)), np.zeros(0)
    slack = n_columns + np.arange(len(rows))
    row_index = np.repeat(np.arange(len(rows)), [len(cols) + 1 for cols in rows])
    col_index = np.concatenate([np.append(cols, s) for cols, s in zip(rows, slack, strict=True)])
    values = np.concatenate([np.append(np.ones(len(cols)), -1.0) for cols in rows])
    matrix = csr_matrix((values, (row_index, col_index)), shape=(len(rows), n_columns + len(rows)))
    return matrix, np.array(cost)


def assignment_rows(units: Sequence[Unit], var_unit: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
    """One row per work in a unit: 1 in every column of a unit that holds it; and per
    row whether the work must be done. A work's own unit (or its accepted cluster's) is
    the only one of its units that is not an alternative, and tells."""
    count = np.array([len(unit.members) for unit in units], dtype=int)
    member = np.array([w for unit in units for w in unit.members], dtype=int)
    works, row_of = np.unique(member, return_inverse=True)
    owns = np.repeat([unit.must_do > 0 and not unit.alternative for unit in units], count)
    must_do = np.zeros(len(works), dtype=bool)
    must_do[row_of[owns]] = True
    cols, entry = _entries(count, var_unit)
    matrix = csr_matrix(
        (np.ones(len(entry)), (row_of[entry], cols)), shape=(len(works), len(var_unit))
    )
    return matrix, must_do


def budget_rows(
    units: Sequence[Unit],
    var_unit: np.ndarray,
    var_year: np.ndarray,
    budget: np.ndarray,
    carry_over: CarryOver,
) -> tuple[csr_matrix, np.ndarray]:
    """One row per line and programme year, each scaled so its limit (or largest entry) is 1.

    A unit's spend profile (per line and year from its start; with carry-over cumulated
    to the horizon) is the same in every column of it, shifted to the column's year."""
    lines, horizon = budget.shape
    cost = np.stack([unit.cost for unit in units])
    length = min(cost.shape[2], horizon)
    profile = np.zeros((len(units), lines, horizon if np.any(carry_over) else length))
    profile[:, :, :length] = cost[:, :, :length]
    profile = carried(profile, carry_over)
    unit, line, offset = np.nonzero(profile)
    cols, entry = _entries(np.bincount(unit, minlength=len(units)), var_unit)
    year = offset[entry] + var_year[cols]
    inside = year < horizon
    entry, cols, year = entry[inside], cols[inside], year[inside]
    matrix = csr_matrix(
        (profile[unit[entry], line[entry], offset[entry]], (line[entry] * horizon + year, cols)),
        shape=(lines * horizon, len(var_unit)),
    )
    limit = carried(budget, carry_over).ravel()
    largest = np.asarray(abs(matrix).max(axis=1).todense()).ravel()
    scale = 1.0 / np.maximum(np.maximum(limit, largest), 1.0)
    return csr_matrix(matrix.multiply(scale[:, None])), limit * scale


def _entries(count: np.ndarray, var_unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For per-unit runs of entries (`count` each, stored one unit after the other), every
    (column, entry) pair: each column takes all the entries of its unit."""
    first = np.cumsum(count) - count
    per_column = count[var_unit]
    cols = np.repeat(np.arange(len(var_unit)), per_column)
    within = np.arange(len(cols)) - np.repeat(np.cumsum(per_column) - per_column, per_column)
    return cols, np.repeat(first[var_unit], per_column) + within


def _solve(
    model: Model,
    reward: np.ndarray,
    must_do: bool,
    time_limit: float,
    tolerance: float,
    initial: np.ndarray | None = None,
) -> tuple[str, np.ndarray | None, float | None, float | None]:
    """One HiGHS run: (status, start year index per unit, best bound, gap); `initial`:
    the unit columns' values of a starting solution (highspy), else scipy's milp."""
    if initial is not None:
        return _solve_from(model, reward, must_do, time_limit, tolerance, initial)
    result = milp(
        -reward,
        integrality=model.integrality,
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(model.matrix, model.assignment_lower(must_do), model.upper),
        options={"time_limit": time_limit, "mip_rel_gap": tolerance, "disp": False},
    )
    status = {0: OPTIMAL, 1: TIME_LIMIT, 2: INFEASIBLE}.get(result.status, NO_SOLUTION)
    if result.x is None:
        return (NO_SOLUTION if status == TIME_LIMIT else status), None, None, None
    start = np.full(model.n_units, -1)
    chosen = result.x[: len(model.var_unit)] > 0.5
    start[model.var_unit[chosen]] = model.var_year[chosen]
    bound = None if result.mip_dual_bound is None else -float(result.mip_dual_bound)
    gap = None if result.mip_gap is None else float(result.mip_gap)
    return status, start, bound, gap


def _solve_from(
    model: Model,
    reward: np.ndarray,
    must_do: bool,
    time_limit: float,
    tolerance: float,
    initial: np.ndarray,
) -> tuple[str, np.ndarray | None, float | None, float | None]:
    """`_solve` through highspy, from the starting solution `initial`; the same
    statuses as scipy's milp gives."""
    lower = model.assignment_lower(must_do)
    highs = highs_model(reward, model.matrix, lower, model.upper, model.integrality)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", float(tolerance))
    highs.setSolution(len(initial), np.arange(len(initial), dtype=np.int32), initial)
    highs.run()
    status = _STATUS.get(highs.getModelStatus(), NO_SOLUTION)
    info = highs.getInfo()
    if status not in (OPTIMAL, TIME_LIMIT) or info.objective_function_value == highspy.kHighsInf:
        return (NO_SOLUTION if status == TIME_LIMIT else status), None, None, None
    x = np.asarray(highs.getSolution().col_value)
    start = np.full(model.n_units, -1)
    chosen = x[: len(model.var_unit)] > 0.5
    start[model.var_unit[chosen]] = model.var_year[chosen]
    return status, start, -float(info.mip_dual_bound), float(info.mip_gap)


_STATUS = {
    highspy.HighsModelStatus.kOptimal: OPTIMAL,
    highspy.HighsModelStatus.kTimeLimit: TIME_LIMIT,
    highspy.HighsModelStatus.kInfeasible: INFEASIBLE,
}


def highs_model(
    reward: np.ndarray,
    matrix: csr_matrix,
    lower: np.ndarray,
    upper: np.ndarray,
    integrality: np.ndarray | None = None,
) -> highspy.Highs:
    """A silent HiGHS holding: maximise `reward`·x over x in [0, 1] with `lower` ≤
    `matrix` x ≤ `upper` (−inf: no lower bound), as a minimisation of −reward (so a
    binding upper row has a dual ≤ 0); `integrality`: 1 for the integer columns, else
    the LP.

    The plain `_Highs` core, as scipy uses it: `highspy.Highs` prints a banner on the
    first construction in a process and starts callback machinery the engine has no
    use for."""
    columns = matrix.tocsc()
    n_columns, n_rows = len(reward), len(lower)
    lp = highspy.HighsLp()
    lp.num_col_ = n_columns
    lp.num_row_ = n_rows
    lp.col_cost_ = -np.asarray(reward, dtype=float)
    lp.col_lower_ = np.zeros(n_columns)
    lp.col_upper_ = np.ones(n_columns)
    lp.row_lower_ = np.where(np.isinf(lower), -highspy.kHighsInf, lower)
    lp.row_upper_ = np.asarray(upper, dtype=float)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.num_col_ = n_columns
    lp.a_matrix_.num_row_ = n_rows
    lp.a_matrix_.start_ = columns.indptr
    lp.a_matrix_.index_ = columns.indices
    lp.a_matrix_.value_ = columns.data.astype(float)
    if integrality is not None:
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[flag] for flag in integrality]
    highs: highspy.Highs = highspy._Highs()
    highs.setOptionValue("output_flag", False)
    highs.passModel(lp)
    return highs
