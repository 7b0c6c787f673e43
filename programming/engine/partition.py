"""Split a linked group of works without a common year into clusters that have one.

A *part* is a set of works that is connected by coupling links and has at least one
common feasible year. The best partition maximises, in this order: the street openings
it avoids, its savings, how few parts it has, and how many works it couples (fewest
left alone).

- Up to :data:`EXACT_LIMIT` works the best partition is found exactly by dynamic
  programming over subsets (2^12 = 4,096 subsets; each tries the valid parts that hold
  its lowest work).
- Beyond that a greedy rule is used: for every year, the works feasible in that year
  fall into connected groups; the best group (by the same order) becomes a cluster,
  groups that do not overlap it are taken in turn, and the search repeats on the works
  left until no group of two or more remains. Each greedy cluster is maximal for its
  year, but the partition is not guaranteed best.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from programming.engine.savings import opening_savings, openings_avoided

EXACT_LIMIT = 12

Merit = tuple[int, float, int, int]


@dataclass(frozen=True)
class Group:
    """A connected group of works, with local indices 0 … size − 1."""

    edges: np.ndarray  # (k × 2) local index pairs
    feasible: np.ndarray  # (size × horizon) bool
    opening_cost: np.ndarray  # (size,) total cost of street-opening works, NaN otherwise
    share: float

    @property
    def size(self) -> int:
        return len(self.feasible)

    def merit(self, members: list[int]) -> Merit:
        """(openings avoided, savings, −1, works coupled), summed over the parts of a
        partition: the third counts the parts, the last the works not left alone."""
        costs = [float(c) for c in self.opening_cost[members] if not np.isnan(c)]
        coupled = len(members) if len(members) >= 2 else 0
        return (openings_avoided(len(costs)), opening_savings(costs, self.share), -1, coupled)


def partition(group: Group) -> list[list[int]]:
    """The parts of two or more works of the best (or, for large groups, a good) partition."""
    if group.size <= EXACT_LIMIT:
        return partition_exactly(group)
    return partition_greedily(group)


def partition_exactly(group: Group) -> list[list[int]]:
    """Best partition by dynamic programming over the subsets of a small group.

    Steps:
    1. For every subset, its common years (bitwise AND) and whether it is connected.
    2. A subset is a valid part when it is a single work, or connected with a common year.
    3. best[mask] = the best sum of merits over partitions of `mask` into valid parts;
       the part holding the lowest work of `mask` is chosen among the valid parts that
       start at that work and lie inside `mask`.
    4. Walk back from the full set to read the parts.
    """
    m = group.size
    neighbours = [0] * m
    for a, b in group.edges:
        neighbours[a] |= 1 << int(b)
        neighbours[b] |= 1 << int(a)
    year_masks = [sum(1 << y for y in np.flatnonzero(row)) for row in group.feasible]
    all_years = (1 << group.feasible.shape[1]) - 1

    count = 1 << m
    common = [all_years] * count
    parts_by_low: list[list[tuple[int, Merit]]] = [[] for _ in range(m)]
    for mask in range(1, count):
        low = (mask & -mask).bit_length() - 1
        common[mask] = common[mask & (mask - 1)] & year_masks[low]
        if mask == 1 << low:
            parts_by_low[low].append((mask, (0, 0.0, -1, 0)))
        elif common[mask] and _is_connected(mask, neighbours):
            parts_by_low[low].append((mask, group.merit(_members(mask))))

    best: list[Merit] = [(0, 0.0, 0, 0)] * count
    choice = [0] * count
    for mask in range(1, count):
        low = (mask & -mask).bit_length() - 1
        found: Merit | None = None
        for part, merit in parts_by_low[low]:
            if part & ~mask:
                continue
            other = best[mask ^ part]
            total: Merit = (
                merit[0] + other[0],
                merit[1] + other[1],
                merit[2] + other[2],
                merit[3] + other[3],
            )
            if found is None or total > found:
                found, choice[mask] = total, part
        best[mask] = found  # type: ignore[assignment]  # a single work is always valid

    parts, mask = [], count - 1
    while mask:
        part = choice[mask]
        if part & (part - 1):
            parts.append(_members(part))
        mask ^= part
    return sorted(parts)


def partition_greedily(group: Group) -> list[list[int]]:
    """A good partition of a large group: maximal per-year groups, best first.

    Steps:
    1. For every year, connect the remaining works feasible in that year; each connected
       set of two or more is a candidate with its merit.
    2. Take candidates best first, skipping those that overlap one already taken.
    3. Remove the taken works and repeat until no candidate is left.
    """
    size = group.size
    rows, cols = group.edges[:, 0], group.edges[:, 1]
    graph = csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(size, size))
    graph = graph + graph.T
    remaining = np.ones(size, dtype=bool)
    parts: list[list[int]] = []
    while True:
        candidates = []
        for year in range(group.feasible.shape[1]):
            nodes = np.flatnonzero(remaining & group.feasible[:, year])
            if len(nodes) < 2:
                continue
            _, labels = connected_components(graph[nodes][:, nodes], directed=False)
            for label in np.unique(labels):
                members = nodes[labels == label].tolist()
                if len(members) >= 2:
                    merit = group.merit(members)
                    # Bigger groups first among equal merit; then the earliest, for stability.
                    candidates.append(((merit[0], merit[1], len(members)), members))
        if not candidates:
            return sorted(parts)
        candidates.sort(key=lambda item: (item[0], [-m for m in item[1]]), reverse=True)
        for _, members in candidates:
            if remaining[members].all():
                parts.append(sorted(members))
                remaining[members] = False


def _members(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _is_connected(mask: int, neighbours: list[int]) -> bool:
    start = mask & -mask
    seen = frontier = start
    while frontier:
        low = frontier & -frontier
        frontier ^= low
        reach = neighbours[low.bit_length() - 1] & mask & ~seen
        seen |= reach
        frontier |= reach
    return seen == mask
