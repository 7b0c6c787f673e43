"""OGC API Features under /api/v1/ogc: the documents, paging by key, the filters, the
CRSs, bad input and who sees which collection.

The collections are the areas' and two test-only ones over the assets (`OGC_COLLECTIONS`
is set per test, tests/api/ogc_server.py): one with bbox columns and a time (construction
year), one whose geometry is derived (a collection's own `geometries`), as a coupling's is.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from impor.choices import AreaLevel
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.api.ogc_server import COLLECTIONS, AssetsForTest, DerivedForTest
from tests.factories import AreaFactory, AssetFactory

pytestmark = pytest.mark.django_db

OGC = "/api/v1/ogc"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
RD_NEW = "http://www.opengis.net/def/crs/EPSG/0/28992"
#: A 40 m square in Dalfsen (RD New), and one 20 km away.
NEAR = "POLYGON ((214500 500800, 214540 500800, 214540 500840, 214500 500840, 214500 500800))"
FAR = "POLYGON ((200000 480000, 200040 480000, 200040 480040, 200000 480040, 200000 480000))"
#: Boxes around Dalfsen (6.25–6.28 E, 52.48–52.50 N; RD 214000–215000, 500000–501000)
#: and around Zwolle, which holds neither square.
DALFSEN_CRS84 = "6.25,52.48,6.28,52.50"
DALFSEN_RD = "214000,500000,215000,501000"
ZWOLLE_CRS84 = "6.05,52.49,6.12,52.53"


@pytest.fixture(autouse=True)
def _collections(settings):
    settings.OGC_COLLECTIONS = COLLECTIONS


def _items(client, collection: str, query: str = ""):
    return client.get(f"{OGC}/collections/{collection}/items{'?' + query if query else ''}")


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [feature["id"] for feature in response.json()["features"]]


def _invalid_param(response) -> str:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()["invalidParams"][0]["name"]


def test_the_landing_page_links_the_description_conformance_and_collections(viewer):
    response = viewer.get(OGC)
    assert response.status_code == 200
    links = {link["rel"]: link for link in response.json()["links"]}
    assert links["self"]["href"] == "http://testserver/api/v1/ogc"
    assert links["service-desc"]["href"] == "http://testserver/api/v1/openapi.json"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    assert links["service-doc"]["href"] == "http://testserver/api/v1/docs"
    assert links["conformance"]["href"] == "http://testserver/api/v1/ogc/conformance"
    assert links["data"]["href"] == "http://testserver/api/v1/ogc/collections"
    assert response["API-Version"]


def test_conformance_names_core_geojson_oas30_and_crs(viewer):
    conforms = viewer.get(f"{OGC}/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in conforms
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conforms


def test_the_collections_with_crs_extent_and_links(viewer):
    AreaFactory(kern=True, geometry=NEAR)
    AssetFactory(construction_year=1975)
    AssetFactory(construction_year=2005, geometry="LINESTRING (200000 480000, 200040 480000)")
    body = viewer.get(f"{OGC}/collections").json()
    ids = [c["id"] for c in body["collections"]]
    assert ids == [
        "areas-gemeente",
        "areas-kern",
        "areas-wijk",
        "areas-buurt",
        "test-assets",
        "test-derived",
    ]
    kern = body["collections"][1]
    assert kern["crs"] == [CRS84, RD_NEW]
    assert kern["storageCrs"] == RD_NEW
    ((west, south, east, north),) = kern["extent"]["spatial"]["bbox"]
    assert 6.25 < west < east < 6.28
    assert 52.48 < south < north < 52.50
    assert "temporal" not in kern["extent"]
    links = {link["rel"]: link for link in kern["links"]}
    assert links["items"]["href"] == "http://testserver/api/v1/ogc/collections/areas-kern/items"
    assert links["items"]["type"] == "application/geo+json"
    assert "spatial" not in body["collections"][3]["extent"]  # no buurt yet
    assets = viewer.get(f"{OGC}/collections/test-assets").json()
    assert assets["extent"]["temporal"]["interval"] == [
        ["1975-01-01T00:00:00Z", "2005-12-31T23:59:59Z"]
    ]
    ((west, south, _east, _north),) = assets["extent"]["spatial"]["bbox"]
    assert west < 6.1
    assert south < 52.4


def test_queryables_are_a_json_schema(viewer):
    body = viewer.get(f"{OGC}/collections/areas-buurt/queryables").json()
    assert body["type"] == "object"
    assert body["properties"]["parent"]["type"] == "integer"
    assert set(body["properties"]) == {"name", "cbs_code", "parent"}


def test_paging_follows_next_to_the_end_and_reads_every_feature_once(viewer):
    gemeente = AreaFactory()
    kernen = [AreaFactory(kern=True, parent=gemeente).pk for _ in range(5)]
    url = f"{OGC}/collections/areas-kern/items?limit=2"
    read, pages = [], 0
    while url:
        response = viewer.get(url)
        assert response["Content-Type"] == "application/geo+json"
        body = response.json()
        assert body["type"] == "FeatureCollection"
        assert body.get("numberMatched") == (5 if pages == 0 else None), "the first page counts"
        assert body["numberReturned"] == len(body["features"])
        read += [feature["id"] for feature in body["features"]]
        links = {link["rel"]: link for link in body["links"]}
        assert links["self"]["type"] == "application/geo+json"
        url = links["next"]["href"] if "next" in links else None
        if url:
            assert "limit=2" in url
        pages += 1
    assert read == sorted(kernen)
    assert pages == 3


def test_a_feature_has_the_collections_properties(viewer):
    gemeente = AreaFactory(name="Dalfsen", geometry=NEAR)
    kern = AreaFactory(kern=True, parent=gemeente, name="Lemelerveld", cbs_code="WK014801")
    body = viewer.get(f"{OGC}/collections/areas-kern/items/{kern.pk}").json()
    assert body["type"] == "Feature"
    assert body["id"] == kern.pk
    assert body["properties"]["name"] == "Lemelerveld"
    assert body["properties"]["parent"] == gemeente.pk
    assert body["properties"]["level"] == AreaLevel.KERN
    assert body["properties"]["cbs_code"] == "WK014801"
    feature = viewer.get(f"{OGC}/collections/areas-gemeente/items/{gemeente.pk}").json()
    assert feature["geometry"]["type"] == "Polygon"


def test_a_feature_without_geometry_has_geometry_null(viewer):
    area = AreaFactory(geometry="")
    assert _items(viewer, "areas-gemeente").json()["features"][0]["geometry"] is None
    assert (
        viewer.get(f"{OGC}/collections/areas-gemeente/items/{area.pk}").json()["geometry"] is None
    )


@pytest.mark.parametrize("collection", ["areas-gemeente", "test-derived"])
def test_bbox_in_crs84_and_in_rd_new(viewer, collection):
    if collection == "areas-gemeente":
        near, far = AreaFactory(geometry=NEAR), AreaFactory(geometry=FAR)
    else:
        near, far = AssetFactory(geometry=NEAR), AssetFactory(geometry=FAR)
    assert _ids(_items(viewer, collection, f"bbox={DALFSEN_CRS84}")) == [near.pk]
    assert _ids(_items(viewer, collection, f"bbox={DALFSEN_RD}&bbox-crs={RD_NEW}")) == [near.pk]
    assert _ids(_items(viewer, collection, f"bbox={ZWOLLE_CRS84}")) == []
    whole = _items(viewer, collection, "bbox=3,50,8,54&limit=1").json()
    assert whole["numberMatched"] == 2
    assert [f["id"] for f in whole["features"]] == [min(near.pk, far.pk)]
    nxt = next(link["href"] for link in whole["links"] if link["rel"] == "next")
    assert _ids(viewer.get(nxt)) == [max(near.pk, far.pk)]


def test_bbox_on_bbox_columns(viewer):
    near, _far = AssetFactory(geometry=NEAR), AssetFactory(geometry=FAR)
    assert _ids(_items(viewer, "test-assets", f"bbox={DALFSEN_CRS84}")) == [near.pk]
    assert _ids(_items(viewer, "test-assets", f"bbox={DALFSEN_RD}&bbox-crs={RD_NEW}")) == [near.pk]
    # Six numbers: the heights are ignored.
    assert _ids(_items(viewer, "test-assets", "bbox=6.25,52.48,0,6.28,52.50,10")) == [near.pk]


@pytest.mark.parametrize(
    ("value", "years"),
    [
        ("1990-06-01", [1990]),
        ("2005-01-01T00:00:00Z", [2005]),
        ("1980-01-01/2000-12-31", [1990]),
        ("../1990-12-31", [1975, 1990]),
        ("1991-01-01/..", [2005]),
        ("/1975-12-31", [1975]),
        ("1976-01-01/1989-12-31", []),
    ],
)
def test_datetime_selects_on_the_years(viewer, value, years):
    for year in (1975, 1990, 2005):
        AssetFactory(construction_year=year)
    body = _items(viewer, "test-assets", f"datetime={value}").json()
    assert [f["properties"]["construction_year"] for f in body["features"]] == years
    assert body["numberMatched"] == len(years)


def test_queryables_filter_with_several_values(viewer):
    a = AssetFactory(street="Kerkstraat", construction_year=1990)
    b = AssetFactory(street="Dorpsstraat", construction_year=1975)
    AssetFactory(street="Molenweg", construction_year=1990)
    assert _ids(_items(viewer, "test-assets", "street=Kerkstraat,Dorpsstraat")) == [a.pk, b.pk]
    assert _ids(_items(viewer, "test-assets", "street=Kerkstraat&construction_year=1975")) == []
    assert _ids(_items(viewer, "test-assets", "construction_year=1975")) == [b.pk]
    gemeente = AreaFactory()
    kern = AreaFactory(kern=True, parent=gemeente)
    AreaFactory(kern=True)
    assert _ids(_items(viewer, "areas-kern", f"parent={gemeente.pk}")) == [kern.pk]


def test_rd_new_gives_the_stored_coordinates(viewer):
    asset = AssetFactory(geometry="LINESTRING (214500.123 500800.5, 214540 500800)")
    response = _items(viewer, "test-assets", f"crs={RD_NEW}")
    assert response["Content-Crs"] == f"<{RD_NEW}>"
    coordinates = response.json()["features"][0]["geometry"]["coordinates"]
    assert coordinates == [[214500.123, 500800.5], [214540.0, 500800.0]]
    one = viewer.get(f"{OGC}/collections/test-assets/items/{asset.pk}?crs={RD_NEW}")
    assert one["Content-Crs"] == f"<{RD_NEW}>"
    assert one.json()["geometry"]["coordinates"] == coordinates
    default = _items(viewer, "test-assets")
    assert default["Content-Crs"] == f"<{CRS84}>"
    lon, lat = default.json()["features"][0]["geometry"]["coordinates"][0]
    assert 6.25 < lon < 6.28
    assert 52.48 < lat < 52.50


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("limit=veel", "limit"),
        ("after=-1", "after"),
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=6.3,52.5,6.2,52.6", "bbox"),
        ("bbox=0,0,400,10", "bbox"),
        ("bbox=1,2,3,4&bbox-crs=EPSG:28992", "bbox-crs"),
        ("crs=http://www.opengis.net/def/crs/EPSG/0/3857", "crs"),
        ("datetime=gisteren", "datetime"),
        ("datetime=2000-01-01/1990-01-01", "datetime"),
        ("datetime=../..", "datetime"),
        ("datetime=2000-01-01/2001-01-01/2002-01-01", "datetime"),
        ("construction_year=oud", "construction_year"),
    ],
)
def test_bad_parameters_are_a_400_naming_the_parameter(viewer, query, name):
    AssetFactory()
    assert _invalid_param(_items(viewer, "test-assets", query)) == name


def test_a_bad_crs_for_one_feature_is_a_400(viewer):
    asset = AssetFactory()
    response = viewer.get(f"{OGC}/collections/test-assets/items/{asset.pk}?crs=EPSG:28992")
    assert _invalid_param(response) == "crs"


def test_unknown_parameters_are_ignored(viewer):
    asset = AssetFactory()
    assert _ids(_items(viewer, "test-assets", "kleur=rood")) == [asset.pk]


@pytest.mark.parametrize(
    "path",
    ["", "/conformance", "/collections", "/collections/areas-kern/items"],
)
def test_anonymous_gets_401(path):
    response = APIClient().get(f"{OGC}{path}")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_collections_and_features_of_another_collection_are_404(viewer):
    kern = AreaFactory(kern=True)
    missing = viewer.get(f"{OGC}/collections/areas-dorp/items")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert viewer.get(f"{OGC}/collections/areas-dorp").status_code == 404
    other = viewer.get(f"{OGC}/collections/areas-buurt/items/{kern.pk}")
    absent = viewer.get(f"{OGC}/collections/areas-buurt/items/999999")
    assert other.status_code == absent.status_code == 404
    assert other.json()["detail"] == absent.json()["detail"]
    assert viewer.get(f"{OGC}/collections/areas-kern/items/abc").status_code == 404


def test_a_user_without_the_permission_sees_no_collection_and_gets_404(enexis_user):
    AreaFactory(kern=True)
    partner = client_for(enexis_user)
    ids = [c["id"] for c in partner.get(f"{OGC}/collections").json()["collections"]]
    assert not any(i.startswith(("areas-", "test-")) for i in ids)
    for path in ["/collections/areas-kern", "/collections/areas-kern/items"]:
        hidden = partner.get(f"{OGC}{path}")
        missing = partner.get(f"{OGC}{path.replace('areas-kern', 'areas-dorp')}")
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json()["detail"] == missing.json()["detail"]


def test_a_page_costs_the_same_queries_however_long(viewer):
    for _ in range(12):
        AssetFactory()
    manager = client_for(user_with_role(Role.PROGRAMME_MANAGER))
    _items(manager, "test-assets")  # the user's permissions are read once, then kept
    counts = []
    for limit in (2, 10):
        with CaptureQueriesContext(connection) as queries:
            assert _items(manager, "test-assets", f"limit={limit}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_collection_may_give_its_own_extent_and_filter(viewer, monkeypatch):
    """The optional hooks: a derived geometry's box without reading every geometry, and
    a queryable's own lookup."""
    AssetFactory(geometry=FAR, street="Kerkstraat")
    monkeypatch.setattr(
        DerivedForTest, "spatial_extent", lambda self, user: (214000, 500000, 215000, 501000)
    )
    ((west, south, east, north),) = viewer.get(f"{OGC}/collections/test-derived").json()["extent"][
        "spatial"
    ]["bbox"]
    assert 6.25 < west < east < 6.28
    assert 52.48 < south < north < 52.50

    def case_blind(self, queryset, queryable, values):
        return queryset.filter(**{f"{queryable.lookup}__iexact": values[0]})

    monkeypatch.setattr(AssetsForTest, "filter", case_blind)
    assert len(_ids(_items(viewer, "test-assets", "street=KERKSTRAAT"))) == 1
