"""Warm start: a base plan given to HiGHS as its starting solution (milp.py, schedule.py)."""

from dataclasses import replace

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from programming.engine import run
from programming.engine.instance import BudgetLine
from programming.engine.milp import NO_SOLUTION, OPTIMAL, TIME_LIMIT, solve_exactly
from programming.engine.schedule import warm_start_units
from tests.programming.engine.builders import budget, instance, staged, work
from tests.programming.engine.test_properties import PROPERTY_SETTINGS, municipalities


def twelve_works():
    """Twelve works of 10…21 on one line of 25 a year over four years: at most one work a
    year fits, so the plan is a choice of four of them (the four most valuable)."""
    works = [
        work(f"w{i}", cost=("r", [10.0 + i]), window=(2026, 2029), value=float(i + 1))
        for i in range(12)
    ]
    return instance(works, [budget("r", 25.0)], horizon=4)


def test_a_start_is_the_incumbent_when_there_is_no_time_to_search():
    # With no time at all HiGHS finds nothing on its own, but it keeps the start it was
    # given: proof that the start reaches the solver.
    data, _, _, units = staged(twelve_works())
    cold = solve_exactly(units, data.budget, False, 0.0)
    assert cold.status == NO_SOLUTION
    best = solve_exactly(units, data.budget, False, 10.0)
    warm = solve_exactly(units, data.budget, False, 0.0, start=best.start)
    assert warm.status in (TIME_LIMIT, OPTIMAL)
    assert warm.objective == best.objective
    assert (warm.start == best.start).all()


def test_a_start_that_breaks_the_budget_changes_nothing():
    # Every work in the first year costs 186 against a budget of 25: HiGHS drops the
    # start and still proves the optimum.
    data, _, _, units = staged(twelve_works())
    best = solve_exactly(units, data.budget, False, 10.0)
    everything_at_once = np.zeros(len(units), dtype=int)
    warm = solve_exactly(units, data.budget, False, 10.0, start=everything_at_once)
    assert warm.status == OPTIMAL
    assert warm.objective == best.objective


def test_a_unit_starts_where_all_its_members_start_in_the_base_plan():
    # a and b couple (same street, same window) so they have their own units and the
    # cluster's; c is missing from the base plan.
    works = [
        work("a", street="Kerkstraat", opens_street=True, cost=("r", 10.0), window=(2026, 2027)),
        work("b", street="Kerkstraat", opens_street=True, cost=("r", 10.0), window=(2026, 2027)),
        work("c", cost=("r", 10.0), window=(2026, 2027)),
    ]
    data, _, _, units = staged(instance(works, [budget("r", 100.0)], horizon=4))
    keys = data.works["key"].tolist()

    def placed(base):
        start = warm_start_units(units, keys, base, 2026)
        return {
            tuple(keys[m] for m in unit.members): int(s)
            for unit, s in zip(units, start, strict=True)
        }

    assert placed({"a": 2027, "b": 2027}) == {("a", "b"): 1, ("a",): -1, ("b",): -1, ("c",): -1}
    assert placed({"a": 2026, "b": 2027, "c": 2026}) == {
        ("a", "b"): -1,
        ("a",): 0,
        ("b",): 1,
        ("c",): 0,
    }
    assert warm_start_units(units, keys, {}, 2026) is None


@PROPERTY_SETTINGS
@given(municipalities(), st.data())
def test_a_warm_started_re_plan_finds_the_same_optimum_as_a_cold_one(base, data):
    # The base plan, then one budget cell changed (the what-if of a budget line): the
    # re-plan from the base plan ends where the re-plan from nothing ends.
    planned = run(base)
    years = {w.key: w.scheduled_year for w in planned.works if w.scheduled_year is not None}
    line = data.draw(st.sampled_from(base.budget_lines))
    year = data.draw(st.sampled_from(sorted(line.amounts)))
    amount = data.draw(st.integers(0, 300).map(float))
    lines = tuple(
        BudgetLine(other.code, {**other.amounts, year: amount}) if other is line else other
        for other in base.budget_lines
    )
    changed = replace(base, budget_lines=lines)
    cold = run(changed, method="milp")
    warm = run(replace(changed, warm_start=years), method="milp")
    assert warm.stats.status == cold.stats.status
    assert abs(warm.stats.objective - cold.stats.objective) <= 1e-6 * max(
        1.0, abs(cold.stats.objective)
    )
