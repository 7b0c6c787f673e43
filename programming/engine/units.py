"""What the scheduler places: units (a work, or a cluster's works as one block).

A unit has one start year for all its members, the feasible start years of every member
(within the horizon), the summed cost profile of its members, and a value. Year indices
count from the programme's first year (0 … horizon − 1).

- Every work with a feasible year is a unit of its own, unless it is in an accepted
  cluster: an accepted cluster is one unit.
- A proposed cluster with a common year is also an *alternative* unit: its works done
  together. Coupling makes them cheaper — every street-opening member except the most
  expensive one saves its opening part (savings.py) — so at equal value the scheduler
  fits more into the same budget by coupling. Each work is placed at most once, on its
  own or in one cluster unit (milp.py).

The objective coefficient of placing unit u in year y is::

    (value_u + ε × (2 × members_u − 1)) × (1 − δ × |y − target_u| / horizon)

with ε = 10⁻⁴ × max(1, largest value) and δ = 10⁻³. The sum of values decides; ε makes a
unit without value still worth a place when the budget allows it, and makes a coupled
unit worth a little more than its works placed apart; δ prefers the target year (the
preferred year, or the cluster's target year) among equally valuable schedules. Both are
too small to trade away a visible difference in value.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.capacity import shared_preparation
from programming.engine.couplings import Couplings
from programming.engine.graafrust import ClosedPairs, penalty

VALUE_EPSILON = 1e-4
YEAR_DELTA = 1e-3
#: Relative slack when checking spend against budget (solver tolerances are ~10⁻⁷).
BUDGET_TOLERANCE = 1e-6
#: A reward: one (float) or one per column (array).
Reward = TypeVar("Reward", float, np.ndarray)
#: Whether unused budget moves to the next year: one flag for every row of the budget
#: array, or one flag per row (capacity.py: a team's unused hours never move on).
CarryOver = bool | np.ndarray


@dataclass(frozen=True)
class Unit:
    """A block placed in one start year: one work or an accepted cluster's members."""

    members: tuple[int, ...]
    years: tuple[int, ...]  # feasible start-year indices, ascending
    target: int  # the year index the tie-break pulls towards
    value: float
    must_do: int  # how many members must be done
    cost: np.ndarray  # lines × offsets, summed over the members (after coupling savings)
    #: Per member, the part of its cost saved by doing it in this unit (0 or the share).
    discount: tuple[float, ...] = ()
    #: A proposed cluster's coupled option; its members also have units of their own.
    alternative: bool = False
    #: Per team (capacity.py), the preparation hours its members share and so save.
    hours_saved: tuple[float, ...] = ()


@dataclass(frozen=True)
class Plan:
    """The scheduler's answer: a start-year index per unit (−1: not scheduled)."""

    start: np.ndarray
    solver: str
    status: str
    objective: float
    best_bound: float | None = None
    gap: float | None = None
    #: Per work of a unit that still breaks graafrust after the repair (polish.py): the
    #: (line index, year index) that was full in the years that would avoid it, or None
    #: when every other year breaks graafrust too.
    blocked: dict[int, tuple[int, int] | None] = field(default_factory=dict)


def build_units(
    works: pd.DataFrame,
    value: pd.Series,
    solo_value: pd.Series,
    feasible: np.ndarray,
    tensor: np.ndarray,
    couplings: Couplings,
    first_year: int,
    share: float,
    preparation: np.ndarray | None = None,
) -> list[Unit]:
    """The units of an instance: accepted clusters with a common year, every other work
    that has a feasible year in the horizon, then the proposed clusters' coupled options.

    With teams (capacity.py), the last `preparation.shape[1]` rows of `tensor` are hours:
    the coupling discount (money) does not apply to them, and a cluster's members share
    their preparation hours (`preparation`: works × teams).

    An accepted cluster without a common year cannot be honoured; its members are placed
    on their own (the cluster reports no year). Members of a proposed cluster are also
    placed on their own, pulled towards the cluster's target year. A work on its own is
    worth `solo_value`, in a cluster `value` (scoring: the koppeling points).
    """
    preferred = works[col.PREFERRED_YEAR].to_numpy() - first_year
    must_do = works[col.MUST_DO].to_numpy(dtype=bool)
    values = value.to_numpy(dtype=float)
    solo = solo_value.to_numpy(dtype=float)
    opening_cost = np.where(
        works[col.OPENS_STREET].to_numpy(dtype=bool),
        works[col.TOTAL_COST].to_numpy(dtype=float),
        np.nan,
    )
    target = preferred.copy()
    units: list[Unit] = []
    alternatives: list[Unit] = []
    placed = np.zeros(len(works), dtype=bool)
    for cluster in couplings.clusters:
        if cluster.target_year is None:
            continue
        members = list(cluster.members)
        target[members] = cluster.target_year - first_year
        # asarray: numpy's stubs type a reduction along an axis as "scalar or array".
        common = np.asarray(feasible[members].all(axis=0))
        discount = coupling_discount(opening_cost[members], share)
        unit = _unit(members, common, target[members[0]], values, must_do, tensor, discount)
        if preparation is not None and preparation.shape[1]:
            unit = _with_shared_preparation(unit, tensor, preparation)
        if cluster.accepted:
            units.append(unit)
            placed[members] = True
        else:
            alternatives.append(replace(unit, alternative=True))
    alone = np.flatnonzero(~placed & feasible.any(axis=1))
    # The feasible year nearest the target, the earlier on a tie (as `_unit` chooses).
    distance = np.abs(np.arange(feasible.shape[1]) - target[alone, None])
    nearest = np.argmin(np.where(feasible[alone], distance, np.inf), axis=1)
    for i, year in zip(alone.tolist(), nearest.tolist(), strict=True):
        units.append(
            Unit(
                members=(i,),
                years=tuple(np.flatnonzero(feasible[i]).tolist()),
                target=year,
                value=float(solo[i]),
                must_do=int(must_do[i]),
                cost=tensor[i].copy(),
                discount=(0.0,),
            )
        )
    return units + alternatives


def coupling_discount(opening_cost: np.ndarray, share: float) -> np.ndarray:
    """Per member, the part of its cost saved in a cluster: `share` for every
    street-opening member (cost not NaN) but the most expensive (the first on a tie)."""
    discount = np.where(np.isnan(opening_cost), 0.0, share)
    if (discount > 0).any():
        discount[int(np.nanargmax(opening_cost))] = 0.0
    return discount


def _unit(
    members: list[int],
    feasible: np.ndarray,
    target: int,
    values: np.ndarray,
    must_do: np.ndarray,
    tensor: np.ndarray,
    discount: np.ndarray,
) -> Unit:
    """A cluster's unit; `discount` per member (coupling_discount)."""
    years = tuple(int(y) for y in np.flatnonzero(feasible))
    nearest = min(years, key=lambda y: (abs(y - target), y))
    keep = 1.0 - discount
    return Unit(
        members=tuple(members),
        years=years,
        target=nearest,
        value=float(values[members].sum()),
        must_do=int(must_do[members].sum()),
        cost=np.tensordot(keep, tensor[members], axes=1),
        discount=tuple(float(d) for d in 1.0 - keep),
    )


def _with_shared_preparation(unit: Unit, tensor: np.ndarray, preparation: np.ndarray) -> Unit:
    """A cluster's unit with hour rows summed without the money's coupling discount and
    less the preparation its members share (capacity.py)."""
    teams = preparation.shape[1]
    members = list(unit.members)
    hours = tensor[members, -teams:]
    saved = shared_preparation(hours, preparation[members])
    cost = unit.cost.copy()
    cost[-teams:] = (hours - saved).sum(axis=0)
    per_team = saved.sum(axis=(0, 2))
    return replace(unit, cost=cost, hours_saved=tuple(float(h) for h in per_team))


def placed_works(units: Sequence[Unit], start: np.ndarray) -> np.ndarray:
    """Per work (up to the highest work in a unit), whether a unit holding it is placed."""
    placed = np.zeros(1 + max((max(unit.members) for unit in units), default=-1), dtype=bool)
    for unit, year in zip(units, start, strict=True):
        if year >= 0:
            placed[list(unit.members)] = True
    return placed


def must_do_missed(units: Sequence[Unit], start: np.ndarray) -> int:
    """How many must-do works no placed unit holds (a work's own unit counts them)."""
    placed = placed_works(units, start)
    return sum(
        unit.must_do
        for unit in units
        if not unit.alternative and not placed[list(unit.members)].any()
    )


def spend_of(cost: np.ndarray, start: int, horizon: int) -> np.ndarray:
    """Spend per line and programme year (lines × horizon) of a cost profile started in
    year index `start`; spend after the last programme year falls outside the matrix."""
    spend = np.zeros((cost.shape[0], horizon))
    length = min(cost.shape[1], horizon - start)
    spend[:, start : start + length] = cost[:, :length]
    return spend


def carried(values: np.ndarray, carry_over: CarryOver) -> np.ndarray:
    """`values` (… × rows × years) with every row that carries over summed up to each
    year (cumulative), the other rows as they are: the form in which budget and spend
    compare (a flag for all rows gives exactly the cumulative sums of before)."""
    if isinstance(carry_over, bool | np.bool_):
        return np.cumsum(values, axis=-1) if carry_over else values
    if not carry_over.any():
        return values
    summed = values.copy()
    summed[..., carry_over, :] = np.cumsum(values[..., carry_over, :], axis=-1)
    return summed


def within_budget(spend: np.ndarray, budget: np.ndarray, carry_over: CarryOver) -> bool:
    """True when no line's spend exceeds its budget in any year (with carry-over: no
    line's cumulative spend exceeds its cumulative budget)."""
    slack = carried(budget - spend, carry_over)
    budget = carried(budget, carry_over)
    return bool((slack >= -BUDGET_TOLERANCE * np.maximum(budget, 1.0)).all())


def fitting_spends(
    cost: np.ndarray,
    starts: Sequence[int],
    base: np.ndarray,
    budget: np.ndarray,
    carry_over: CarryOver,
) -> tuple[np.ndarray, np.ndarray]:
    """The spend `base` + `spend_of(cost, start)` for each of `starts` (starts × lines ×
    horizon), and whether each is `within_budget`.

    One numpy pass for all the start years the polish tries for a unit, instead of a
    pass per year (on the 1M-asset city most of a pass is numpy's call overhead). The
    sums and comparisons are the ones `spend_of` and `within_budget` make, element by
    element in the same order, so the answers are the same bit for bit (tested).
    """
    horizon = budget.shape[1]
    spends = np.repeat(base[None], len(starts), axis=0)
    for i, start in enumerate(starts):
        length = min(cost.shape[1], horizon - start)
        spends[i, :, start : start + length] += cost[:, :length]
    slack = carried(budget - spends, carry_over)
    budget = carried(budget, carry_over)
    fits = (slack >= -BUDGET_TOLERANCE * np.maximum(budget, 1.0)).all(axis=(1, 2))
    return spends, fits


def value_epsilon(units: Sequence[Unit]) -> float:
    return VALUE_EPSILON * max([1.0, *(u.value for u in units)])


def coefficient(unit: Unit, year: int, horizon: int, epsilon: float) -> float:
    """The objective's reward for placing `unit` in year index `year` (module docstring)."""
    reward = unit.value + epsilon * (2 * len(unit.members) - 1)
    return _pulled(reward, abs(year - unit.target), horizon)


def coefficients(
    units: Sequence[Unit], unit: np.ndarray, year: np.ndarray, horizon: int, epsilon: float
) -> np.ndarray:
    """`coefficient` for every (unit index, year index) pair, as an array."""
    reward = np.array([u.value + epsilon * (2 * len(u.members) - 1) for u in units])
    target = np.array([u.target for u in units], dtype=int)
    return _pulled(reward[unit], np.abs(year - target[unit]), horizon)


def _pulled(reward: Reward, distance: Reward | int, horizon: int) -> Reward:
    """A reward less the tie-break's pull towards the target year, `distance` years away."""
    return reward * (1.0 - YEAR_DELTA * distance / horizon)


def objective_of(
    units: Sequence[Unit], start: np.ndarray, horizon: int, pairs: ClosedPairs | None = None
) -> float:
    """The objective value of a plan, the same for the MILP and the heuristic: the
    rewards of the placed units less what its graafrust breaks cost (graafrust.py)."""
    epsilon = value_epsilon(units)
    reward = sum(
        coefficient(unit, int(year), horizon, epsilon)
        for unit, year in zip(units, start, strict=True)
        if year >= 0
    )
    if pairs is None or not len(pairs):
        return float(reward)
    return float(reward - penalty(pairs, work_years(units, start, pairs.n_works), epsilon))


def work_years(units: Sequence[Unit], start: np.ndarray, n_works: int) -> np.ndarray:
    """Start-year index per work (float, NaN when no placed unit holds it)."""
    years = np.full(n_works, np.nan)
    for unit, year in zip(units, start, strict=True):
        if year >= 0:
            years[list(unit.members)] = year
    return years


def total_spend(units: Sequence[Unit], start: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Spend per line and programme year of a plan."""
    spend = np.zeros(shape)
    for unit, year in zip(units, start, strict=True):
        if year >= 0:
            spend += spend_of(unit.cost, int(year), shape[1])
    return spend
