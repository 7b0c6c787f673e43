"""The asset list of the API: the page's filters and lifecycle, a capped count."""

import pytest

from impor.choices import Discipline
from impor.lists import CappedCountPaginator
from tests.factories import AssetClassFactory, AssetFactory

pytestmark = pytest.mark.django_db


def test_the_asset_list_filters_as_the_page_and_shows_the_lifecycle(viewer):
    sewer = AssetFactory(construction_year=1960)
    AssetFactory(asset_class=AssetClassFactory(discipline=Discipline.GROEN))
    body = viewer.get("/api/v1/beheerobjecten?discipline=riolering").json()
    assert [row["id"] for row in body["results"]] == [sewer.pk]
    row = body["results"][0]
    assert row["end_of_life"] == 1960 + sewer.asset_class.lifespan
    assert row["urgency"] == "achterstallig"
    assert row["replacement_value"] > 0
    overdue = viewer.get("/api/v1/beheerobjecten?urgency=achterstallig").json()
    assert overdue["count"] == 1


def test_an_unknown_filter_value_is_a_400_naming_the_filter(viewer):
    response = viewer.get("/api/v1/beheerobjecten?discipline=kabels")
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "discipline"


def test_the_count_stops_at_the_cap(viewer, monkeypatch):
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 2)
    AssetFactory.create_batch(4)
    body = viewer.get("/api/v1/beheerobjecten").json()
    assert body["count"] == 3
    assert body["count_capped"] is True
    # As on the list page, rows are served up to the cap (plus one), not beyond.
    assert len(body["results"]) == 3


def test_an_editor_creates_an_asset_and_gets_its_lifecycle(editor):
    asset_class = AssetClassFactory()
    response = editor.post(
        "/api/v1/beheerobjecten",
        {
            "source": "gbi",
            "external_id": "R-NIEUW",
            "asset_class": asset_class.pk,
            "quantity": "12.00",
            "construction_year": 1990,
            "geometry": {"type": "Point", "coordinates": [6.2632816, 52.4916681]},
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["end_of_life"] == 1990 + asset_class.lifespan
