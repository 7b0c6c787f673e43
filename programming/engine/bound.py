"""A proven lower bound on the street openings of a programme (KPI graafmomenten_ondergrens).

Integrated counting (kpis.py) counts, per cluster, the distinct years in which its
scheduled street-opening members start, and one opening for every scheduled opening
work in no cluster. No plan for the same opening works can count fewer than this bound:

- A work in no cluster always digs on its own: it counts 1 in every plan.
- In a cluster, the years its opening members start in form a *hitting set* of their
  feasible-year sets: each member starts in one of its own feasible years, so every
  member's set contains one of those years. Take any collection of those sets that are
  pairwise disjoint: a single year lies in at most one of them, so any hitting set needs
  a different year for each. The size of a disjoint collection is therefore a lower
  bound on the cluster's openings in every plan.

The collection is built greedily, earliest last year first, taking a set when it shares
no year with the sets taken so far. For windows (consecutive years) this is the classic
interval-stabbing argument and the bound is exact: stabbing each taken window at its
last year hits every window, so that many years suffice. With explicit allowed years
(gaps in a set) it is still a valid lower bound, though possibly not the minimum.
"""

from __future__ import annotations

import numpy as np


def openings_lower_bound(opening: np.ndarray, feasible: np.ndarray, cluster: np.ndarray) -> int:
    """The fewest openings any plan can have for the works flagged in `opening` (the
    scheduled street-opening works), given `feasible` (works × years, bool) and
    `cluster` (cluster index per work, −1 for none)."""
    works = np.flatnonzero(opening)
    alone = int((cluster[works] < 0).sum())
    clustered = works[cluster[works] >= 0]
    # The works of each cluster in their order, from one stable sort: a mask per cluster
    # read all clustered works once per cluster (the 1M-asset city: 14,000 × 35,000).
    labels = cluster[clustered]
    order = np.argsort(labels, kind="stable")
    groups = np.split(clustered[order], np.flatnonzero(np.diff(labels[order])) + 1)
    return alone + sum(disjoint_sets(feasible[group]) for group in groups if len(group))


def disjoint_sets(sets: np.ndarray) -> int:
    """How many pairwise disjoint rows of `sets` (rows × years, bool) the greedy takes,
    earliest last year first (module docstring): a lower bound on any hitting set."""
    taken = np.zeros(sets.shape[1], dtype=bool)
    count = 0
    last = [int(np.flatnonzero(row)[-1]) if row.any() else -1 for row in sets]
    for r in sorted(range(len(sets)), key=lambda r: (last[r], int(sets[r].sum()))):
        if sets[r].any() and not (sets[r] & taken).any():
            taken |= sets[r]
            count += 1
    return count
