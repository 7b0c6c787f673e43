"""The lower bound on street openings: pairwise disjoint feasible-year sets per cluster."""

from itertools import combinations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programming.engine import run
from programming.engine.bound import disjoint_sets, openings_lower_bound
from tests.programming.engine.test_properties import municipalities


def sets(*rows, years=6):
    """Rows of year indices as a boolean matrix (rows × years)."""
    matrix = np.zeros((len(rows), years), dtype=bool)
    for r, row in enumerate(rows):
        matrix[r, list(row)] = True
    return matrix


def fewest_common_years(matrix):
    """The smallest set of years that meets every row, by trying every set."""
    for size in range(matrix.shape[1] + 1):
        for years in combinations(range(matrix.shape[1]), size):
            if matrix[:, list(years)].any(axis=1).all():
                return size
    raise AssertionError("a row without years")


def test_windows_that_chain_need_two_years():
    """Windows 0–1, 2–3 and 1–2: the first two share no year, so two years are needed;
    years 1 and 2 meet all three, so two suffice."""
    matrix = sets((0, 1), (2, 3), (1, 2))
    assert disjoint_sets(matrix) == 2 == fewest_common_years(matrix)


def test_windows_that_all_overlap_need_one_year():
    """Windows 0–3, 2–5 and 3–4 all contain year 3."""
    assert disjoint_sets(sets((0, 1, 2, 3), (2, 3, 4, 5), (3, 4))) == 1


def test_with_gaps_in_the_allowed_years_the_bound_may_stay_below_the_minimum():
    """{0, 1}, {1, 2} and {0, 2} share a year two by two, so no two are disjoint: the
    bound is 1. But no single year lies in all three, so every plan needs 2. The bound is
    a lower bound here, not the minimum."""
    matrix = sets((0, 1), (1, 2), (0, 2))
    assert disjoint_sets(matrix) == 1
    assert fewest_common_years(matrix) == 2


def test_works_in_no_cluster_count_one_each_and_clusters_their_disjoint_windows():
    """Works 0 and 1 are in no cluster: 2. Cluster 0 holds works 2 (years 0–1) and 3
    (years 3–4): disjoint, 2. Cluster 1 holds works 4 and 5 (0–2 and 2–3): year 2 meets
    both, 1. Work 6 is in cluster 1 but not among the opening works: ignored. 2 + 2 + 1."""
    feasible = sets((0,), (1,), (0, 1), (3, 4), (0, 1, 2), (2, 3), (5,))
    cluster = np.array([-1, -1, 0, 0, 1, 1, 1])
    opening = np.array([True, True, True, True, True, True, False])
    assert openings_lower_bound(opening, feasible, cluster) == 5


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 3)), min_size=1, max_size=6))
def test_for_windows_the_bound_is_the_fewest_common_years(windows):
    matrix = sets(*(range(start, min(start + length, 5) + 1) for start, length in windows))
    assert disjoint_sets(matrix) == fewest_common_years(matrix)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sets(st.integers(0, 5), min_size=1), min_size=1, max_size=6))
def test_for_any_year_sets_the_bound_never_exceeds_the_fewest_common_years(rows):
    matrix = sets(*rows)
    assert disjoint_sets(matrix) <= fewest_common_years(matrix)


def openings(result):
    """code → {(year, area): value} for the three opening KPIs."""
    found = {}
    for k in result.kpis:
        if k.code.startswith(("graafmomenten", "vermeden")):
            found.setdefault(k.code, {})[k.year, k.area] = k.value
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(municipalities())
def test_bound_integrated_and_sectoral_are_ordered_in_every_year_and_area(instance):
    """bound ≤ integrated overall; integrated ≤ sectoral in every year and area and in
    total; the openings avoided are never negative; no per-year row lies outside the
    horizon."""
    result = run(instance)
    found = openings(result)
    sectoral = found.get("graafmomenten_sectoraal", {})
    integrated = found.get("graafmomenten_integraal", {})
    assert found["graafmomenten_ondergrens"][None, None] <= integrated[None, None]
    for cell, value in integrated.items():
        assert value <= sectoral[cell]
    assert found["vermeden_graafmomenten"][None, None] >= 0
    years = set(instance.parameters.years)
    assert all(k.year is None or k.year in years for k in result.kpis)
