"""Units: the clusters' units, built over all clusters at once, carry exactly the numbers
a unit built per cluster with numpy carries (the schedule must not change with them), and
which works a plan places, read over all units at once."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from programming.engine.couplings import Coupling
from programming.engine.units import Unit, _cluster_units, must_do_missed, placed_works

HORIZON = 4
SHARE = 0.3


def per_cluster(members, target, feasible, opening_cost, values, must_do, tensor):
    """A cluster's unit as it was built one cluster at a time: (years, target, value,
    must-do count, cost, discount per member)."""
    discount = np.where(np.isnan(opening_cost[members]), 0.0, SHARE)
    if (discount > 0).any():
        discount[int(np.nanargmax(opening_cost[members]))] = 0.0
    keep = 1.0 - discount
    years = tuple(y for y, fits in enumerate(feasible[members].all(axis=0).tolist()) if fits)
    cost = np.dot(keep, tensor[members].reshape(len(members), -1)).reshape(tensor.shape[1:])
    return (
        years,
        min(years, key=lambda y: (abs(y - target), y)),
        float(values[members].sum()),
        int(must_do[members].sum()),
        cost,
        tuple((1.0 - keep).tolist()),
    )


@st.composite
def clusters(draw):
    n_works = draw(st.integers(2, 14))
    # Costs from a few values, so equal opening costs (ties) and missing ones (NaN) occur.
    opening_cost = np.array(
        draw(
            st.lists(st.sampled_from([np.nan, 10.0, 25.5, 0.1]), min_size=n_works, max_size=n_works)
        )
    )
    values = np.array(
        draw(
            st.lists(
                st.floats(0, 1000, allow_nan=False, allow_subnormal=False),
                min_size=n_works,
                max_size=n_works,
            )
        )
    )
    must_do = np.array(draw(st.lists(st.booleans(), min_size=n_works, max_size=n_works)))
    tensor = np.array(
        draw(
            st.lists(
                st.floats(0, 1e6, allow_nan=False, allow_subnormal=False),
                min_size=n_works * 2 * 3,
                max_size=n_works * 2 * 3,
            )
        )
    ).reshape(n_works, 2, 3)
    feasible = np.array(
        draw(st.lists(st.booleans(), min_size=n_works * HORIZON, max_size=n_works * HORIZON))
    ).reshape(n_works, HORIZON)
    chosen, targets = [], []
    # Up to 12 members: numpy sums from 8 numbers on pairwise, below that in turn.
    for k in range(draw(st.integers(1, 6))):
        members = draw(st.lists(st.integers(0, n_works - 1), min_size=2, max_size=12, unique=True))
        year = draw(st.integers(0, HORIZON - 1))
        feasible[members, year] = True  # a cluster's target year is one of its years
        chosen.append(
            Coupling(f"K{k}", tuple(members), "kans", k % 2 == 0, (year,), 2026 + year, 0.0, 0)
        )
        targets.append(draw(st.integers(0, HORIZON - 1)))
    return chosen, targets, feasible, opening_cost, values, must_do, tensor


@settings(max_examples=200, deadline=None)
@given(clusters())
def test_the_units_of_all_clusters_at_once_equal_those_built_one_by_one(case):
    chosen, targets, feasible, opening_cost, values, must_do, tensor = case

    units = _cluster_units(chosen, targets, feasible, opening_cost, values, must_do, tensor, SHARE)

    assert len(units) == len(chosen)
    for unit, cluster, target in zip(units, chosen, targets, strict=True):
        years, nearest, value, musts, cost, discount = per_cluster(
            list(cluster.members), target, feasible, opening_cost, values, must_do, tensor
        )
        assert unit.members == cluster.members
        assert (unit.years, unit.target, unit.must_do, unit.discount) == (
            years,
            nearest,
            musts,
            discount,
        )
        assert unit.value == value, "the same sum to the last bit"
        assert cost.shape == unit.cost.shape
        assert np.array_equal(unit.cost, cost)


@st.composite
def plans(draw):
    """Units over a few works (a work in several units, as a proposed cluster's members
    are) with a start year or −1 each."""
    n_works = draw(st.integers(1, 8))
    units = [
        Unit(
            members=tuple(
                draw(st.lists(st.integers(0, n_works - 1), min_size=1, max_size=4, unique=True))
            ),
            years=(0,),
            target=0,
            value=1.0,
            must_do=draw(st.integers(0, 2)),
            cost=np.zeros((1, 1)),
            alternative=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 8)))
    ]
    start = np.array([draw(st.integers(-1, 2)) for _ in units], dtype=np.int64)
    return units, start


@given(plans())
def test_placed_works_and_must_do_missed_read_the_units_as_sets(case):
    """A work is placed when a placed unit holds it; a unit of its own (not a proposed
    cluster's alternative) whose members none is placed misses its must-do count."""
    units, start = case
    placed = {m for unit, year in zip(units, start, strict=True) if year >= 0 for m in unit.members}
    highest = max((m for unit in units for m in unit.members), default=-1)

    assert placed_works(units, start).tolist() == [w in placed for w in range(highest + 1)]
    assert must_do_missed(units, start) == sum(
        unit.must_do
        for unit in units
        if not unit.alternative and not placed.intersection(unit.members)
    )
