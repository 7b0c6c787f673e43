"""Split a linked group of works into clusters: stars around an anchor with a common year.

A *part* (a cluster) has an *anchor*: every other member lies along the anchor (most of
it within the coupling distance of the anchor, see couplings), and all members share a
feasible year. Requiring one anchor instead of mere connection keeps a cluster to one
street: two streets that touch at a junction do not lie along each other, so they do not
chain a village into one cluster through its crossings.

The best partition maximises, in this order: the street openings it avoids, its savings,
how few parts it has, and how many works it couples (fewest left alone).

- Up to :data:`EXACT_LIMIT` works the best partition is found exactly by dynamic
  programming over subsets (2^12 = 4,096 subsets; each tries the valid parts that hold
  its lowest work).
- Beyond that a greedy rule is used: every work is tried as an anchor in every year; the
  best star becomes a cluster, its works leave the group, the stars they were part of
  are scored again, and the search repeats until no star of two or more works remains.
  Each greedy cluster is the best star left when it is taken, but the partition is not
  guaranteed best.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from programming.engine.savings import opening_savings, openings_avoided

EXACT_LIMIT = 12

Merit = tuple[int, float, int, int]


@dataclass(frozen=True)
class Group:
    """A linked group of works, with local indices 0 … size − 1.

    `along` holds the pairs (member, anchor): the member lies along the anchor, so it may
    join a cluster around it. A pair in both directions is listed twice.
    """

    along: np.ndarray  # (k × 2) local index pairs (member, anchor)
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

    def members_along(self) -> list[list[int]]:
        """Per anchor, the works that lie along it."""
        result: list[list[int]] = [[] for _ in range(self.size)]
        for member, anchor in self.along:
            result[int(anchor)].append(int(member))
        return result


def partition(group: Group) -> list[list[int]]:
    """The parts of two or more works of the best (or, for large groups, a good) partition."""
    if group.size <= EXACT_LIMIT:
        return partition_exactly(group)
    return partition_greedily(group)


def partition_exactly(group: Group) -> list[list[int]]:
    """Best partition by dynamic programming over the subsets of a small group.

    Steps:
    1. The valid parts: every single work, and every star (an anchor with works that
       lie along it) whose members share a year (bitwise AND of their years).
    2. best(mask) = the best sum of merits over partitions of `mask` into valid parts;
       the part holding the lowest work of `mask` is chosen among the valid parts that
       start at that work and lie inside `mask` (the lowest such part on a tie). It is
       computed from the full set down, only for the subsets a choice leads to: a
       city's groups of a dozen works have a few dozen stars, not 4,096 subsets.
    3. Walk back from the full set to read the parts.
    """
    m = group.size
    year_masks = [sum(1 << int(y) for y in np.flatnonzero(row)) for row in group.feasible]
    stars: set[int] = set()
    for anchor, members in enumerate(group.members_along()):
        along = sorted(set(members) - {anchor})
        for chosen in range(1, 1 << len(along)):
            stars.add((1 << anchor) | sum(1 << w for i, w in enumerate(along) if chosen >> i & 1))
    # In ascending order of part, the single work first: the lowest part wins a tie.
    parts_by_low: list[list[tuple[int, Merit]]] = [
        [(1 << low, (0, 0.0, -1, 0))] for low in range(m)
    ]
    for part in sorted(stars):
        members = _members(part)
        common = -1
        for member in members:
            common &= year_masks[member]
        if common:
            parts_by_low[members[0]].append((part, group.merit(members)))

    best: dict[int, Merit] = {0: (0, 0.0, 0, 0)}
    choice: dict[int, int] = {}

    def solve(mask: int) -> Merit:
        if mask in best:
            return best[mask]
        low = (mask & -mask).bit_length() - 1
        found: Merit | None = None
        for part, merit in parts_by_low[low]:
            if part & ~mask:
                continue
            other = solve(mask ^ part)
            total: Merit = (
                merit[0] + other[0],
                merit[1] + other[1],
                merit[2] + other[2],
                merit[3] + other[3],
            )
            if found is None or total > found:
                found, choice[mask] = total, part
        best[mask] = found  # type: ignore[assignment]  # a single work is always valid
        return best[mask]

    parts, mask = [], (1 << m) - 1
    solve(mask)
    while mask:
        part = choice[mask]
        if part & (part - 1):
            parts.append(_members(part))
        mask ^= part
    return sorted(parts)


def partition_greedily(group: Group) -> list[list[int]]:
    """A good partition of a large group: the best star first, again and again.

    Steps:
    1. Score every anchor's best star (over the years the anchor can go in) and put it in
       a priority queue.
    2. Take the best entry. If its works are still free and its score is current, it
       becomes a cluster: its works leave the group and every anchor they lay along is
       scored again. A stale entry is scored again and put back.
    3. Stop when no star of two or more works remains.
    """
    along = group.members_along()
    anchors_of: list[list[int]] = [[] for _ in range(group.size)]
    for anchor, members in enumerate(along):
        for member in members:
            anchors_of[member].append(anchor)
    # Plain lists: read one element at a time, thousands of times per large group, where a
    # numpy array's element access costs several times a list's (city: 0.35 s).
    free = [True] * group.size
    version = [0] * group.size

    def entry(anchor: int) -> tuple[tuple[int, float, int], int, int, list[int]] | None:
        star = best_star(group, anchor, [m for m in along[anchor] if free[m]])
        if not star:
            return None
        merit = group.merit(star)
        # heapq is a min-heap: negate, and the lower anchor wins a tie.
        return (-merit[0], -merit[1], -len(star)), anchor, int(version[anchor]), star

    queue = [item for anchor in range(group.size) if (item := entry(anchor))]
    heapq.heapify(queue)
    parts: list[list[int]] = []
    while queue:
        _, anchor, seen, star = heapq.heappop(queue)
        if not free[anchor] or seen != version[anchor]:
            continue
        parts.append(star)
        for member in star:
            free[member] = False
        for other in sorted({a for member in star for a in anchors_of[member] if free[a]}):
            version[other] += 1
            if item := entry(other):
                heapq.heappush(queue, item)
    return sorted(parts)


def best_star(group: Group, anchor: int, candidates: list[int]) -> list[int]:
    """The anchor with the candidates that share its best year (two or more works), or [].

    Per year the anchor can go in, the star is the anchor with every candidate feasible
    in that year; the best merit wins, the earliest year on a tie.
    """
    if not candidates:
        return []
    candidates = sorted(candidates)
    fits = group.feasible[candidates] & group.feasible[anchor]
    best: tuple[tuple[int, float, int], list[int]] | None = None
    for year in np.flatnonzero(fits.any(axis=0)):
        star = sorted([anchor, *np.asarray(candidates)[fits[:, year]].tolist()])
        merit = group.merit(star)
        if best is None or (*merit[:2], len(star)) > best[0]:
            best = ((*merit[:2], len(star)), star)
    return best[1] if best else []


def _members(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def _has_anchor(mask: int, along_mask: list[int]) -> bool:
    """True when some member of `mask` has every other member lying along it."""
    rest = mask
    while rest:
        low = rest & -rest
        rest ^= low
        if not (mask & ~low) & ~along_mask[low.bit_length() - 1]:
            return True
    return False
