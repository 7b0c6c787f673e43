"""Rules of the area tree, held by the database and by ``Area.clean()``.

Also the rules of every geometry field, which lives in ``impor.fields`` and is shared by
areas, assets, projects and works.
"""

from decimal import Decimal
from functools import partial

import factory
import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction

from impor.models import Area
from tests.constraints import (
    ConstraintRules,
    assert_bad_values_refused_by_full_clean,
    assert_full_clean_refuses,
    assert_insert_refused,
)
from tests.factories import AreaFactory, AssetFactory, ProjectFactory, WorkFactory

pytestmark = pytest.mark.django_db

KernFactory = partial(AreaFactory, kern=True)
ONLY_GEMEENTE_IS_ROOT = "Alleen de gemeente ligt niet in een ander gebied."

# (factory, bad values, constraint that refuses them, key of the full_clean error, message)
CHECKS = [
    pytest.param(
        KernFactory,
        {"parent": None},
        "area_only_gemeente_is_root",
        NON_FIELD_ERRORS,
        ONLY_GEMEENTE_IS_ROOT,
        id="kern outside the gemeente",
    ),
    pytest.param(
        AreaFactory,
        {"social_priority": 6},
        "area_social_priority_1_5",
        "social_priority",
        None,
        id="social priority above 5",
    ),
    pytest.param(
        AreaFactory,
        {"social_priority": 0},
        "area_social_priority_1_5",
        "social_priority",
        None,
        id="social priority below 1",
    ),
    pytest.param(
        AreaFactory,
        {"liveability_score": Decimal("9.5")},
        "area_liveability_1_9",
        "liveability_score",
        None,
        id="liveability above 9",
    ),
    pytest.param(
        AreaFactory,
        {"liveability_score": Decimal("0.5")},
        "area_liveability_1_9",
        "liveability_score",
        None,
        id="liveability below 1",
    ),
]

# (factory, fields that together are unique, key of the full_clean error, message)
UNIQUES = [
    pytest.param(
        partial(AreaFactory, cbs_code=factory.Sequence(lambda n: f"BU{n:08d}")),
        ["cbs_code"],
        NON_FIELD_ERRORS,
        None,
        id="cbs code",
    ),
    pytest.param(
        KernFactory,
        ["parent", "name"],
        NON_FIELD_ERRORS,
        "Dit gebied heeft al een deelgebied met deze naam.",
        id="name in parent",
    ),
    pytest.param(
        AreaFactory,
        ["name"],
        NON_FIELD_ERRORS,
        "Er is al een gemeente met deze naam.",
        id="gemeente name",
    ),
]

GOOD_ROWS = [
    pytest.param(AreaFactory, id="gemeente"),
    pytest.param(KernFactory, id="kern"),
    pytest.param(partial(AreaFactory, wijk=True), id="wijk"),
    pytest.param(partial(AreaFactory, buurt=True), id="buurt"),
]

# (bad WKT, part of the message the user sees)
BAD_GEOMETRIES = [
    pytest.param("LINESTRING (214500 500800", "geen geldige WKT-geometrie", id="unreadable WKT"),
    pytest.param("POINT (5 52)", "buiten Nederland", id="lon lat given as RD New"),
    pytest.param(
        "POLYGON ((214500 500800, 214510 500810, 214510 500800, 214500 500810, 214500 500800))",
        "ongeldige geometrie",
        id="self-intersecting polygon",
    ),
    pytest.param("POINT EMPTY", "de geometrie is leeg", id="empty point"),
    pytest.param(
        "GEOMETRYCOLLECTION (POINT (214500 500800))",
        "wordt niet ondersteund",
        id="geometry collection",
    ),
]
GEOMETRY_FACTORIES = [
    pytest.param(AreaFactory, id="area"),
    pytest.param(AssetFactory, id="asset"),
    pytest.param(ProjectFactory, id="project"),
    pytest.param(WorkFactory, id="work"),
]


class TestConstraints(ConstraintRules):
    checks = CHECKS
    uniques = UNIQUES
    good_rows = GOOD_ROWS


def test_areas_without_a_cbs_code_do_not_clash():
    AreaFactory(cbs_code="")
    AreaFactory(cbs_code="").full_clean()


def test_an_unknown_area_level_is_refused_by_the_database():
    assert_insert_refused(KernFactory, {"level": "stad"}, "area_level_valid")


def test_an_unknown_area_level_is_refused_by_full_clean():
    assert_bad_values_refused_by_full_clean(KernFactory, {"level": "stad"}, "level")


def test_a_buurt_directly_in_a_kern_is_refused():
    buurt = AreaFactory(buurt=True)
    buurt.parent = AreaFactory(kern=True)
    assert_full_clean_refuses(buurt, "parent", "Een buurt ligt in een wijk.")


def test_a_gemeente_has_no_parent():
    gemeente = AreaFactory()
    gemeente.parent = AreaFactory()
    assert_full_clean_refuses(gemeente, NON_FIELD_ERRORS, ONLY_GEMEENTE_IS_ROOT)


def test_the_database_refuses_a_gemeente_inside_another_area():
    with pytest.raises(IntegrityError, match="area_only_gemeente_is_root"), transaction.atomic():
        AreaFactory(parent=AreaFactory())


def test_a_kern_without_a_parent_is_refused_by_full_clean():
    kern = Area(name="Nieuwleusen", level="kern")
    assert_full_clean_refuses(kern, NON_FIELD_ERRORS, ONLY_GEMEENTE_IS_ROOT)


@pytest.mark.parametrize("make", GEOMETRY_FACTORIES)
@pytest.mark.parametrize(("wkt", "message"), BAD_GEOMETRIES)
def test_a_geometry_that_cannot_be_stored_is_refused_with_a_message(make, wkt, message):
    row = make()
    row.geometry = wkt
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    (error,) = refused.value.message_dict["geometry"]
    assert message in error


@pytest.mark.parametrize("make", GEOMETRY_FACTORIES)
def test_a_missing_geometry_is_accepted(make):
    make(geometry="").full_clean()
