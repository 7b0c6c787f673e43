"""One FilterSet per programme list: the page, the API and the export show the same rows
for the same query (`programming.filtersets`)."""

import csv
import io
import json

import pytest
from django.urls import reverse

from programming.choices import CouplingDecisionStatus, CouplingKind, WorkKind
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import client_for, user_with_role
from tests.factories import (
    CouplingDecisionFactory,
    CouplingFactory,
    ProgrammeFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    """Six couplings (two per decision, one of each kind, two years) and twelve works,
    two per coupling, of two kinds and two years."""
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    decisions = [None, CouplingDecisionStatus.ACCEPTED, CouplingDecisionStatus.REJECTED]
    for number in range(6):
        coupling = CouplingFactory(
            programme=programme,
            kind=CouplingKind.OPPORTUNITY if number % 2 else CouplingKind.CONFLICT,
            year=2027 + number % 2,
        )
        status = decisions[number % 3]
        if status is not None:
            CouplingDecisionFactory(
                programme=programme, key=coupling.key, status=status, reason="Niet nu."
            )
        for kind in (WorkKind.MEASURE, WorkKind.PROJECT):
            WorkFactory(
                programme=programme,
                coupling=coupling,
                kind=kind,
                scheduled_year=2027 if kind == WorkKind.MEASURE else 2029,
            )
    return programme


@pytest.fixture
def client(client):
    ensure_role_groups()
    user = user_with_role(Role.VIEWER)
    client.force_login(user)
    client.api = client_for(user)
    return client


def _export(client, programme, export: str, query: dict) -> list[int]:
    """The row numbers of a CSV or GeoJSON export, in order."""
    url = reverse(f"programming:programme_export_{export.replace('.', '_')}", args=[programme.pk])
    body = b"".join(client.get(url, query).streaming_content)
    if export.endswith(".csv"):
        rows = csv.DictReader(io.StringIO(body.decode("utf-8-sig")), delimiter=";")
        return sorted(int(row["Nummer"]) for row in rows)
    return sorted(int(f["properties"]["Nummer"]) for f in json.loads(body)["features"])


def _api(client, programme, what: str, query: dict) -> list[int]:
    response = client.api.get(f"/api/v1/programmas/{programme.pk}/{what}", query)
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


@pytest.mark.parametrize(
    "query",
    [{"jaar": "2029"}, {"soort": WorkKind.MEASURE}, {"jaar": "2027", "soort": WorkKind.PROJECT}],
)
def test_a_filtered_works_export_holds_the_works_the_api_and_the_map_show(client, programme, query):
    shown = _api(client, programme, "werken", query)
    everything = _api(client, programme, "werken", {})
    assert len(everything) == 12
    assert len(shown) < len(everything) or not query
    map_url = reverse("programming:programme_geojson", args=[programme.pk])
    on_the_map = sorted(
        f["properties"]["id"] for f in client.get(map_url, query).json()["features"]
    )
    assert on_the_map == shown
    for export in ("werken.csv", "werken.geojson"):
        assert _export(client, programme, export, query) == shown, export


def test_a_works_export_by_coupling_holds_that_couplings_works(client, programme):
    coupling = programme.couplings.order_by("pk").first()
    query = {"koppelkans": str(coupling.pk)}
    shown = _api(client, programme, "werken", query)
    assert shown == sorted(coupling.works.values_list("pk", flat=True))
    assert _export(client, programme, "werken.csv", query) == shown


@pytest.mark.parametrize(
    "query",
    [
        {"besluit": CouplingDecisionStatus.ACCEPTED},
        {"besluit": CouplingDecisionStatus.PROPOSED},
        {"soort": CouplingKind.CONFLICT},
        {"jaar": "2028", "besluit": CouplingDecisionStatus.REJECTED},
    ],
)
def test_a_filtered_couplings_export_holds_the_couplings_the_page_and_the_api_show(
    client, programme, query
):
    page = client.get(reverse("programming:programme_couplings", args=[programme.pk]), query)
    on_the_page = sorted(coupling.pk for coupling in page.context["page_obj"])
    assert 0 < len(on_the_page) < 6
    assert _api(client, programme, "koppelkansen", query) == on_the_page
    for export in ("koppelkansen.csv", "koppelkansen.geojson"):
        assert _export(client, programme, export, query) == on_the_page, export


def test_the_couplings_page_links_its_exports_with_its_filter(client, programme):
    url = reverse("programming:programme_couplings", args=[programme.pk])
    body = client.get(url, {"besluit": "afgewezen", "page": "1"}).content.decode()
    assert f"/programmas/{programme.pk}/koppelkansen.csv?besluit=afgewezen" in body
    assert "page=1" not in body.split("koppelkansen.csv")[1].split('"')[0]
