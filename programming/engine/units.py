"""What the scheduler places: units (a work, or an accepted cluster as one block).

A unit has one start year for all its members, the feasible start years of every member
(within the horizon), the summed cost profile of its members, and a value. Year indices
count from the programme's first year (0 … horizon − 1).

The objective coefficient of placing unit u in year y is::

    (value_u + ε) × (1 − δ × |y − target_u| / horizon)

with ε = 10⁻⁴ × max(1, largest value) and δ = 10⁻³. The sum of values decides; ε makes a
unit without value still worth a place when the budget allows it, and δ prefers the
target year (the preferred year, or the cluster's target year) among equally valuable
schedules. Both are too small to trade away a visible difference in value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.couplings import Couplings

VALUE_EPSILON = 1e-4
YEAR_DELTA = 1e-3
#: Relative slack when checking spend against budget (solver tolerances are ~10⁻⁷).
BUDGET_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Unit:
    """A block placed in one start year: one work or an accepted cluster's members."""

    members: tuple[int, ...]
    years: tuple[int, ...]  # feasible start-year indices, ascending
    target: int  # the year index the tie-break pulls towards
    value: float
    must_do: bool
    cost: np.ndarray  # lines × offsets, summed over the members


@dataclass(frozen=True)
class Plan:
    """The scheduler's answer: a start-year index per unit (−1: not scheduled)."""

    start: np.ndarray
    solver: str
    status: str
    objective: float
    best_bound: float | None = None
    gap: float | None = None


def build_units(
    works: pd.DataFrame,
    value: pd.Series,
    feasible: np.ndarray,
    tensor: np.ndarray,
    couplings: Couplings,
    first_year: int,
) -> list[Unit]:
    """The units of an instance: accepted clusters with a common year, then every other
    work that has a feasible year in the horizon.

    An accepted cluster without a common year cannot be honoured; its members are placed
    on their own (the cluster reports no year). Members of a proposed cluster are placed
    on their own, pulled towards the cluster's target year.
    """
    preferred = works[col.PREFERRED_YEAR].to_numpy() - first_year
    must_do = works[col.MUST_DO].to_numpy(dtype=bool)
    values = value.to_numpy(dtype=float)
    target = preferred.copy()
    units: list[Unit] = []
    placed = np.zeros(len(works), dtype=bool)
    for cluster in couplings.clusters:
        if cluster.target_year is None:
            continue
        members = list(cluster.members)
        target[members] = cluster.target_year - first_year
        if cluster.accepted:
            common = feasible[members].all(axis=0)
            units.append(_unit(members, common, target[members[0]], values, must_do, tensor))
            placed[members] = True
    for i in np.flatnonzero(~placed & feasible.any(axis=1)):
        units.append(_unit([int(i)], feasible[i], target[i], values, must_do, tensor))
    return units


def _unit(
    members: list[int],
    feasible: np.ndarray,
    target: int,
    values: np.ndarray,
    must_do: np.ndarray,
    tensor: np.ndarray,
) -> Unit:
    years = tuple(int(y) for y in np.flatnonzero(feasible))
    nearest = min(years, key=lambda y: (abs(y - target), y))
    return Unit(
        members=tuple(members),
        years=years,
        target=nearest,
        value=float(values[members].sum()),
        must_do=bool(must_do[members].any()),
        cost=tensor[members].sum(axis=0),
    )


def spend_of(cost: np.ndarray, start: int, horizon: int) -> np.ndarray:
    """Spend per line and programme year (lines × horizon) of a cost profile started in
    year index `start`; spend after the last programme year falls outside the matrix."""
    spend = np.zeros((cost.shape[0], horizon))
    length = min(cost.shape[1], horizon - start)
    spend[:, start : start + length] = cost[:, :length]
    return spend


def within_budget(spend: np.ndarray, budget: np.ndarray, carry_over: bool) -> bool:
    """True when no line's spend exceeds its budget in any year (with carry-over: no
    line's cumulative spend exceeds its cumulative budget)."""
    slack = budget - spend
    if carry_over:
        slack = np.cumsum(slack, axis=1)
        budget = np.cumsum(budget, axis=1)
    return bool((slack >= -BUDGET_TOLERANCE * np.maximum(budget, 1.0)).all())


def value_epsilon(units: Sequence[Unit]) -> float:
    return VALUE_EPSILON * max([1.0, *(u.value for u in units)])


def coefficient(unit: Unit, year: int, horizon: int, epsilon: float) -> float:
    """The objective's reward for placing `unit` in year index `year` (module docstring)."""
    return (unit.value + epsilon) * (1.0 - YEAR_DELTA * abs(year - unit.target) / horizon)


def objective_of(units: Sequence[Unit], start: np.ndarray, horizon: int) -> float:
    """The objective value of a plan, the same for the MILP and the heuristic."""
    epsilon = value_epsilon(units)
    return float(
        sum(
            coefficient(unit, int(year), horizon, epsilon)
            for unit, year in zip(units, start, strict=True)
            if year >= 0
        )
    )


def total_spend(units: Sequence[Unit], start: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Spend per line and programme year of a plan."""
    spend = np.zeros(shape)
    for unit, year in zip(units, start, strict=True):
        if year >= 0:
            spend += spend_of(unit.cost, int(year), shape[1])
    return spend
