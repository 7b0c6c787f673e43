"""What does not fit, why, and the least money that would fund it (the gap).

A work is unfunded when no unit holding it is placed: its own unit (the work alone, or
its accepted cluster) is the one that would have to be added. Its gap answers the
question users ask: *how much extra money, on which budget line, in which year, lets
this work be funded, with everything else in the plan fixed?* Each gap stands alone: it
answers "what would it take to add this work", not "to add all unfunded works".

The analysis is exact and marginal. For every feasible start year s of the unit:

- without carry-over, each (line, year) cell the unit spends in needs
  max(0, unit spend − unused budget), where unused budget = max(0, budget − plan spend);
- with carry-over, budget added in a year carries forward, so a line needs its largest
  cumulative shortfall (plan + unit against budget, less what the plan alone already
  misses), and that money is put in the first year the unit spends on the line: every
  deficit lies at or after that year, so one amount there covers them all, and no
  smaller total can (the cumulative deficit at its worst year is a lower bound).

The start year with the least total is the answer; ties go to the year nearest the
unit's target year, then the earliest. Adding exactly those amounts makes the plan plus
the unit fit; a euro less in any cell leaves every start year short (each year needs at
least the least total, and the money given falls a euro short of it).

Years closed by graafrust (`closed`: works × years, True where the work may not start
given the plan) are not offered.

Each row gets a reason code from a fixed set and the facts behind it; the Dutch
sentence in `reason` is written from those facts:

=======================  ==================================================================
code                     when
=======================  ==================================================================
buiten_looptijd          no permitted start year lies in the horizon
geen_budget              the work costs money on a line with no budget in the horizon
groter_dan_jaarbudget    its cost on a line in one year exceeds the line's largest yearly
                         budget (`spread_fits`: the line's budget over the whole horizon
                         would cover it, so spread over more years it could fit)
koppeling                it is in an accepted coupling that does not fit as a whole
budget_vol               the line is full in those years, taken by works of higher value
graafrust                the money would fit in a permitted year, but every such year
                         is closed by graafrust (or every permitted year is closed)
capaciteit               a team's hours (capacity.py) are full in every open start year,
                         taken by works of higher value: no money would fund the work
=======================  ==================================================================

Team rows (capacity.py) are no money: the gap is only sought in the open start years in
which every team still has the hours the unit needs (money cannot buy hours), so a gap
funds the work. When no open year has the hours, the reason is `capaciteit`, with the
facts team, years, the works holding those hours (`by`), the hours short and the
team's hours available and planned in those years, and no gap.

A must-do work carries ``must_do: true`` in its facts rather than a code of its own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.instance import Parameters, UnfundedRow
from programming.engine.units import (
    Plan,
    TouchedRows,
    Unit,
    cost_rows,
    placed_works,
    spend_of,
    total_spend,
    work_years,
)

OUTSIDE_HORIZON = "buiten_looptijd"
NO_BUDGET = "geen_budget"
ABOVE_YEAR_BUDGET = "groter_dan_jaarbudget"
LINE_FULL = "budget_vol"
COUPLING = "koppeling"
GRAAFRUST = "graafrust"
CAPACITY = "capaciteit"
CODES = (OUTSIDE_HORIZON, NO_BUDGET, ABOVE_YEAR_BUDGET, LINE_FULL, COUPLING, GRAAFRUST, CAPACITY)

#: Gaps below this (in euros) are rounding noise of the solver's tolerances.
HALF_A_CENT = 0.005
#: How many higher-valued works a full line names.
MAX_NAMED = 5


@dataclass(frozen=True)
class Context:
    """What every unit's analysis reads: the plan's spend and the works' facts.

    `budget` and `spend` are the money rows; `hours` and `booked` the teams' rows
    (available and planned hours, capacity.py); `tensor` holds both, lines first."""

    keys: np.ndarray
    labels: dict[str, str]  # key → label, for the sentences
    value: np.ndarray
    tensor: np.ndarray
    budget: np.ndarray
    spend: np.ndarray
    lines: tuple[str, ...]
    years: np.ndarray  # scheduled start-year index per work, −1 when not scheduled
    params: Parameters
    closed: np.ndarray | None
    #: Per work, its neighbours (couplings.py), to name the works that close a year.
    adjacent: list[list[int]]
    reconstructs: np.ndarray
    opens: np.ndarray
    must_do: np.ndarray
    #: (line, year index) → the scheduled works spending there, highest value first.
    filling: dict[tuple[int, int], list[int]]
    teams: tuple[str, ...] = ()
    hours: np.ndarray | None = None
    booked: np.ndarray | None = None

    # What every unit's analysis compares with, the same for all of them: worked out
    # once (per process), not for each of the ~70,000 start years the city's unfunded
    # units try.
    @cached_property
    def slack(self) -> list[list[float]]:
        """Budget less the plan's spend, per line and year index."""
        slack: list[list[float]] = (self.budget - self.spend).tolist()
        return slack

    @cached_property
    def unused(self) -> list[list[float]]:
        """The budget the plan leaves unused, per line and year index (no carry-over)."""
        unused: list[list[float]] = np.clip(self.budget - self.spend, 0.0, None).tolist()
        return unused

    @cached_property
    def deficit(self) -> list[float]:
        """Per line, what the plan alone already misses (carry-over, `_deficit`)."""
        deficit: list[float] = _deficit(self.budget - self.spend).tolist()
        return deficit

    @cached_property
    def hours_left(self) -> list[list[float]]:
        """Per team and year index, the hours the plan leaves the team."""
        assert self.hours is not None
        assert self.booked is not None
        left: list[list[float]] = (self.hours - self.booked).tolist()
        return left


def spenders(
    years: np.ndarray, tensor: np.ndarray, value: np.ndarray, keys: np.ndarray, horizon: int
) -> dict[tuple[int, int], list[int]]:
    """Per (line, year index), the scheduled works that spend on the line that year,
    highest value first (then by key): built once, so naming the works that fill a
    line costs a lookup per cell rather than a pass over every scheduled work."""
    scheduled = np.flatnonzero(years >= 0)
    work, line, offset = np.nonzero(tensor[scheduled] > 0)
    work = scheduled[work]
    year = years[work] + offset
    inside = year < horizon
    order = np.lexsort((keys[work[inside]].astype(str), -value[work[inside]]))
    filling: dict[tuple[int, int], list[int]] = {}
    for w, l_, t in zip(work[inside][order], line[inside][order], year[inside][order], strict=True):
        filling.setdefault((int(l_), int(t)), []).append(int(w))
    return filling


def adjacency(n_works: int, neighbours: np.ndarray | None) -> list[list[int]]:
    """Per work, the works of its neighbour pairs (none when the pairs are not known), in
    the order of the pairs: one stable sort of both ends, not a Python step per pair
    (the 1M-asset city has ~240,000 pairs)."""
    if neighbours is None or not len(neighbours):
        return [[] for _ in range(n_works)]
    ends = neighbours.ravel()  # pair k's ends at 2k and 2k + 1
    order = np.argsort(ends, kind="stable")
    others = neighbours[:, ::-1].ravel()[order].tolist()
    adjacent: list[list[int]] = []
    begin = 0
    for count in np.bincount(ends, minlength=n_works).tolist():
        adjacent.append(others[begin : begin + count])
        begin += count
    return adjacent


def find_unfunded(
    works: pd.DataFrame,
    units: Sequence[Unit],
    plan: Plan,
    budget: np.ndarray,
    tensor: np.ndarray,
    lines: tuple[str, ...],
    params: Parameters,
    value: np.ndarray,
    closed: np.ndarray | None = None,
    neighbours: np.ndarray | None = None,
    teams: tuple[str, ...] = (),
) -> list[UnfundedRow]:
    """Rows for every work that is not scheduled, with its reason, facts and gap.

    `value` is each work's scheduling value (to name the works of higher value that fill
    a line); `closed` the graafrust-closed start years per work; `neighbours` the
    neighbour pairs (couplings.py), to name the works that close a year; `teams` the
    teams whose rows follow the lines' in `budget` and `tensor` (frames.py).

    Steps:
    1. Works in no unit have no feasible year in the horizon: buiten_looptijd.
    2. For each unscheduled unit (a work's own unit, or its accepted cluster's; never a
       proposed cluster's alternative), the gap per line and year at every open start
       year; the least total wins (module docstring).
    3. The reason per line, and one row per member × (line, year) cell with a gap, the
       cell's gap split over the members in proportion to their cost on the line.
    """
    start = np.nan_to_num(work_years(units, plan.start, len(works)), nan=-1).astype(int)
    spend = total_spend(units, plan.start, budget.shape)
    money = len(lines)
    context = Context(
        keys=works[col.KEY].to_numpy(),
        labels=dict(zip(works[col.KEY].astype(str), works[col.LABEL].astype(str), strict=True)),
        value=np.asarray(value, dtype=float),
        tensor=tensor,
        budget=budget[:money],
        spend=spend[:money],
        lines=lines,
        years=start,
        params=params,
        closed=closed,
        adjacent=adjacency(len(works), neighbours),
        reconstructs=works[col.RECONSTRUCTS_STREET].to_numpy(dtype=bool),
        opens=works[col.OPENS_STREET].to_numpy(dtype=bool),
        must_do=works[col.MUST_DO].to_numpy(dtype=bool),
        filling=spenders(
            start,
            tensor,
            np.asarray(value, dtype=float),
            works[col.KEY].to_numpy(),
            budget.shape[1],
        ),
        teams=teams,
        hours=budget[money:],
        booked=spend[money:],
    )
    in_unit = np.zeros(len(works), dtype=bool)
    for unit in units:
        in_unit[list(unit.members)] = True
    rows = [outside_horizon_row(works, int(i), params) for i in np.flatnonzero(~in_unit)]
    placed = placed_works(units, plan.start)
    todo = [
        unit
        for unit, year in zip(units, plan.start, strict=True)
        if not (year >= 0 or unit.alternative or placed[list(unit.members)].any())
    ]
    return rows + units_rows(todo, context)


def units_rows(units: Sequence[Unit], context: Context) -> list[UnfundedRow]:
    """`unit_rows` of `units`, in order, each with its `Needs` (the rows its cost
    touches, `cost_rows`: one numpy pass for many units). On a city the whole analysis
    runs beside the store of the plan (`engine.plan`), on the other core."""
    n_lines = len(context.lines)
    touched = cost_rows([unit.cost for unit in units])
    return [
        row
        for unit, rows in zip(units, touched, strict=True)
        for row in unit_rows(unit, Needs.of(rows, n_lines), context)
    ]


def outside_horizon_row(works: pd.DataFrame, i: int, params: Parameters) -> UnfundedRow:
    work = works.iloc[i]
    facts: dict[str, Any] = {
        "window_start": int(work[col.EARLIEST]),
        "window_end": int(work[col.LATEST]),
        "first_year": params.first_year,
        "last_year": params.last_year,
    }
    if bool(work[col.MUST_DO]):
        facts["must_do"] = True
    reason = (
        f"Dit werk mag starten in {facts['window_start']}–{facts['window_end']}. "
        f"Dat valt buiten de looptijd van het programma ({params.first_year}–"
        f"{params.last_year})."
    )
    return UnfundedRow(
        str(work[col.KEY]), None, None, 0.0, _must(facts) + reason, OUTSIDE_HORIZON, facts
    )


@dataclass(frozen=True)
class Needs:
    """What a unit needs: the money lines and the teams (`capacity.py`) its cost
    touches, with the amounts per offset, for all the start years it tries."""

    money: TouchedRows
    hours: TouchedRows  # indexed by team, not by row

    @classmethod
    def of(cls, touched: TouchedRows, n_lines: int) -> Needs:
        """From the rows a unit's cost touches (`cost_rows`); the first `n_lines` rows
        are money, the rest teams' hours."""
        return cls(
            money=[(r, amounts) for r, amounts in touched if r < n_lines],
            hours=[(r - n_lines, amounts) for r, amounts in touched if r >= n_lines],
        )


def gap_matrix(money: TouchedRows, start: int, context: Context) -> np.ndarray:
    """The least extra budget per line and programme year (lines × horizon) that lets a
    unit whose cost touches the lines `money` (`Needs`), started in year index `start`,
    join the plan's spend (module docstring).

    Only the lines the unit spends on can fall short, so only those are worked out, in
    plain Python: a line's ten years cost numpy more in calls than in sums. The sums and
    comparisons are those of the whole matrix's (`spend_of`, `_deficit`), year after
    year in the same order (numpy's cumulative sum adds as a loop does), so the gaps are
    the same bit for bit (tested)."""
    horizon = context.budget.shape[1]
    gaps = np.zeros_like(context.budget)
    for line, profile in money:
        amounts = profile[: horizon - start]
        if not any(amount > 0 for amount in amounts):
            continue
        if not context.params.carry_over:
            unused = context.unused[line]
            for t, amount in enumerate(amounts, start):
                if amount > 0 and amount - unused[t] > 0:
                    gaps[line, t] = amount - unused[t]
            continue
        slack = context.slack[line]
        running = lowest = 0.0
        for t in range(horizon):
            inside = start <= t < start + len(amounts)
            running = running + (slack[t] - amounts[t - start] if inside else slack[t])
            lowest = min(lowest, running)
        shortfall = max(-lowest, 0.0) - context.deficit[line]
        if shortfall > HALF_A_CENT:
            first = next(t for t, amount in enumerate(amounts) if amount > 0)
            gaps[line, start + first] = shortfall
    return gaps


def _deficit(slack: np.ndarray) -> np.ndarray:
    """Per line, the largest amount by which cumulative spend exceeds cumulative budget."""
    deficit: np.ndarray = np.clip(-np.cumsum(slack, axis=1).min(axis=1, initial=0.0), 0.0, None)
    return deficit


def best_start(
    unit: Unit, needs: Needs, years: Sequence[int], context: Context
) -> tuple[int, np.ndarray]:
    """The start year (among `years`) needing the least extra money, and its gaps: ties go
    to the year nearest the unit's target, then the earliest."""
    options = [(y, gap_matrix(needs.money, y, context)) for y in years]
    return min(options, key=lambda o: (round(float(o[1].sum()), 2), abs(o[0] - unit.target), o[0]))


def unit_rows(unit: Unit, needs: Needs, context: Context) -> list[UnfundedRow]:
    """The rows of one unscheduled unit (see find_unfunded, steps 2 and 3); `needs`:
    what its cost touches."""
    members = list(unit.members)
    if context.closed is None:
        shut: set[int] = set()
    else:
        shut = {y for y in unit.years if context.closed[members, y].any()}
    open_years = [y for y in unit.years if y not in shut]
    fits_shut = sorted(
        y
        for y in shut
        if gap_matrix(needs.money, y, context).sum() <= HALF_A_CENT
        and not hours_short(needs.hours, y, context).any()
    )
    base: dict[str, Any] = {}
    if shut and (fits_shut or not open_years):
        base |= graafrust_facts(unit, fits_shut or sorted(shut), context)
        base["money_fits"] = bool(fits_shut)
    if not open_years:
        return [_plain_row(unit, m, GRAAFRUST, base, context) for m in members]
    staffed = [y for y in open_years if not hours_short(needs.hours, y, context).any()]
    if not staffed:
        facts = {**base, **capacity_facts(unit, needs, open_years, context)}
        return [_plain_row(unit, m, CAPACITY, facts, context) for m in members]
    year, gaps = best_start(unit, needs, staffed, context)
    rows = [
        row
        for line in np.flatnonzero((gaps > HALF_A_CENT).any(axis=1))
        for row in line_rows(unit, int(line), year, gaps, base, context)
    ]
    if rows:
        return rows
    if "closed_years" in base:
        return [_plain_row(unit, m, GRAAFRUST, base, context) for m in members]
    # The plan left out a unit that fits as it is (a time-limited or heuristic plan):
    # no money is missing, and the sentence says so rather than blaming a line.
    fits = {**base, "fits_year": context.params.first_year + year}
    return [_plain_row(unit, m, LINE_FULL, fits, context) for m in members]


def hours_short(hours: TouchedRows, start: int, context: Context) -> np.ndarray:
    """Per team and year index, the hours by which a unit needing `hours` (`Needs`),
    started in `start`, would overrun what the team has left (teams × horizon; hours
    never carry over); shortfalls of half a cent or less are none. Only the teams the
    unit needs are looked at, in plain Python, as `gap_matrix` does for the lines."""
    if not context.teams or context.hours is None or context.booked is None:
        return np.zeros((0, context.budget.shape[1]))
    horizon = context.budget.shape[1]
    short = np.zeros((len(context.teams), horizon))
    for team, profile in hours:
        left = context.hours_left[team]
        for t, need in enumerate(profile[: horizon - start], start):
            if need > 0 and need - left[t] > HALF_A_CENT:
                short[team, t] = need - left[t]
    return short


def capacity_facts(
    unit: Unit, needs: Needs, years: Sequence[int], context: Context
) -> dict[str, Any]:
    """Why no open start year has the hours: in the year with the fewest hours short
    (ties: nearest the target, then the earliest), the team short the most, the years
    it is short, by how many hours, what it has and has planned in those years, and the
    works of higher value holding those hours."""
    assert context.hours is not None
    assert context.booked is not None
    year = min(
        years,
        key=lambda y: (
            round(float(hours_short(needs.hours, y, context).sum()), 2),
            abs(y - unit.target),
            y,
        ),
    )
    short = hours_short(needs.hours, year, context)
    team = int(np.argmax(short.sum(axis=1)))
    cells = [int(t) for t in np.flatnonzero(short[team] > 0)]
    facts: dict[str, Any] = {
        "team": context.teams[team],
        "years": [context.params.first_year + t for t in cells],
        "hours_short": round(float(short[team, cells].sum()), 1),
        "hours_available": round(float(context.hours[team, cells].sum()), 1),
        "hours_planned": round(float(context.booked[team, cells].sum()), 1),
        "by": filled_by(unit, len(context.lines) + team, cells, context),
    }
    if len(unit.members) > 1:
        facts["members"] = [str(context.keys[m]) for m in unit.members]
    return facts


def line_rows(
    unit: Unit, line: int, year: int, gaps: np.ndarray, base: dict[str, Any], context: Context
) -> list[UnfundedRow]:
    """One row per member × year with a gap on `line`, with the line's reason."""
    first = context.params.first_year
    members = list(unit.members)
    cells = [int(t) for t in np.flatnonzero(gaps[line] > HALF_A_CENT)]
    keep = 1.0 - (np.asarray(unit.discount) if unit.discount else np.zeros(len(members)))
    member_cost = keep * context.tensor[members, line].sum(axis=1)
    share = member_cost / member_cost.sum()
    code, facts = line_reason(unit, line, year, cells, base, context)
    rows: list[UnfundedRow] = []
    for m, part in zip(members, share, strict=True):
        if part <= 0:
            continue
        own = float(gaps[line, cells].sum() * part)
        mine = _member_facts(facts, m, context)
        reason = _must(mine) + describe(code, mine, own, context.lines[line], context.labels)
        rows.extend(
            UnfundedRow(
                str(context.keys[m]),
                context.lines[line],
                first + t,
                float(gaps[line, t] * part),
                reason,
                code,
                dict(mine),
            )
            for t in cells
        )
    return rows


def line_reason(
    unit: Unit, line: int, year: int, cells: list[int], base: dict[str, Any], context: Context
) -> tuple[str, dict[str, Any]]:
    """The reason code and facts for the gap of `unit` on `line` (module docstring)."""
    first = context.params.first_year
    code = context.lines[line]
    facts: dict[str, Any] = {**base, "line": code, "years": [first + t for t in cells]}
    if len(unit.members) > 1:
        facts["members"] = [str(context.keys[m]) for m in unit.members]
    line_budget = context.budget[line]
    if line_budget.sum() <= 0:
        return NO_BUDGET, facts
    cost = float(unit.cost[line].max())
    largest = float(line_budget.max())
    if cost > largest + HALF_A_CENT:
        facts |= {
            "cost": round(cost, 2),
            "largest_year_budget": round(largest, 2),
            "spread_fits": bool(line_budget.sum() >= unit.cost[line].sum()),
        }
        return ABOVE_YEAR_BUDGET, facts
    if "closed_years" in base:
        return GRAAFRUST, facts
    if len(unit.members) > 1:
        return COUPLING, facts
    facts["by"] = filled_by(unit, line, cells, context)
    if not context.params.carry_over:
        extra = spend_of(unit.cost, year, context.budget.shape[1])[line, cells]
        unused = np.clip(line_budget[cells] - context.spend[line, cells], 0.0, None)
        facts |= {"unused": round(float(unused.sum()), 2), "needed": round(float(extra.sum()), 2)}
    return LINE_FULL, facts


def filled_by(unit: Unit, line: int, cells: list[int], context: Context) -> list[str]:
    """Keys of the scheduled works of higher value than the unit's best member that spend
    on `line` in the years `cells`: the highest value first, at most MAX_NAMED."""
    own = float(context.value[list(unit.members)].max())
    found: set[int] = set()
    for t in cells:
        # Each cell's list is sorted by value: its first MAX_NAMED of higher value hold
        # every one of them that can be among the MAX_NAMED highest over all cells.
        higher = [
            w for w in context.filling.get((line, t), [])[:MAX_NAMED] if context.value[w] > own
        ]
        found.update(higher)
    ranked = sorted(found, key=lambda w: (-context.value[w], str(context.keys[w])))
    return [str(context.keys[w]) for w in ranked[:MAX_NAMED]]


def graafrust_facts(unit: Unit, shut: list[int], context: Context) -> dict[str, Any]:
    """The closed start years and, when the neighbour pairs are known, the scheduled
    works that close them (graafrust.py): `closed_by`, reconstructions up to
    graafrust_years before a member that opens the street; `dug_by`, openings up to
    graafrust_years after a member that reconstructs it."""
    first = context.params.first_year
    window = context.params.graafrust_years
    paved: set[int] = set()
    dug: set[int] = set()
    members = set(unit.members)
    for member, other in ((m, o) for m in unit.members for o in context.adjacent[m]):
        year = int(context.years[other])
        if other in members or year < 0:
            continue
        before = any(0 < y - year <= window for y in shut)
        after = any(0 < year - y <= window for y in shut)
        if context.reconstructs[other] and context.opens[member] and before:
            paved.add(int(other))
        if context.opens[other] and context.reconstructs[member] and after:
            dug.add(int(other))

    def listed(found: set[int]) -> list[dict[str, Any]]:
        order = sorted(found, key=lambda w: (int(context.years[w]), str(context.keys[w])))
        return [
            {"work": str(context.keys[w]), "year": first + int(context.years[w])} for w in order
        ]

    return {
        "closed_years": [first + y for y in shut],
        "closed_by": listed(paved),
        "dug_by": listed(dug),
    }


def _plain_row(
    unit: Unit, member: int, code: str, facts: dict[str, Any], context: Context
) -> UnfundedRow:
    """A row without a line or year: no money on one line would fund the work."""
    mine = _member_facts(facts, member, context)
    reason = _must(mine) + describe(code, mine, 0.0, None, context.labels)
    return UnfundedRow(str(context.keys[member]), None, None, 0.0, reason, code, mine)


def _member_facts(facts: dict[str, Any], member: int, context: Context) -> dict[str, Any]:
    """The facts of one member's rows: the unit's, flagged when this member is must-do."""
    return {**facts, "must_do": True} if context.must_do[member] else dict(facts)


def describe(
    code: str, facts: dict[str, Any], gap: float, line: str | None, labels: Mapping[str, str]
) -> str:
    """The Dutch sentence (B1) for a reason code, written from its facts; works are named
    by their label (`labels`: key → label), the facts keep their keys."""

    def named(keys: Sequence[str]) -> str:
        return ", ".join(labels.get(key, key) for key in keys)

    years = _years(facts.get("years", []))
    missing = f" Er ontbreekt {euro(gap)} op {line} in {years}." if line else ""
    if code == NO_BUDGET:
        return f"Budgetregel {line} heeft geen budget in de looptijd.{missing}"
    if code == ABOVE_YEAR_BUDGET:
        spread = (
            " Over de hele looptijd is er wel genoeg: verdeeld over meer jaren zou het passen."
            if facts["spread_fits"]
            else " Ook over de hele looptijd is er niet genoeg budget."
        )
        who = f"De koppeling ({named(facts['members'])})" if "members" in facts else "Dit werk"
        return (
            f"{who} kost {euro(facts['cost'])} in één jaar op {line}. Dat is meer dan het "
            f"grootste jaarbudget van die regel ({euro(facts['largest_year_budget'])})."
            f"{spread}{missing}"
        )
    if code == COUPLING:
        others = named(facts["members"])
        return (
            f"Dit werk zit in een geaccepteerde koppeling ({others}). De koppeling past niet "
            f"als geheel binnen het budget.{missing}"
        )
    if code == GRAAFRUST:
        return graafrust_sentence(facts, labels) + missing
    if code == CAPACITY:
        return capacity_sentence(facts, labels)
    if "fits_year" in facts:
        return (
            f"Dit werk past in {facts['fits_year']} binnen het budget, maar de berekening "
            "heeft het niet ingepland."
        )
    by = named(facts.get("by", []))
    full = (
        f"Budgetregel {line} is vol in {years}, door werken met een hogere prioriteit: {by}."
        if by
        else f"Budgetregel {line} heeft te weinig budget in {years}."
    )
    room = (
        f" Er is nog {euro(facts['unused'])} vrij; dit werk heeft {euro(facts['needed'])} nodig."
        if "unused" in facts
        else ""
    )
    return f"{full}{room}{missing}"


def capacity_sentence(facts: dict[str, Any], labels: Mapping[str, str]) -> str:
    """Why a team's hours keep the work out, in Dutch (B1)."""
    by = ", ".join(labels.get(key, key) for key in facts.get("by", []))
    held = f", door werken met een hogere prioriteit: {by}" if by else ""
    return (
        f"Team {facts['team']} heeft in {_years(facts['years'])} te weinig uren over: "
        f"{hours(facts['hours_planned'])} van {hours(facts['hours_available'])} uur is al "
        f"gepland{held}. Dit werk komt {hours(facts['hours_short'])} uur tekort; met meer "
        "geld lukt het niet."
    )


def graafrust_sentence(facts: dict[str, Any], labels: Mapping[str, str]) -> str:
    """Why the closed years are closed, in Dutch (B1)."""

    def named(works: Sequence[dict[str, Any]]) -> str:
        return ", ".join(f"{labels.get(w['work'], w['work'])} ({w['year']})" for w in works)

    closed = _years(facts["closed_years"])
    head = (
        f"In {closed} past het werk binnen het budget, maar"
        if facts["money_fits"]
        else f"Dit werk kan alleen starten in {closed}, maar"
    )
    clauses = []
    if facts.get("closed_by"):
        clauses.append(f"dan ligt de straat nog in graafrust na {named(facts['closed_by'])}")
    if facts.get("dug_by"):
        clauses.append(
            f"dan graaft {named(facts['dug_by'])} de nieuwe straat binnen de graafrust weer open"
        )
    return f"{head} {' en '.join(clauses) or 'dan ligt de straat in graafrust'}."


def euro(amount: float) -> str:
    """An amount in whole euros, Dutch style: € 40.000."""
    return "€ " + f"{amount:,.0f}".replace(",", ".")


def hours(amount: float) -> str:
    """Hours in whole hours, Dutch style: 1.200."""
    return f"{amount:,.0f}".replace(",", ".")


def _years(years: Sequence[int]) -> str:
    return ", ".join(str(y) for y in years)


def _must(facts: dict[str, Any]) -> str:
    return "Moet-werk. " if facts.get("must_do") else ""
