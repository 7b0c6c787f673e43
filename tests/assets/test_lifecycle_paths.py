"""The three paths of the lifecycle rule give the same numbers for every asset.

The rule is written once (`assets.lifecycle.derive`) and runs three ways: on numpy arrays
for a whole table (`asset_lifecycle_frame`: programme, exports), as SQL expressions
in the database (`assets.filters.lifecycle_expressions`: list pages, their filter, sort and
API), and for one asset with its steps told in Dutch (`asset_lifecycle_explained`: the
asset page). This test stores a grid of assets in the database — construction years,
lifespan overrides, every NEN 2767 score and none, dated and undated conditions, classes
with different windows, condition rules and price years, unit-cost overrides — and
compares every output column of the three paths, asset by asset.
"""

import datetime
import itertools
from decimal import Decimal

import pandas as pd
import pytest

from assets import lifecycle as lc
from assets.filters import lifecycle_expressions, with_lifecycle
from assets.models import Asset
from assets.selectors import asset_lifecycle_explained, asset_lifecycle_frame
from tests.factories import AreaFactory, AssetClassFactory, AssetFactory

pytestmark = pytest.mark.django_db

REFERENCE_YEAR = 2026
#: A price year other than every class's, so the price index is applied, inside the
#: index table's years and beyond them.
PRICE_YEAR = 2025
CONSTRUCTION_YEARS = (1900, 1965, 2020)
LIFESPAN_OVERRIDES = (None, 1, 45)
CONDITIONS = (None, 1, 2, 3, 4, 5, 6)
#: Undated (taken as the reference year), long ago, and in the reference year itself.
CONDITION_DATES = (None, datetime.date(2001, 12, 31), datetime.date(REFERENCE_YEAR, 6, 30))
UNIT_COST_OVERRIDES = (None, Decimal("0.00"), Decimal("812.34"))


@pytest.fixture
def asset_grid():
    """Three classes × every combination of the values above: 567 assets.

    The classes differ in every parameter the rule reads: a sewer with the default rule,
    paving whose rule caps from score 2 and that may not shift at all, and green without a
    condition rule whose window is wider early than late and whose price year lies before
    the index table.
    """
    classes = [
        AssetClassFactory(
            lifespan=60,
            window_early=5,
            window_late=10,
            unit_cost=Decimal("600.00"),
            price_year=2021,
            condition_rule={"4": 10, "5": 5, "6": 0},
        ),
        AssetClassFactory(
            lifespan=30,
            window_early=0,
            window_late=0,
            unit_cost=Decimal("45.50"),
            price_year=2024,
            condition_rule={"2": 25, "3": 15, "4": 8, "5": 3, "6": 0},
        ),
        AssetClassFactory(
            lifespan=15,
            window_early=20,
            window_late=3,
            unit_cost=Decimal("12.00"),
            price_year=1990,
            condition_rule={},
        ),
    ]
    area = AreaFactory()
    combinations = itertools.product(
        classes, CONSTRUCTION_YEARS, LIFESPAN_OVERRIDES, CONDITIONS, CONDITION_DATES
    )
    Asset.objects.bulk_create(
        AssetFactory.build(
            asset_class=asset_class,
            area=area,
            construction_year=construction_year,
            lifespan_override=lifespan_override,
            condition=condition,
            condition_date=condition_date,
            quantity=Decimal(number % 7) * Decimal("12.50"),
            unit_cost_override=UNIT_COST_OVERRIDES[number % len(UNIT_COST_OVERRIDES)],
        )
        for number, (
            asset_class,
            construction_year,
            lifespan_override,
            condition,
            condition_date,
        ) in enumerate(combinations)
    )
    return Asset.objects.all()


def assert_same(actual, expected, column, asset_id):
    where = f"{column} of asset {asset_id}"
    if column == lc.URGENCY:
        assert actual == expected, where
    elif pd.isna(expected):
        assert actual is None, where
    elif column == lc.REPLACEMENT_VALUE:
        assert actual == pytest.approx(expected, rel=1e-12, abs=1e-9), where
    else:
        assert actual == expected, where


def test_the_database_the_frame_and_the_asset_page_agree_for_every_asset(
    asset_grid, django_assert_max_num_queries
):
    years = {"reference_year": REFERENCE_YEAR, "price_year": PRICE_YEAR}
    frame = asset_lifecycle_frame(**years)
    with django_assert_max_num_queries(2):
        in_database = list(
            asset_grid.annotate(
                **{
                    f"rule_{name}": expression
                    for name, expression in lifecycle_expressions(**years).items()
                }
            ).select_related("asset_class")
        )
    assert len(in_database) == len(frame) == 567

    for asset in in_database:
        expected = frame.loc[asset.pk]
        for column in lc.OUTPUT_COLUMNS:
            assert_same(getattr(asset, f"rule_{column}"), expected[column], column, asset.pk)
        for step in asset_lifecycle_explained(asset, **years):
            assert_same(step.value, expected[step.key], step.key, asset.pk)


def test_the_list_annotations_are_the_rule_expressions(asset_grid):
    """`with_lifecycle` (the asset list and API) annotates a part of the same columns."""
    years = {"reference_year": REFERENCE_YEAR, "price_year": PRICE_YEAR}
    frame = asset_lifecycle_frame(**years)
    names = {
        "lifespan_years": lc.LIFESPAN,
        "end_of_life": lc.END_OF_LIFE,
        "preferred_year": lc.PREFERRED_YEAR,
        "remaining_life": lc.REMAINING_LIFE,
        "urgency": lc.URGENCY,
        "replacement_value": lc.REPLACEMENT_VALUE,
    }
    for asset in with_lifecycle(asset_grid, **years):
        for annotation, column in names.items():
            assert_same(getattr(asset, annotation), frame.loc[asset.pk, column], column, asset.pk)
