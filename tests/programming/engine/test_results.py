"""The result objects: the part the plan does not change, then the plan's."""

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.couplings import Coupling, Couplings
from programming.engine.instance import ACCEPTED, PROPOSED
from programming.engine.results import cluster_results, fixed_results, work_results

CRITERIA = {criterion: 0.0 for criterion in col.CRITERIA}


def five_works():
    """Works a–e in two clusters: {a, b} (accepted) and {c, d, e}."""
    works = pd.DataFrame({col.KEY: list("abcde"), col.TOTAL_COST: [100.0, 200, 300, 400, 50]})
    scores = pd.DataFrame(
        {col.SCORE: [10.123456, 20.0, 30.0, 40.0, 50.0], **{c: [1 / 3] * 5 for c in CRITERIA}}
    )
    couplings = Couplings(
        clusters=(
            Coupling("k1", (0, 1), "kans", True, (2027, 2028), 2027, 12.345, 1),
            Coupling("k2", (2, 3, 4), "conflict", False, (2028,), 2028, 7.0, 2),
        ),
        neighbours=np.empty((0, 2), dtype=int),
    )
    return works, scores, couplings


def test_the_fixed_part_holds_what_the_plan_does_not_change():
    """Scores and breakdowns rounded to 4 decimals, each work's cluster key, each cluster
    with its members' keys, mean score and window, without a year."""
    works, scores, couplings = five_works()

    fixed = fixed_results(works, scores, couplings)

    assert fixed.keys == list("abcde")
    assert fixed.scores == [10.1235, 20.0, 30.0, 40.0, 50.0]
    assert fixed.breakdowns[0] == {c: 0.3333 for c in CRITERIA}
    assert fixed.cluster_keys == ["k1", "k1", "k2", "k2", "k2"]
    first, second = fixed.clusters
    assert (first.members, first.status, first.window_start, first.window_end) == (
        ("a", "b"), ACCEPTED, 2027, 2028,
    )  # fmt: skip
    assert (first.score, first.savings, first.year) == (15.0617, 12.35, None)
    assert (second.members, second.status, second.score, second.year) == (
        ("c", "d", "e"), PROPOSED, 40.0, None,
    )  # fmt: skip
    assert fixed.scored()["d"] == (40.0, {c: 0.3333 for c in CRITERIA})


def test_a_clusters_year_is_the_one_all_its_members_start_in():
    """{a, b} both start in 2028: its year. {c, d, e}: e starts a year later, or is not
    scheduled: no year."""
    works, scores, couplings = five_works()
    fixed = fixed_results(works, scores, couplings)

    def years(*starts):
        return [c.year for c in cluster_results(fixed, couplings, np.array(starts, dtype=float))]

    assert years(2028, 2028, 2029, 2029, 2029) == [2028, 2029]
    assert years(2028, 2028, 2029, 2029, 2030) == [2028, None]
    assert years(2028, 2028, 2029, 2029, np.nan) == [2028, None]
    assert years(np.nan, 2028, 2029, np.nan, 2029) == [None, None]
    assert cluster_results(fixed, Couplings((), couplings.neighbours), np.array([])) == ()


def test_a_works_result_adds_the_plan_to_its_fixed_part():
    """Year (None where not scheduled), the saving on its cost to the cent, graafrust
    with its cause and the shared hours, by position."""
    works, scores, couplings = five_works()
    fixed = fixed_results(works, scores, couplings)

    a, b, c, d, e = work_results(
        fixed,
        works[col.TOTAL_COST].to_numpy(dtype=float),
        np.array([2028, 2028, np.nan, 2029, 2029]),
        np.array([0.1, 0.0, 0.0, 0.12345, 0.0]),
        np.array([0, 0, 0, 1, 0]),
        {3: "vensters overlappen niet"},
        [{}, {}, {}, {"wegen": 8.0}, {}],
    )

    assert (a.key, a.scheduled_year, a.score, a.cluster, a.saving) == (
        "a",
        2028,
        10.1235,
        "k1",
        10.0,
    )
    assert c.scheduled_year is None
    assert (d.saving, d.breaks_graafrust, d.graafrust_cause) == (
        49.38,
        True,
        "vensters overlappen niet",
    )
    assert d.hours_saved == {"wegen": 8.0}
    assert (b.breaks_graafrust, b.graafrust_cause, e.hours_saved) == (False, None, {})
    assert a.breakdown is fixed.breakdowns[0]
