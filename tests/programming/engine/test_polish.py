"""The polish's all-at-once steps give the answers of the unit-by-unit rules they replace."""

import numpy as np
import pytest

from programming.engine.graafrust import ClosedPairs, breaches_at
from programming.engine.polish import breaking_units
from programming.engine.units import (
    Ledger,
    Unit,
    cost_rows,
    fitting_spends,
    spend_of,
    within_budget,
)


def random_cost(rng, lines, length):
    """A cost profile on one or two lines, whole euros, sometimes zero in a year."""
    cost = np.zeros((lines, length))
    for line in rng.choice(lines, size=rng.integers(1, 3), replace=False):
        cost[line] = rng.integers(0, 40, size=length)
    return cost


@pytest.mark.parametrize("carry_over", [False, True])
def test_fitting_spends_match_spend_of_and_within_budget_bit_for_bit(carry_over):
    """Every start year of many profiles against a plan's spend, some of them ending
    beyond the horizon, budgets tight enough that about half the tries do not fit, and
    spend exactly at the budget in some cells (the tolerance's edge)."""
    rng = np.random.default_rng(7)
    lines, horizon = 3, 6
    budget = rng.integers(20, 60, size=(lines, horizon)).astype(float)
    outcomes = set()
    for _ in range(300):
        base = budget * rng.choice([0.0, 0.5, 1.0], size=budget.shape)
        cost = random_cost(rng, lines, int(rng.integers(1, 4)))
        starts = sorted(rng.choice(horizon, size=int(rng.integers(1, horizon)), replace=False))
        spends, fits = fitting_spends(cost, starts, base, budget, carry_over)
        for i, start in enumerate(starts):
            expected = base + spend_of(cost, start, horizon)
            assert np.array_equal(spends[i], expected)
            assert fits[i] == within_budget(expected, budget, carry_over)
            outcomes.add(bool(fits[i]))
    assert outcomes == {False, True}


def test_fitting_spends_of_no_start_years_is_empty():
    spends, fits = fitting_spends(np.ones((1, 1)), [], np.zeros((1, 3)), np.ones((1, 3)), True)
    assert spends.shape == (0, 1, 3)
    assert fits.shape == (0,)


def test_breaking_units_are_those_breaches_at_counts():
    """Random plans of single works and two-work blocks next to random pairs: the placed
    units with at least one break by `breaches_at`, in the given order, whichever units
    hold the works that are not placed."""
    rng = np.random.default_rng(11)
    n_works, graafrust_years = 40, 3
    for _ in range(50):
        units = [Unit((w,), tuple(range(8)), 0, 1.0, 0, np.zeros((1, 1))) for w in range(n_works)]
        units += [
            Unit(tuple(int(m) for m in pair), tuple(range(8)), 0, 1.0, 0, np.zeros((1, 1)))
            for pair in rng.choice(n_works, size=(10, 2), replace=False)
        ]
        start = np.full(len(units), -1)
        taken = np.zeros(n_works, dtype=bool)
        for u in rng.permutation(len(units)):
            members = list(units[u].members)
            if not taken[members].any() and rng.random() < 0.8:
                start[u] = rng.integers(0, 8)
                taken[members] = True
        year_of = np.full(n_works, np.nan)
        for unit, year in zip(units, start, strict=True):
            if year >= 0:
                year_of[list(unit.members)] = year
        ends = rng.choice(n_works, size=(30, 2))
        ends = ends[ends[:, 0] != ends[:, 1]]
        pairs = ClosedPairs(ends[:, 0], ends[:, 1], graafrust_years, n_works)
        closers, openers = pairs.closers_of(n_works), pairs.openers_of(n_works)
        order = rng.permutation(len(units)).tolist()

        expected = [
            u
            for u in order
            if start[u] >= 0
            and breaches_at(units[u].members, start[u], year_of, closers, openers, 3)
        ]
        assert breaking_units(units, start, order, pairs, year_of) == expected
        assert expected  # the case is not empty


def test_no_pairs_break_nothing():
    units = [Unit((0,), (0,), 0, 1.0, 0, np.zeros((1, 1)))]
    assert breaking_units(units, np.array([0]), [0], ClosedPairs.none(1), np.zeros(1)) == []


@pytest.mark.parametrize("carry_over", [False, True, np.array([True, False, True, False])])
def test_ledger_answers_as_spend_of_and_within_budget_on_the_whole_matrix(carry_over):
    """The ledger checks only the rows a cost touches, in plain Python: for placed and
    moved units, fractional amounts, spend exactly at the budget and rows already over
    it, its answer and its spend are those of the whole-matrix rules, bit for bit."""
    rng = np.random.default_rng(11)
    lines, horizon = 4, 6
    budget = np.round(rng.uniform(20, 60, size=(lines, horizon)), 2)
    outcomes = set()
    for _ in range(60):
        spend = budget * rng.choice([0.0, 0.3, 0.6, 1.0], size=budget.shape)
        if rng.random() < 0.3:  # a row over its budget already
            spend[rng.integers(lines)] *= 1.2
        costs = [random_cost(rng, lines, int(rng.integers(1, 4))) * 1.07 for _ in range(8)]
        ledger = Ledger(budget, carry_over, cost_rows(costs), spend)
        for _ in range(20):
            key = int(rng.integers(len(costs)))
            start = int(rng.integers(horizon))
            moved_from = int(rng.integers(-1, horizon))
            expected = ledger.whole(key, ledger.spread(key, start, moved_from))
            reference = spend.copy()
            if moved_from >= 0:
                reference = reference - spend_of(costs[key], moved_from, horizon)
            reference = reference + spend_of(costs[key], start, horizon)
            assert np.array_equal(expected, reference)
            fits = ledger.fits(key, start, moved_from)
            assert (fits is not None) == within_budget(reference, budget, carry_over)
            outcomes.add(fits is not None)
            if fits is not None:
                ledger.book(key, fits)
                spend = reference
                assert np.array_equal(np.array(ledger.spend), spend)
    assert outcomes == {False, True}
