"""The drawing widget: GeoJSON from the map becomes stored RD New WKT, WKT typed by hand
still works, and the page needs no inline script."""

import json

import pytest
import shapely
from django.contrib.auth.models import Group
from django.urls import reverse

from impor.geometry import to_geojson
from impor.widgets import MapDrawWidget
from stakeholders.choices import Role
from tests.factories import ProjectFactory, UserFactory

WKT = "LINESTRING (214500 500800, 214540 500800)"


def test_geojson_in_wgs84_becomes_rd_new_wkt():
    # The GeoJSON of the stored line, as the map writes it: back to the same line.
    drawn = json.dumps(to_geojson(WKT))
    stored = MapDrawWidget().value_from_datadict({"geometry": drawn}, {}, "geometry")
    assert shapely.from_wkt(stored).equals_exact(shapely.from_wkt(WKT), tolerance=0.05)


def test_a_feature_and_a_one_feature_collection_are_accepted():
    feature = {"type": "Feature", "properties": {}, "geometry": to_geojson(WKT)}
    collection = {"type": "FeatureCollection", "features": [feature]}
    widget = MapDrawWidget()
    for value in (feature, collection):
        stored = widget.value_from_datadict({"g": json.dumps(value)}, {}, "g")
        assert stored.startswith("LINESTRING")


def test_wkt_and_broken_text_pass_through_for_the_field_to_judge():
    widget = MapDrawWidget()
    assert widget.value_from_datadict({"g": WKT}, {}, "g") == WKT
    assert widget.value_from_datadict({"g": "{kapot"}, {}, "g") == "{kapot"


def test_the_widget_keeps_the_textarea_and_adds_a_hidden_map_without_inline_script():
    html = MapDrawWidget().render("geometry", WKT, {"id": "id_geometry"})
    assert '<textarea name="geometry"' in html
    assert 'data-input="id_geometry"' in html
    assert " hidden>" in html
    assert "<script>" not in html
    assert 'src="/static/impor/draw.js"' in html


@pytest.mark.django_db
def test_the_partners_project_form_offers_the_map_with_the_current_geometry(client):
    partner = UserFactory(partner=True)
    partner.groups.add(Group.objects.get(name=Role.PARTNER.value))
    client.force_login(partner)
    project = ProjectFactory(owner=partner.organisation, geometry=WKT)
    page = client.get(reverse("projects:project_update", args=[project.pk])).content.decode()
    assert 'class="impor-draw"' in page
    assert "&quot;LineString&quot;" in page
