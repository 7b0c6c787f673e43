"""Deterioration models learnt from inspections (assets.deterioration): synthetic
histories drawn from a known curve are recovered within a stated tolerance, too few
inspections store nothing, and an adopted lifespan changes the lifecycle and says so."""

import numpy as np
import pandas as pd
import pytest

from assets import deterioration as det
from assets import lifecycle as lc

RULE = {"4": 10, "5": 5, "6": 0}
COLUMNS = ["asset_id", "date", "condition", "construction_year"]


def markov_history(p: float, assets: int, seed: int) -> pd.DataFrame:
    """Assets built 1960–2014 that move one score down with chance `p` each year, each
    inspected every 5 years from a random first age: the chain `fit_markov` assumes."""
    rng = np.random.default_rng(seed)
    rows = []
    for asset in range(assets):
        built, first = int(rng.integers(1960, 2015)), int(rng.integers(0, 20))
        score = 1
        for year in range(built, 2026):
            if year > built and score < 6 and rng.random() < p:
                score += 1
            if year >= built + first and (year - built - first) % 5 == 0:
                rows.append((asset, f"{year}-06-01", score, built))
    return det.ages(pd.DataFrame(rows, columns=COLUMNS))


def linear_history(rate: float, assets: int, seed: int) -> pd.DataFrame:
    """Scores 1 + rate · age with inspection noise (σ 0.4, rounded to a whole score)."""
    rng = np.random.default_rng(seed)
    rows = []
    for asset in range(assets):
        built = int(rng.integers(1960, 2015))
        for year in range(built + 1, 2026, 4):
            score = np.clip(np.rint(1 + rate * (year - built) + rng.normal(0, 0.4)), 1, 6)
            rows.append((asset, f"{year}-06-01", int(score), built))
    return det.ages(pd.DataFrame(rows, columns=COLUMNS))


# --- the pure part ---------------------------------------------------------------------


def test_the_lifespan_is_the_earliest_capped_score_plus_its_cap():
    # 1 + 0.05·age reaches 4 at 60 (+10 = 70), 5 at 80 (+5 = 85), 6 at 100 (+0 = 100).
    expected = np.minimum(1 + 0.05 * np.arange(151), 6)
    assert det.replacement_age(expected, RULE) == pytest.approx(70)
    # A rule without caps: score 6 ends the life (ripe for demolition).
    assert det.replacement_age(expected, {}) == pytest.approx(100)
    # A curve that never reaches a capped score gives none.
    assert det.replacement_age(np.full(151, 2.0), RULE) is None


def test_the_markov_chain_recovers_a_known_yearly_chance():
    """True chance 0.08 per year for every score; tolerance ±0.03 per score and ±3 years
    on the lifespan (seed 7, 300 assets, about 2,000 inspections)."""
    history = markov_history(0.08, 300, seed=7)
    fit = det.fit_markov(history, RULE)
    assert fit.method == "markov"
    assert np.allclose(fit.parameters["p"], 0.08, atol=0.03)
    true = det.replacement_age(det.markov_curve(np.full(5, 0.08)), RULE)
    assert fit.lifespan == pytest.approx(true, abs=3)
    assert fit.lifespan_low <= true <= fit.lifespan_high
    assert fit.inspections == len(history)
    assert fit.assets == history.asset_id.nunique()
    age, expected, low, high = fit.curve[30]
    assert age == 30
    assert low <= expected <= high


def test_the_regression_recovers_a_known_linear_rate():
    """True curve 1 + 0.05·age; tolerance ±0.15 score at ages 10–60 and ±2 years on the
    lifespan of 70 (seed 11, 150 assets)."""
    fit = det.fit_regression(linear_history(0.05, 150, seed=11), RULE)
    curve = {int(row[0]): row[1] for row in fit.curve}
    for age in range(10, 61, 10):
        assert curve[age] == pytest.approx(1 + 0.05 * age, abs=0.15)
    assert fit.lifespan == pytest.approx(70, abs=2)
    assert fit.lifespan_low <= fit.lifespan <= fit.lifespan_high
    assert fit.parameters["c"] == pytest.approx(1, abs=0.15)


def test_too_few_inspections_is_refused_with_the_count_and_the_minimum():
    history = linear_history(0.05, 100, seed=1).head(29)
    with pytest.raises(det.TooFewInspections, match=r"Te weinig inspecties \(29, minimaal 30\)"):
        det.fit(history, RULE)


def test_too_few_assets_is_refused():
    history = linear_history(0.05, 9, seed=1)
    assert len(history) >= det.MIN_INSPECTIONS
    with pytest.raises(det.TooFewInspections, match="9 objecten, minimaal 10"):
        det.fit_regression(history, RULE)


def test_markov_needs_repeated_inspections_the_regression_does_not():
    single = linear_history(0.05, 200, seed=3).groupby("asset_id").head(1)
    with pytest.raises(det.TooFewInspections, match=r"0 paren, minimaal 30"):
        det.fit_markov(single, RULE)
    assert [fit.method for fit in det.fit(single, RULE)] == ["regressie"]


def test_a_later_better_score_counts_as_staying():
    history = det.ages(
        pd.DataFrame(
            [(1, "2010-01-01", 3, 2000), (1, "2015-01-01", 2, 2000), (2, "2012-01-01", 1, 2000)],
            columns=COLUMNS,
        )
    )
    found = det.pairs(history)
    assert (found.start.tolist(), found.end.tolist(), found.years.tolist()) == ([3], [3], [5])


# --- the lifecycle with a fitted lifespan (pure) ----------------------------------------

INDEX = pd.Series({2024: 100.0})


def _lifecycle(fitted):
    assets = pd.DataFrame(
        [
            {
                lc.ID: 1,
                lc.ASSET_CLASS_ID: 1,
                lc.CONSTRUCTION_YEAR: 1980,
                lc.LIFESPAN_OVERRIDE: None,
                lc.CONDITION: None,
                lc.CONDITION_DATE: None,
                lc.QUANTITY: 1,
                lc.UNIT_COST_OVERRIDE: None,
            }
        ]
    )
    row = {
        lc.CLASS_ID: 1,
        lc.LIFESPAN: 60,
        lc.WINDOW_EARLY: 5,
        lc.WINDOW_LATE: 10,
        lc.UNIT_COST: 100,
        lc.PRICE_YEAR: 2024,
        lc.CONDITION_RULE: {},
    }
    if fitted != "absent":
        row[lc.FITTED_LIFESPAN] = fitted
    return lc.compute_lifecycle(
        assets, pd.DataFrame([row]), reference_year=2026, price_year=2024, price_index=INDEX
    ).iloc[0]


@pytest.mark.parametrize(
    ("fitted", "lifespan"), [("absent", 60), (None, 60), (47.4, 47), (47.5, 48), (72.0, 72)]
)
def test_an_adopted_lifespan_replaces_the_default_in_whole_years(fitted, lifespan):
    result = _lifecycle(fitted)
    assert result[lc.LIFESPAN] == lifespan
    assert result[lc.END_OF_LIFE] == 1980 + lifespan
