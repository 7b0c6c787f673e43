"""Couplings (koppelkansen): works that meet in place and time, grouped into clusters.

A work *lies along* another when at least `coupling_overlap` of it (its points, or its
length sampled every half coupling distance) lies within the coupling distance of the
other (metres, RD New). So the cable in the Kerkstraat lies along the Kerkstraat's sewer,
but the sewer of a side street, which only touches the Kerkstraat at the junction, does
not. A work without geometry is compared by the most precise location both share: the
same street (case-insensitive, and in the same area when both know theirs), otherwise
the same area; such works lie along each other both ways.

Works that lie along each other are *linked* when their windows overlap or come within
the time tolerance. A cluster is a *star*: an anchor, the works linked to it that lie
along it, and at least one common feasible year (see partition). Linked groups that
already form such a star are one cluster; larger groups are split into the best stars.

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
from scipy.spatial import cKDTree

from programming.engine import columns as col
from programming.engine.beside import beside
from programming.engine.instance import Parameters
from programming.engine.partition import Group, partition
from programming.engine.savings import opening_savings, openings_avoided

CONFLICT = "conflict"
#: Shapely type ids of polygons and multipolygons.
AREA_TYPES = (3, 6)
#: Shapely type ids of points and multipoints.
POINT_TYPES = (0, 4)
OPPORTUNITY = "kans"
#: From this many groups to split into stars on, a forked process splits half of them
#: (`split_groups`); below it, starting a process costs more than it saves.
SPLIT_BESIDE_FROM = 1_000


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
    neighbours: np.ndarray  # (k × 2) row positions i < j, one lying along the other

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
    geometric: np.ndarray | None = None,
) -> Couplings:
    """Find the clusters of an instance; `geometric`: `along_pairs`'s answer for the
    works' geometries when it is known (staging.py finds it beside the frames).

    Steps:
    1. Pairs (member, anchor) where the member lies along the anchor (sampled points in
       an STRtree; street or area fallback).
    2. Keep the pairs whose windows overlap or come within the time tolerance; drop pairs
       inside a rejected cluster, pairs touching an accepted cluster and pairs with a
       work that has no feasible year in the horizon.
    3. Connected groups of the remaining links; a group that is a star with a common
       year is a cluster, any other group is split into the best stars.
    4. Add the accepted clusters as given, and describe every cluster (key, kind, common
       years, target year, savings, openings avoided).
    """
    along = find_along(works, params.coupling_distance, params.coupling_overlap, geometric)
    links = link_in_time(works, along, params.time_tolerance)
    links = drop_decided(links, accepted, rejected)
    # asarray: numpy's stubs type a reduction along an axis as "scalar or array".
    in_horizon = np.asarray(feasible.any(axis=1))
    links = links[in_horizon[links[:, 0]] & in_horizon[links[:, 1]]]

    groups = [list(members) for members in accepted if len(members) >= 2]
    accepted_count = len(groups)
    arrays = WorkArrays.of(works)
    to_split = []
    for component, inside in connected_groups(links, len(works)):
        if feasible[component].all(axis=0).any() and is_star(component, inside):
            groups.append(component)
        else:
            to_split.append((component, inside))
    groups.extend(split_groups(to_split, arrays, feasible, params))

    clusters = [
        describe_cluster(members, arrays, feasible, params, accepted=g < accepted_count)
        for g, members in enumerate(groups)
    ]
    clusters.sort(key=lambda c: c.members[0])
    neighbours = np.unique(np.sort(along, axis=1), axis=0) if len(along) else along
    return Couplings(clusters=tuple(clusters), neighbours=neighbours)


def find_along(
    works: pd.DataFrame, distance: float, overlap: float, geometric: np.ndarray | None = None
) -> np.ndarray:
    """Pairs (member, anchor) of distinct works where the member lies along the anchor:
    by geometry (`geometric` when already found), or by street or area where a geometry
    is missing (both ways)."""
    if geometric is None:
        geometric = along_pairs(works[col.GEOMETRY], distance, overlap)
    fallback = fallback_pairs(works)
    pairs = np.vstack([geometric, fallback, fallback[:, ::-1]])
    if len(pairs) == 0:
        return np.empty((0, 2), dtype=int)
    return np.unique(pairs.astype(int), axis=0)


def along_pairs(geometry: pd.Series, distance: float, overlap: float) -> np.ndarray:
    """Pairs (member, anchor) whose geometries are present where at least `overlap` of
    the member's sample points lie within `distance` of the anchor's sample points.

    Steps:
    1. Sample every geometry: its vertices after segmentizing to half the distance, one
       point per cell of a quarter of the distance (so a park of 500 trees does not
       weigh 500 times).
    2. Find every pair of sample points of two works within `distance` with a k-d tree
       over the coordinates (scipy's, in C), and keep each (point, other work) hit once.
       The tree searches a hair wider; the exact test is GEOS's "dwithin" for points,
       √(dx² + dy²) ≤ distance, so the pairs are those of a shapely STRtree query,
       without building a million point geometries (on the 1M city the same 237,015
       pairs in 3.8 s instead of 6.3 s).
    3. Per (member, anchor), the share of the member's points that hit the anchor. An
       area (polygon) is no anchor: a work across a whole buurt is not one street
       opening; works inside its area are its scope (see the project brief check).
    """
    present = np.flatnonzero(geometry.notna().to_numpy())
    if len(present) < 2:
        return np.empty((0, 2), dtype=int)
    step = max(distance, 1.0) / 2
    geoms = shapely.from_wkt(geometry.to_numpy()[present])
    kind = shapely.get_type_id(geoms)
    # Points have no segments: only lines and areas are segmentized (on the 1M-asset city
    # copying its 82,000 multipoints of assets unchanged took 0.45 s).
    bent = np.flatnonzero(~np.isin(kind, POINT_TYPES))
    geoms[bent] = shapely.segmentize(geoms[bent], step)
    coords, owner = shapely.get_coordinates(geoms, return_index=True)
    first = _first_per_cell(coords, owner, step / 2)
    coords, owner = coords[first], owner[first]
    size = np.bincount(owner, minlength=len(present))
    n = np.int64(len(present))
    near = cKDTree(coords).query_pairs(distance * (1 + 1e-9), output_type="ndarray")
    hits = _point_hits(near, coords, owner, distance, n)
    # (member, anchor) of each hit, in place: the city's hits are ~70 MB per array.
    pair = owner[hits // n]
    pair *= n
    pair += hits % n
    starts = np.flatnonzero(_sort_runs(pair))
    keys, counts = pair[starts], np.diff(starts, append=len(pair))
    member, anchor = keys // n, keys % n
    polygon = np.isin(kind, AREA_TYPES)
    keep = (counts >= overlap * size[member] - 1e-9) & ~polygon[anchor]
    return np.column_stack([present[member[keep]], present[anchor[keep]]])


#: Keys below this fit an int64 (`_first_per_cell`).
KEY_LIMIT = 2**63


def _first_per_cell(coords: np.ndarray, owner: np.ndarray, size: float) -> np.ndarray:
    """The index of the first point of each distinct (owner, cell), in (owner, cell)
    order, for square cells of `size`: what np.lexsort of (owner, cell x, cell y) picks.

    Where the cells of all owners can be numbered in an int64, one key per point is
    sorted instead of three columns (the 1M-asset city's million points: 0.04 s instead
    of 0.2 s); a wider spread (a country's extent in centimetre cells) takes lexsort.
    """
    if not len(coords):
        return np.empty(0, dtype=np.intp)
    cells = np.floor(coords / size).astype(np.int64)
    cells -= cells.min(axis=0)
    span = cells.max(axis=0) + 1
    if (int(owner.max()) + 1) * int(span[0]) * int(span[1]) < KEY_LIMIT:
        key = owner * (span[0] * span[1]) + cells[:, 0] * span[1] + cells[:, 1]
        order = np.argsort(key, kind="stable")
        distinct = np.ones(len(order), dtype=bool)
        distinct[1:] = np.diff(key[order]) != 0
    else:
        rows = np.column_stack([owner, cells])
        order = np.lexsort(rows.T[::-1])
        distinct = np.ones(len(order), dtype=bool)
        distinct[1:] = (rows[order[1:]] != rows[order[:-1]]).any(axis=1)
    first: np.ndarray = order[distinct]
    return first


#: Point pairs handled at once by `along_pairs` (`_point_hits`).
PAIR_SLICE = 1_000_000


def _point_hits(
    near: np.ndarray, coords: np.ndarray, owner: np.ndarray, distance: float, n: np.int64
) -> np.ndarray:
    """The sorted distinct keys point × n + other work of the hits of a point on another
    work's point within `distance`, of the point pairs `near` (i, j) the tree found.

    The pairs are taken in slices of `PAIR_SLICE` and the keys sorted in place: all of
    the city's 5.6 million pairs at once lifted `along_pairs`' peak by ~220 MiB (1,099
    against 878 MiB), the run's peak, and memory new to the process costs seconds of
    page faults on a virtual machine (docs/benchmarks.md, round 8). np.unique would
    answer the same, but its hash table is ~30 times slower on millions of integer keys.
    """
    slices = []
    for start in range(0, len(near), PAIR_SLICE):
        i, j = near[start : start + PAIR_SLICE, 0], near[start : start + PAIR_SLICE, 1]
        dx, dy = (coords[i] - coords[j]).T
        within = (owner[i] != owner[j]) & (np.sqrt(dx * dx + dy * dy) <= distance)
        # Each pair counts both ways: a hit for i's work on j's and for j's work on i's.
        point = np.concatenate([i[within], j[within]])
        slices.append(point * n + owner[np.concatenate([j[within], i[within]])])
    keys = np.concatenate(slices) if slices else np.empty(0, dtype=np.int64)
    slices.clear()
    distinct: np.ndarray = keys[_sort_runs(keys)]
    return distinct


def _sort_runs(values: np.ndarray) -> np.ndarray:
    """Sort `values` in place and mark the first of each run of equal values: with it,
    np.unique's distinct values (and their counts), faster on the coupling search's keys.

    The keys come in long ascending runs (the tree's pairs by point, the points by
    work), and numpy's stable sort (timsort for integers) merges runs where its default
    sort starts over: on the 1M-asset city 0.32 s instead of 0.70 s for the 9.8 million
    point hits, 0.07 s instead of 0.25 s for np.unique of the 4.1 million (member,
    anchor) hits with their counts. On keys without runs it is ~20% slower.
    """
    values.sort(kind="stable")
    first = np.ones(len(values), dtype=bool)
    first[1:] = values[1:] != values[:-1]
    return first


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
    kept: np.ndarray = pairs[apart <= tolerance]
    return kept


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


def connected_groups(links: np.ndarray, n_works: int) -> list[tuple[list[int], np.ndarray]]:
    """The connected groups of two or more works, in order of their first work: each
    group's works (sorted) and its links in local indices (positions in the group)."""
    if len(links) == 0:
        return []
    graph = coo_matrix((np.ones(len(links)), (links[:, 0], links[:, 1])), shape=(n_works,) * 2)
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    local = np.empty(n_works, dtype=int)
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    members_of = {}
    for members in np.split(order, bounds):
        if len(members) >= 2:
            local[members] = np.arange(len(members))
            members_of[labels[members[0]]] = members
    link_order = np.argsort(labels[links[:, 0]], kind="stable")
    link_labels = labels[links[link_order, 0]]
    link_bounds = np.flatnonzero(np.diff(link_labels)) + 1
    groups = []
    for chunk in np.split(link_order, link_bounds):
        members = members_of[labels[links[chunk[0], 0]]]
        groups.append((members.tolist(), local[links[chunk]]))
    return sorted(groups, key=lambda group: group[0][0])


def is_star(component: list[int], inside: np.ndarray) -> bool:
    """True when one work of the group has every other work lying along it."""
    anchors = np.bincount(inside[:, 1], minlength=len(component))
    return bool((anchors == len(component) - 1).any())


def split_groups(
    groups: Sequence[tuple[list[int], np.ndarray]],
    arrays: WorkArrays,
    feasible: np.ndarray,
    params: Parameters,
) -> list[list[int]]:
    """`split_group` of every (component, inside) in `groups`, in order. From
    `SPLIT_BESIDE_FROM` groups on (the city has ~6,000, 1.5 s of partitions) the groups
    after the one that passes half of their works are split in a forked process on the
    other core (`beside`): it inherits them and sends back only lists of indices."""

    def split(part: Sequence[tuple[list[int], np.ndarray]]) -> list[list[int]]:
        return [
            cluster
            for component, inside in part
            for cluster in split_group(component, inside, arrays, feasible, params)
        ]

    sizes = np.cumsum([len(component) for component, _inside in groups])
    half = int(np.searchsorted(sizes, sizes[-1] / 2)) + 1 if len(groups) else 0
    with beside(lambda: split(groups[half:]), len(groups) >= SPLIT_BESIDE_FROM) as later:
        return split(groups[:half]) + later()


def split_group(
    component: list[int],
    inside: np.ndarray,
    arrays: WorkArrays,
    feasible: np.ndarray,
    params: Parameters,
) -> list[list[int]]:
    """Split a group into the best stars (see partition); `inside` holds its links
    (member, anchor) in local indices. The works' columns come as `arrays`, taken from
    the frame once: the city splits ~6,000 groups, and two columns read from the frame
    per group cost 0.1 s."""
    group = Group(
        along=inside,
        feasible=feasible[component],
        opening_cost=np.where(arrays.opens[component], arrays.cost[component], np.nan),
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
        median = _median(arrays.preferred[index].tolist())
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


def _median(years: list[int]) -> float:
    """The median of whole years, as `np.median` gives it (the mean of the two middle
    ones for an even count, exact for years); a sorted list is faster on a cluster's
    few members, and a city describes ~20,000 clusters (np.median: 0.5 s of them)."""
    years = sorted(years)
    middle = len(years) // 2
    if len(years) % 2:
        return float(years[middle])
    return (years[middle - 1] + years[middle]) / 2


def periods_overlap(start: np.ndarray, end: np.ndarray) -> bool:
    """True when two of the periods [start, end] (inclusive years) overlap: sorted by
    start, some period begins before all earlier ones have ended."""
    if len(start) < 2:
        return False
    order = np.argsort(start, kind="stable")
    latest_end = np.maximum.accumulate(end[order])[:-1]
    return bool((start[order][1:] <= latest_end).any())
