"""Storing, reading and converting geometries (impor.geometry); no database needed."""

import json
import math

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon

from impor import geometry
from impor.geometry import RD_NEW, WGS84, GeometryError

#: Dalfsen's village centre in WGS84 (lon, lat).
DALFSEN_LON, DALFSEN_LAT = 6.2567, 52.5067
SELF_INTERSECTING = Polygon(
    [(214500, 500800), (214510, 500810), (214510, 500800), (214500, 500810), (214500, 500800)]
)


def test_an_rd_new_point_round_trips_exactly_through_storage():
    point = Point(214500.123, 500800.456)
    wkt = geometry.to_storage(point)
    assert wkt == "POINT (214500.123 500800.456)"
    assert geometry.parse(wkt).equals_exact(point, tolerance=0)


def test_storage_rounds_to_the_millimetre():
    assert geometry.to_storage(Point(214500.1234, 500800.4567)) == "POINT (214500.123 500800.457)"


def test_a_wgs84_point_of_dalfsen_is_stored_in_rd_new_and_comes_back_as_it_was():
    """Where Dalfsen lands in RD New, reasoned without pyproj.

    RD New puts Amersfoort (5.3872° E, 52.1552° N) at (155 000, 463 000). Dalfsen lies
    0.8695° further east and 0.3515° further north. A degree of longitude at ~52.3° N is
    111.3 km × cos 52.3° ≈ 68.0 km, so x ≈ 155 000 + 59 100 ≈ 214 100; a degree of
    latitude is ≈ 111.25 km, so y ≈ 463 000 + 39 100 ≈ 502 100, plus ≈ 350 m because a
    parallel curves north away from the projection's centre (x² tan φ / 2R): ≈ 502 450.
    The spherical estimate is good to a few hundred metres, so allow a kilometre.
    """
    wkt = geometry.to_storage(Point(DALFSEN_LON, DALFSEN_LAT), WGS84)
    rd = geometry.parse(wkt)
    assert abs(rd.x - 214_100) < 1_000
    assert abs(rd.y - 502_450) < 1_000

    lon, lat = geometry.to_geojson(wkt)["coordinates"]
    assert math.isclose(lon, DALFSEN_LON, abs_tol=1e-6)
    assert math.isclose(lat, DALFSEN_LAT, abs_tol=1e-6)


def test_geojson_output_is_wgs84_with_seven_decimals_by_default():
    data = geometry.to_geojson("POINT (214500 500800)")
    assert data["type"] == "Point"
    assert all(round(value, 7) == value for value in data["coordinates"])


def test_geojson_output_in_rd_new_keeps_the_stored_coordinates():
    data = geometry.to_geojson("LINESTRING (214500 500800, 214540 500800)", RD_NEW)
    assert data == {
        "type": "LineString",
        "coordinates": ((214500.0, 500800.0), (214540.0, 500800.0)),
    }


def test_a_geojson_line_in_wgs84_is_stored_in_rd_new():
    data = {"type": "LineString", "coordinates": [[6.25, 52.5], [6.26, 52.5]]}
    line = geometry.parse(geometry.from_geojson(data))
    assert isinstance(line, LineString)
    # 0.01° of longitude at 52.5° N is about 680 m.
    assert 650 < line.length < 700


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({"type": "Point"}, id="without coordinates"),
        pytest.param({"type": "Blob", "coordinates": [6.2, 52.5]}, id="unknown type"),
    ],
)
def test_malformed_geojson_is_refused(data):
    with pytest.raises(GeometryError, match="geen geldige GeoJSON-geometrie"):
        geometry.from_geojson(data)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(28992, RD_NEW, id="integer code"),
        pytest.param("28992", RD_NEW, id="code as text"),
        pytest.param("EPSG:28992", RD_NEW, id="epsg code"),
        pytest.param("urn:ogc:def:crs:EPSG::28992", RD_NEW, id="urn"),
        pytest.param("http://www.opengis.net/def/crs/EPSG/0/28992", RD_NEW, id="ogc url"),
        pytest.param("urn:ogc:def:crs:OGC:1.3:CRS84", WGS84, id="crs84 urn"),
        pytest.param("EPSG:4326", WGS84, id="wgs84"),
    ],
)
def test_a_crs_is_normalised_to_its_epsg_code(value, expected):
    assert geometry.normalise_crs(value) == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param("garbage", "onbekend coördinatenstelsel", id="garbage"),
        pytest.param("", "onbekend coördinatenstelsel", id="empty"),
        pytest.param("EPSG:999999", "onbekend coördinatenstelsel", id="unknown code"),
        pytest.param(
            "+proj=tmerc +lat_0=0 +lon_0=3 +k=0.5 +x_0=1 +y_0=2 +ellps=intl",
            "zonder EPSG-code",
            id="home-made projection",
        ),
    ],
)
def test_a_crs_that_cannot_be_named_is_refused(value, message):
    with pytest.raises(GeometryError, match=message):
        geometry.normalise_crs(value)


@pytest.mark.parametrize(
    ("geom", "message"),
    [
        pytest.param(Point(), "de geometrie is leeg", id="empty point"),
        pytest.param(SELF_INTERSECTING, "ongeldige geometrie: Self-intersection", id="bow tie"),
        pytest.param(
            shapely.GeometryCollection([Point(214500, 500800)]),
            "wordt niet ondersteund",
            id="geometry collection",
        ),
        pytest.param(Point(5, 52), "buiten Nederland", id="lon lat given as RD New"),
    ],
)
def test_a_geometry_that_cannot_be_stored_is_refused(geom, message):
    with pytest.raises(GeometryError, match=message):
        geometry.to_storage(geom)


@pytest.mark.parametrize(
    ("wkt", "message"),
    [
        pytest.param("nonsense", "geen geldige WKT-geometrie", id="not wkt"),
        pytest.param("POLYGON EMPTY", "de geometrie is leeg", id="empty polygon"),
        pytest.param(SELF_INTERSECTING.wkt, "ongeldige geometrie", id="bow tie"),
    ],
)
def test_stored_text_that_is_no_usable_geometry_is_refused_when_parsed(wkt, message):
    with pytest.raises(GeometryError, match=message):
        geometry.parse(wkt)


def test_a_point_outside_the_netherlands_is_refused_by_the_extent_check():
    with pytest.raises(GeometryError, match="klopt het coördinatenstelsel"):
        geometry.check_extent(Point(5, 52))


def test_transforming_within_one_crs_returns_the_geometry_untouched():
    point = Point(214500, 500800)
    assert geometry.transform(point, RD_NEW, RD_NEW) is point


def test_bounds_array_gives_nan_for_a_missing_geometry():
    boxes = geometry.bounds_array(["LINESTRING (214500 500800, 214540 500810)", None])
    assert boxes.shape == (2, 4)
    np.testing.assert_array_equal(boxes[0], [214500, 500800, 214540, 500810])
    assert np.isnan(boxes[1]).all()


def test_bounds_array_of_nothing_is_empty():
    assert geometry.bounds_array([]).shape == (0, 4)


def test_union_bounds_spans_all_geometries_and_skips_missing_ones():
    wkts = ["POINT (214500 500800)", None, "LINESTRING (214400 500900, 214600 500850)"]
    assert geometry.union_bounds(wkts) == (214400, 500800, 214600, 500900)


def test_union_bounds_of_nothing_is_none():
    assert geometry.union_bounds([]) is None


def test_many_geometries_convert_as_each_does_alone():
    wkts = ["POINT (214000 502500)", "LINESTRING (214000 502500, 214100 502600)"]
    texts = geometry.to_geojson_many(wkts)
    assert [json.loads(text) for text in texts] == [
        json.loads(json.dumps(geometry.to_geojson(w))) for w in wkts
    ]


def test_a_feature_collection_carries_the_geometry_texts_and_properties():
    text = geometry.feature_collection(
        [('{"type":"Point","coordinates":[5.1,52.5]}', {"label": "Kerkstraat", "year": 2027})]
    )
    assert json.loads(text) == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [5.1, 52.5]},
                "properties": {"label": "Kerkstraat", "year": 2027},
            }
        ],
    }
