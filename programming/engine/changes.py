"""What-if: a scenario's changes applied to its base programme's instance.

A scenario is a base programme plus a list of changes (`Change`), each small and shown to
the user: more or less money on a budget line in a year, a work pinned to a year,
excluded or made must-do, a partner work's certainty or window, a parameter, a
criterion's weight, a team's hours in a year. `apply_changes` returns a new instance
(the input is never changed, `dataclasses.replace`); a change that does not fit the
instance raises `InstanceError` naming the change and its field, so the user sees which
of their changes is wrong, not an error deep in the solver.

The kinds and operations are the values of `programming.models.ChangeKind` and
`ChangeOperation`; this module is pure (no Django), like the rest of the engine.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from programming.engine import columns as col
from programming.engine.instance import (
    CERTAINTIES,
    KIND_PARTNER,
    BudgetLine,
    Instance,
    InstanceError,
    Parameters,
    Team,
    Work,
)

BUDGET = "budget"
PIN = "vastzetten"
EXCLUDE = "uitsluiten"
MUST_DO = "moet"
CERTAINTY = "zekerheid"
WINDOW = "venster"
PARAMETER = "parameter"
WEIGHT = "gewicht"
CAPACITY = "capaciteit"
KINDS = (BUDGET, PIN, EXCLUDE, MUST_DO, CERTAINTY, WINDOW, PARAMETER, WEIGHT, CAPACITY)
#: The kinds that name a work by its key.
WORK_KINDS = (PIN, EXCLUDE, MUST_DO, CERTAINTY, WINDOW)

ADD = "erbij"
SET = "wordt"
OPERATIONS = (ADD, SET)

#: The parameters a scenario may change, each with the type the engine reads it as.
PARAMETERS: dict[str, type] = {
    "graafrust_years": int,
    "coupling_distance": float,
    "coupling_overlap": float,
    "time_tolerance": int,
    "opening_cost_share": float,
    "graafrust_weight": float,
    "carry_over": bool,
}


@dataclass(frozen=True)
class Change:
    """One change; which fields it uses depends on its kind (see `ScenarioChange`).

    `amount` is euros for a budget change and hours for a capacity change; with operation
    "erbij" it is added (negative: taken off), with "wordt" it replaces the year's amount.
    `label` names the change in errors (the page's words, or its position).
    """

    kind: str
    line: str | None = None
    team: str | None = None
    year: int | None = None
    operation: str = ""
    amount: float | None = None
    work_key: str = ""
    certainty: str = ""
    window_start: int | None = None
    window_end: int | None = None
    parameter: str = ""
    value: float | None = None
    label: str = ""


def _fail(change: Change, number: int, field: str, message: str) -> InstanceError:
    name = change.label or f"wijziging {number + 1} ({change.kind})"
    return InstanceError(f"{name}, veld {field}: {message}")


def _new_amount(change: Change, number: int, before: float, field: str) -> float:
    """The year's amount after a budget or capacity change; never below zero."""
    if change.operation not in OPERATIONS:
        raise _fail(change, number, "operation", f"kies {ADD!r} of {SET!r}")
    if change.amount is None:
        raise _fail(change, number, "amount", "geef een bedrag of aantal uren")
    after = before + change.amount if change.operation == ADD else change.amount
    if after < 0:
        raise _fail(change, number, field, f"het resultaat is negatief ({after:.2f})")
    return after


def _year(change: Change, number: int, parameters: Parameters) -> int:
    if change.year is None or change.year not in parameters.years:
        raise _fail(
            change,
            number,
            "year",
            f"kies een jaar van {parameters.first_year} tot en met {parameters.last_year}",
        )
    return change.year


def _changed_work(work: Work, change: Change, number: int, parameters: Parameters) -> Work:
    """One work after one change of a work kind (not exclusion)."""
    if change.kind == MUST_DO:
        return replace(work, must_do=True)
    if change.kind == PIN:
        year = change.year
        if year is None or not work.window_start <= year <= work.window_end:
            raise _fail(
                change,
                number,
                "year",
                f"{year} ligt niet in het venster van {work.key!r} "
                f"({work.window_start}–{work.window_end})",
            )
        if year not in parameters.years:
            raise _fail(
                change,
                number,
                "year",
                f"{year} ligt buiten de looptijd ({parameters.first_year}–{parameters.last_year})",
            )
        return replace(work, allowed_years=(year,))
    if change.kind == CERTAINTY:
        if work.kind != KIND_PARTNER:
            raise _fail(change, number, "work_key", f"{work.key!r} is geen werk van een partner")
        if change.certainty not in CERTAINTIES:
            raise _fail(change, number, "certainty", f"kies {'/'.join(CERTAINTIES)}")
        return replace(work, certainty=change.certainty)
    start, end = change.window_start, change.window_end
    if start is None or end is None or start > end:
        raise _fail(change, number, "window_end", "het venster loopt van een jaar tot een later")
    allowed = work.allowed_years
    if allowed is not None:
        allowed = tuple(y for y in allowed if start <= y <= end) or None
    return replace(
        work,
        window_start=start,
        window_end=end,
        preferred_year=min(max(work.preferred_year, start), end),
        allowed_years=allowed,
    )


def _parameters(parameters: Parameters, change: Change, number: int) -> Parameters:
    if change.value is None:
        raise _fail(change, number, "value", "geef een waarde")
    if change.kind == WEIGHT:
        if change.parameter not in col.CRITERIA:
            raise _fail(change, number, "parameter", f"onbekend criterium {change.parameter!r}")
        if change.value < 0:
            raise _fail(change, number, "value", "een gewicht is niet negatief")
        weights = {**parameters.weights, change.parameter: float(change.value)}
        return replace(parameters, weights=weights)
    cast = PARAMETERS.get(change.parameter)
    if cast is None:
        raise _fail(change, number, "parameter", f"onbekende instelling {change.parameter!r}")
    value: Any = cast(change.value)
    if cast is int and value != change.value:
        raise _fail(change, number, "value", "geef een geheel getal")
    try:
        return replace(parameters, **{change.parameter: value})
    except InstanceError as exc:
        raise _fail(change, number, "value", str(exc)) from exc


def _without(clusters: tuple[tuple[str, ...], ...], gone: set[str]) -> tuple[tuple[str, ...], ...]:
    """Clusters without the excluded works; one of fewer than two members is no coupling."""
    kept = (tuple(k for k in members if k not in gone) for members in clusters)
    return tuple(members for members in kept if len(members) >= 2)


def apply_changes(instance: Instance, changes: Iterable[Change]) -> Instance:
    """The instance with `changes` applied in order; the input instance is unchanged.

    One pass over the works (a city has ~100,000): the work changes are gathered by key
    first. Raises `InstanceError` naming the change and field of the first bad change.
    """
    changes = list(changes)
    parameters = instance.parameters
    lines = {line.code: dict(line.amounts) for line in instance.budget_lines}
    teams = {team.code: dict(team.hours) for team in instance.teams}
    per_work: dict[str, list[tuple[int, Change]]] = {}
    for number, change in enumerate(changes):
        if change.kind not in KINDS:
            raise _fail(change, number, "kind", f"onbekende soort {change.kind!r}")
        if change.kind == BUDGET:
            if change.line not in lines:
                raise _fail(change, number, "line", f"onbekende budgetregel {change.line!r}")
            year = _year(change, number, parameters)
            amounts = lines[change.line]
            amounts[year] = _new_amount(change, number, amounts.get(year, 0.0), "amount")
        elif change.kind == CAPACITY:
            if change.team not in teams:
                raise _fail(change, number, "team", f"onbekend team {change.team!r}")
            year = _year(change, number, parameters)
            hours = teams[change.team]
            hours[year] = _new_amount(change, number, hours.get(year, 0.0), "amount")
        elif change.kind in (PARAMETER, WEIGHT):
            parameters = _parameters(parameters, change, number)
        else:
            per_work.setdefault(change.work_key, []).append((number, change))
    known = {work.key for work in instance.works}
    for key, work_changes in per_work.items():
        if key not in known:
            number, change = work_changes[0]
            raise _fail(change, number, "work_key", f"onbekend werk {key!r}")
    excluded: set[str] = set()
    works = []
    for work in instance.works:
        for number, change in per_work.get(work.key, ()):
            if change.kind == EXCLUDE:
                excluded.add(work.key)
            else:
                work = _changed_work(work, change, number, parameters)
        if work.key not in excluded:
            works.append(work)
    return replace(
        instance,
        works=tuple(works),
        budget_lines=tuple(BudgetLine(code, amounts) for code, amounts in lines.items()),
        teams=tuple(Team(code, hours) for code, hours in teams.items()),
        parameters=parameters,
        accepted_clusters=_without(instance.accepted_clusters, excluded),
        rejected_clusters=_without(instance.rejected_clusters, excluded),
        warm_start={k: y for k, y in instance.warm_start.items() if k not in excluded},
    )
