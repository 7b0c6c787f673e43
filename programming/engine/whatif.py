"""What extra money buys: the curve of one budget line in one year (issue #19 §2).

The council asks "what do we get for €X more on riolering in 2028?". The answer is
computed exactly: the schedule is solved again with the extra money in that cell, and
the plan is compared with the base plan. Everything before the schedule (the frames,
the couplings, the scores, the units) does not depend on the budget, so it is built
once (`stage`); each step re-solves the schedule alone, warm-started from the step
before (milp.py), which makes a step cost a fraction of a full computation.

Steps are the user's amounts (extra euros in that cell, each measured from the base
budget), or automatic: the smallest extra that brings in the next unfunded work. The
automatic search starts from the work's gap on that line and year (unfunded.py: the
least money that funds it with the rest of the plan fixed), re-solves, and when the
re-solve funds no new work (the plan may rearrange and spend the money elsewhere) it
doubles the increment, at most `MAX_TRIES` times. Then the next work, up to
`max_steps`.

The start of each re-solve is the plan before it with the extra money filled greedily:
the work asked about first (its own unit in the nearest year that fits), then the other
unplaced units by value. On a large instance the MILP stops within its tolerance
(`mip_gap`, 0.3% on the demo), which is more than one work is worth: started from the
old plan alone, HiGHS would prove it good enough and keep it, and the money would buy
nothing. Started from the filled plan, it keeps at least what the money buys greedily;
below `EXACT_COLUMNS` it proves the optimum either way (milp.py). When the solver's
plan is no better than the filled start by more than the solver's tolerance, the step
keeps the filled start: both are optimal within what the solver proves, and the step
should list what the money buys, not a reshuffle among equally good plans.

Per step: the works newly funded and dropped against the base plan, the value gained,
the street openings (sectoral and integrated, kpis.py) and the openings saved against
the base (openings avoided by coupling, more than in the base plan), per area, and the
savings of coupling.

LP duals only choose where to look (`where_to_look`): the shadow price of a budget row
in the schedule's LP relaxation says how much value one more euro would buy at the
margin, which ranks the line-years; the curve itself never uses them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import highspy
import numpy as np
import pandas as pd
from scipy.sparse import vstack

from programming.engine import columns as col
from programming.engine.graafrust import closed_years
from programming.engine.instance import Instance, InstanceError
from programming.engine.kpis import (
    OPENINGS_INTEGRATED,
    OPENINGS_SECTORAL,
    SAVED,
    opening_rows,
    spend_frame,
)
from programming.engine.milp import (
    EXACT_COLUMNS,
    MIP_REL_GAP,
    assignment_rows,
    budget_rows,
    highs_model,
)
from programming.engine.schedule import (
    coupling_discounts,
    schedule,
    scheduled_years,
    warm_start_units,
)
from programming.engine.staging import Staged, stage
from programming.engine.unfunded import HALF_A_CENT, find_unfunded
from programming.engine.units import (
    Plan,
    carried,
    coefficients,
    fitting_spends,
    objective_of,
    placed_works,
    total_spend,
    value_epsilon,
    within_budget,
)

#: How often the automatic search doubles an increment that funded no new work.
MAX_TRIES = 6
#: The most steps a curve has.
MAX_STEPS = 8
#: The status of a base plan taken as given (the stored plan), not solved again.
BASE = "basis"


@dataclass(frozen=True)
class Step:
    """One point of the curve: the plan with `extra` euros more in the curve's cell."""

    extra: float
    status: str
    #: Works funded now and not in the base plan, and the other way round (keys).
    funded: tuple[str, ...]
    dropped: tuple[str, ...]
    value: float
    value_gained: float
    openings_sectoral: int
    openings_integrated: int
    #: Openings avoided by coupling (sectoral − integrated), more than in the base plan.
    openings_saved: int
    #: Per area, the openings saved against the base plan (areas that save any).
    openings_saved_by_area: dict[str, int] = field(default_factory=dict)
    savings: float = 0.0
    savings_gained: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Curve:
    """What extra money on `line` in `year` buys: the base plan and the steps."""

    line: str
    year: int
    base: Step
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "year": self.year,
            "base": self.base.to_dict(),
            "steps": [step.to_dict() for step in self.steps],
        }


@dataclass(frozen=True)
class _Outcome:
    plan: Plan
    funded: frozenset[str]
    value: float
    sectoral: int
    integrated: int
    avoided_by_area: dict[str, int]
    savings: float


def money_curve(
    instance: Instance,
    line: str,
    year: int,
    amounts: Sequence[float] | None = None,
    max_steps: int = 5,
    staged: Staged | None = None,
) -> Curve:
    """The curve of extra money on `line` in `year` (module docstring): at `amounts`
    (extra euros, each from the base budget) or automatic, at most `max_steps` steps.

    Steps:
    1. Stage the instance once (or take `staged`); the base plan is the instance's
       warm start when that is a whole plan within budget, else solved from it.
    2. Per step, add the extra to the cell and re-solve the schedule from the plan of
       the step before; automatic steps search the extra first (`_next_step`).
    3. Compare every plan with the base plan.
    """
    staged = staged or stage(instance)
    params = instance.parameters
    if line not in staged.data.lines:
        raise InstanceError(f"onbekende budgetregel: {line}")
    if not params.first_year <= year <= params.last_year:
        raise InstanceError(f"{year} ligt buiten de looptijd")
    max_steps = max(0, min(max_steps, MAX_STEPS))
    cell = (staged.data.lines.index(line), year - params.first_year)
    base = _outcome(staged, _base_plan(staged))
    outcomes: list[tuple[float, _Outcome]] = []
    if amounts is not None:
        previous = base
        for extra in sorted({float(a) for a in amounts if a > 0})[:max_steps]:
            previous = _outcome(staged, _solve(staged, cell, extra, previous.plan.start))
            outcomes.append((extra, previous))
    else:
        extra, previous = 0.0, base
        while len(outcomes) < max_steps:
            found = _next_step(staged, cell, extra, previous)
            if found is None:
                break
            extra, previous = found
            outcomes.append(found)
    return Curve(
        line=line,
        year=year,
        base=_step(0.0, base, base),
        steps=tuple(_step(extra, outcome, base) for extra, outcome in outcomes),
    )


def where_to_look(instance: Instance, staged: Staged | None = None) -> list[tuple[str, int, float]]:
    """The budget cells where one more euro buys the most value at the margin: (line,
    year, value per euro) from the shadow prices of the budget rows in the schedule's LP
    relaxation (without graafrust), highest first, cells with a positive price only.

    Only a ranking: the LP may split works and the price holds for the first euros
    only; what money really buys is `money_curve`'s exact re-solve.
    """
    staged = staged or stage(instance)
    units, data = staged.units, staged.data
    if not units:
        return []
    params = instance.parameters
    carry = data.carry_over(params.carry_over)
    var_unit = np.repeat(np.arange(len(units)), [len(unit.years) for unit in units])
    var_year = np.array([y for unit in units for y in unit.years], dtype=int)
    reward = coefficients(units, var_unit, var_year, params.horizon, value_epsilon(units))
    assignment, must_do = assignment_rows(units, var_unit)
    # budget_rows scales each row by 1 / max(limit, largest entry, 1); against a budget
    # larger than any cost that is 1 / limit, so the rows come back in euros.
    huge = np.full(data.budget.shape, 1e12)
    scaled, _ = budget_rows(units, var_unit, var_year, huge, carry)
    spend = scaled.multiply(carried(huge, carry).ravel()[:, None]).tocsr()
    limit = carried(data.budget, carry).ravel()
    duals = None
    for lower in (must_do.astype(float), np.zeros(len(must_do))):
        highs = highs_model(
            reward,
            vstack([assignment, spend]).tocsr(),
            np.concatenate([lower, np.full(len(limit), -np.inf)]),
            np.concatenate([np.ones(len(must_do)), limit]),
        )
        highs.run()
        if highs.getModelStatus() == highspy.HighsModelStatus.kOptimal:
            duals = np.asarray(highs.getSolution().row_dual)[len(must_do) :]
            break
    if duals is None:
        return []
    # Minimising −reward, a binding ≤ row has a dual ≤ 0: −dual is value per euro. A euro
    # more in a cell raises the carried limits of that year and, on a carrying row, the
    # years after it: its price is the sum of theirs.
    price = -duals.reshape(data.budget.shape)
    price = carried(price[:, ::-1], carry)[:, ::-1]
    cells = [
        (line, params.first_year + t, float(price[i, t]))
        for i, line in enumerate(data.lines)
        for t in range(params.horizon)
        if price[i, t] > 1e-12
    ]
    return sorted(cells, key=lambda cell: (-cell[2], cell[0], cell[1]))


def _base_plan(staged: Staged) -> Plan:
    """The plan the steps are measured against: the instance's warm start when it is a
    whole plan within budget (the stored plan the user sees: no solve needed), else the
    schedule solved from it."""
    params = staged.instance.parameters
    start = warm_start_units(
        staged.units, staged.keys, staged.instance.warm_start, params.first_year
    )
    carry = staged.data.carry_over(params.carry_over)
    budget = staged.data.budget
    if start is not None:
        placed = placed_works(staged.units, start)
        given = {staged.keys[i] for i in np.flatnonzero(placed)}
        spend = total_spend(staged.units, start, (budget.shape[0], budget.shape[1]))
        if given == set(staged.instance.warm_start) and within_budget(spend, budget, carry):
            objective = objective_of(staged.units, start, params.horizon, staged.pairs)
            return Plan(start, "milp", BASE, objective)
    return schedule(staged.units, budget, params, None, staged.pairs, carry, start=start)


def _solve(
    staged: Staged,
    cell: tuple[int, int],
    extra: float,
    start: np.ndarray | None,
    first: str | None = None,
) -> Plan:
    """The schedule with `extra` euros more in `cell`, from `start` filled with the
    extra money (`_filled`; `first`: the key of the work to fill in first)."""
    params = staged.instance.parameters
    budget = staged.data.budget.copy()
    budget[cell] += extra
    carry = staged.data.carry_over(params.carry_over)
    if start is None or extra <= 0:
        return schedule(staged.units, budget, params, None, staged.pairs, carry, start=start)
    filled = _filled(staged, budget, carry, start, first)
    plan = schedule(staged.units, budget, params, None, staged.pairs, carry, start=filled)
    # Within the solver's tolerance both plans are optimal: keep the one that changes
    # least (the filled start), so a step lists what the money buys, not the solver's
    # reshuffling of equally good plans.
    columns = sum(len(unit.years) for unit in staged.units)
    tolerance = MIP_REL_GAP if columns <= EXACT_COLUMNS else max(params.mip_gap, MIP_REL_GAP)
    objective = objective_of(staged.units, filled, params.horizon, staged.pairs)
    if plan.objective - objective <= tolerance * max(abs(plan.objective), 1.0):
        return Plan(filled, plan.solver, plan.status, objective, plan.best_bound)
    return plan


def _filled(
    staged: Staged,
    budget: np.ndarray,
    carry: bool | np.ndarray,
    start: np.ndarray,
    first: str | None,
) -> np.ndarray:
    """`start` with unplaced units added where `budget` has room: the own unit of the
    work `first` before the others, then by value (highest first), each in the feasible
    year nearest its target that fits; a unit sharing a work with a placed one is
    skipped."""
    units = staged.units
    start = start.copy()
    placed = np.zeros(len(staged.keys), dtype=bool)
    done = placed_works(units, start)
    placed[: len(done)] = done
    spend = total_spend(units, start, (budget.shape[0], budget.shape[1]))
    order = sorted(range(len(units)), key=lambda u: -units[u].value)
    if first is not None:
        work = staged.keys.index(first)
        own = [u for u in order if work in units[u].members and not units[u].alternative]
        order = own + order
    for u in order:
        unit = units[u]
        members = list(unit.members)
        if start[u] >= 0 or placed[members].any():
            continue
        years = sorted(unit.years, key=lambda y: (abs(y - unit.target), y))
        spends, fits = fitting_spends(unit.cost, years, spend, budget, carry)
        fitting = np.flatnonzero(fits)
        if len(fitting):
            start[u] = years[int(fitting[0])]
            spend = spends[int(fitting[0])]
            placed[members] = True
    return start


def _next_step(
    staged: Staged, cell: tuple[int, int], extra: float, previous: _Outcome
) -> tuple[float, _Outcome] | None:
    """The smallest extra (found as the module docstring says) above `extra` whose plan
    funds a work `previous` does not; None when no unfunded work has a gap in the cell
    alone or the tries run out."""
    found = _smallest_gap(staged, cell, extra, previous.plan)
    if found is None:
        return None
    gap, work = found
    increment = float(math.ceil(gap))
    for _ in range(MAX_TRIES):
        trial = extra + increment
        outcome = _outcome(staged, _solve(staged, cell, trial, previous.plan.start, work))
        if outcome.funded - previous.funded:
            return trial, outcome
        increment *= 2
    return None


def _smallest_gap(
    staged: Staged, cell: tuple[int, int], extra: float, plan: Plan
) -> tuple[float, str] | None:
    """The least gap, and its work, among the unfunded works whose whole gap lies in
    `cell` (money elsewhere would be needed for the others), at budget + `extra` in the
    cell."""
    data, params = staged.data, staged.instance.parameters
    budget = data.budget.copy()
    budget[cell] += extra
    years = scheduled_years(staged.units, plan, len(data.works), params.first_year)
    rows = find_unfunded(
        data.works,
        staged.units,
        plan,
        budget,
        data.tensor,
        data.lines,
        params,
        staged.scores[col.SCHEDULING_VALUE].to_numpy(dtype=float),
        closed=closed_years(staged.pairs, years, params.horizon, params.first_year),
        neighbours=staged.couplings.neighbours,
        teams=data.teams,
    )
    line, year = data.lines[cell[0]], params.first_year + cell[1]
    elsewhere = {
        row.work
        for row in rows
        if row.gap > HALF_A_CENT and (row.budget_line, row.year) != (line, year)
    }
    gaps = [
        (row.gap, row.work)
        for row in rows
        if row.gap > HALF_A_CENT
        and (row.budget_line, row.year) == (line, year)
        and row.work not in elsewhere
    ]
    return min(gaps, default=None)


def _outcome(staged: Staged, plan: Plan) -> _Outcome:
    """What a plan funds, is worth, opens and saves."""
    data, params = staged.data, staged.instance.parameters
    n_works = len(data.works)
    years = scheduled_years(staged.units, plan, n_works, params.first_year)
    keys = staged.keys
    funded = frozenset(keys[i] for i in np.flatnonzero(~np.isnan(years)))
    value = float(
        sum(unit.value for unit, s in zip(staged.units, plan.start, strict=True) if s >= 0)
    )
    openings = opening_rows(data.works, years, staged.couplings, data.feasible)
    total = openings[openings[col.YEAR].isna() & openings[col.AREA].isna()]
    sectoral = _count(total, OPENINGS_SECTORAL)
    integrated = _count(total, OPENINGS_INTEGRATED)
    by_area = openings[openings[col.YEAR].notna() & openings[col.AREA].notna()]
    per_area = by_area.groupby([col.CODE, col.AREA])[col.VALUE].sum()
    avoided = {
        str(area): int(per_area.get((OPENINGS_SECTORAL, area), 0))
        - int(per_area.get((OPENINGS_INTEGRATED, area), 0))
        for area in by_area[col.AREA].unique()
    }
    discount = coupling_discounts(staged.units, plan, n_works)
    spend = spend_frame(data.works, data.costs, years, discount, params)
    return _Outcome(
        plan=plan,
        funded=funded,
        value=value,
        sectoral=sectoral,
        integrated=integrated,
        avoided_by_area=avoided,
        savings=float(spend[SAVED].sum()),
    )


def _count(rows: pd.DataFrame, code: str) -> int:
    return int(rows.loc[rows[col.CODE] == code, col.VALUE].sum())


def _step(extra: float, outcome: _Outcome, base: _Outcome) -> Step:
    areas = set(outcome.avoided_by_area) | set(base.avoided_by_area)
    saved_by_area = {
        area: outcome.avoided_by_area.get(area, 0) - base.avoided_by_area.get(area, 0)
        for area in sorted(areas)
    }
    avoided = outcome.sectoral - outcome.integrated
    return Step(
        extra=extra,
        status=outcome.plan.status,
        funded=tuple(sorted(outcome.funded - base.funded)),
        dropped=tuple(sorted(base.funded - outcome.funded)),
        value=outcome.value,
        value_gained=outcome.value - base.value,
        openings_sectoral=outcome.sectoral,
        openings_integrated=outcome.integrated,
        openings_saved=avoided - (base.sectoral - base.integrated),
        openings_saved_by_area={area: n for area, n in saved_by_area.items() if n > 0},
        savings=outcome.savings,
        savings_gained=outcome.savings - base.savings,
    )
