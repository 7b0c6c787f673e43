"""A partner's start page and its couplings overview: only the couplings its works take
part in, the other parties by kind (a municipal owner by name), nobody's cost."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from stakeholders.choices import ActorKind, Role
from stakeholders.models import Alert, AlertKind, Notification
from tests.factories import (
    ActorFactory,
    CouplingFactory,
    CouplingResponseFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    programme = ProgrammeFactory(computed_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))
    grid = ActorFactory(partner=True, name="Enexis")
    fibre = ActorFactory(partner=True, name="Glasvezel Geheim", kind=ActorKind.TELECOM)
    municipality = ActorFactory(name="Gemeente Dalfsen")
    shared = CouplingFactory(programme=programme, street="Molenstraat", year=2028)
    other = CouplingFactory(programme=programme, street="Achterstraat", year=2029)
    WorkFactory(programme=programme, owner=grid, coupling=shared, label="Enexis kabel")
    WorkFactory(
        programme=programme,
        owner=fibre,
        coupling=shared,
        label="Glasvezel Molenstraat",
        cost=Decimal("987654.00"),
    )
    WorkFactory(
        programme=programme,
        owner=municipality,
        coupling=shared,
        cost=Decimal("123456.00"),
    )
    WorkFactory(programme=programme, owner=fibre, coupling=other, label="Glasvezel Achterstraat")
    user = UserFactory(organisation=grid)
    user.groups.add(Group.objects.get(name=Role.PARTNER.value))
    return {"user": user, "programme": programme, "shared": shared, "grid": grid, "fibre": fibre}


def test_the_overview_lists_only_the_partners_couplings_without_cost(client, world):
    client.force_login(world["user"])
    body = client.get(reverse("programming:coupling_overview")).content.decode()
    assert "Molenstraat" in body
    assert "Achterstraat" not in body
    # The municipality is named; the other partner only by its kind.
    assert "Gemeente Dalfsen" in body
    assert "een glasvezel of telecom" in body
    assert "Glasvezel Geheim" not in body
    for cost in ("987", "123.456", "123456"):
        assert cost not in body


def test_the_overview_counts_a_project_owner_and_the_municipalitys_own_measure(client, world):
    """The party rule of the coupling page: a partner work without an owner of its own
    belongs to its project's owner, and an asset measure without either to the
    municipality (the demo's works are made like that)."""
    coupling = CouplingFactory(programme=world["programme"], street="Kerkstraat", year=2030)
    project = ProjectFactory(owner=world["fibre"])
    WorkFactory(programme=world["programme"], owner=world["grid"], coupling=coupling)
    WorkFactory(programme=world["programme"], owner=None, project=project, coupling=coupling)
    WorkFactory(programme=world["programme"], owner=None, project=None, coupling=coupling)
    client.force_login(world["user"])

    body = client.get(reverse("programming:coupling_overview")).content.decode()

    row = body[body.index("Kerkstraat") :].split("</tr>")[0]
    assert "een glasvezel of telecom" in row
    assert "gemeente (gemeentelijke afdeling of team)" in row


def test_a_partner_lands_on_its_own_start_page(client, world):
    client.force_login(world["user"])
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Welkom, Enexis" in body
    assert "Enexis kabel" in body
    assert "Molenstraat" in body
    assert "Glasvezel" not in body.replace("een glasvezel of telecom", "")
    assert "U hebt nog geen meldingen." in body


def test_the_start_page_shows_the_partners_latest_notifications(client, world):
    alert = Alert.objects.create(
        organisation=world["grid"],
        kind=AlertKind.KOPPELKANSEN,
        data={"programme": {"name": "IMPOR 2026"}, "couplings": []},
    )
    Notification.objects.create(alert=alert, user=world["user"])
    client.force_login(world["user"])
    body = client.get("/").content.decode()
    assert "U hebt nog geen meldingen." not in body
    assert "<strong>Nieuw:</strong>" in body


def test_a_municipal_user_sees_every_coupling_with_named_parties(client, world):
    reader = UserFactory()
    reader.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(reader)
    body = client.get(reverse("programming:coupling_overview")).content.decode()
    assert "Molenstraat" in body
    assert "Achterstraat" in body
    assert "Glasvezel Geheim" in body
    # The start page stays the dashboard for a municipal user.
    assert "Welkom" not in client.get("/").content.decode()


def test_the_overview_shows_the_partners_own_answer_not_anothers(client, world):
    shared = world["shared"]
    CouplingResponseFactory(
        programme=world["programme"],
        key=shared.key,
        organisation=world["fibre"],
        answer="kan_niet",
        comment="Geen capaciteit",
    )
    client.force_login(world["user"])
    url = reverse("programming:coupling_overview")
    body = client.get(url).content.decode()
    assert "Nog niet gereageerd" in body
    assert "Kan niet" not in body
    CouplingResponseFactory(
        programme=world["programme"], key=shared.key, organisation=world["grid"]
    )
    assert "Akkoord" in client.get(url).content.decode()
