"""Rules of asset classes, assets, inspections and public reports."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils import timezone

from tests.constraints import (
    ConstraintRules,
    assert_bad_values_refused_by_full_clean,
    assert_full_clean_refuses,
    assert_update_refused,
)
from tests.factories import AssetClassFactory, AssetFactory, InspectionFactory, ReportFactory

pytestmark = pytest.mark.django_db

NEN_2767_SCORE = "De conditie is een NEN 2767-score van 1 tot en met 6."

# (factory, bad values, constraint that refuses them, key of the full_clean error, message)
CHECKS = [
    pytest.param(
        AssetClassFactory,
        {"lifespan": 0},
        "asset_class_lifespan_positive",
        "lifespan",
        None,
        id="asset class without a lifespan",
    ),
    pytest.param(
        AssetClassFactory,
        {"unit_cost": Decimal("-1")},
        "asset_class_unit_cost_not_negative",
        "unit_cost",
        None,
        id="asset class with a negative unit cost",
    ),
    pytest.param(
        AssetClassFactory,
        {"discipline": "riool"},
        "asset_class_discipline_valid",
        "discipline",
        None,
        id="asset class of an unknown discipline",
    ),
    pytest.param(
        AssetClassFactory,
        {"price_year": 1799},
        "asset_class_price_year_range",
        "price_year",
        None,
        id="asset class priced before 1800",
    ),
    pytest.param(
        AssetFactory,
        {"condition": 0},
        "asset_condition_1_6",
        "condition",
        None,
        id="asset condition below 1",
    ),
    pytest.param(
        AssetFactory,
        {"condition": 7},
        "asset_condition_1_6",
        "condition",
        None,
        id="asset condition above 6",
    ),
    pytest.param(
        AssetFactory,
        {"construction_year": 1799},
        "asset_construction_year_range",
        "construction_year",
        None,
        id="asset built before 1800",
    ),
    pytest.param(
        AssetFactory,
        {"construction_year": 2201},
        "asset_construction_year_range",
        "construction_year",
        None,
        id="asset built after 2200",
    ),
    pytest.param(
        AssetFactory,
        {"quantity": Decimal("-1")},
        "asset_quantity_not_negative",
        "quantity",
        None,
        id="asset with a negative quantity",
    ),
    pytest.param(
        AssetFactory,
        {"lifespan_override": 0},
        "asset_lifespan_override_positive",
        "lifespan_override",
        None,
        id="asset with a lifespan override of zero",
    ),
    pytest.param(
        AssetFactory,
        {"unit_cost_override": Decimal("-1")},
        "asset_unit_cost_override_not_negative",
        "unit_cost_override",
        None,
        id="asset with a negative unit cost override",
    ),
    pytest.param(
        InspectionFactory,
        {"condition": 0},
        "inspection_condition_1_6",
        "condition",
        None,
        id="inspection condition below 1",
    ),
    pytest.param(
        InspectionFactory,
        {"condition": 7},
        "inspection_condition_1_6",
        "condition",
        None,
        id="inspection condition above 6",
    ),
    pytest.param(
        ReportFactory,
        {"closed_on": datetime.date(2024, 2, 29)},
        "report_closed_after_reported",
        NON_FIELD_ERRORS,
        "Een melding wordt niet afgehandeld vóór ze binnenkwam.",
        id="report closed before it came in",
    ),
]

# (factory, fields that together are unique, key of the full_clean error, message)
UNIQUES = [
    pytest.param(
        AssetFactory,
        ["source", "external_id"],
        NON_FIELD_ERRORS,
        "Deze bron heeft al een object met dit id.",
        id="asset id in its source",
    ),
    pytest.param(
        ReportFactory, ["source", "external_id"], NON_FIELD_ERRORS, None, id="report number"
    ),
]


GOOD_ROWS = [
    pytest.param(AssetClassFactory, id="asset class"),
    pytest.param(AssetFactory, id="asset"),
    pytest.param(InspectionFactory, id="inspection"),
    pytest.param(ReportFactory, id="report"),
]


class TestConstraints(ConstraintRules):
    checks = CHECKS
    uniques = UNIQUES
    good_rows = GOOD_ROWS


def test_the_same_id_in_another_source_is_a_different_asset():
    first = AssetFactory(source="gbi")
    AssetFactory(source="gisib", external_id=first.external_id).full_clean()


def test_an_asset_bounding_box_with_min_above_max_is_refused_by_the_database():
    """The box is derived on save, so only a direct update can put it out of order."""
    assert_update_refused(AssetFactory, {"bbox_xmin": 214_600.0}, "asset_bbox_ordered")


def bbox(asset):
    return (asset.bbox_xmin, asset.bbox_ymin, asset.bbox_xmax, asset.bbox_ymax)


def test_saving_an_asset_keeps_its_bounding_box_in_step_with_the_geometry():
    asset = AssetFactory(geometry="LINESTRING (214500 500800, 214540 500810)")
    assert (asset.bbox_xmin, asset.bbox_ymin, asset.bbox_xmax, asset.bbox_ymax) == (
        214500,
        500800,
        214540,
        500810,
    )
    asset.geometry = ""
    asset.save()
    assert (asset.bbox_xmin, asset.bbox_ymin, asset.bbox_xmax, asset.bbox_ymax) == (
        None,
        None,
        None,
        None,
    )


def test_an_asset_built_next_year_is_refused():
    asset = AssetFactory()
    asset.construction_year = timezone.now().year + 1
    assert_full_clean_refuses(asset, "construction_year", "Het aanlegjaar ligt in de toekomst.")


def test_an_asset_built_this_year_is_accepted():
    AssetFactory(construction_year=timezone.localdate().year).full_clean()


def test_an_asset_condition_measured_tomorrow_is_refused():
    asset = AssetFactory()
    asset.condition_date = timezone.localdate() + datetime.timedelta(days=1)
    assert_full_clean_refuses(asset, "condition_date", "De meetdatum ligt in de toekomst.")


def test_an_asset_condition_measured_today_on_the_municipalitys_clock_is_accepted():
    """Past 23:00 UTC (in winter) it is already tomorrow in the municipality: a
    measurement of that day is not in the future, as the importer also holds."""
    asset = AssetFactory()
    asset.condition_date = timezone.localdate()
    asset.full_clean()


@pytest.mark.parametrize(
    "rule",
    [
        pytest.param({"7": 3}, id="unknown score"),
        pytest.param({"5": -1}, id="negative years"),
        pytest.param({"5": 2.5}, id="fractional years"),
        pytest.param([5, 0], id="not a table"),
    ],
)
def test_an_asset_class_condition_rule_that_cannot_be_read_is_refused(rule):
    assert_bad_values_refused_by_full_clean(
        AssetClassFactory, {"condition_rule": rule}, "condition_rule"
    )
