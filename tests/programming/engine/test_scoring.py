"""Priority: a 0–100 score per work from weighted 0–1 criteria, with its breakdown."""

import pytest

from programming.engine import run
from tests.programming.engine.builders import budget, by_key, instance, point, work

LINES = [budget("wegen", 1e6)]


def scores(works, **parameters):
    return by_key(run(instance(works, LINES, **parameters)))


def test_score_is_the_weighted_sum_of_the_criteria():
    """Weights urgentie 3 and zekerheid 1 (others 0) normalise to 0.75 and 0.25.

    Condition 4 gives urgency (4 − 1) / 5 = 0.6; 'voorgenomen' gives certainty 0.7.
    Score = 100 × (0.75 × 0.6 + 0.25 × 0.7) = 45 + 17.5 = 62.5, and the breakdown holds
    the points per criterion.
    """
    [result] = scores(
        [work("a", condition=4, certainty="voorgenomen")],
        weights={"urgentie": 3, "zekerheid": 1},
    ).values()
    assert result.score == pytest.approx(62.5)
    assert result.breakdown["urgentie"] == pytest.approx(45)
    assert result.breakdown["zekerheid"] == pytest.approx(17.5)
    assert result.breakdown["risico"] == 0


def test_urgency_takes_the_worse_of_condition_and_remaining_life():
    """Horizon 6: remaining life 3 gives 1 − 3/6 = 0.5, condition 2 gives 0.2 → 0.5.
    No remaining life left gives 1. No input gives 0."""
    works = scores(
        [
            work("half", condition=2, remaining_life=3),
            work("op", remaining_life=-2),
            work("onbekend"),
        ],
        weights={"urgentie": 1},
    )
    assert [works[k].score for k in ("half", "op", "onbekend")] == pytest.approx([50, 100, 0])


def test_social_ambition_and_risk_are_scaled_to_one():
    """Social 1–5 → 0–1 (priority 4 → 0.75); ambition relative to the largest weight
    (2 of 8 → 0.25); risk as given (0.4). Equal weights of 1: score = 100 × (0.75 + 0.25
    + 0.4) / 3."""
    works = scores(
        [
            work("a", social_priority=4, ambition_weight=2, risk=0.4),
            work("b", ambition_weight=8),
        ],
        weights={"sociaal": 1, "ambitie": 1, "risico": 1},
    )
    assert works["a"].score == pytest.approx(100 * 1.4 / 3)


def test_cost_efficiency_is_linear_in_log_cost():
    """€1k, €10k and €100k: the middle one lies halfway on the log scale → 0.5."""
    works = scores(
        [
            work("goedkoop", cost=("wegen", 1_000)),
            work("midden", cost=("wegen", 10_000)),
            work("duur", cost=("wegen", 100_000)),
        ],
        weights={"kosten": 1},
    )
    assert [works[k].score for k in ("goedkoop", "midden", "duur")] == pytest.approx([100, 50, 0])


def test_coupling_value_is_the_share_of_opening_costs_saved():
    """Two street openings of €300k and €100k couple: 0.3 × €100k is saved out of
    0.3 × €400k opening costs, a share of 0.25, for both members; a lone work gets 0."""
    works = scores(
        [
            work("riool", opens_street=True, cost=("wegen", 300_000), geometry=point(0)),
            work("kabel", opens_street=True, cost=("wegen", 100_000), geometry=point(10)),
            work("alleen", opens_street=True, cost=("wegen", 100_000), geometry=point(500)),
        ],
        weights={"koppeling": 1},
    )
    assert [works[k].score for k in ("riool", "kabel", "alleen")] == pytest.approx([25, 25, 0])


def test_certainty_levels():
    works = scores(
        [work(c, certainty=c) for c in ("idee", "voorgenomen", "vastgesteld")],
        weights={"zekerheid": 1},
    )
    assert [works[c].score for c in ("idee", "voorgenomen", "vastgesteld")] == pytest.approx(
        [30, 70, 100]
    )


def test_all_weights_zero_scores_nothing():
    [result] = scores([work("a", condition=6)], weights={}).values()
    assert result.score == 0
