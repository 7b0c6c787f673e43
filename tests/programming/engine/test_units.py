"""The clusters' units, built over all clusters at once, carry exactly the numbers a
unit built per cluster with numpy carries: the schedule must not change with them."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from programming.engine.couplings import Coupling
from programming.engine.units import _cluster_units

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
