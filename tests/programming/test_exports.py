"""CSV and GeoJSON exports of a programme's works and couplings (for the GIS team)."""

import csv
import io
import json

import pytest
import shapely
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.models import Coupling, Work
from stakeholders.choices import Role
from stakeholders.models import Actor
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    ActorFactory,
    CouplingFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)
from tests.programming.test_workbook import computed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

EXPORTS = ("werken.csv", "werken.geojson", "koppelkansen.csv", "koppelkansen.geojson")


def _url(programme, export: str) -> str:
    return reverse(f"programming:programme_export_{export.replace('.', '_')}", args=[programme.pk])


def _login(client, role: Role | None, **fields):
    ensure_role_groups()
    user = UserFactory(**fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role.value))
    client.force_login(user)
    return user


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def _geojson(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def _in_the_netherlands(geometry: dict) -> bool:
    """Every coordinate is longitude, latitude (in that order) within the Netherlands."""
    lon, lat = shapely.get_coordinates(shapely.geometry.shape(geometry)).T
    return bool(((lon > 3.2) & (lon < 7.3) & (lat > 50.7) & (lat < 53.6)).all())


def test_the_works_export_has_one_row_per_work(client, computed):  # noqa: F811
    _login(client, Role.VIEWER)
    response = client.get(_url(computed, "werken.csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "werken-" in response["Content-Disposition"]
    rows = _csv(response)
    assert len(rows) == computed.works.count() == 4
    cable = next(row for row in rows if row["Sleutel"] == "P:E-1")
    assert cable["Soort"] == "werk van een partner"
    assert cable["Opent de straat"] == "ja"
    assert cable["Kosten (€)"] == "300000,00", "a decimal comma for Dutch Excel"
    assert cable["Koppelkans"] == str(Work.objects.get(key="P:E-1").coupling_id)


def test_the_works_geojson_is_rfc7946_in_longitude_latitude(client, computed):  # noqa: F811
    _login(client, Role.VIEWER)
    response = client.get(_url(computed, "werken.geojson"))
    assert response["Content-Type"] == "application/geo+json"
    collection = _geojson(response)
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection, "RFC 7946: CRS84 only, no crs member"
    features = collection["features"]
    assert len(features) == computed.works.count()
    assert all(_in_the_netherlands(f["geometry"]) for f in features)
    keys = {f["properties"]["Sleutel"] for f in features}
    assert keys == set(computed.works.values_list("key", flat=True))


def test_a_work_without_geometry_is_a_feature_without_geometry(client):
    programme = ProgrammeFactory()
    WorkFactory(programme=programme, geometry="")
    WorkFactory(programme=programme)
    _login(client, Role.VIEWER)
    features = _geojson(client.get(_url(programme, "werken.geojson")))["features"]
    assert sorted(f["geometry"] is None for f in features) == [False, True]


def test_the_couplings_export_has_one_row_per_coupling(client, computed):  # noqa: F811
    _login(client, Role.VIEWER)
    rows = _csv(client.get(_url(computed, "koppelkansen.csv")))
    assert len(rows) == computed.couplings.count() > 0
    coupling = computed.couplings.get(pk=int(rows[0]["Nummer"]))
    assert rows[0]["Werken"] == str(coupling.works.count())
    assert rows[0]["Besluit"] == "voorgesteld"


def test_a_couplings_geometry_is_the_union_of_its_works(client, computed):  # noqa: F811
    _login(client, Role.VIEWER)
    features = _geojson(client.get(_url(computed, "koppelkansen.geojson")))["features"]
    assert len(features) == computed.couplings.count()
    kerkstraat = next(f for f in features if f["properties"]["Straat"] == "Kerkstraat")
    assert kerkstraat["geometry"]["type"] == "LineString", (
        "sewer, asphalt and cable lie on the same street line: one line, not three copies"
    )
    assert _in_the_netherlands(kerkstraat["geometry"])


def test_the_exports_need_a_login_and_the_view_permission(client):
    programme = ProgrammeFactory()
    for export in EXPORTS:
        response = client.get(_url(programme, export))
        assert response.status_code == 302, export
        assert response.url.startswith(reverse("login")), export
    _login(client, None)
    for export in EXPORTS:
        assert client.get(_url(programme, export)).status_code == 403, export


def test_a_partner_exports_only_its_own_works_and_couplings(client, computed):  # noqa: F811
    """The grid operator owns the cable work: it gets that work and the coupling it is in,
    drawn from its own work only, and nothing of the municipality's other works."""
    grid = Actor.objects.get(name="Netbeheerder")
    _login(client, Role.PARTNER, organisation=grid)
    assert [row["Sleutel"] for row in _csv(client.get(_url(computed, "werken.csv")))] == ["P:E-1"]
    features = _geojson(client.get(_url(computed, "werken.geojson")))["features"]
    assert [f["properties"]["Sleutel"] for f in features] == ["P:E-1"]
    cable = Work.objects.get(key="P:E-1")
    rows = _csv(client.get(_url(computed, "koppelkansen.csv")))
    assert [int(row["Nummer"]) for row in rows] == [cable.coupling_id]
    features = _geojson(client.get(_url(computed, "koppelkansen.geojson")))["features"]
    assert [f["properties"]["Nummer"] for f in features] == [cable.coupling_id]


def test_a_partner_without_works_exports_nothing(client, computed):  # noqa: F811
    _login(client, Role.PARTNER, partner=True)
    for export in ("werken.csv", "koppelkansen.csv"):
        assert _csv(client.get(_url(computed, export))) == [], export
    for export in ("werken.geojson", "koppelkansen.geojson"):
        assert _geojson(client.get(_url(computed, export)))["features"] == [], export


def test_the_couplings_export_carries_the_cost_split(client):
    """Each coupling's rule, shared cost and parts per party, as the coupling page shows
    them; a partner reads its own part and the other parties together."""
    programme = ProgrammeFactory()
    coupling = CouplingFactory(programme=programme)
    municipality = ActorFactory(name="Gemeente Dalfsen")
    user = _login(client, Role.PARTNER, partner=True)
    # Shared: 30% of the largest opening member, €24,000 = €7,200; equal per party.
    WorkFactory(programme=programme, coupling=coupling, owner=municipality)
    WorkFactory(programme=programme, coupling=coupling, owner=user.organisation, cost=1000)

    (row,) = _csv(client.get(_url(programme, "koppelkansen.csv")))
    (feature,) = _geojson(client.get(_url(programme, "koppelkansen.geojson")))["features"]

    assert row["Verdeelregel"] == "gelijk per partij"
    assert row["Gedeelde kosten (€)"] == "7200,00"
    assert row["Kostenverdeling (€ per partij)"] == (
        f"{user.organisation.name}: 3600,00; andere partijen samen: 3600,00"
    )
    assert feature["properties"]["Gedeelde kosten (€)"] == 7200.0


def test_a_partner_sees_its_works_by_owner_or_by_project(client):
    programme = ProgrammeFactory()
    user = _login(client, Role.PARTNER, partner=True)
    project = ProjectFactory(owner=user.organisation)
    WorkFactory(programme=programme, key="own", owner=user.organisation)
    WorkFactory(programme=programme, key="project", project=project)
    WorkFactory(programme=programme, key="other", owner=ProjectFactory().owner)
    keys = {row["Sleutel"] for row in _csv(client.get(_url(programme, "werken.csv")))}
    assert keys == {"own", "project"}


def test_the_exports_read_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    """Streaming many rows costs the same few queries (per chunk of 2000, not per row)."""
    programme = ProgrammeFactory()
    for n in range(40):
        coupling = CouplingFactory(programme=programme)
        WorkFactory(programme=programme, coupling=coupling, key=f"w{n}")
    _login(client, Role.VIEWER)
    for export in EXPORTS:
        # The couplings' cost split adds two per chunk: their works and sharing rules.
        with django_assert_max_num_queries(10):
            response = client.get(_url(programme, export))
            body = b"".join(response.streaming_content)
        assert body, export
    assert Coupling.objects.filter(programme=programme).count() == 40
