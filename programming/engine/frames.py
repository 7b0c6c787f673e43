"""The instance as frames and arrays: built once, read by every stage.

Row i of every per-work frame or array is ``instance.works[i]``; years are indexed from
the programme's first year (index 0) to its last (index horizon − 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from programming.engine import capacity
from programming.engine import columns as col
from programming.engine.instance import Instance


@dataclass(frozen=True)
class Prepared:
    """Everything the stages read, built once from the instance.

    The budget array and the cost tensor hold one row per budget line (money, the first
    `len(lines)` rows) and then one per declared team (hours, capacity.py), so the
    schedule keeps both within their limits alike; `money_budget` and `money_tensor`
    are the money rows alone, for what counts euros.
    """

    works: pd.DataFrame
    costs: pd.DataFrame
    lines: tuple[str, ...]
    budget: np.ndarray  # (lines + teams) × horizon
    tensor: np.ndarray  # works × (lines + teams) × offsets
    feasible: np.ndarray  # works × horizon, bool
    teams: tuple[str, ...] = ()
    #: Preparation hours per work and team (works × teams), shared in a unit.
    preparation: np.ndarray | None = None
    #: Per work, the change in annual maintenance cost after it (€/year; kpis.py).
    maintenance: np.ndarray | None = None

    @property
    def money_budget(self) -> np.ndarray:
        return self.budget[: len(self.lines)]

    @property
    def money_tensor(self) -> np.ndarray:
        return self.tensor[:, : len(self.lines)]

    @property
    def rows(self) -> tuple[str, ...]:
        """A name per row of `budget`: the line codes, then "uren <team>"."""
        return (*self.lines, *(f"uren {team}" for team in self.teams))

    def carry_over(self, flag: bool) -> bool | np.ndarray:
        """Per row of `budget` whether unused budget moves on (capacity.py)."""
        return capacity.carry_over_rows(flag, len(self.lines), len(self.teams))


def prepare(instance: Instance) -> Prepared:
    """The frames and arrays of an instance, the declared teams' rows after the lines'."""
    works = works_frame(instance)
    costs = costs_frame(instance)
    lines = line_codes(instance)
    budget = budget_matrix(instance, lines)
    tensor = cost_tensor(costs, len(works), lines)
    teams = capacity.team_codes(instance)
    maintenance = np.array([work.maintenance for work in instance.works], dtype=float)
    if not teams:
        return Prepared(
            works, costs, lines, budget, tensor, feasible_years(instance), maintenance=maintenance
        )
    hours = capacity.hours_tensor(instance, teams)
    depth = max(tensor.shape[2], hours.shape[2])
    combined = np.zeros((len(works), len(lines) + len(teams), depth))
    combined[:, : len(lines), : tensor.shape[2]] = tensor
    combined[:, len(lines) :, : hours.shape[2]] = hours
    return Prepared(
        works=works,
        costs=costs,
        lines=lines,
        budget=np.vstack([budget, capacity.hours_available(instance, teams)]),
        tensor=combined,
        feasible=feasible_years(instance),
        teams=teams,
        preparation=capacity.preparation(instance, teams),
        maintenance=maintenance,
    )


def works_frame(instance: Instance) -> pd.DataFrame:
    """One row per work with its attributes, total cost and duration (years of its cost profile)."""
    rows = [
        {
            col.KEY: w.key,
            col.KIND: w.kind,
            col.LABEL: w.label,
            col.AREA: w.area,
            col.STREET: w.street,
            col.GEOMETRY: w.geometry,
            col.WINDOW_START: w.window_start,
            col.WINDOW_END: w.window_end,
            col.PREFERRED_YEAR: w.preferred_year,
            col.EARLIEST: w.years[0],
            col.LATEST: w.years[-1],
            col.MUST_DO: w.must_do,
            col.OPENS_STREET: w.opens_street,
            col.RECONSTRUCTS_STREET: w.reconstructs_street,
            col.CERTAINTY: w.certainty,
            col.VALUE: w.value,
            col.CONDITION: w.condition,
            col.REMAINING_LIFE: w.remaining_life,
            col.RISK: w.risk,
            col.AMBITION_WEIGHT: w.ambition_weight,
            col.SOCIAL_PRIORITY: w.social_priority,
            col.THEMES: w.themes,
            col.OWNER: w.owner,
            col.TOTAL_COST: w.total_cost,
            col.DURATION: max((len(a) for a in w.costs.values()), default=0) or 1,
        }
        for w in instance.works
    ]
    frame = pd.DataFrame(rows, columns=_WORK_COLUMNS)
    for name in (col.VALUE, col.CONDITION, col.REMAINING_LIFE, col.RISK, col.SOCIAL_PRIORITY):
        frame[name] = frame[name].astype(float)
    return frame


_WORK_COLUMNS = [
    col.KEY,
    col.KIND,
    col.LABEL,
    col.AREA,
    col.STREET,
    col.GEOMETRY,
    col.WINDOW_START,
    col.WINDOW_END,
    col.PREFERRED_YEAR,
    col.EARLIEST,
    col.LATEST,
    col.MUST_DO,
    col.OPENS_STREET,
    col.RECONSTRUCTS_STREET,
    col.CERTAINTY,
    col.VALUE,
    col.CONDITION,
    col.REMAINING_LIFE,
    col.RISK,
    col.AMBITION_WEIGHT,
    col.SOCIAL_PRIORITY,
    col.THEMES,
    col.OWNER,
    col.TOTAL_COST,
    col.DURATION,
]


def costs_frame(instance: Instance) -> pd.DataFrame:
    """One row per non-zero cost entry: work position, budget line, offset, amount."""
    rows = [
        (i, line, offset, amount)
        for i, w in enumerate(instance.works)
        for line, amounts in w.costs.items()
        for offset, amount in enumerate(amounts)
        if amount > 0
    ]
    return pd.DataFrame(rows, columns=[col.WORK, col.BUDGET_LINE, col.OFFSET, col.AMOUNT])


def line_codes(instance: Instance) -> tuple[str, ...]:
    """The budget lines in instance order, then lines that works charge but have no budget."""
    declared = [line.code for line in instance.budget_lines]
    charged = {line for w in instance.works for line in w.costs}
    return (*declared, *sorted(charged - set(declared)))


def budget_matrix(instance: Instance, lines: tuple[str, ...]) -> np.ndarray:
    """Budget per line and programme year (lines × horizon); a missing amount is zero."""
    years = instance.parameters.years
    amounts = {line.code: line.amounts for line in instance.budget_lines}
    return np.array(
        [[amounts.get(code, {}).get(year, 0.0) for year in years] for code in lines],
        dtype=float,
    ).reshape(len(lines), len(years))


def cost_tensor(costs: pd.DataFrame, n_works: int, lines: tuple[str, ...]) -> np.ndarray:
    """Cost per work, line and offset (works × lines × longest profile)."""
    depth = int(costs[col.OFFSET].max()) + 1 if len(costs) else 1
    tensor = np.zeros((n_works, len(lines), depth))
    line_index = {code: i for i, code in enumerate(lines)}
    np.add.at(
        tensor,
        (
            costs[col.WORK].to_numpy(dtype=int),
            costs[col.BUDGET_LINE].map(line_index).to_numpy(dtype=int),
            costs[col.OFFSET].to_numpy(dtype=int),
        ),
        costs[col.AMOUNT].to_numpy(dtype=float),
    )
    return tensor


def feasible_years(instance: Instance) -> np.ndarray:
    """Which programme years each work may start in (works × horizon, bool).

    A year is feasible when it lies in the work's window (or its explicit allowed years)
    and in the horizon.
    """
    params = instance.parameters
    matrix = np.zeros((len(instance.works), params.horizon), dtype=bool)
    for i, work in enumerate(instance.works):
        for year in work.years:
            if params.first_year <= year <= params.last_year:
                matrix[i, year - params.first_year] = True
    return matrix
