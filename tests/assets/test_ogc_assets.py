"""The assets as OGC API feature collections (`assets.ogc`): every asset, one collection
per discipline, the asset API's values and its permission."""

import json

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from assets.models import Asset
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


# --- through the service: /api/v1/ogc/collections/<id>/items --------------------------

OGC = "/api/v1/ogc/collections"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _ids(client, url: str, **params) -> list[int]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return [feature["id"] for feature in json.loads(response.content)["features"]]


def test_the_items_filter_on_the_queryables(assets):
    sewer, tree = assets
    client = _client(_user(Role.VIEWER))
    items = f"{OGC}/assets/items"
    assert _ids(client, items) == [sewer.pk, tree.pk]
    assert _ids(client, items, discipline="groen") == [tree.pk]
    assert _ids(client, items, asset_class=f"{sewer.asset_class.code},eik") == [sewer.pk, tree.pk]
    assert _ids(client, items, street="Kerkstraat") == [sewer.pk]
    assert _ids(client, items, construction_year="1960") == [sewer.pk]
    assert _ids(client, items, area=tree.area_id) == [tree.pk]
    assert _ids(client, items, datetime="1950-01-01/1970-12-31") == [sewer.pk]
    assert _ids(client, items, datetime="1970-01-01/..") == [tree.pk], "built in 1975"
    assert _ids(client, f"{OGC}/assets-riolering/items") == [sewer.pk]
    assert _ids(client, f"{OGC}/assets-riolering/items", street="Prinsenstraat") == []


def test_paging_to_the_end_reads_every_asset_once(assets):
    AssetFactory.create_batch(5)
    client = _client(_user(Role.VIEWER))
    url, ids, matched = f"{OGC}/assets/items?limit=2", [], []
    while url:
        body = json.loads(client.get(url).content)
        matched.append(body.get("numberMatched"))
        ids.extend(feature["id"] for feature in body["features"])
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), "")
    assert ids == sorted(Asset.objects.values_list("pk", flat=True))
    assert matched == [7, None, None, None], "counted on the first page only"


def test_an_items_page_costs_the_same_queries_for_3_or_30_assets():
    client = _client(_user(Role.VIEWER))
    counts = []
    for size in (3, 30):
        AssetFactory.create_batch(size)
        url = f"{OGC}/assets-riolering/items?limit=1000"
        client.get(url)  # the user's permissions are read once, on the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    # The programmes (which collections there are), the count, the page, the asset
    # classes and the page's lifecycle.
    assert counts[0] == counts[1] <= 5, counts


def test_a_partner_gets_no_asset_collection(assets):
    sewer, _tree = assets
    client = _client(_user(Role.PARTNER, organisation=ActorFactory(partner=True)))
    listed = json.loads(client.get(OGC).content)["collections"]
    assert not [c["id"] for c in listed if c["id"].startswith("assets")]
    assert client.get(f"{OGC}/assets/items").status_code == 404
    assert client.get(f"{OGC}/assets-riolering/items/{sewer.pk}").status_code == 404
