"""Capacity: a team's hours bind the schedule like a budget line (capacity.py)."""

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programming.engine import run
from programming.engine.capacity import hours_saved_per_work
from programming.engine.instance import Instance, Team
from programming.engine.units import Unit
from tests.programming.engine.builders import budget, by_key, instance, work

ROADS = "wegen"


def team(hours: dict[int, float], code: str = ROADS) -> Team:
    return Team(code, hours)


def kpi(result, code: str, year: int | None = None, team: str | None = ROADS) -> float:
    (value,) = [
        k.value for k in result.kpis if k.code == code and k.year == year and k.team == team
    ]
    return value


def with_teams(inst: Instance, *teams: Team) -> Instance:
    return replace(inst, teams=teams)


def test_hours_move_a_work_to_the_year_that_has_them():
    """Money fits both works in 2026 (€50 + €50 of €100) and in 2027. Team wegen has
    100 hours a year; the must-do A (80 hours, only 2026) takes 2026's hours, so B
    (50 hours) fits 2026's money but not its hours: 80 + 50 > 100. B goes to 2027."""
    inst = with_teams(
        instance(
            [
                work("A", must_do=True, cost=("W", 50), hours={ROADS: (80,)}),
                work("B", window=(2026, 2027), cost=("W", 50), hours={ROADS: (50,)}),
            ],
            [budget("W", 100)],
            horizon=4,
        ),
        team({2026: 100, 2027: 100}),
    )
    result = run(inst)
    assert {k: w.scheduled_year for k, w in by_key(result).items()} == {"A": 2026, "B": 2027}
    assert kpi(result, "uren_gepland", 2026) == 80
    assert kpi(result, "uren_gepland", 2027) == 50
    assert kpi(result, "uren_beschikbaar", 2027) == 100
    # Money figures count no hours: spend is the €100 of the two works.
    assert sum(k.value for k in result.kpis if k.code == "besteding" and k.year) == 100


def test_without_hours_the_same_works_share_the_preferred_year():
    """The instance above without the team: nothing binds B, so it stays in 2026."""
    inst = instance(
        [
            work("A", must_do=True, cost=("W", 50), hours={ROADS: (80,)}),
            work("B", window=(2026, 2027), cost=("W", 50), hours={ROADS: (50,)}),
        ],
        [budget("W", 100)],
        horizon=4,
    )
    result = run(inst)
    assert {k: w.scheduled_year for k, w in by_key(result).items()} == {"A": 2026, "B": 2026}
    assert not [k for k in result.kpis if k.code.startswith("uren")]


def test_heuristic_keeps_the_hours_too():
    inst = with_teams(
        instance(
            [
                work("A", must_do=True, cost=("W", 50), hours={ROADS: (80,)}),
                work("B", window=(2026, 2027), cost=("W", 50), hours={ROADS: (50,)}),
            ],
            [budget("W", 100)],
            horizon=4,
        ),
        team({2026: 100, 2027: 100}),
    )
    result = run(inst, method="heuristic")
    assert {k: w.scheduled_year for k, w in by_key(result).items()} == {"A": 2026, "B": 2027}


def test_a_coupled_unit_fits_the_hours_only_by_sharing_preparation():
    """A and B, accepted as one coupling, ask 60 hours each in 2026, of which 30 are
    preparation; the team has 100. Apart that is 120 hours; together one design and
    tender serve both, so B's 30 preparation hours are saved: 60 + 30 = 90 ≤ 100."""
    works = [
        work("A", cost=("W", 10), hours={ROADS: (60,)}, preparation_hours={ROADS: 30}),
        work("B", cost=("W", 10), hours={ROADS: (60,)}, preparation_hours={ROADS: 30}),
    ]
    inst = with_teams(
        instance(works, [budget("W", 100)], horizon=4, accepted=[["A", "B"]]),
        team({2026: 100, 2027: 100}),
    )
    result = run(inst)
    assert {k: w.scheduled_year for k, w in by_key(result).items()} == {"A": 2026, "B": 2026}
    assert kpi(result, "uren_gepland", 2026) == 90
    assert kpi(result, "uren_besparing", 2026) == 30
    assert kpi(result, "uren_besparing") == 30
    # B is the one that saves (A, first on the tie, keeps the design and tender).
    assert by_key(result)["B"].hours_saved == {ROADS: 30}
    assert by_key(result)["A"].hours_saved == {}
    # Without the shared preparation the coupling does not fit at all.
    apart = with_teams(
        instance(
            [replace(w, preparation_hours={}) for w in works],
            [budget("W", 100)],
            horizon=4,
            accepted=[["A", "B"]],
        ),
        team({2026: 100}),
    )
    assert all(w.scheduled_year is None for w in run(apart).works)


def test_money_carries_over_but_hours_do_not():
    """With carry-over, €100 a year lets C (€150 in 2027) in: 2026's unused €100 moves
    on. Team wegen has 100 hours a year and A asks 150 in 2027: 2026's unused hours do
    not move on, so A is out for want of hours (50 short), not money."""
    inst = with_teams(
        instance(
            [
                work("C", window=(2027, 2027), cost=("W", 150)),
                work("A", window=(2027, 2027), cost=("W", 10), hours={ROADS: (150,)}),
            ],
            [budget("W", {2026: 100, 2027: 100, 2028: 100})],
            horizon=4,
            carry_over=True,
        ),
        team({2026: 100, 2027: 100, 2028: 100}),
    )
    result = run(inst)
    years = {k: w.scheduled_year for k, w in by_key(result).items()}
    assert years == {"C": 2027, "A": None}
    (row,) = [r for r in result.unfunded if r.work == "A"]
    assert row.code == "capaciteit"
    assert row.gap == 0
    assert row.budget_line is None
    assert row.facts["team"] == ROADS
    assert row.facts["years"] == [2027]
    assert row.facts["hours_short"] == 50
    assert row.facts["hours_available"] == 100


def test_a_work_kept_out_by_hours_gets_the_capacity_reason_not_a_money_gap():
    """Money is plentiful in 2026. A (value 80) takes all 100 of the team's hours, so B
    (value 10, 10 hours) cannot join, whatever money is added: capaciteit, 10 hours
    short, held by A, the work of higher value; no gap."""
    inst = with_teams(
        instance(
            [
                work("A", value=80, cost=("W", 10), hours={ROADS: (100,)}),
                work("B", value=10, cost=("W", 10), hours={ROADS: (10,)}),
            ],
            [budget("W", 1000)],
            horizon=4,
        ),
        team({2026: 100}),
    )
    result = run(inst)
    (row,) = [r for r in result.unfunded if r.work == "B"]
    assert (row.code, row.gap, row.year) == ("capaciteit", 0, None)
    assert row.facts == {
        "team": ROADS,
        "years": [2026],
        "hours_short": 10,
        "hours_available": 100,
        "hours_planned": 100,
        "by": ["A"],
    }
    assert "Team wegen heeft in 2026 te weinig uren over: 100 van 100 uur" in row.reason
    assert kpi(result, "uren_gevraagd_niet_gedekt", 2026) == 10


def test_the_money_gap_is_sought_where_the_hours_are():
    """B may start in 2026 or 2027. In 2026 the money fits but A holds the hours; in 2027
    the team has hours but the line has no money. The gap that funds B is €10 in 2027,
    not "it fits in 2026"."""
    inst = with_teams(
        instance(
            [
                work("A", must_do=True, cost=("W", 10), hours={ROADS: (100,)}),
                work("B", window=(2026, 2027), cost=("W", 10), hours={ROADS: (10,)}),
            ],
            [budget("W", {2026: 1000, 2027: 0})],
            horizon=4,
        ),
        team({2026: 100, 2027: 100}),
    )
    result = run(inst)
    (row,) = [r for r in result.unfunded if r.work == "B"]
    assert (row.code, row.budget_line, row.year, row.gap) == ("budget_vol", "W", 2027, 10)


def test_a_team_the_instance_does_not_declare_is_unlimited():
    inst = with_teams(
        instance(
            [work("A", cost=("W", 10), hours={"groen": (10_000,)})], [budget("W", 100)], horizon=4
        ),
        team({2026: 1}),
    )
    assert run(inst).works[0].scheduled_year == 2026


PROPERTY_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def staffed_municipalities(draw) -> Instance:
    """Up to 8 works on one line, asking hours of two teams over 1–2 years."""
    horizon = draw(st.integers(4, 5))
    works = []
    for i in range(draw(st.integers(1, 8))):
        start = draw(st.integers(2026, 2026 + horizon - 1))
        end = min(start + draw(st.integers(0, 2)), 2026 + horizon - 1)
        hours = {
            code: tuple(
                float(h) for h in draw(st.lists(st.integers(0, 60), min_size=1, max_size=2))
            )
            for code in draw(st.sets(st.sampled_from(["wegen", "groen"])))
        }
        preparation = {code: draw(st.integers(0, int(sum(h)))) for code, h in hours.items()}
        works.append(
            work(
                f"w{i}",
                window=(start, end),
                cost=("W", float(draw(st.integers(0, 50)))),
                hours=hours,
                preparation_hours={k: float(v) for k, v in preparation.items()},
                must_do=draw(st.booleans()) and i == 0,
            )
        )
    years = range(2026, 2026 + horizon)
    teams = tuple(
        Team(code, {y: float(draw(st.integers(0, 100))) for y in years})
        for code in ("wegen", "groen")
    )
    return replace(
        instance(works, [budget("W", 200)], horizon=horizon, carry_over=draw(st.booleans())),
        teams=teams,
    )


@PROPERTY_SETTINGS
@given(staffed_municipalities(), st.sampled_from(["milp", "heuristic"]))
def test_no_team_is_planned_beyond_its_hours(inst, method):
    """Recomputed from the instance and the scheduled years (no coupling here, so no
    preparation is shared): every team's hours per year stay within what it has, even
    for a must-do work (the must-do fallback relaxes "must", never a limit)."""
    result = run(inst, method=method)
    years = {w.key: w.scheduled_year for w in result.works}
    planned: dict[tuple[str, int], float] = {}
    for w in inst.works:
        if years[w.key] is None:
            continue
        for code, hours in w.hours.items():
            for offset, h in enumerate(hours):
                slot = (code, years[w.key] + offset)
                planned[slot] = planned.get(slot, 0.0) + h
    for t in inst.teams:
        for year in inst.parameters.years:
            assert planned.get((t.code, year), 0.0) <= t.hours.get(year, 0.0) + 1e-6
            assert kpi(result, "uren_gepland", year, t.code) <= t.hours.get(year, 0.0) + 1e-6


def test_works_placed_apart_in_one_year_share_no_preparation():
    """Two works in one year as two units of their own (A and B) and the unplaced
    coupled unit of both: only a placed unit is one design and one tender, so neither
    saves an hour; placed as the coupled unit, B saves its 30 (A keeps them, first on
    the tie)."""
    alone_a = Unit(members=(0,), years=(0,), target=0, value=1.0, must_do=0, cost=np.zeros((1, 1)))
    alone_b = replace(alone_a, members=(1,))
    together = replace(alone_a, members=(0, 1), alternative=True)
    tensor = np.array([[[0.0], [60.0]], [[0.0], [60.0]]])  # works × (line, team) × offsets
    preparation = np.array([[30.0], [30.0]])
    units = [alone_a, alone_b, together]
    apart = hours_saved_per_work(units, np.array([0, 0, -1]), tensor, preparation, [ROADS], 2)
    assert apart == [{}, {}]
    coupled = hours_saved_per_work(units, np.array([-1, -1, 0]), tensor, preparation, [ROADS], 2)
    assert coupled == [{}, {ROADS: 30.0}]
