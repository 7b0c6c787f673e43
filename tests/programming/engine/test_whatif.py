"""What extra money buys (engine/whatif.py), on small hand-computed instances."""

from itertools import combinations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from programming.engine.instance import InstanceError
from programming.engine.units import VALUE_EPSILON
from programming.engine.whatif import money_curve, where_to_look
from tests.programming.engine.builders import budget, instance, work


def four_works():
    """Four works that must start in 2026 on line r (100 a year).

    a 60 (value 30), b 50 (20), c 70 (10), d 30 (5). Within 100 the best is a + d (90,
    value 35). Unfunded then: b with a gap of 40 (50 less the 10 left), c with 60.
    """
    works = [
        work("a", cost=("r", 60.0), value=30.0),
        work("b", cost=("r", 50.0), value=20.0),
        work("c", cost=("r", 70.0), value=10.0),
        work("d", cost=("r", 30.0), value=5.0),
    ]
    return instance(works, [budget("r", 100.0)], horizon=4)


def test_automatic_steps_bring_in_the_next_work_each():
    # +40 (b's gap) funds a, b and d (140, value 55); then c's gap is its whole 70, so
    # +110 funds all four (210, value 65); then nothing is left.
    curve = money_curve(four_works(), "r", 2026)
    assert curve.base.value == 35.0
    assert [step.extra for step in curve.steps] == [40.0, 110.0]
    assert [step.funded for step in curve.steps] == [("b",), ("b", "c")]
    assert [step.dropped for step in curve.steps] == [(), ()]
    assert [step.value_gained for step in curve.steps] == [20.0, 30.0]


def test_the_users_amounts_are_re_solved_exactly():
    # +10: a + b (110, value 50) beats a + d + nothing else: b comes in and d goes out.
    curve = money_curve(four_works(), "r", 2026, amounts=[40, 10])
    assert [step.extra for step in curve.steps] == [10.0, 40.0]
    assert curve.steps[0].funded == ("b",)
    assert curve.steps[0].dropped == ("d",)
    assert curve.steps[0].value_gained == 15.0
    assert curve.steps[1].funded == ("b",)
    assert curve.steps[1].dropped == ()


def test_money_that_lets_works_couple_saves_an_opening_in_their_area():
    # A sewer (80, value 30) and a cable (40, value 10) in one street of Nieuwleusen, both
    # opening it in 2026. With 100 only the sewer fits (the pair costs 80 + 40 × 0.7 =
    # 108 with the default 30% opening share saved on the cheaper one). +20 lets the
    # cluster in: two openings sectorally, one integrated, one saved, and €12 saved.
    street = {"street": "Dorpsstraat", "area": "Nieuwleusen", "opens_street": True}
    works = [
        work("riool", cost=("r", 80.0), value=30.0, **street),
        work("kabel", cost=("r", 40.0), value=10.0, **street),
    ]
    inst = instance(works, [budget("r", 100.0)], horizon=4, opening_cost_share=0.3)
    curve = money_curve(inst, "r", 2026, amounts=[20])
    step = curve.steps[0]
    assert step.funded == ("kabel",)
    assert (step.openings_sectoral, step.openings_integrated) == (2, 1)
    assert step.openings_saved == 1
    assert step.openings_saved_by_area == {"Nieuwleusen": 1}
    assert step.savings_gained == pytest.approx(12.0)


def test_duals_point_at_the_binding_cell():
    # Only 2026 has works. The LP relaxation fills 2026 with a and 4/5 of b: one euro
    # more buys another 1/50 of b, worth 20/50 = 0.4 (plus the tie-break's ε).
    [(line, year, price)] = where_to_look(four_works())
    assert (line, year) == ("r", 2026)
    assert price == pytest.approx(0.4, rel=1e-3)


def test_a_line_or_year_outside_the_programme_is_refused():
    with pytest.raises(InstanceError, match="budgetregel"):
        money_curve(four_works(), "x", 2026)
    with pytest.raises(InstanceError, match="looptijd"):
        money_curve(four_works(), "r", 2035)


def brute_force(costs, values, limit):
    """The best set of works within `limit` by the schedule's own objective, trying every
    subset: the value plus the tie-break ε per placed work (units.py). None when the best
    two sets lie within the solver's tolerance of each other: then either is right."""
    epsilon = VALUE_EPSILON * max(1.0, *values.values())
    keys = list(costs)
    scored = sorted(
        (
            (sum(values[k] for k in chosen) + epsilon * size, chosen)
            for size in range(len(keys) + 1)
            for chosen in combinations(keys, size)
            if sum(costs[k] for k in chosen) <= limit + 1e-9
        ),
        reverse=True,
    )
    if len(scored) > 1 and scored[0][0] - scored[1][0] <= 1e-4 * max(1.0, scored[0][0]):
        return None
    return set(scored[0][1])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 60), st.integers(1, 40)), min_size=1, max_size=6),
    st.integers(0, 100),
)
def test_each_step_funds_what_a_brute_force_with_that_budget_funds(pairs, amount):
    costs = {f"w{i}": float(c) for i, (c, _) in enumerate(pairs)}
    # Values apart by i/1000; sets the objective cannot tell apart are left out (assume).
    values = {f"w{i}": v + i / 1000 for i, (_, v) in enumerate(pairs)}
    works = [work(k, cost=("r", costs[k]), value=values[k]) for k in costs]
    inst = instance(works, [budget("r", float(amount))], horizon=4)
    curve = money_curve(inst, "r", 2026, max_steps=3)
    base = brute_force(costs, values, amount)
    assume(base is not None)
    for step in curve.steps:
        expected = brute_force(costs, values, amount + step.extra)
        assume(expected is not None)
        assert set(step.funded) == expected - base
        assert set(step.dropped) == base - expected
