"""The assets as OGC API feature collections (`assets.ogc`): every asset, one collection
per discipline, the asset API's values and its permission."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assets.ogc import AssetCollection
from impor.choices import Discipline
from impor.ogc.collections import collection_for, collections_for
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.factories import ActorFactory, AssetClassFactory, AssetFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user(role: Role, **fields):
    ensure_role_groups()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def assets():
    sewer = AssetFactory(construction_year=1960, street="Kerkstraat")
    tree = AssetFactory(
        asset_class=AssetClassFactory(code="eik", discipline=Discipline.GROEN),
        condition=None,
        condition_date=None,
    )
    return sewer, tree


def test_every_asset_and_one_collection_per_discipline(assets):
    sewer, tree = assets
    user = _user(Role.VIEWER)
    ids = [c.id for c in collections_for(user) if c.id.startswith("assets")]
    assert ids == ["assets", *(f"assets-{value}" for value in Discipline.values)]
    everything = collection_for(user, "assets")
    assert sorted(everything.queryset(user).values_list("pk", flat=True)) == [sewer.pk, tree.pk]
    sewers = collection_for(user, "assets-riolering")
    assert list(sewers.queryset(user).values_list("pk", flat=True)) == [sewer.pk]
    greenery = collection_for(user, "assets-groen")
    assert list(greenery.queryset(user).values_list("pk", flat=True)) == [tree.pk]
    assert list(collection_for(user, "assets-water").queryset(user)) == []


def test_the_properties_are_the_asset_apis_values(assets):
    """Lifecycle included, computed by the asset list's one definition."""
    sewer, _tree = assets
    user = _user(Role.VIEWER)
    client = APIClient()
    client.force_authenticate(user)
    collection = collection_for(user, "assets")
    rows = list(collection.queryset(user).order_by("pk"))
    properties = collection.properties(user, rows)
    for asset, mine in zip(rows, properties, strict=True):
        theirs = client.get(f"/api/v1/beheerobjecten/{asset.pk}").json()
        for name in (
            "external_id",
            "area",
            "street",
            "material",
            "construction_year",
            "condition",
            "condition_date",
            "owner",
            "lifespan_years",
            "end_of_life",
            "preferred_year",
            "remaining_life",
            "urgency",
        ):
            assert mine[name] == theirs[name], name
        assert mine["replacement_value"] == round(theirs["replacement_value"], 2)
        assert mine["quantity"] == float(theirs["quantity"])
    first, second = properties
    assert first["asset_class"] == sewer.asset_class.code
    assert first["discipline"] == "riolering"
    assert first["end_of_life"] == 1960 + sewer.asset_class.lifespan
    assert first["urgency"] == "achterstallig"
    assert second["asset_class"] == "eik"
    assert second["condition"] is None


def test_a_page_costs_the_same_queries_for_3_or_30_assets():
    user = _user(Role.VIEWER)
    collection = AssetCollection()
    counts = []
    for size in (3, 30):
        AssetFactory.create_batch(size)
        rows = list(collection.queryset(user).order_by("-pk")[:size])
        with CaptureQueriesContext(connection) as queries:
            collection.properties(user, rows)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 2


def test_only_who_reads_assets_gets_the_collections(assets):
    partner = _user(Role.PARTNER, organisation=ActorFactory(partner=True))
    assert not [c for c in collections_for(partner) if c.id.startswith("assets")]
    assert collection_for(partner, "assets-riolering") is None
    assert collection_for(UserFactory(), "assets") is None
    editor = _user(Role.EDITOR, disciplines=[Discipline.GROEN])
    sewers = collection_for(editor, "assets-riolering")
    assert sewers is not None, "an editor limited to greenery still reads every asset"
    assert sewers.queryset(editor).count() == 1
