"""Geometry in the API: GeoJSON in CRS84, a bbox filter, RD New on request."""

import pytest

from tests.factories import AreaFactory, AssetFactory, ProjectFactory

pytestmark = pytest.mark.django_db

#: Around the Prinsenstraat in Dalfsen (the factories' geometry) and somewhere else.
DALFSEN = "6.25,52.48,6.28,52.50"
ZWOLLE = "6.05,52.49,6.12,52.53"
FAR = "LINESTRING (200000 480000, 200040 480000)"


def test_plain_json_gives_geometry_as_geojson_in_crs84(viewer):
    asset = AssetFactory()
    response = viewer.get(f"/api/v1/beheerobjecten/{asset.pk}")
    geometry = response.json()["geometry"]
    assert geometry["type"] == "LineString"
    lon, lat = geometry["coordinates"][0]
    assert 6.2 < lon < 6.3
    assert 52.4 < lat < 52.6
    assert response["Content-Crs"] == "OGC:CRS84"


def test_rd_new_on_request(viewer):
    asset = AssetFactory()
    response = viewer.get(f"/api/v1/beheerobjecten/{asset.pk}", HTTP_ACCEPT_CRS="EPSG:28992")
    assert response.json()["geometry"]["coordinates"][0] == [214500.0, 500800.0]
    assert response["Content-Crs"] == "EPSG:28992"


def test_an_unknown_crs_is_refused(viewer):
    response = viewer.get("/api/v1/beheerobjecten", HTTP_ACCEPT_CRS="EPSG:3857")
    assert response.status_code == 406
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("how", ["accept", "format"])
def test_a_list_as_geojson_is_a_feature_collection(viewer, how):
    asset = AssetFactory()
    if how == "accept":
        response = viewer.get("/api/v1/beheerobjecten", HTTP_ACCEPT="application/geo+json")
    else:
        response = viewer.get("/api/v1/beheerobjecten?format=geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["id"] == asset.pk
    assert feature["geometry"]["type"] == "LineString"
    assert feature["properties"]["external_id"] == asset.external_id
    assert "geometry" not in feature["properties"]


def test_a_single_row_as_geojson_is_a_feature(viewer):
    project = ProjectFactory()
    response = viewer.get(f"/api/v1/projecten/{project.pk}?format=geojson")
    assert response.json()["type"] == "Feature"


@pytest.mark.parametrize(
    ("resource", "factory"),
    [("beheerobjecten", AssetFactory), ("projecten", ProjectFactory), ("gebieden", AreaFactory)],
)
def test_bbox_keeps_the_rows_in_the_box(viewer, resource, factory):
    near = factory(geometry="LINESTRING (214500 500800, 214540 500800)")
    factory(geometry=FAR)
    inside = viewer.get(f"/api/v1/{resource}?bbox={DALFSEN}").json()["results"]
    assert [row["id"] for row in inside] == [near.pk]
    assert viewer.get(f"/api/v1/{resource}?bbox={ZWOLLE}").json()["count"] == 0


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "6.3,52.5,6.2,52.6", "0,0,400,10"])
def test_a_wrong_bbox_is_a_400_naming_bbox(viewer, bbox):
    response = viewer.get(f"/api/v1/beheerobjecten?bbox={bbox}")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "bbox"


def test_geometry_is_written_in_crs84_or_in_rd_new(manager):
    project = ProjectFactory()
    rd = {"type": "Point", "coordinates": [214520, 500810]}
    response = manager.patch(
        f"/api/v1/projecten/{project.pk}",
        {"geometry": rd},
        format="json",
        HTTP_CONTENT_CRS="EPSG:28992",
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.geometry == "POINT (214520 500810)"
    outside = {"type": "Point", "coordinates": [-70.0, 40.0]}
    response = manager.patch(
        f"/api/v1/projecten/{project.pk}", {"geometry": outside}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "geometry"
    project.refresh_from_db()
    assert project.geometry == "POINT (214520 500810)"


def test_rows_without_geometry_are_never_in_a_box(viewer):
    AreaFactory(geometry="")
    response = viewer.get(f"/api/v1/gebieden?bbox={DALFSEN}")
    assert response.status_code == 200
    assert response.json()["count"] == 0
