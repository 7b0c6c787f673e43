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
from programming.engine.couplings import Coupling, Couplings
from programming.engine.graafrust import ClosedPairs, penalty

VALUE_EPSILON = 1e-4
YEAR_DELTA = 1e-3
#: Relative slack when checking spend against budget (solver tolerances are ~10⁻⁷).
BUDGET_TOLERANCE = 1e-6
#: A reward: one (float) or one per column (array).
Reward = TypeVar("Reward", float, np.ndarray)
#: The rows one cost touches, each with its amounts per offset: (row, amounts).
TouchedRows = list[tuple[int, list[float]]]
#: Per unit, the rows its cost touches (`cost_rows`).
CostRows = list[TouchedRows]
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
    chosen, targets = [], []
    for cluster in couplings.clusters:
        if cluster.target_year is not None:
            chosen.append(cluster)
            targets.append(cluster.target_year - first_year)
            target[list(cluster.members)] = targets[-1]
    made = _cluster_units(chosen, targets, feasible, opening_cost, values, must_do, tensor, share)
    for cluster, unit in zip(chosen, made, strict=True):
        if preparation is not None and preparation.shape[1]:
            unit = _with_shared_preparation(unit, tensor, preparation)
        if cluster.accepted:
            units.append(unit)
            placed[list(cluster.members)] = True
        else:
            alternatives.append(replace(unit, alternative=True))
    alone = np.flatnonzero(~placed & feasible.any(axis=1))
    # The feasible year nearest the target, the earlier on a tie (as `_unit` chooses).
    distance = np.abs(np.arange(feasible.shape[1]) - target[alone, None])
    nearest = np.argmin(np.where(feasible[alone], distance, np.inf), axis=1)
    # Per work one row of numbers read at once: a numpy call per work cost seconds on
    # the 1M-asset city's 80,000 works.
    costs = tensor[alone]
    for k, (i, year, open_years) in enumerate(
        zip(alone.tolist(), nearest.tolist(), feasible[alone].tolist(), strict=True)
    ):
        units.append(
            Unit(
                members=(i,),
                years=tuple(y for y, fits in enumerate(open_years) if fits),
                target=year,
                value=float(solo[i]),
                must_do=int(must_do[i]),
                cost=costs[k],
                discount=(0.0,),
            )
        )
    return units + alternatives


def _flat_members(groups: Sequence[Unit | Coupling]) -> tuple[np.ndarray, np.ndarray]:
    """Every unit's (or cluster's) members in one array, in order, and how many each
    has; `np.cumsum(counts) - counts` are where each one's members start."""
    counts = np.fromiter((len(g.members) for g in groups), dtype=np.int64, count=len(groups))
    flat = np.fromiter(
        (m for group in groups for m in group.members), dtype=np.int64, count=int(counts.sum())
    )
    return flat, counts


def _cluster_units(
    clusters: Sequence[Coupling],
    targets: Sequence[int],
    feasible: np.ndarray,
    opening_cost: np.ndarray,
    values: np.ndarray,
    must_do: np.ndarray,
    tensor: np.ndarray,
    share: float,
) -> list[Unit]:
    """The units of clusters, in their order, with their target year indices: their
    common feasible years, the year nearest the target (the earlier on a tie), value,
    must-do count and cost after the coupling discount, where every street-opening
    member (`opening_cost` not NaN) but the most expensive (the first on a tie) saves
    `share` of its cost.

    Over all clusters' members at once (numpy calls per cluster cost a second on the
    1M-asset city's 21,000 clusters), with the same numbers as numpy per cluster: the
    values are added in turn, as numpy's sum does up to seven numbers (a larger cluster,
    which numpy sums pairwise, is summed apart), and the cost is `np.dot` per cluster.
    """
    if not clusters:
        return []
    members, lengths = _flat_members(clusters)
    starts = np.cumsum(lengths) - lengths
    common = np.logical_and.reduceat(feasible[members], starts, axis=0)

    opens = ~np.isnan(opening_cost[members])
    costliest = np.where(opens, opening_cost[members], -np.inf)
    top = np.repeat(np.maximum.reduceat(costliest, starts), lengths)
    position = np.where(opens & (costliest == top), np.arange(len(members)), len(members))
    first = np.minimum.reduceat(position, starts)
    discount = np.where(opens, share, 0.0)
    discount[first[first < len(members)]] = 0.0
    keep = 1.0 - discount

    value = np.zeros(len(clusters))
    for k in range(min(int(lengths.max()), 7)):
        longer = lengths > k
        value[longer] += values[members[starts[longer] + k]]
    for c in np.flatnonzero(lengths >= 8).tolist():
        value[c] = values[members[starts[c] : starts[c] + lengths[c]]].sum()
    musts = np.add.reduceat(must_do[members].astype(np.int64), starts)

    saved = (1.0 - keep).tolist()
    units = []
    for c, (cluster, target, open_years, at) in enumerate(
        zip(clusters, targets, common.tolist(), starts.tolist(), strict=True)
    ):
        years = tuple(y for y, fits in enumerate(open_years) if fits)
        size = len(cluster.members)
        rows = tensor[list(cluster.members)].reshape(size, -1)
        units.append(
            Unit(
                members=tuple(cluster.members),
                years=years,
                target=min(years, key=lambda y: (abs(y - target), y)),
                value=float(value[c]),
                must_do=int(musts[c]),
                cost=np.dot(keep[at : at + size], rows).reshape(tensor.shape[1:]),
                discount=tuple(saved[at : at + size]),
            )
        )
    return units


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
    return replace(unit, cost=cost, hours_saved=tuple(per_team.tolist()))


def _placed(flat: np.ndarray, counts: np.ndarray, start: np.ndarray) -> np.ndarray:
    placed = np.zeros(1 + (int(flat.max()) if len(flat) else -1), dtype=bool)
    placed[flat[np.repeat(np.asarray(start) >= 0, counts)]] = True
    return placed


def placed_works(units: Sequence[Unit], start: np.ndarray) -> np.ndarray:
    """Per work (up to the highest work in a unit), whether a unit holding it is placed."""
    return _placed(*_flat_members(units), start)


def must_do_missed(units: Sequence[Unit], start: np.ndarray) -> int:
    """How many must-do works no placed unit holds (a work's own unit counts them)."""
    if not units:
        return 0
    flat, counts = _flat_members(units)
    placed = _placed(flat, counts, start)
    held = np.logical_or.reduceat(placed[flat], np.cumsum(counts) - counts)
    must_do = np.fromiter((unit.must_do for unit in units), dtype=np.int64, count=len(units))
    own = np.fromiter((not unit.alternative for unit in units), dtype=bool, count=len(units))
    return int(must_do[own & ~held].sum())


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


class Ledger:
    """A plan's spend per row and year while units are placed one by one, answering
    "does this unit fit in this year" from the rows the unit's cost touches.

    `within_budget` of the whole matrix is, row by row, a check of that row alone, and a
    row the unit does not touch keeps the spend it has: so the answer is the touched
    rows' check and whether every other row holds now (kept per row). A unit of the
    1M-asset city touches one or two of the 28 rows, and a numpy check of ten numbers
    costs more in calls than in sums, so the touched rows are checked in plain Python,
    with the sums and comparisons of `spend_of` and `within_budget` element by element
    in the same order (a cumulative sum adds year after year, as numpy's does): the
    answers are the same bit for bit (tested).
    """

    def __init__(
        self,
        budget: np.ndarray,
        carry_over: CarryOver,
        touched: CostRows,
        spend: np.ndarray | None = None,
    ) -> None:
        """`touched`: `cost_rows` of the units, whose indexes are the keys."""
        spend = np.zeros_like(budget) if spend is None else spend
        self.horizon = budget.shape[1]
        self.budget: list[list[float]] = budget.tolist()
        self.floor: list[list[float]] = (
            -BUDGET_TOLERANCE * np.maximum(carried(budget, carry_over), 1.0)
        ).tolist()
        self.carry: list[bool] = np.broadcast_to(
            np.asarray(carry_over, dtype=bool), (budget.shape[0],)
        ).tolist()
        self.spend: list[list[float]] = spend.tolist()
        self.broken = {r for r, row in enumerate(self.spend) if not self._holds(r, row)}
        self.touched = touched

    def spread(self, key: int, start: int, moved_from: int = -1) -> list[list[float]]:
        """The touched rows' spend with `key`'s cost started in year index `start` (as
        `spend_of` adds it); `moved_from`: the start year the same cost is taken out of
        first (a unit that moves), −1 for none."""
        spends = []
        for row, profile in self.touched[key]:
            spend = list(self.spend[row])
            if moved_from >= 0:
                for t, amount in enumerate(profile[: self.horizon - moved_from], moved_from):
                    spend[t] = spend[t] - amount
            for t, amount in enumerate(profile[: self.horizon - start], start):
                spend[t] = spend[t] + amount
            spends.append(spend)
        return spends

    def fits(self, key: int, start: int, moved_from: int = -1) -> list[list[float]] | None:
        """`spread`'s spend when it keeps every budget (`within_budget`), else None."""
        touched = self.touched[key]
        if self.broken and self.broken.difference(row for row, _profile in touched):
            return None
        spends = self.spread(key, start, moved_from)
        pairs = zip(touched, spends, strict=True)
        if all(self._holds(row, spend) for (row, _profile), spend in pairs):
            return spends
        return None

    def book(self, key: int, spends: list[list[float]]) -> None:
        """Make `spends`, `fits`'s answer for `key`, the plan's spend on its rows."""
        for (row, _profile), spend in zip(self.touched[key], spends, strict=True):
            self.spend[row] = spend
            self.broken.discard(row)

    def whole(self, key: int, spends: list[list[float]]) -> np.ndarray:
        """The whole spend matrix with `spends` for `key`'s rows (lines × horizon)."""
        matrix = np.array(self.spend)
        for (row, _profile), spend in zip(self.touched[key], spends, strict=True):
            matrix[row] = spend
        return matrix

    def _holds(self, row: int, spend: list[float]) -> bool:
        budget, floor = self.budget[row], self.floor[row]
        if self.carry[row]:
            slack = 0.0
            for t in range(self.horizon):
                slack = slack + (budget[t] - spend[t])
                if not slack >= floor[t]:
                    return False
            return True
        return all(budget[t] - spend[t] >= floor[t] for t in range(self.horizon))


def cost_rows(costs: Sequence[np.ndarray]) -> CostRows:
    """Per cost profile (a unit's, in order), the rows it touches with its amounts on
    each, found for many profiles of one shape per numpy pass (a pass per unit was most
    of the greedy's time; an instance's units all have the shape of its cost tensor).
    `schedule` finds them once for the greedy placement and the polish."""
    touched: CostRows = []
    for begin in range(0, len(costs), 16384):
        chunk = costs[begin : begin + 16384]
        if len({cost.shape for cost in chunk}) > 1:
            touched.extend(cost_rows([cost])[0] for cost in chunk)
            continue
        stacked = np.stack(chunk)
        key, row = np.nonzero(stacked.any(axis=2))
        rows: CostRows = [[] for _ in chunk]
        profiles = stacked[key, row].tolist()
        for k, r, profile in zip(key.tolist(), row.tolist(), profiles, strict=True):
            rows[k].append((r, profile))
        touched.extend(rows)
    return touched


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
