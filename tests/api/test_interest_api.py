"""/api/v1/interessegebieden: the same rule as the pages (a partner reads and writes its
own organisation's areas; a municipal user reads all), geometry as GeoJSON."""

import pytest

from stakeholders.choices import Role
from stakeholders.models import AreaOfInterest
from tests.api.conftest import client_for, user_with_role
from tests.factories import AreaOfInterestFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/interessegebieden"
#: A 100 m square near the Prinsenstraat, in RD New.
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[214470, 500750], [214570, 500750], [214570, 500850], [214470, 500850], [214470, 500750]]
    ],
}


def _rd(client):
    """A client that sends and reads RD New (EPSG:28992) instead of CRS84."""
    client.credentials(HTTP_CONTENT_CRS="EPSG:28992", HTTP_ACCEPT_CRS="EPSG:28992")
    return client


def test_a_partner_creates_an_area_for_its_own_organisation(enexis_user, vechthorst):
    client = _rd(client_for(enexis_user))

    response = client.post(
        URL, {"name": "Netgebied", "geometry": SQUARE, "buffer": 25}, format="json"
    )
    # Another organisation is no valid choice, as if it did not exist.
    refused = client.post(
        URL,
        {"name": "Vreemd", "geometry": SQUARE, "organisation": vechthorst.pk},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert refused.status_code == 400
    assert "organisation" in str(refused.json())
    area = AreaOfInterest.objects.get()
    assert area.organisation == enexis_user.organisation
    assert area.source == "api"
    assert area.created_by == enexis_user
    assert response.json()["geometry"]["type"] == "Polygon"


def test_a_partner_reads_changes_and_deletes_only_its_own(enexis_user, vechthorst):
    own = AreaOfInterestFactory(organisation=enexis_user.organisation, name="Eigen")
    foreign = AreaOfInterestFactory(organisation=vechthorst, name="Vreemd")
    client = client_for(enexis_user)

    names = [row["name"] for row in client.get(URL).json()["results"]]

    assert names == ["Eigen"]
    assert client.get(f"{URL}/{foreign.pk}").status_code == 404
    assert client.patch(f"{URL}/{foreign.pk}", {"name": "x"}, format="json").status_code == 404
    assert client.delete(f"{URL}/{foreign.pk}").status_code == 404
    assert client.patch(f"{URL}/{own.pk}", {"buffer": 50}, format="json").status_code == 200
    assert client.delete(f"{URL}/{own.pk}").status_code == 204
    assert list(AreaOfInterest.objects.all()) == [foreign]


def test_a_municipal_reader_reads_every_area_and_writes_none(vechthorst):
    AreaOfInterestFactory(organisation=vechthorst)
    client = client_for(user_with_role(Role.VIEWER))

    assert client.get(URL).json()["count"] == 1
    assert client.post(URL, {"name": "x", "geometry": SQUARE}, format="json").status_code == 403


def test_a_bad_geometry_is_refused_by_field(enexis_user):
    client = _rd(client_for(enexis_user))

    response = client.post(
        URL,
        {"name": "Buiten", "geometry": {"type": "Point", "coordinates": [900000, 500000]}},
        format="json",
    )

    assert response.status_code == 400
    assert "geometry" in str(response.json())
