"""Couplings: which works meet in place and time, and how they form clusters."""

import math
import os
from collections import Counter
from unittest import mock

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from programming.engine import couplings as couplings_module
from programming.engine import run, staging
from programming.engine.couplings import (
    CONFLICT,
    OPPORTUNITY,
    along_pairs,
    cluster_key,
    find_couplings,
)
from programming.engine.frames import prepare
from programming.engine.instance import ACCEPTED, PROPOSED
from tests.programming.engine.builders import budget, by_key, instance, line, point, work

RICH = [budget("riolering", 1e7), budget("wegen", 1e7), budget("enexis", 1e7)]


def couplings_of(inst):
    data = prepare(inst)
    position = {w.key: i for i, w in enumerate(inst.works)}
    clusters = find_couplings(
        data.works,
        data.feasible,
        inst.parameters,
        accepted=[[position[k] for k in c] for c in inst.accepted_clusters],
        rejected=[[position[k] for k in c] for c in inst.rejected_clusters],
    ).clusters
    keys = [w.key for w in inst.works]
    return [(sorted(keys[i] for i in c.members), c) for c in clusters]


def kerkstraat(**parameters):
    """Sewer replacement, asphalt renewal and a partner's cable in one street.

    Windows: sewer 2027–2030, asphalt 2028–2032, cable 2026–2028 → the only common year
    is 2028.
    """
    return instance(
        [
            work(
                "riool",
                opens_street=True,
                window=(2027, 2030),
                preferred_year=2028,
                cost=("riolering", 800_000),
                geometry=line(0, 100),
            ),
            work(
                "asfalt",
                reconstructs_street=True,
                window=(2028, 2032),
                preferred_year=2030,
                cost=("wegen", 200_000),
                geometry=line(0, 100, 4),
            ),
            work(
                "kabel",
                kind="partner",
                opens_street=True,
                window=(2026, 2028),
                preferred_year=2027,
                cost=("enexis", 100_000),
                geometry=line(10, 60, 8),
            ),
        ],
        RICH,
        **parameters,
    )


def test_sewer_asphalt_and_cable_in_one_street_couple_in_their_only_common_year():
    """All three lie within 25 m of each other and their windows share only 2028.

    Savings: the sewer (€800k) and the cable (€100k) open the street; the asphalt renewal
    does not. One opening is kept (the sewer's, the most expensive), the cable's opening
    part is saved: 0.30 × €100k = €30,000, and one opening (2 openers − 1) is avoided.
    The preferred years (2028 and 2027) do not collide, so it is an opportunity.
    """
    [(members, cluster)] = couplings_of(kerkstraat())

    assert members == ["asfalt", "kabel", "riool"]
    assert cluster.years == (2028,)
    assert cluster.target_year == 2028
    assert cluster.savings == pytest.approx(30_000)
    assert cluster.openings_avoided == 1
    assert cluster.kind == OPPORTUNITY


def test_accepted_cluster_is_scheduled_in_its_common_year():
    """Accepted, the three works form one unit whose only feasible year is 2028."""
    keys = ("riool", "asfalt", "kabel")
    result = run(kerkstraat(accepted=[keys]))

    [cluster] = result.clusters
    assert cluster.status == ACCEPTED
    assert cluster.key == cluster_key(keys)
    assert (cluster.window_start, cluster.window_end, cluster.year) == (2028, 2028, 2028)
    assert {w.scheduled_year for w in result.works} == {2028}
    assert {w.cluster for w in result.works} == {cluster.key}


def test_proposed_cluster_is_pulled_to_its_common_year_when_the_budget_allows():
    """Not yet accepted, the works are scheduled on their own, but the tie-break pulls
    each towards the cluster's target year (2028) rather than its own preferred year;
    with ample budget nothing else decides, so the coupling is realised anyway."""
    result = run(kerkstraat())

    [cluster] = result.clusters
    assert cluster.status == PROPOSED
    assert cluster.year == 2028
    assert {w.scheduled_year for w in result.works} == {2028}


def test_coupling_distance_is_measured_in_metres():
    """Points 30 m apart couple at a distance of 30 m, not at the default 25 m."""
    works = [
        work("a", opens_street=True, geometry=point(0)),
        work("b", opens_street=True, geometry=point(30)),
    ]
    assert couplings_of(instance(works, RICH)) == []
    assert len(couplings_of(instance(works, RICH, coupling_distance=30))) == 1


def test_partition_with_most_openings_avoided_wins_over_more_savings():
    """A big sewer (A) and a big water main (B) overlap in 2027; two small cables C and D
    lie next to B (not next to each other or to A) and can only go in 2028.

    A [2026–27], B [2027–28], C [2028], D [2028] have no common year, so the group must
    be split. {A,B} + C + D avoids 1 opening and saves 0.3 × €900k = €270k;
    {B,C,D} + A avoids 2 openings and saves 0.3 × €20k = €6k. Openings avoided come
    first, so {B,C,D} is the cluster, in 2028.
    """
    works = [
        work(
            "A",
            opens_street=True,
            window=(2026, 2027),
            cost=("riolering", 1_000_000),
            geometry=point(-20),
        ),
        work(
            "B",
            opens_street=True,
            window=(2027, 2028),
            cost=("riolering", 900_000),
            geometry=point(0),
        ),
        work(
            "C", opens_street=True, window=(2028, 2028), cost=("enexis", 10_000), geometry=point(20)
        ),
        work(
            "D",
            opens_street=True,
            window=(2028, 2028),
            cost=("enexis", 10_000),
            geometry=point(0, 20),
        ),
    ]
    [(members, cluster)] = couplings_of(instance(works, RICH))

    assert members == ["B", "C", "D"]
    assert cluster.years == (2028,)
    assert cluster.openings_avoided == 2
    assert cluster.savings == pytest.approx(6_000)


def test_partition_with_equal_openings_avoided_takes_the_larger_savings():
    """Four works in one street (no geometry): A [2026–27] €100k, B [2027–28] €500k,
    C [2028–29] €300k, D [2028–30] €400k, all opening the street. A and C do not
    overlap, so there is no common year.

    {A,B} + {C,D} and {A} + {B,C,D} both avoid 2 openings. Savings are 0.3 × (all
    costs − the largest of each part): {A,B},{C,D} keeps 500 + 400 → 0.3 × €400k = €120k;
    {A},{B,C,D} keeps 100 + 500 → 0.3 × €700k = €210k. So {B,C,D} (common year 2028)
    is the cluster and A stays alone.
    """
    works = [
        work(
            "A",
            opens_street=True,
            window=(2026, 2027),
            cost=("riolering", 100_000),
            street="Dorpsstraat",
        ),
        work(
            "B",
            opens_street=True,
            window=(2027, 2028),
            cost=("riolering", 500_000),
            street="Dorpsstraat",
        ),
        work(
            "C",
            opens_street=True,
            window=(2028, 2029),
            cost=("enexis", 300_000),
            street="dorpsstraat ",
        ),
        work(
            "D",
            opens_street=True,
            window=(2028, 2030),
            cost=("enexis", 400_000),
            street="DORPSSTRAAT",
        ),
    ]
    [(members, cluster)] = couplings_of(instance(works, RICH))

    assert members == ["B", "C", "D"]
    assert cluster.years == (2028,)
    assert cluster.openings_avoided == 2
    assert cluster.savings == pytest.approx(210_000)


def test_street_openings_at_the_same_time_are_a_conflict():
    """Both open the street and both prefer 2027: following their own plans they would
    dig the same street in the same year, which must be coordinated."""
    works = [
        work(
            "riool", opens_street=True, window=(2026, 2028), preferred_year=2027, geometry=point(0)
        ),
        work(
            "gas",
            kind="partner",
            opens_street=True,
            window=(2026, 2028),
            preferred_year=2027,
            geometry=point(10),
        ),
    ]
    [(_, cluster)] = couplings_of(instance(works, RICH))
    assert cluster.kind == CONFLICT


def test_street_openings_in_different_preferred_years_are_an_opportunity():
    """Preferred years 2026 and 2028 do not collide; the windows allow aligning them."""
    works = [
        work(
            "riool", opens_street=True, window=(2026, 2028), preferred_year=2026, geometry=point(0)
        ),
        work(
            "gas",
            kind="partner",
            opens_street=True,
            window=(2026, 2028),
            preferred_year=2028,
            geometry=point(10),
        ),
    ]
    [(_, cluster)] = couplings_of(instance(works, RICH))
    assert cluster.kind == OPPORTUNITY


def test_a_multi_year_work_collides_with_an_opening_in_its_second_year():
    """The sewer starts in 2026 and spends two years (2026–2027); the cable prefers
    2027, inside the sewer's execution: a conflict."""
    works = [
        work(
            "riool",
            opens_street=True,
            window=(2026, 2028),
            preferred_year=2026,
            cost=("riolering", [100, 100]),
            geometry=point(0),
        ),
        work(
            "kabel",
            kind="partner",
            opens_street=True,
            window=(2026, 2028),
            preferred_year=2027,
            geometry=point(10),
        ),
    ]
    [(_, cluster)] = couplings_of(instance(works, RICH))
    assert cluster.kind == CONFLICT


def test_works_without_geometry_couple_by_street_only_within_one_area():
    """Dorpsstraat exists in two villages: same name in another area is another street;
    a work without a street falls back to its area."""
    works = [
        work("a", street="Dorpsstraat", area="Lemelerveld"),
        work("b", street="Dorpsstraat", area="Nieuwleusen"),
        work("c", street="dorpsstraat", area="Lemelerveld"),
        work("d", area="Nieuwleusen"),
    ]
    pairs = sorted(members for members, _ in couplings_of(instance(works, RICH)))
    assert pairs == [["a", "c"], ["b", "d"]]


def test_windows_within_the_tolerance_link_but_need_a_common_year_to_cluster():
    """A [2026] and B [2027] are linked with a tolerance of 1 year, but a cluster needs a
    common year and a work is never scheduled outside its window: no cluster."""
    works = [
        work("a", window=(2026, 2026), geometry=point(0)),
        work("b", window=(2027, 2027), geometry=point(5)),
        work("c", window=(2027, 2028), geometry=point(10)),
    ]
    assert [m for m, _ in couplings_of(instance(works, RICH))] == [["b", "c"]]


def test_rejected_cluster_is_not_proposed_again():
    inst = kerkstraat(rejected=[("riool", "asfalt", "kabel")])
    assert couplings_of(inst) == []


def test_works_outside_the_horizon_couple_with_nothing():
    works = [
        work("a", window=(2040, 2041), geometry=point(0)),
        work("b", window=(2040, 2041), geometry=point(5)),
    ]
    assert couplings_of(instance(works, RICH)) == []
    assert "buiten de looptijd" in by_key(run(instance(works, RICH)))["a"].unfunded_reason


def test_a_side_street_does_not_couple_through_the_junction():
    """The Kerkstraat sewer runs 0–200 m along y = 0; the Molenweg sewer runs north from
    the junction at x = 100 (y 0–200). Only the Molenweg's first 25 m lie within 25 m of
    the Kerkstraat: 3 of its 17 sample points (every 12.5 m), far below half. Neither lies
    along the other, so they do not couple; the Kerkstraat cable does (all of it lies
    within 8 m of the sewer)."""
    works = [
        work("riool-kerkstraat", opens_street=True, geometry=line(0, 200)),
        work("kabel-kerkstraat", opens_street=True, geometry=line(20, 180, 8)),
        work(
            "riool-molenweg",
            opens_street=True,
            geometry="LINESTRING (205100 503000, 205100 503200)",
        ),
    ]
    [(members, _)] = couplings_of(instance(works, RICH))
    assert members == ["kabel-kerkstraat", "riool-kerkstraat"]


def test_the_overlap_parameter_decides_how_much_must_lie_along():
    """A cable of 100 m, 5 m beside a sewer that ends at x = 40. The cable's sample points
    lie at x = 0, 12.5, …, 100; those up to x = 62.5 lie within 25 m of the sewer's end
    (√(25² − 5²) ≈ 24.5 m further): 6 of 9 = 0.67. So the cable lies along the sewer at
    an overlap of 0.5, not at 0.75."""
    works = [
        work("riool", opens_street=True, geometry=line(-100, 40)),
        work("kabel", opens_street=True, geometry=line(0, 100, 5)),
    ]
    assert len(couplings_of(instance(works, RICH, coupling_overlap=0.5))) == 1
    assert couplings_of(instance(works, RICH, coupling_overlap=0.75)) == []


def test_an_area_wide_work_anchors_no_cluster():
    """A buurt-wide LED replacement (a polygon around the street) does not lie along the
    sewer, and the sewer inside it is not one street opening with it."""
    works = [
        work("riool", opens_street=True, geometry=line(0, 100)),
        work(
            "led-buurt",
            kind="project",
            opens_street=True,
            geometry="POLYGON ((204900 502900, 205300 502900, 205300 503300, 204900 503300, "
            "204900 502900))",
        ),
    ]
    assert couplings_of(instance(works, RICH)) == []


coordinate = st.integers(min_value=0, max_value=60)
segment = st.tuples(coordinate, coordinate, coordinate, coordinate).filter(lambda s: s[:2] != s[2:])


@settings(max_examples=60, deadline=None)
@given(st.lists(segment, min_size=2, max_size=12))
def test_along_pairs_are_the_same_whatever_slices_the_point_pairs_are_taken_in(segments):
    """The point pairs are handled in slices to bound the memory (`PAIR_SLICE`): any
    slice size, one pair at a time included, gives the pairs of one slice."""
    geometry = pd.Series([f"LINESTRING ({a} {b}, {c} {d})" for a, b, c, d in segments])
    whole = along_pairs(geometry, 5.0, 0.5)
    for size in (1, 3, 50):
        with mock.patch.object(couplings_module, "PAIR_SLICE", size):
            assert np.array_equal(along_pairs(geometry, 5.0, 0.5), whole), size


def _along_by_hand(wkts, distance, overlap):
    """`along_pairs` as its docstring says it, one point and one pair at a time: every
    geometry segmentized to half the distance, its first vertex in each cell of a
    quarter of the distance kept; (member, anchor) where at least `overlap` of the
    member's points lie within `distance` of one of the anchor's, areas no anchor."""
    step = max(distance, 1.0) / 2
    samples = []
    for text in wkts:
        kept = {}
        for x, y in shapely.get_coordinates(shapely.segmentize(shapely.from_wkt(text), step)):
            kept.setdefault((math.floor(x / (step / 2)), math.floor(y / (step / 2))), (x, y))
        samples.append(list(kept.values()))
    pairs = []
    for m, points in enumerate(samples):
        for a, others in enumerate(samples):
            if a == m or shapely.from_wkt(wkts[a]).geom_type in ("Polygon", "MultiPolygon"):
                continue
            near = sum(any(math.dist(p, q) <= distance for q in others) for p in points)
            if points and near >= overlap * len(points) - 1e-9:
                pairs.append((m, a))
    return pairs


xy = st.tuples(coordinate, coordinate)
mixed_geometry = st.one_of(
    st.builds(lambda p: f"POINT ({p[0]} {p[1]})", xy),
    st.builds(
        lambda ps: "MULTIPOINT (" + ", ".join(f"{x} {y}" for x, y in ps) + ")",
        st.lists(xy, min_size=1, max_size=6),
    ),
    segment.map(lambda s: f"LINESTRING ({s[0]} {s[1]}, {s[2]} {s[3]})"),
    st.builds(
        lambda p, w: (
            f"POLYGON (({p[0]} {p[1]}, {p[0] + w} {p[1]}, {p[0] + w} {p[1] + w}, "
            f"{p[0]} {p[1] + w}, {p[0]} {p[1]}))"
        ),
        xy,
        st.integers(min_value=1, max_value=20),
    ),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(mixed_geometry, min_size=2, max_size=8), st.sampled_from([0.5, 1.0]))
def test_along_pairs_are_those_found_by_hand_for_points_lines_and_areas(wkts, overlap):
    """Points and multipoints are not segmentized (they have no segments), lines and
    areas are: the pairs are those of the docstring's steps taken one by one."""
    found = along_pairs(pd.Series(wkts), 5.0, overlap)
    assert sorted(map(tuple, found.tolist())) == _along_by_hand(wkts, 5.0, overlap)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=4),
            st.floats(min_value=-1e3, max_value=1e3),
            st.floats(min_value=-1e3, max_value=1e3),
        ),
        min_size=1,
        max_size=30,
    ).map(sorted),
    st.sampled_from([0.5, 3.0, 1e-12]),
)
def test_the_first_point_per_cell_is_lexsorts_with_one_key_and_without(points, size):
    """`_first_per_cell` answers as np.lexsort of (owner, cell x, cell y) whether its
    single int64 key fits (cells of 0.5 and 3) or not (cells of 1e-12 over 2,000)."""
    owner = np.array([o for o, _, _ in points], dtype=np.intp)
    coords = np.array([(x, y) for _, x, y in points], dtype=float).reshape(-1, 2)
    cells = np.column_stack([owner, np.floor(coords / size)]).astype(np.int64)
    order = np.lexsort(cells.T[::-1])
    distinct = np.ones(len(order), dtype=bool)
    distinct[1:] = (cells[order[1:]] != cells[order[:-1]]).any(axis=1)
    assert couplings_module._first_per_cell(coords, owner, size).tolist() == (
        order[distinct].tolist()
    )


def test_the_first_point_per_cell_takes_lexsort_where_one_key_would_overflow():
    """Cells of a millimetre over 10,000 km do not fit one int64 key; the answer is the
    same by lexsort, and the single key is not computed (it would wrap around)."""
    coords = np.array([[0.0, 0.0], [1e7, 1e7], [0.0004, 0.0], [1e7, 0.0]])
    owner = np.array([0, 0, 0, 1], dtype=np.intp)
    with mock.patch.object(np, "argsort", side_effect=AssertionError("one key used")):
        assert couplings_module._first_per_cell(coords, owner, 1e-3).tolist() == [0, 1, 3]


def test_along_pairs_of_works_far_apart_is_empty_in_slices_too():
    geometry = pd.Series(["LINESTRING (0 0, 10 0)", "LINESTRING (0 500, 10 500)"])
    with mock.patch.object(couplings_module, "PAIR_SLICE", 1):
        assert along_pairs(geometry, 5.0, 0.5).shape == (0, 2)
    parallel = pd.Series(["LINESTRING (0 0, 100 0)", "LINESTRING (0 2, 100 2)"])
    with mock.patch.object(couplings_module, "PAIR_SLICE", 1):
        assert sorted(map(tuple, along_pairs(parallel, 5.0, 0.5).tolist())) == [(0, 1), (1, 0)]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(min_value=-(2**40), max_value=2**40), max_size=40))
def test_sorted_runs_give_numpys_distinct_values_with_their_counts(values):
    """`_sort_runs` (the stable sort `along_pairs` counts its hits with) sorts in place,
    and the firsts of its runs are np.unique's distinct values, their gaps the counts."""
    keys = np.array(values, dtype=np.int64)
    expected, expected_counts = np.unique(keys, return_counts=True)
    starts = np.flatnonzero(couplings_module._sort_runs(keys))
    assert np.array_equal(keys, np.sort(np.array(values, dtype=np.int64)))
    assert np.array_equal(keys[starts], expected)
    assert np.array_equal(np.diff(starts, append=len(keys)), expected_counts)


def streets_to_split(count):
    """`count` streets, each with the four works of the test above: a group without a
    common year, split into {B,C,D} and A; and one street whose three works share 2028
    (a star, not split)."""
    works = [
        work(
            f"{name}{i}",
            opens_street=True,
            window=window,
            cost=(line_code, amount),
            street=f"Straat {i}",
        )
        for i in range(count)
        for name, window, line_code, amount in (
            ("A", (2026, 2027), "riolering", 100_000),
            ("B", (2027, 2028), "riolering", 500_000),
            ("C", (2028, 2029), "enexis", 300_000),
            ("D", (2028, 2030), "enexis", 400_000),
        )
    ]
    star = [
        work(f"S{i}", opens_street=True, window=(2028, 2028), cost=("enexis", 1_000), street="Ster")
        for i in range(3)
    ]
    return instance([*works, *star], RICH)


def test_groups_split_in_two_processes_give_the_clusters_of_one(monkeypatch, tmp_path):
    """From SPLIT_BESIDE_FROM groups on, a forked process splits the later half: the
    clusters are those of one process, and two processes did split them."""
    inst = streets_to_split(4)
    here = couplings_of(inst)
    assert [members for members, _cluster in here] == [
        *(["B0", "C0", "D0"], ["B1", "C1", "D1"], ["B2", "C2", "D2"], ["B3", "C3", "D3"]),
        ["S0", "S1", "S2"],
    ]
    splitters = tmp_path / "pids"
    real = couplings_module.split_group

    def recorded(*args, **kwargs):
        with splitters.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(couplings_module, "split_group", recorded)
    monkeypatch.setattr(couplings_module, "SPLIT_BESIDE_FROM", 1)
    assert couplings_of(inst) == here
    by_process = Counter(splitters.read_text().split())
    here_count = by_process.pop(str(os.getpid()))
    assert (here_count, list(by_process.values())) == (2, [2]), "two here, two in another"


def test_the_geometric_pairs_found_in_a_forked_process_give_the_same_couplings(
    monkeypatch, tmp_path
):
    """From ALONG_BESIDE_FROM works on, `stage` finds the pairs along each other in a
    forked process beside the frames: the clusters are those found in this process, and
    another process did find the pairs."""
    inst = kerkstraat()
    here = run(inst).clusters
    assert here, "the Kerkstraat's works couple"
    finders = tmp_path / "pids"
    real = staging.along_pairs

    def recorded(*args):
        finders.write_text(str(os.getpid()))
        return real(*args)

    monkeypatch.setattr(staging, "along_pairs", recorded)
    monkeypatch.setattr(staging, "ALONG_BESIDE_FROM", 1)
    assert run(inst).clusters == here
    assert finders.read_text() not in ("", str(os.getpid())), "found in another process"
