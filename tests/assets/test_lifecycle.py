"""The lifecycle rule: replacement years, window, urgency and value per asset.

No database: small frames made by hand, with the expected numbers worked out in each
docstring, and hypothesis for the properties that must hold for any input.
"""

import datetime

import numpy as np
import pandas as pd
import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from assets import lifecycle as lc
from assets.choices import Condition
from assets.models import default_condition_rule, validate_condition_rule

#: A two-year index: 2021 = 115, 2025 = 138, so 2021 prices × 1.2 are 2025 prices.
INDEX = pd.Series({2021: 115.0, 2025: 138.0})


def sewer_class(**values) -> dict:
    """Concrete gravity sewer: 60 years, window 10 early / 15 late, €600/m at 2021 prices."""
    return {
        lc.CLASS_ID: 1,
        lc.LIFESPAN: 60,
        lc.WINDOW_EARLY: 10,
        lc.WINDOW_LATE: 15,
        lc.UNIT_COST: 600.0,
        lc.PRICE_YEAR: 2021,
        lc.CONDITION_RULE: {"4": 10, "5": 5, "6": 0},
    } | values


def sewer(**values) -> dict:
    """40 m of that sewer, built in 1965, never inspected."""
    return {
        lc.ID: 1,
        lc.ASSET_CLASS_ID: 1,
        lc.CONSTRUCTION_YEAR: 1965,
        lc.LIFESPAN_OVERRIDE: None,
        lc.CONDITION: None,
        lc.CONDITION_DATE: None,
        lc.QUANTITY: 40.0,
        lc.UNIT_COST_OVERRIDE: None,
    } | values


def lifecycle_of(*assets, classes=None, reference_year=2025, price_year=2021, index=INDEX):
    return lc.compute_lifecycle(
        pd.DataFrame(list(assets), columns=list(lc.ASSET_COLUMNS)),
        pd.DataFrame(classes or [sewer_class()], columns=list(lc.CLASS_COLUMNS)),
        reference_year=reference_year,
        price_year=price_year,
        price_index=index,
    )


def measured(year: int) -> datetime.date:
    return datetime.date(year, 5, 1)


# --- hand-computed cases ---------------------------------------------------------------


def test_an_unmeasured_sewer_is_replaced_at_the_end_of_its_lifespan():
    """Built 1965 + 60 years = 2025. Without a condition that is the preferred year; the
    class window gives 2025 − 10 = 2015 to 2025 + 15 = 2040. In 2025 no life is left (0
    years: urgent). 40 m × €600 at the class's own price year 2021 = €24,000."""
    expected = pd.DataFrame(
        {
            lc.LIFESPAN: [60],
            lc.END_OF_LIFE: [2025],
            lc.CONDITION_CAP: [np.nan],
            lc.CONDITION_YEAR: [2025],
            lc.PREFERRED_YEAR: [2025],
            lc.EARLIEST: [2015],
            lc.LATEST: [2040],
            lc.REMAINING_LIFE: [0],
            lc.UNIT_COST: [600.0],
            lc.REPLACEMENT_VALUE: [24_000.0],
            lc.URGENCY: pd.Categorical([lc.URGENCY_URGENT], dtype=lc.URGENCY_DTYPE),
        }
    )
    pd.testing.assert_frame_equal(lifecycle_of(sewer()), expected)


def test_a_lifespan_override_wins_over_the_class_lifespan():
    """The asset manager knows this pipe lasts 80 years: 1965 + 80 = 2045, not 2025."""
    result = lifecycle_of(sewer(lifespan_override=80)).iloc[0]
    assert (result[lc.LIFESPAN], result[lc.END_OF_LIFE], result[lc.PREFERRED_YEAR]) == (
        80,
        2045,
        2045,
    )


def test_a_unit_cost_override_wins_and_is_read_at_the_class_price_year():
    """An override of €750/m is taken at the class price year 2021 like the class cost;
    at 2025 prices that is 40 m × €750 × 138/115 = €36,000."""
    result = lifecycle_of(sewer(unit_cost_override=750.0), price_year=2025).iloc[0]
    assert result[lc.UNIT_COST] == 750.0
    assert result[lc.REPLACEMENT_VALUE] == pytest.approx(36_000.0)


def test_condition_6_means_replace_in_the_year_it_was_measured():
    """Built 1990, its age says 2050, but score 6 (cap 0) measured in 2023 says 2023 — and
    there is no waiting either: latest = 2023 + 0, not 2023 + 15. Earliest 2023 − 10 = 2013.
    In 2025 that is 2 years overdue."""
    result = lifecycle_of(
        sewer(construction_year=1990, condition=6, condition_date=measured(2023))
    ).iloc[0]
    assert result[lc.CONDITION_CAP] == 0
    assert result[lc.PREFERRED_YEAR] == 2023
    assert (result[lc.EARLIEST], result[lc.LATEST]) == (2013, 2023)
    assert result[lc.REMAINING_LIFE] == -2
    assert result[lc.URGENCY] == lc.URGENCY_OVERDUE


def test_condition_4_pulls_the_year_forward_only_when_its_cap_is_earlier():
    """Score 4 measured in 2022 allows 10 more years: until 2032.
    The 1965 sewer ends in 2025 anyway: preferred stays 2025, but latest is 2032 instead of
    2025 + 15 = 2040. The 1990 sewer would last until 2050: pulled forward to 2032, window
    2032 − 10 = 2022 to min(2032 + 15, 2032) = 2032."""
    result = lifecycle_of(
        sewer(id=1, condition=4, condition_date=measured(2022)),
        sewer(id=2, construction_year=1990, condition=4, condition_date=measured(2022)),
    )
    assert result[lc.PREFERRED_YEAR].tolist() == [2025, 2032]
    assert result[lc.EARLIEST].tolist() == [2015, 2022]
    assert result[lc.LATEST].tolist() == [2032, 2032]


def test_condition_5_does_not_postpone_an_asset_at_the_end_of_its_life():
    """1965 + 60 = 2025; score 5 measured in 2022 allows 5 years, until 2027.
    The earlier of the two wins: min(2025, 2027) = 2025. Latest min(2040, 2027) = 2027."""
    result = lifecycle_of(sewer(condition=5, condition_date=measured(2022))).iloc[0]
    assert (result[lc.PREFERRED_YEAR], result[lc.LATEST]) == (2025, 2027)


@pytest.mark.parametrize("condition", [None, 1, 2, 3])
def test_a_missing_or_good_condition_leaves_the_end_of_life(condition):
    """The rule has no maximum for scores 1–3, and no score means no measurement: built
    1990 + 60 = 2050 stays 2050, window 2040–2065."""
    result = lifecycle_of(
        sewer(construction_year=1990, condition=condition, condition_date=measured(2024))
    ).iloc[0]
    assert np.isnan(result[lc.CONDITION_CAP])
    assert (result[lc.EARLIEST], result[lc.PREFERRED_YEAR], result[lc.LATEST]) == (
        2040,
        2050,
        2065,
    )


def test_an_undated_condition_counts_from_the_reference_year():
    """Score 5 without a date is taken as measured in the reference year 2025: at most
    5 years, so 2030 instead of 1990 + 60 = 2050."""
    result = lifecycle_of(sewer(construction_year=1990, condition=5)).iloc[0]
    assert (result[lc.CONDITION_YEAR], result[lc.PREFERRED_YEAR]) == (2025, 2030)


def test_the_window_comes_from_the_class_bandwidth():
    """An asphalt top layer: 18 years, 3 early, 4 late. Laid in 2000: 2018, window
    2015–2022."""
    asphalt = sewer_class(id=7, lifespan=18, window_early=3, window_late=4)
    result = lifecycle_of(sewer(asset_class_id=7, construction_year=2000), classes=[asphalt]).iloc[
        0
    ]
    assert (result[lc.EARLIEST], result[lc.PREFERRED_YEAR], result[lc.LATEST]) == (
        2015,
        2018,
        2022,
    )


def test_costs_at_2021_prices_are_indexed_to_2025_prices():
    """40 m × €600 = €24,000 at 2021 prices; × 138/115 = 1.2 gives €28,800 at 2025 prices."""
    result = lifecycle_of(sewer(), price_year=2025).iloc[0]
    assert result[lc.REPLACEMENT_VALUE] == pytest.approx(28_800.0)


def test_years_outside_the_index_take_the_nearest_year():
    """2030 is after the table: index of 2025 (138). A class priced in 2019, before the
    table, uses 2021 (115). So again × 1.2: €28,800."""
    result = lifecycle_of(sewer(), classes=[sewer_class(price_year=2019)], price_year=2030)
    assert result[lc.REPLACEMENT_VALUE].iloc[0] == pytest.approx(28_800.0)


def test_a_year_missing_inside_the_index_is_interpolated():
    """2023 lies halfway between 2021 (115) and 2025 (138): 126.5."""
    assert lc.price_index_at(INDEX, [2023]).tolist() == [126.5]


@pytest.mark.parametrize(
    ("preferred_year", "urgency"),
    [
        pytest.param(2024, lc.URGENCY_OVERDUE, id="one year overdue"),
        pytest.param(2025, lc.URGENCY_URGENT, id="this year"),
        pytest.param(2027, lc.URGENCY_URGENT, id="in two years"),
        pytest.param(2028, lc.URGENCY_WITHIN_5, id="in three years"),
        pytest.param(2030, lc.URGENCY_WITHIN_5, id="in five years"),
        pytest.param(2031, lc.URGENCY_WITHIN_10, id="in six years"),
        pytest.param(2035, lc.URGENCY_WITHIN_10, id="in ten years"),
        pytest.param(2036, lc.URGENCY_LATER, id="in eleven years"),
    ],
)
def test_urgency_classes_at_their_boundaries(preferred_year, urgency):
    """Reference year 2025; a sewer built 60 years before its preferred year. Remaining
    life −1 is overdue, 0–2 urgent, 3–5 within 5 years, 6–10 within 10 years, 11 later."""
    result = lifecycle_of(sewer(construction_year=preferred_year - 60)).iloc[0]
    assert result[lc.REMAINING_LIFE] == preferred_year - 2025
    assert result[lc.URGENCY] == urgency


def test_urgency_is_ordered_from_most_urgent():
    result = lifecycle_of(sewer(id=1, construction_year=1990), sewer(id=2, construction_year=1950))
    assert result[lc.URGENCY].min() == lc.URGENCY_OVERDUE


def test_no_assets_give_an_empty_frame_with_every_column():
    result = lifecycle_of()
    assert list(result.columns) == list(lc.OUTPUT_COLUMNS)
    assert result.empty


def test_an_asset_of_an_unknown_class_is_refused():
    with pytest.raises(ValueError, match="unknown asset classes: \\[9\\]"):
        lifecycle_of(sewer(asset_class_id=9))


def test_a_score_outside_nen_2767_is_refused():
    with pytest.raises(ValueError, match="NEN 2767"):
        lifecycle_of(sewer(condition=7))


# --- the condition rule ----------------------------------------------------------------


def test_a_score_the_rule_leaves_open_gets_the_cap_of_a_better_score():
    """{"4": 10} says nothing about 5 and 6; they may not get more than 4, so 10 years."""
    caps = lc.condition_caps({"4": 10})
    assert np.isnan(caps[:4]).all()
    assert caps[4:].tolist() == [10, 10, 10]


def test_a_poorer_score_never_gets_more_years_than_a_better_one():
    assert lc.condition_caps({"4": 5, "5": 10, "6": 0})[4:].tolist() == [5, 5, 0]


def test_the_default_rule_is_accepted_and_applied_as_written():
    validate_condition_rule(default_condition_rule())
    assert lc.condition_caps(default_condition_rule())[4:].tolist() == [10, 5, 0]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        pytest.param(
            {"4": 5, "5": 10},
            "Score 5 geeft meer restlevensduur (10 jaar) dan de betere score 4 (5 jaar): "
            "een slechtere conditie mag nooit later vervangen betekenen.",
            id="more years for a poorer score",
        ),
        pytest.param(
            {"4": 10},
            "Score 5 heeft geen maximale restlevensduur, de betere score 4 wel (10 jaar): "
            "geef score 5 hoogstens 10 jaar.",
            id="no maximum for a poorer score",
        ),
        pytest.param(
            {"5": 5, "6": None},
            "Score 6 heeft geen maximale restlevensduur, de betere score 5 wel (5 jaar): "
            "geef score 6 hoogstens 5 jaar.",
            id="explicitly open poorer score",
        ),
    ],
)
def test_a_condition_rule_that_rewards_a_poorer_score_is_refused(rule, message):
    with pytest.raises(ValidationError) as refusal:
        validate_condition_rule(rule)
    assert refusal.value.messages == [message]


@given(
    st.dictionaries(
        st.sampled_from(["1", "2", "3", "4", "5", "6"]),
        st.none() | st.integers(0, 100),
    )
)
def test_a_rule_the_model_accepts_is_applied_exactly_as_written(rule):
    """The monotone closure in the lifecycle changes nothing about a valid rule."""
    try:
        validate_condition_rule(rule)
    except ValidationError:
        return
    written = [rule.get(str(score)) for score in lc.SCORES]
    applied = [None if np.isnan(cap) else cap for cap in lc.condition_caps(rule)[1:]]
    assert applied == written


def test_the_condition_names_match_the_nen_2767_choices():
    assert {score: f"{score} – {name}" for score, name in lc.CONDITION_NAMES.items()} == {
        value: str(label) for value, label in Condition.choices
    }


# --- explain ---------------------------------------------------------------------------


def explained(asset: dict, asset_class: dict, **years) -> dict[str, lc.Step]:
    years = {"reference_year": 2025, "price_year": 2025} | years
    steps = lc.explain(asset, asset_class, price_index=INDEX, **years)
    return {step.key: step for step in steps}


def test_explain_tells_why_a_poor_condition_brings_the_year_forward():
    """Built 1990, score 5 in 2022: at most 5 years, so 2027 instead of 2050."""
    steps = explained(
        sewer(construction_year=1990, condition=5, condition_date=measured(2022)), sewer_class()
    )
    assert steps[lc.PREFERRED_YEAR].value == 2027
    assert "naar voren" in steps[lc.PREFERRED_YEAR].reason
    assert steps[lc.CONDITION_CAP].reason == (
        "NEN 2767-score 5 (slecht), gemeten in 2022: hoogstens 5 jaar na de meting, "
        "dus uiterlijk 2027"
    )


def test_explain_names_the_overrides():
    steps = explained(sewer(lifespan_override=80, unit_cost_override=750.0), sewer_class())
    assert steps[lc.LIFESPAN].reason.startswith("afwijkende levensduur van dit object")
    assert steps[lc.UNIT_COST].reason.startswith("afwijkende kosten van dit object")
    assert steps[lc.REPLACEMENT_VALUE].reason == (
        "hoeveelheid 40 × € 750,00 × prijsindex 2025/2021 (138/115) = € 36.000,00, prijspeil 2025"
    )


def test_explain_says_when_a_score_borrows_the_cap_of_a_better_one():
    steps = explained(
        sewer(condition=6, condition_date=measured(2024)), sewer_class(condition_rule={"5": 5})
    )
    assert steps[lc.CONDITION_CAP].value == 5
    assert "maximum van een betere score" in steps[lc.CONDITION_CAP].reason


def test_explain_without_a_condition_says_age_decides():
    steps = explained(sewer(), sewer_class())
    assert steps[lc.CONDITION_CAP].value is None
    assert steps[lc.PREFERRED_YEAR].value == 2025


# --- properties for any input ----------------------------------------------------------

rules = st.dictionaries(
    st.sampled_from(["1", "2", "3", "4", "5", "6"]), st.none() | st.integers(0, 60)
)
class_rows = st.fixed_dictionaries(
    {
        lc.LIFESPAN: st.integers(1, 200),
        lc.WINDOW_EARLY: st.integers(0, 50),
        lc.WINDOW_LATE: st.integers(0, 50),
        lc.UNIT_COST: st.floats(0, 1e6),
        lc.PRICE_YEAR: st.integers(2000, 2035),
        lc.CONDITION_RULE: rules,
    }
)
asset_rows = st.fixed_dictionaries(
    {
        lc.CONSTRUCTION_YEAR: st.integers(1800, 2100),
        lc.LIFESPAN_OVERRIDE: st.none() | st.integers(1, 200),
        lc.CONDITION: st.none() | st.integers(1, 6),
        lc.CONDITION_DATE: st.none()
        | st.dates(datetime.date(1980, 1, 1), datetime.date(2030, 12, 31)),
        lc.QUANTITY: st.floats(0, 1e5),
        lc.UNIT_COST_OVERRIDE: st.none() | st.floats(0, 1e6),
    }
)


@st.composite
def portfolios(draw) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Up to three classes and up to twenty assets, on an index in arbitrary order."""
    classes = [
        row | {lc.CLASS_ID: n + 10}
        for n, row in enumerate(draw(st.lists(class_rows, min_size=1, max_size=3)))
    ]
    assets = draw(st.lists(asset_rows, max_size=20))
    for n, asset in enumerate(assets):
        asset[lc.ID] = n
        asset[lc.ASSET_CLASS_ID] = draw(st.sampled_from([c[lc.CLASS_ID] for c in classes]))
    index = draw(st.permutations(range(100, 100 + len(assets))))
    return (
        pd.DataFrame(assets, columns=list(lc.ASSET_COLUMNS), index=index),
        pd.DataFrame(classes, columns=list(lc.CLASS_COLUMNS)),
    )


years = st.integers(2000, 2040)


@settings(deadline=None)
@given(portfolios(), years, years)
def test_earliest_preferred_latest_are_in_order(portfolio, reference_year, price_year):
    assets, classes = portfolio
    result = lc.compute_lifecycle(
        assets, classes, reference_year=reference_year, price_year=price_year, price_index=INDEX
    )
    assert (result[lc.EARLIEST] <= result[lc.PREFERRED_YEAR]).all()
    assert (result[lc.PREFERRED_YEAR] <= result[lc.LATEST]).all()
    assert (result[lc.PREFERRED_YEAR] <= result[lc.END_OF_LIFE]).all()


@settings(deadline=None)
@given(portfolios(), years)
def test_one_row_per_asset_in_the_same_order(portfolio, reference_year):
    """The output keeps the input's index; reversing the input reverses the output."""
    assets, classes = portfolio

    def run(frame):
        return lc.compute_lifecycle(
            frame, classes, reference_year=reference_year, price_year=2025, price_index=INDEX
        )

    result = run(assets)
    assert result.index.equals(assets.index)
    pd.testing.assert_frame_equal(run(assets.iloc[::-1]), result.iloc[::-1])


@settings(deadline=None)
@given(asset_rows, class_rows, st.dates(datetime.date(1980, 1, 1), datetime.date(2030, 12, 31)))
def test_a_poorer_condition_never_gives_a_later_year(asset, asset_class, date):
    """The same asset measured on the same day with scores 1 to 6, under any rule — also
    one the model would refuse."""
    rows = [asset | {lc.CONDITION: score, lc.CONDITION_DATE: date} for score in lc.SCORES]
    result = lc.compute_lifecycle(
        pd.DataFrame([row | {lc.ASSET_CLASS_ID: 1} for row in rows]),
        pd.DataFrame([asset_class | {lc.CLASS_ID: 1}]),
        reference_year=2025,
        price_year=2025,
        price_index=INDEX,
    )
    assert (np.diff(result[lc.PREFERRED_YEAR]) <= 0).all()
    assert (np.diff(result[lc.LATEST]) <= 0).all()


@settings(deadline=None)
@given(asset_rows, class_rows, st.integers(0, 1000))
def test_the_replacement_value_scales_with_the_quantity(asset, asset_class, factor):
    rows = [asset, asset | {lc.QUANTITY: asset[lc.QUANTITY] * factor}]
    value = lc.compute_lifecycle(
        pd.DataFrame([row | {lc.ASSET_CLASS_ID: 1} for row in rows]),
        pd.DataFrame([asset_class | {lc.CLASS_ID: 1}]),
        reference_year=2025,
        price_year=2025,
        price_index=INDEX,
    )[lc.REPLACEMENT_VALUE]
    assert value.iloc[1] == pytest.approx(value.iloc[0] * factor, rel=1e-9, abs=1e-6)


@settings(deadline=None)
@given(asset_rows, class_rows, years)
def test_explain_gives_the_numbers_of_the_frame(asset, asset_class, reference_year):
    """One implementation of the rule: each step's value is the frame's value."""
    frame = lc.compute_lifecycle(
        pd.DataFrame([asset | {lc.ASSET_CLASS_ID: 1}]),
        pd.DataFrame([asset_class | {lc.CLASS_ID: 1}]),
        reference_year=reference_year,
        price_year=2025,
        price_index=INDEX,
    ).iloc[0]
    steps = lc.explain(
        asset, asset_class, reference_year=reference_year, price_year=2025, price_index=INDEX
    )
    for step in steps:
        expected = frame[step.key]
        if step.key == lc.URGENCY:
            assert step.value == expected
        elif pd.isna(expected):
            assert step.value is None
        else:
            assert step.value == pytest.approx(expected)
