"""Couplings (koppelkansen): works that meet in place and time, grouped into clusters.

Two works are *neighbours* when their geometries lie within the coupling distance (in
metres, RD New). A work without geometry is compared by the most precise location both
share: the same street (case-insensitive, and in the same area when both know theirs),
otherwise the same area. Neighbours are *linked* when their windows overlap or come
within the time tolerance. Linked works form connected groups; a group that has no
common feasible year inside the horizon is split into parts that do (see partition).

Following MISS DIG's distinction, a cluster is a *conflict* when two of its
street-opening works would dig at the same time if each followed its own preferred
year (their execution periods — preferred year plus the years of the cost profile —
overlap): that must be coordinated. Otherwise it is an *opportunity* (kans): the
windows allow aligning them.

The programme manager's decisions enter here: an accepted cluster is kept as given and
its works are not coupled again; a rejected cluster's works are not linked to each other
again (a larger cluster that adds another work may still be proposed).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from programming.engine import columns as col
from programming.engine.instance import Parameters
from programming.engine.partition import Group, partition
from programming.engine.savings import opening_savings, openings_avoided

CONFLICT = "conflict"
OPPORTUNITY = "kans"


@dataclass(frozen=True)
class Coupling:
    """A cluster of works (by row position) with its common years and savings."""

    key: str
    members: tuple[int, ...]
    kind: str
    accepted: bool
    years: tuple[int, ...]  # common feasible start years in the horizon
    target_year: int | None  # the common year nearest the members' preferred years
    savings: float
    openings_avoided: int


@dataclass(frozen=True)
class Couplings:
    """The coupling stage's output: the clusters and the neighbour pairs (for graafrust)."""

    clusters: tuple[Coupling, ...]
    neighbours: np.ndarray  # (k × 2) row positions i < j, close in space

    def cluster_of(self, n_works: int) -> np.ndarray:
        """Index into `clusters` per work, −1 for a work in no cluster."""
        index = np.full(n_works, -1)
        for c, cluster in enumerate(self.clusters):
            index[list(cluster.members)] = c
        return index


def cluster_key(keys: Iterable[str]) -> str:
    """A cluster's stable key: SHA-256 of its sorted member keys, so a decision on it
    survives recomputation as long as its members stay the same."""
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()


def find_couplings(
    works: pd.DataFrame,
    feasible: np.ndarray,
    params: Parameters,
    accepted: Sequence[Sequence[int]] = (),
    rejected: Sequence[Sequence[int]] = (),
) -> Couplings:
    """Find the clusters of an instance.

    Steps:
    1. Neighbour pairs in space (STRtree within the distance; street or area fallback).
    2. Keep the pairs whose windows overlap or come within the time tolerance; drop pairs
       inside a rejected cluster, pairs touching an accepted cluster and pairs with a
       work that has no feasible year in the horizon.
    3. Connected groups of the remaining links; a group with a common feasible year is a
       cluster, a group without one is split into the best parts that have one.
    4. Add the accepted clusters as given, and describe every cluster (key, kind, common
       years, target year, savings, openings avoided).
    """
    neighbours = find_neighbours(works, params.coupling_distance)
    links = link_in_time(works, neighbours, params.time_tolerance)
    links = drop_decided(links, accepted, rejected)
    in_horizon = feasible.any(axis=1)
    links = links[in_horizon[links[:, 0]] & in_horizon[links[:, 1]]]

    groups = [list(members) for members in accepted if len(members) >= 2]
    accepted_count = len(groups)
    for component in connected_groups(links, len(works)):
        if feasible[component].all(axis=0).any():
            groups.append(component)
        else:
            groups.extend(split_group(component, links, works, feasible, params))

    arrays = WorkArrays.of(works)
    clusters = [
        describe_cluster(members, arrays, feasible, params, accepted=g < accepted_count)
        for g, members in enumerate(groups)
    ]
    clusters.sort(key=lambda c: c.members[0])
    return Couplings(clusters=tuple(clusters), neighbours=neighbours)


def find_neighbours(works: pd.DataFrame, distance: float) -> np.ndarray:
    """Pairs (i < j) of works close in space: geometries within `distance` metres, or the
    same street or area where a geometry is missing."""
    spatial = spatial_pairs(works[col.GEOMETRY], distance)
    pairs = np.vstack([spatial, fallback_pairs(works)]).astype(int)
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=int)
    return np.unique(pairs, axis=0)


def spatial_pairs(geometry: pd.Series, distance: float) -> np.ndarray:
    """Pairs (i < j) whose geometries lie within `distance` (STRtree query "dwithin")."""
    present = np.flatnonzero(geometry.notna().to_numpy())
    if len(present) < 2:
        return np.empty((0, 2), dtype=int)
    geoms = shapely.from_wkt(geometry.to_numpy()[present])
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="dwithin", distance=distance)
    keep = left < right
    return np.column_stack([present[left[keep]], present[right[keep]]])


def fallback_pairs(works: pd.DataFrame) -> np.ndarray:
    """Pairs (i < j) with at least one work without geometry, compared by location text.

    When both works name a street, they must name the same one (ignoring case and outer
    spaces) and, when both know their area, lie in the same area (village streets share
    names). Otherwise they must lie in the same area.
    """
    no_geometry = works[col.GEOMETRY].isna().to_numpy()
    if not no_geometry.any():
        return np.empty((0, 2), dtype=int)
    # Integer codes, −1 for missing, so each comparison below is one vector operation.
    street, _ = pd.factorize(works[col.STREET].str.strip().str.casefold().replace("", None))
    area, _ = pd.factorize(works[col.AREA])
    pairs = []
    for i in np.flatnonzero(no_geometry):
        both_streets = (street[i] >= 0) & (street >= 0)
        areas_agree = (area < 0) | (area[i] < 0) | (area == area[i])
        by_street = both_streets & (street == street[i]) & areas_agree
        by_area = ~both_streets & (area >= 0) & (area == area[i])
        others = np.flatnonzero(by_street | by_area)
        others = others[others != i]
        pairs.append(np.column_stack([np.minimum(others, i), np.maximum(others, i)]))
    return np.vstack(pairs).astype(int)


def link_in_time(works: pd.DataFrame, pairs: np.ndarray, tolerance: int) -> np.ndarray:
    """Keep the pairs whose permitted start years overlap or lie within `tolerance` years."""
    earliest = works[col.EARLIEST].to_numpy()
    latest = works[col.LATEST].to_numpy()
    i, j = pairs[:, 0], pairs[:, 1]
    apart = np.maximum(earliest[i], earliest[j]) - np.minimum(latest[i], latest[j])
    return pairs[apart <= tolerance]


def drop_decided(
    links: np.ndarray, accepted: Sequence[Sequence[int]], rejected: Sequence[Sequence[int]]
) -> np.ndarray:
    """Remove links inside a rejected cluster and links touching an accepted cluster."""
    keep = np.ones(len(links), dtype=bool)
    for members in rejected:
        inside = np.isin(links, list(members))
        keep &= ~inside.all(axis=1)
    taken = [i for members in accepted for i in members]
    if taken:
        keep &= ~np.isin(links, taken).any(axis=1)
    return links[keep]


def connected_groups(links: np.ndarray, n_works: int) -> list[list[int]]:
    """The connected groups of two or more works, each sorted, in order of their first work."""
    if len(links) == 0:
        return []
    graph = coo_matrix((np.ones(len(links)), (links[:, 0], links[:, 1])), shape=(n_works,) * 2)
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    groups = [g.tolist() for g in np.split(order, bounds) if len(g) >= 2]
    return sorted(groups)


def split_group(
    component: list[int],
    links: np.ndarray,
    works: pd.DataFrame,
    feasible: np.ndarray,
    params: Parameters,
) -> list[list[int]]:
    """Split a group without a common year into the best parts (see partition)."""
    local = {work: i for i, work in enumerate(component)}
    inside = np.isin(links, component).all(axis=1)
    edges = np.array([[local[a], local[b]] for a, b in links[inside]], dtype=int).reshape(-1, 2)
    cost = works[col.TOTAL_COST].to_numpy(dtype=float)[component]
    opens = works[col.OPENS_STREET].to_numpy(dtype=bool)[component]
    group = Group(
        edges=edges,
        feasible=feasible[component],
        opening_cost=np.where(opens, cost, np.nan),
        share=params.opening_cost_share,
    )
    return [[component[i] for i in part] for part in partition(group)]


@dataclass(frozen=True)
class WorkArrays:
    """The per-work columns that describe a cluster, as arrays (fast to index)."""

    key: np.ndarray
    preferred: np.ndarray
    duration: np.ndarray
    opens: np.ndarray
    cost: np.ndarray

    @classmethod
    def of(cls, works: pd.DataFrame) -> WorkArrays:
        return cls(
            key=works[col.KEY].to_numpy(dtype=str),
            preferred=works[col.PREFERRED_YEAR].to_numpy(dtype=int),
            duration=works[col.DURATION].to_numpy(dtype=int),
            opens=works[col.OPENS_STREET].to_numpy(dtype=bool),
            cost=works[col.TOTAL_COST].to_numpy(dtype=float),
        )


def describe_cluster(
    members: Sequence[int],
    arrays: WorkArrays,
    feasible: np.ndarray,
    params: Parameters,
    accepted: bool,
) -> Coupling:
    """Key, kind, common years, target year, savings and openings avoided of a cluster.

    The target year is the common year nearest the median of the members' preferred
    years (the earlier on a tie): where the schedule puts the cluster when the budget
    leaves the choice free.
    """
    index = np.asarray(members, dtype=int)
    index = index[np.argsort(arrays.key[index], kind="stable")]
    common = feasible[index].all(axis=0)
    years = tuple(params.first_year + int(y) for y in np.flatnonzero(common))
    target = None
    if years:
        median = float(np.median(arrays.preferred[index]))
        target = min(years, key=lambda year: (abs(year - median), year))
    opening = index[arrays.opens[index]]
    costs = arrays.cost[opening].tolist()
    start = arrays.preferred[opening]
    return Coupling(
        key=cluster_key(arrays.key[index].tolist()),
        members=tuple(int(i) for i in index),
        kind=CONFLICT
        if periods_overlap(start, start + arrays.duration[opening] - 1)
        else OPPORTUNITY,
        accepted=accepted,
        years=years,
        target_year=target,
        savings=opening_savings(costs, params.opening_cost_share),
        openings_avoided=openings_avoided(len(costs)),
    )


def periods_overlap(start: np.ndarray, end: np.ndarray) -> bool:
    """True when two of the periods [start, end] (inclusive years) overlap: sorted by
    start, some period begins before all earlier ones have ended."""
    if len(start) < 2:
        return False
    order = np.argsort(start, kind="stable")
    latest_end = np.maximum.accumulate(end[order])[:-1]
    return bool((start[order][1:] <= latest_end).any())
