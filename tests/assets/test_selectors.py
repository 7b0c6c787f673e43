"""The lifecycle of the stored asset base: loading, query count and the explanation."""

import datetime
from decimal import Decimal

import pandas as pd
import pytest
from django.utils import timezone

from assets import lifecycle as lc
from assets import selectors
from assets.models import Asset, AssetClass
from assets.selectors import asset_lifecycle_explained, asset_lifecycle_frame, price_index
from tests.factories import AreaFactory, AssetClassFactory, AssetFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 25])
def test_the_frame_takes_two_queries_however_many_assets(django_assert_num_queries, count):
    """One query for the assets, one for the classes; never one per asset or class."""
    for asset_class in AssetClassFactory.create_batch(3):
        AssetFactory.create_batch(count, asset_class=asset_class)
    with django_assert_num_queries(2):
        frame = asset_lifecycle_frame(reference_year=2025)
    assert len(frame) == 3 * count


def test_the_frame_holds_each_asset_with_its_lifecycle_by_id():
    """The factory sewer: built 1975, 60 years → 2035; score 3 sets no maximum; window
    5 early, 10 late → 2030–2045; in 2025 ten years are left. 40 m × €600 at 2024 prices,
    indexed to 2025 with the index file."""
    asset = AssetFactory()
    frame = asset_lifecycle_frame(reference_year=2025, price_year=2025)
    row = frame.loc[asset.pk]
    assert frame.index.name == lc.ID
    assert list(frame.columns) == [*lc.ASSET_COLUMNS[1:], *lc.OUTPUT_COLUMNS]
    assert (row[lc.EARLIEST], row[lc.PREFERRED_YEAR], row[lc.LATEST]) == (2030, 2035, 2045)
    assert row[lc.REMAINING_LIFE] == 10
    assert row[lc.URGENCY] == lc.URGENCY_WITHIN_10
    index = price_index()
    assert row[lc.REPLACEMENT_VALUE] == pytest.approx(40 * 600 * index[2025] / index[2024])


def test_the_frame_holds_plain_numbers_and_dates():
    """Decimals from the database become floats, dates datetime64, so the engine can use
    the frame without converting it again."""
    AssetFactory(unit_cost_override=Decimal("712.50"), lifespan_override=70)
    frame = asset_lifecycle_frame(reference_year=2025)
    assert frame[lc.QUANTITY].dtype == "float64"
    assert frame[lc.UNIT_COST_OVERRIDE].dtype == "float64"
    assert frame[lc.LIFESPAN_OVERRIDE].dtype == "Int64"
    assert pd.api.types.is_datetime64_any_dtype(frame[lc.CONDITION_DATE])


def test_the_frame_follows_the_queryset():
    area = AreaFactory(kern=True)
    inside = AssetFactory(area=area)
    AssetFactory()
    frame = asset_lifecycle_frame(queryset=Asset.objects.filter(area=area), reference_year=2025)
    assert frame.index.tolist() == [inside.pk]


def test_no_assets_give_an_empty_frame_with_every_column():
    frame = asset_lifecycle_frame(reference_year=2025)
    assert frame.empty
    assert list(frame.columns) == [*lc.ASSET_COLUMNS[1:], *lc.OUTPUT_COLUMNS]


def test_the_reference_and_price_year_default_to_this_year():
    asset = AssetFactory()
    this_year = timezone.localdate().year
    row = asset_lifecycle_frame().loc[asset.pk]
    assert row[lc.REMAINING_LIFE] == row[lc.PREFERRED_YEAR] - this_year
    assert row[lc.REPLACEMENT_VALUE] == pytest.approx(
        asset_lifecycle_frame(reference_year=this_year, price_year=this_year).loc[
            asset.pk, lc.REPLACEMENT_VALUE
        ]
    )


def test_explain_agrees_with_the_frame_for_the_same_asset():
    """A poor pipe with both overrides: every number the explanation gives is the frame's."""
    AssetFactory.create_batch(3)
    asset = AssetFactory(
        construction_year=1990,
        lifespan_override=50,
        condition=5,
        condition_date=datetime.date(2024, 3, 1),
        unit_cost_override=Decimal("712.50"),
    )
    row = asset_lifecycle_frame(reference_year=2025, price_year=2026).loc[asset.pk]
    steps = asset_lifecycle_explained(asset, reference_year=2025, price_year=2026)
    assert {step.key for step in steps} >= {lc.PREFERRED_YEAR, lc.REPLACEMENT_VALUE}
    for step in steps:
        if step.value is None:
            assert pd.isna(row[step.key])
        elif isinstance(step.value, str):
            assert step.value == row[step.key]
        else:
            assert step.value == pytest.approx(row[step.key])
    assert row[lc.PREFERRED_YEAR] == 2029  # score 5 in 2024: at most 5 years, before 2040


def test_explain_reads_the_asset_with_at_most_one_query(django_assert_max_num_queries):
    asset = Asset.objects.get(pk=AssetFactory().pk)
    with django_assert_max_num_queries(1):
        asset_lifecycle_explained(asset, reference_year=2025)


def test_a_class_rule_stored_without_validation_still_never_rewards_a_poorer_score():
    """A bulk import may skip full_clean; the lifecycle then applies the rule's monotone
    closure: score 5 gets no more than score 4's 3 years."""
    asset = AssetFactory(
        construction_year=2000, condition=5, condition_date=datetime.date(2024, 1, 1)
    )
    AssetClass.objects.filter(pk=asset.asset_class_id).update(condition_rule={"4": 3, "5": 20})
    row = asset_lifecycle_frame(reference_year=2025).loc[asset.pk]
    assert row[lc.CONDITION_CAP] == 3
    assert row[lc.PREFERRED_YEAR] == 2027


def test_the_price_index_covers_2010_to_2026_with_2015_as_base():
    index = price_index()
    assert index.index.tolist() == list(range(2010, 2027))
    assert index[2015] == 100.0
    assert (index > 0).all()


def test_the_price_index_cannot_be_changed_by_a_caller():
    index = price_index()
    index[2015] = 1.0
    assert price_index()[2015] == 100.0


@pytest.mark.django_db(transaction=True)
def test_a_large_asset_base_is_read_in_two_processes_with_the_same_frame(monkeypatch):
    """From SPLIT_FROM ids on a second process reads the upper half of the ids: the
    frame is the one a single read gives, row for row and dtype for dtype, also where
    one half has no value at all in a column."""
    area = AreaFactory()
    AssetFactory.create_batch(3, street="", area=None)
    AssetFactory.create_batch(3, street="Bankstraat", area=area, lifespan_override=70)
    queryset = Asset.objects.all()
    columns = [*lc.ASSET_COLUMNS, "area_id", "street"]
    single = selectors._read_assets(queryset, columns)
    monkeypatch.setattr(selectors, "SPLIT_FROM", 1)
    split = selectors._read_in_two(queryset, columns)
    assert split is not None
    pd.testing.assert_frame_equal(split, single)
    monkeypatch.setattr(selectors, "SPLIT_FROM", 10**9)
    assert selectors._read_in_two(queryset, columns) is None


@pytest.mark.parametrize("chunk", [1, 2, 4])
def test_the_rows_read_in_chunks_give_the_frame_of_one_chunk(monkeypatch, chunk):
    """The rows are fetched READ_CHUNK at a time: any chunk size gives the frame of one
    chunk, row for row and dtype for dtype, also where a chunk has no value at all in a
    column (area, lifespan, condition, a cost override)."""
    area = AreaFactory()
    AssetFactory.create_batch(3, street="", area=None, condition=None)
    AssetFactory.create_batch(2, street="Bankstraat", area=area, lifespan_override=70, condition=4)
    AssetFactory(unit_cost_override=Decimal("712.50"), area=area)
    queryset = Asset.objects.all()
    columns = [*lc.ASSET_COLUMNS, "area_id", "street"]
    monkeypatch.setattr(selectors, "READ_CHUNK", 1_000)
    whole = selectors._read_assets(queryset, columns)
    monkeypatch.setattr(selectors, "READ_CHUNK", chunk)
    pd.testing.assert_frame_equal(selectors._read_assets(queryset, columns), whole)
    assert whole["area_id"].isna().sum() == 3
    assert whole[lc.LIFESPAN_OVERRIDE].dtype == "Int64"
