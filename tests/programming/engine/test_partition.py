"""Splitting a linked group into stars: clusters around an anchor with a common year."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from programming.engine.partition import (
    Group,
    partition,
    partition_exactly,
    partition_greedily,
)


def both_ways(pairs: list[tuple[int, int]]) -> np.ndarray:
    return np.array([p for a, b in pairs for p in ((a, b), (b, a))], dtype=int).reshape(-1, 2)


def group(along: np.ndarray, feasible: np.ndarray, opening_cost=None) -> Group:
    cost = np.full(len(feasible), 100.0) if opening_cost is None else opening_cost
    return Group(along=along, feasible=feasible, opening_cost=cost, share=0.3)


def test_a_street_of_works_in_four_years_is_split_greedily_into_its_years():
    """Sixteen works in one street all lie along each other; works 0–3 can only go in
    the first year, 4–7 in the second, and so on. The only stars with a common year are
    the works of one year, so the best split is four clusters of four."""
    feasible = np.zeros((16, 4), dtype=bool)
    feasible[np.arange(16), np.arange(16) // 4] = True
    pairs = [(a, b) for a in range(16) for b in range(a + 1, 16)]
    parts = partition(group(both_ways(pairs), feasible))
    assert parts == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]


def test_works_that_only_meet_through_a_junction_do_not_chain():
    """Three streets in a row: 0 lies along 1 and 2 lies along 1, but not along each
    other. All share the one year. {0, 1, 2} is a star around 1, so it is one cluster;
    with 1 unable to join (another year), 0 and 2 are no cluster."""
    along = both_ways([(0, 1), (1, 2)])
    assert partition_exactly(group(along, np.ones((3, 1), dtype=bool))) == [[0, 1, 2]]
    feasible = np.array([[True, False], [False, True], [True, False]])
    assert partition_exactly(group(along, feasible)) == []


def test_a_chain_is_no_cluster_without_an_anchor():
    """Four works in a chain 0–1–2–3 sharing a year: no work has all others along it, so
    the best split is two stars of two (two openings avoided), e.g. {0,1} and {2,3}."""
    along = both_ways([(0, 1), (1, 2), (2, 3)])
    parts = partition_exactly(group(along, np.ones((4, 1), dtype=bool)))
    assert sorted(map(len, parts)) == [2, 2]


def test_the_anchor_is_the_work_the_others_lie_along():
    """A short cable (0) lies along a long sewer (1), not the other way round; the cable
    can anchor nothing, the sewer anchors both."""
    along = np.array([[0, 1]])
    assert partition_exactly(group(along, np.ones((2, 1), dtype=bool))) == [[0, 1]]


@st.composite
def groups(draw):
    size = draw(st.integers(2, 8))
    horizon = draw(st.integers(1, 4))
    pairs = [(a, b) for a in range(size) for b in range(size) if a != b]
    along = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    feasible = np.array(
        draw(
            st.lists(
                st.lists(st.booleans(), min_size=horizon, max_size=horizon),
                min_size=size,
                max_size=size,
            )
        )
    )
    costs = draw(st.lists(st.none() | st.integers(1, 100), min_size=size, max_size=size))
    return Group(
        along=np.array(along, dtype=int).reshape(-1, 2),
        feasible=feasible,
        opening_cost=np.array([np.nan if c is None else float(c) for c in costs]),
        share=0.3,
    )


def merit(group: Group, parts: list[list[int]]) -> tuple[int, float]:
    totals = [group.merit(part) for part in parts]
    return sum(t[0] for t in totals), round(sum(t[1] for t in totals), 9)


def is_star(group: Group, part: list[int]) -> bool:
    """A common year, and a member that every other member lies along."""
    if not group.feasible[part].all(axis=0).any():
        return False
    along = {(int(m), int(a)) for m, a in group.along}
    return any(all((m, a) in along for m in part if m != a) for a in part)


@settings(max_examples=150, deadline=None)
@given(groups())
def test_parts_are_disjoint_stars_and_exact_is_never_worse_than_greedy(group):
    exact, greedy = partition_exactly(group), partition_greedily(group)
    for parts in (exact, greedy):
        members = [i for part in parts for i in part]
        assert len(members) == len(set(members))
        assert all(len(part) >= 2 and is_star(group, part) for part in parts)
    assert merit(group, exact) >= merit(group, greedy)
