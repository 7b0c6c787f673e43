"""Graafrust: after a street is reconstructed it stays closed to new digging for a while.

A work that reconstructs the street (new asphalt or paving) in year Y closes its place
until Y + graafrust_years. A street-opening work in the same place (a neighbour pair:
within the coupling distance, or the same street or area without geometry) scheduled
in a year after Y up to and including Y + graafrust_years breaks the graafrust. Digging
in year Y itself is not a break: the works run together.

The rule is part of the schedule, not only a flag afterwards (milp.py, heuristic.py,
polish.py): every break costs `graafrust_weight` points of value, so the schedule moves
the opening work to the year of the reconstruction or before it, or the reconstruction
after the opening, whenever windows and budgets allow that. The plans that remain break
it only because no start year of either work avoids it within its window ("vensters
overlappen niet") or because the years that would avoid it are full on a budget line
("budget <lijn> in <jaar> vol"); `breach_causes` says which.

Among plans without breaks the schedule also prefers "dig before pave": an opening work
in the year of its street's reconstruction or before it, rather than after the closed
period (a tie-break, worth `DIG_BEFORE_PAVE` of the value epsilon).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from programming.engine import columns as col

#: What an opening after the closed period costs, as a share of the value epsilon
#: (units.py): enough to decide between otherwise equal plans, too little to trade away
#: any value.
DIG_BEFORE_PAVE = 0.5

WINDOWS = "vensters overlappen niet"
#: Neither work can move on its own to a year that avoids the break and fits.
NO_SINGLE_MOVE = "geen ander jaar binnen de vensters en budgetten vermijdt het"
#: Every other year of the work's window breaks graafrust next to another work.
EVERY_YEAR = "in elk ander jaar van het venster breekt het de graafrust van een ander werk"


@dataclass(frozen=True)
class ClosedPairs:
    """Directed pairs of neighbouring works: `closing[k]` reconstructs the street where
    `opening[k]` digs; the street stays closed for `years` after the reconstruction."""

    closing: np.ndarray
    opening: np.ndarray
    years: int
    n_works: int
    #: What one break costs in the schedule's objective (points of value).
    weight: float = 0.0

    @classmethod
    def none(cls, n_works: int = 0) -> ClosedPairs:
        return cls(np.empty(0, dtype=int), np.empty(0, dtype=int), 0, n_works)

    def __len__(self) -> int:
        return len(self.closing)

    def closers_of(self, n_works: int) -> list[list[int]]:
        """Per work, the reconstructions that close its street."""
        found: list[list[int]] = [[] for _ in range(n_works)]
        for r, o in zip(self.closing, self.opening, strict=True):
            found[o].append(int(r))
        return found

    def openers_of(self, n_works: int) -> list[list[int]]:
        """Per work, the openings in the street it reconstructs."""
        found: list[list[int]] = [[] for _ in range(n_works)]
        for r, o in zip(self.closing, self.opening, strict=True):
            found[r].append(int(o))
        return found


def closed_pairs(
    works: pd.DataFrame, neighbours: np.ndarray, graafrust_years: int, weight: float = 0.0
) -> ClosedPairs:
    """Every (reconstruction, opening) pair among the neighbours, both directions."""
    if len(neighbours) == 0 or graafrust_years == 0:
        return ClosedPairs.none(len(works))
    reconstructs = works[col.RECONSTRUCTS_STREET].to_numpy(dtype=bool)
    opens = works[col.OPENS_STREET].to_numpy(dtype=bool)
    closing, opening = np.concatenate([neighbours, neighbours[:, ::-1]]).T
    keep = reconstructs[closing] & opens[opening]
    return ClosedPairs(
        closing[keep].astype(int), opening[keep].astype(int), graafrust_years, len(works), weight
    )


def breaking(pairs: ClosedPairs, years: np.ndarray) -> np.ndarray:
    """Per pair, True when the opening falls in (Y, Y + years] of its reconstruction Y
    (`years`: start year per work, NaN when not scheduled)."""
    after = years[pairs.opening] - years[pairs.closing]  # NaN when either is not scheduled
    hit: np.ndarray = (after > 0) & (after <= pairs.years)
    return hit


def penalty(pairs: ClosedPairs, work_year: np.ndarray, epsilon: float) -> float:
    """What a plan's breaks (`weight` each) and openings after the closed period
    (dig-before-pave tie-break) cost in the objective; `work_year` per work, NaN when
    not scheduled, in any year unit."""
    if not len(pairs):
        return 0.0
    after = work_year[pairs.opening] - work_year[pairs.closing]
    breaks = int(((after > 0) & (after <= pairs.years)).sum())
    late = int((after > pairs.years).sum())
    return pairs.weight * breaks + DIG_BEFORE_PAVE * epsilon * late


def find_graafrust_breaks(pairs: ClosedPairs, years: np.ndarray) -> np.ndarray:
    """Per work, True when it opens the street in a neighbour's graafrust period."""
    breaks = np.zeros(pairs.n_works, dtype=bool)
    if len(pairs):
        breaks[pairs.opening[breaking(pairs, years)]] = True
    return breaks


def breaches_at(
    members: Sequence[int],
    year: float,
    work_year: np.ndarray,
    closers: Sequence[Sequence[int]],
    openers: Sequence[Sequence[int]],
    graafrust_years: int,
) -> int:
    """How many pairs a unit's `members` would break when they start in `year`, next to
    the other works' years in `work_year` (NaN: not scheduled; the members' own entries
    are ignored, as members start together and never break each other's graafrust)."""
    inside = set(members)
    count = 0
    for m in members:
        for r in closers[m]:
            if r not in inside and 0 < year - work_year[r] <= graafrust_years:
                count += 1
        for o in openers[m]:
            if o not in inside and 0 < work_year[o] - year <= graafrust_years:
                count += 1
    return count


def closed_years(
    pairs: ClosedPairs, work_year: np.ndarray, horizon: int, first_year: int
) -> np.ndarray:
    """Per work and programme-year index, True when starting the work then would break
    graafrust next to the plan in `work_year` (start year per work, NaN: not scheduled)."""
    closed = np.zeros((len(work_year), horizon), dtype=bool)
    calendar = first_year + np.arange(horizon)
    # All pairs at once (a loop over the 1M-asset city's pairs took 0.7 s): an opening is
    # closed in the years after its scheduled reconstruction, a reconstruction in the
    # years before its scheduled opening; setting True twice is still True.
    for closes, year, sign in (
        (pairs.opening, work_year[pairs.closing], 1),
        (pairs.closing, work_year[pairs.opening], -1),
    ):
        scheduled = ~np.isnan(year)
        gap = sign * (calendar - year[scheduled, None])
        pair, cell = np.nonzero((gap > 0) & (gap <= pairs.years))
        closed[closes[scheduled][pair], cell] = True
    return closed


def breach_causes(
    pairs: ClosedPairs,
    work_year: np.ndarray,
    allowed: Sequence[Sequence[int]],
    budget_full: dict[int, str],
    stuck: set[int],
) -> dict[int, str]:
    """Per opening work that breaks graafrust, why the schedule could not avoid it.

    `allowed` holds each work's feasible start years (calendar years). The schedule's
    repair (polish.py) tried to move both works of every break: `budget_full` names, per
    work, the budget line and year that was full in the years that would avoid it;
    `stuck` holds the works for which every other year breaks graafrust too.

    - No pair of start years within the two windows avoids the break: the windows.
    - Else a full budget line of either work, else every other year breaks too, else
      no single move avoids it (it would take moving several works at once).
    """
    causes: dict[int, str] = {}
    for k in np.flatnonzero(breaking(pairs, work_year)):
        r, o = int(pairs.closing[k]), int(pairs.opening[k])
        free = any(
            not 0 < opening - closing <= pairs.years
            for closing in allowed[r]
            for opening in allowed[o]
        )
        if not free:
            causes[o] = WINDOWS
        elif o in budget_full or r in budget_full:
            causes[o] = budget_full.get(o) or budget_full[r]
        else:
            causes[o] = EVERY_YEAR if {o, r} & stuck else NO_SINGLE_MOVE
    return causes


def graafrust_causes(
    pairs: ClosedPairs,
    work_year: np.ndarray,
    feasible: np.ndarray,
    blocked: dict[int, tuple[int, int] | None],
    lines: Sequence[str],
    first_year: int,
) -> dict[int, str]:
    """`breach_causes` from the engine's arrays: `feasible` (works × programme years)
    and the schedule's `blocked` (work → full line index and year index, or None)."""
    allowed = [[first_year + int(t) for t in np.flatnonzero(row)] for row in feasible]
    budget_full = {
        work: f"budget {lines[full[0]]} in {first_year + full[1]} vol"
        for work, full in blocked.items()
        if full is not None
    }
    stuck = {work for work, full in blocked.items() if full is None}
    return breach_causes(pairs, work_year, allowed, budget_full, stuck)
