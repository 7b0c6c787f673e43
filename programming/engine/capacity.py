"""Capacity: the hours of teams bind the schedule like budget lines.

Every team the instance declares (`Instance.teams`) is one more row of the budget array
(its available hours per programme year) and of the cost tensor (the hours each work
asks of it, per year from the work's start, `Work.hours`). The MILP, the heuristic and
the polish then keep every team within its hours exactly as they keep every line within
its money, with one difference: unused hours never move to the next year, so the team
rows never carry over, even when money does (`carry_over_rows`). A team a work names but
the instance does not declare has unlimited hours and gets no row.

Coupled works share their preparation (one design, one tender): in a unit of several
works, per team, only the largest member's `preparation_hours` count; every other
member's are saved, taken from its first years of hours (preparation comes before the
work). `shared_preparation` gives those savings; the unit's team rows hold the hours
after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from programming.engine.instance import Instance

if TYPE_CHECKING:
    from programming.engine.units import Unit


def team_codes(instance: Instance) -> tuple[str, ...]:
    """The declared teams, in instance order: the teams whose hours bind."""
    return tuple(team.code for team in instance.teams)


def hours_available(instance: Instance, teams: tuple[str, ...]) -> np.ndarray:
    """Hours per team and programme year (teams × horizon); a missing year has none."""
    years = instance.parameters.years
    hours = {team.code: team.hours for team in instance.teams}
    return np.array(
        [[hours[code].get(year, 0.0) for year in years] for code in teams], dtype=float
    ).reshape(len(teams), len(years))


def hours_tensor(instance: Instance, teams: tuple[str, ...]) -> np.ndarray:
    """Hours per work, team and offset from its start (works × teams × longest profile)."""
    index = {code: i for i, code in enumerate(teams)}
    depth = max(
        (len(h) for w in instance.works for t, h in w.hours.items() if t in index), default=1
    )
    tensor = np.zeros((len(instance.works), len(teams), max(depth, 1)))
    for i, work in enumerate(instance.works):
        for team, hours in work.hours.items():
            if team in index:
                tensor[i, index[team], : len(hours)] = hours
    return tensor


def preparation(instance: Instance, teams: tuple[str, ...]) -> np.ndarray:
    """Preparation hours per work and team (works × teams)."""
    index = {code: i for i, code in enumerate(teams)}
    matrix = np.zeros((len(instance.works), len(teams)))
    for i, work in enumerate(instance.works):
        for team, hours in work.preparation_hours.items():
            if team in index:
                matrix[i, index[team]] = hours
    return matrix


def carry_over_rows(carry_over: bool, lines: int, teams: int) -> bool | np.ndarray:
    """Per row of the budget array whether unused budget moves on: the money lines as
    the parameter says, the team rows never. Without teams the one flag, as before."""
    if not teams:
        return carry_over
    return np.array([carry_over] * lines + [False] * teams, dtype=bool)


def shared_preparation(hours: np.ndarray, prepared: np.ndarray) -> np.ndarray:
    """The hours each member of a unit saves by sharing preparation (members × teams ×
    offsets, like `hours`): per team, every member but the one with the most preparation
    hours (the first on a tie) saves its preparation, from its first year of hours on."""
    saved = np.zeros_like(hours)
    if len(prepared) < 2:
        return saved
    # Plain Python numbers: a unit has a few members, and numpy's calls per number cost
    # more than the arithmetic (21,000 clusters on the 1M-asset city).
    keepers = np.argmax(prepared, axis=0).tolist()
    booked_hours = hours.tolist()
    for team, keeper in enumerate(keepers):
        for member, left in enumerate(prepared[:, team].tolist()):
            if member == keeper or left == 0:
                continue  # a member without preparation saves nothing
            for offset, booked in enumerate(booked_hours[member][team]):
                take = min(left, booked)
                saved[member, team, offset] = take
                left -= take
                if left <= 0:
                    break
    return saved


def hours_saved_per_work(
    units: Sequence[Unit],
    start: np.ndarray,
    tensor: np.ndarray,
    preparation: np.ndarray | None,
    teams: Sequence[str],
    n_works: int,
) -> list[dict[str, float]]:
    """Per work, the preparation hours per team it saves because the plan placed it in
    one unit with other works (`shared_preparation`; empty when placed alone or not at
    all). Works of a proposed coupling that land in one year as separate units share
    nothing: only a placed unit is one design and one tender. The hours stored per work
    (programming/capacity.py) follow this, so they add up to `uren_gepland`."""
    saved: list[dict[str, float]] = [{} for _ in range(n_works)]
    if preparation is None or not len(teams):
        return saved
    for unit, year in zip(units, start, strict=True):
        if year < 0 or len(unit.members) < 2:
            continue
        members = list(unit.members)
        per_member = shared_preparation(tensor[members, -len(teams) :], preparation[members]).sum(
            axis=2
        )
        for member, hours in zip(members, per_member, strict=True):
            saved[member] = {
                team: round(float(h), 4) for team, h in zip(teams, hours, strict=True) if h > 0
            }
    return saved
