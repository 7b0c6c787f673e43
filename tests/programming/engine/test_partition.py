"""Splitting a linked group without a common year into clusters that have one."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from programming.engine.partition import (
    Group,
    partition,
    partition_exactly,
    partition_greedily,
)


def chain(size: int, feasible: np.ndarray, opening_cost: np.ndarray | None = None) -> Group:
    edges = np.array([[i, i + 1] for i in range(size - 1)], dtype=int).reshape(-1, 2)
    cost = np.full(size, 100.0) if opening_cost is None else opening_cost
    return Group(edges=edges, feasible=feasible, opening_cost=cost, share=0.3)


def test_a_long_chain_is_split_greedily_into_its_years():
    """Sixteen works in a row along a street; works 0–3 can only go in the first year,
    4–7 in the second, and so on. The only clusters with a common year are runs of
    works of the same year, so the best split is four runs of four."""
    feasible = np.zeros((16, 4), dtype=bool)
    feasible[np.arange(16), np.arange(16) // 4] = True
    parts = partition(chain(16, feasible))
    assert parts == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11], [12, 13, 14, 15]]


def test_a_part_must_be_connected():
    """Works 0 and 2 share a year but only meet through work 1, which cannot join them:
    they are not a cluster."""
    feasible = np.array([[True, False], [False, True], [True, False]])
    assert partition_exactly(chain(3, feasible)) == []


@st.composite
def groups(draw):
    size = draw(st.integers(2, 8))
    horizon = draw(st.integers(1, 4))
    pairs = [(a, b) for a in range(size) for b in range(a + 1, size)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
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
        edges=np.array(edges, dtype=int).reshape(-1, 2),
        feasible=feasible,
        opening_cost=np.array([np.nan if c is None else float(c) for c in costs]),
        share=0.3,
    )


def merit(group: Group, parts: list[list[int]]) -> tuple[int, float]:
    totals = [group.merit(part) for part in parts]
    return sum(t[0] for t in totals), round(sum(t[1] for t in totals), 9)


def is_valid(group: Group, part: list[int]) -> bool:
    if not group.feasible[part].all(axis=0).any():
        return False
    inside = [(a, b) for a, b in group.edges if a in part and b in part]
    reached, frontier = {part[0]}, [part[0]]
    while frontier:
        node = frontier.pop()
        for a, b in inside:
            for x, y in ((a, b), (b, a)):
                if x == node and y not in reached:
                    reached.add(y)
                    frontier.append(y)
    return reached == set(part)


@settings(max_examples=150, deadline=None)
@given(groups())
def test_parts_are_disjoint_valid_and_exact_is_never_worse_than_greedy(group):
    exact, greedy = partition_exactly(group), partition_greedily(group)
    for parts in (exact, greedy):
        members = [i for part in parts for i in part]
        assert len(members) == len(set(members))
        assert all(len(part) >= 2 and is_valid(group, part) for part in parts)
    assert merit(group, exact) >= merit(group, greedy)
