"""The coupling page (/programmas/<pk>/koppelkansen/<coupling>/): what a municipal user, a
partner of a member and a partner outside the coupling see, and the actions on it."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programming import couplings
from programming.choices import WorkKind
from programming.models import CouplingReservation, CouplingResponse
from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    ProgrammeFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

SECRET_LABEL = "Geheime glasvezelring Beta"


def _user(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def world():
    """A coupling in the Prinsenstraat of the municipality's sewer, partner Alfa's cable
    and partner Beta's fibre, and a partner Gamma that takes no part in it."""
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    municipality = ActorFactory(name="Gemeente Dalfsen")
    alfa = ActorFactory(name="Alfa Netbeheer", partner=True)
    beta = ActorFactory(name="Beta Glasvezel", partner=True)
    gamma = ActorFactory(name="Gamma Water", partner=True)
    coupling = CouplingFactory(programme=programme, key="prinsenstraat")
    sewer = WorkFactory(
        programme=programme,
        label="Riool Prinsenstraat",
        owner=municipality,
        coupling=coupling,
        cost=Decimal("100000.00"),
    )
    cable = WorkFactory(
        programme=programme,
        kind=WorkKind.PARTNER,
        label="Alfa kabel Prinsenstraat",
        owner=alfa,
        coupling=coupling,
        cost=Decimal("20000.00"),
        asset_class=None,
    )
    fibre = WorkFactory(
        programme=programme,
        kind=WorkKind.PARTNER,
        label=SECRET_LABEL,
        owner=beta,
        coupling=coupling,
        cost=Decimal("33333.00"),
        window_start=2027,
        window_end=2030,
        asset_class=None,
    )
    return {
        "programme": programme,
        "coupling": coupling,
        "sewer": sewer,
        "cable": cable,
        "fibre": fibre,
        "alfa": alfa,
        "beta": beta,
        "manager": _user(Role.PROGRAMME_MANAGER),
        "partner": _user(Role.PARTNER, organisation=alfa),
        "outsider": _user(Role.PARTNER, organisation=gamma),
    }


def _url(world, name="coupling_detail", coupling=None):
    return reverse(
        f"programming:{name}", args=[world["programme"].pk, coupling or world["coupling"].pk]
    )


def test_a_municipal_user_sees_every_member_in_full_with_links(client, world):
    client.force_login(world["manager"])

    response = client.get(_url(world))

    assert response.status_code == 200
    page = response.content.decode()
    for work in ("sewer", "cable", "fibre"):
        link = reverse("programming:programme_work", args=[world["programme"].pk, world[work].pk])
        assert f'href="{link}"' in page
    assert SECRET_LABEL in page
    assert "33.333" in page  # Beta's cost, in Dutch notation
    assert 'action="' + _url(world, "coupling_decide") in page
    assert _url(world, "coupling_cost_sharing") in page


def test_a_partner_sees_its_own_work_in_full_and_of_the_others_owner_kind_window(client, world):
    client.force_login(world["partner"])

    response = client.get(_url(world))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Alfa kabel Prinsenstraat" in page
    assert "20.000" in page
    assert "Beta Glasvezel" in page
    assert "2027–2030" in page
    assert SECRET_LABEL not in page
    assert "33.333" not in page
    # No links into the programme pages, which a partner may not open.
    assert "/werken/" not in page
    assert _url(world, "coupling_decide") not in page
    assert _url(world, "coupling_respond") in page


def test_the_map_gives_a_partner_no_label_or_id_of_another_partys_work(client, world):
    client.force_login(world["partner"])

    features = client.get(_url(world, "coupling_geojson")).json()["features"]

    labels = [f["properties"]["label"] for f in features]
    assert any(label.startswith("Beta Glasvezel") for label in labels)
    assert not any(SECRET_LABEL in label for label in labels)
    assert world["fibre"].pk not in [f["properties"].get("id") for f in features]


def test_a_partner_outside_the_coupling_gets_the_404_of_a_missing_one(client, world):
    client.force_login(world["outsider"])

    hidden = client.get(_url(world))
    missing = client.get(_url(world, coupling=987654))

    assert hidden.status_code == missing.status_code == 404
    assert client.get(_url(world, "coupling_geojson")).status_code == 404


def test_the_page_costs_the_same_queries_with_three_or_twelve_members(
    client, world, django_assert_num_queries
):
    client.force_login(world["manager"])
    CouplingDecisionFactory(programme=world["programme"], key=world["coupling"].key)
    client.get(_url(world))  # warm the session and permission caches alike
    with CaptureQueriesContext(connection) as three:
        client.get(_url(world))
    expected = len(three.captured_queries)  # read now: the next request clears the log
    for n in range(9):
        WorkFactory(
            programme=world["programme"],
            label=f"Extra {n}",
            owner=ActorFactory(partner=True),
            coupling=world["coupling"],
        )
    # New works refresh the programme's geometry cache (`programming.nearby`) once.
    client.get(_url(world))

    with django_assert_num_queries(expected):
        response = client.get(_url(world))

    assert len(re.findall(r"Extra \d+\b", response.content.decode())) == 9


def test_a_partner_responds_for_its_own_organisation(client, world):
    client.force_login(world["partner"])

    response = client.post(
        _url(world, "coupling_respond"), {"answer": "kan_niet", "comment": "Pas in 2031."}
    )

    assert response.status_code == 302
    stored = CouplingResponse.objects.get()
    assert (stored.organisation, stored.responded_by, stored.key) == (
        world["alfa"],
        world["partner"],
        "prinsenstraat",
    )
    page = client.get(_url(world)).content.decode()
    assert "Pas in 2031." in page
    assert "kan niet" in page


def test_a_response_that_cannot_needs_a_comment(client, world):
    client.force_login(world["partner"])

    response = client.post(_url(world, "coupling_respond"), {"answer": "kan_niet"})

    assert response.status_code == 400
    assert "Licht toe waarom het niet kan" in response.content.decode()
    assert not CouplingResponse.objects.exists()


def test_a_municipal_user_decides_but_does_not_respond(client, world):
    client.force_login(world["manager"])

    response = client.post(_url(world, "coupling_respond"), {"answer": "akkoord"})

    assert response.status_code == 403


def test_the_manager_sees_the_partners_responses_beside_the_decision(client, world):
    CouplingResponse.objects.create(
        programme=world["programme"],
        key=world["coupling"].key,
        organisation=world["beta"],
        answer="opmerking",
        comment="Graag eerst de ring.",
    )
    client.force_login(world["manager"])
    page = client.get(_url(world)).content.decode()
    assert "Graag eerst de ring." in page
    assert "Beta Glasvezel" in page
    # A partner does not read another partner's response.
    client.force_login(world["partner"])
    assert "Graag eerst de ring." not in client.get(_url(world)).content.decode()


def test_a_partner_reserves_for_its_own_organisation_and_the_savings_grow(client, world):
    client.force_login(world["partner"])

    response = client.post(
        _url(world, "coupling_reservation"),
        {"kind": "mantelbuis", "length": "120", "note": "voor later", "organisation": "1"},
    )

    assert response.status_code == 302
    reservation = CouplingReservation.objects.get()
    assert reservation.organisation == world["alfa"]
    assert reservation.length == Decimal("120.0")
    page = client.get(_url(world)).content.decode()
    # 45,000 by coupling + 120 m × €75 for the narrow trench Alfa does not dig: a figure of
    # its own, so "Besparing" stays the coupling's savings as the list and exports show it.
    assert "Besparing met meeliften</dt><dd>€ 54.000" in page
    assert "Besparing</dt><dd>€ 45.000" in page


def test_a_reservation_without_length_is_refused_with_the_field(client, world):
    client.force_login(world["partner"])

    response = client.post(_url(world, "coupling_reservation"), {"kind": "lege_buis"})

    assert response.status_code == 400
    assert 'id="id_length"' in response.content.decode()
    assert not CouplingReservation.objects.exists()


def test_the_manager_sets_a_rule_and_the_split_follows(client, world):
    client.force_login(world["manager"])

    response = client.post(
        _url(world, "coupling_cost_sharing"),
        {
            "rule": "gelijk",
            "traffic_plan": "",
            "excavation": "",
            "reinstatement": "",
            "surface": "3000",
        },
    )

    assert response.status_code == 302
    page = client.get(_url(world)).content.decode()
    # Default items from 30% of the largest opening member (€100,000): 3,000 traffic plan,
    # 10,500 excavation, 6,000 reinstatement; the surface set to 3,000: €22,500 shared,
    # €7,500 per party of three.
    assert "€ 22.500,00" in page
    assert page.count("€ 7.500,00") == 3


def test_a_partner_may_not_change_the_cost_sharing(client, world):
    client.force_login(world["partner"])

    response = client.post(_url(world, "coupling_cost_sharing"), {"rule": "gelijk"})

    assert response.status_code == 403


def test_the_programme_pages_link_to_the_coupling_page(client, world):
    client.force_login(world["manager"])
    programme = world["programme"].pk
    page = _url(world)

    for name in ("programme_couplings", "programme_gantt", "dashboard"):
        args = [] if name == "dashboard" else [programme]
        assert (
            f'href="{page}"'
            in client.get(reverse(f"programming:{name}", args=args)).content.decode()
        ), name
    work = reverse("programming:programme_work", args=[programme, world["sewer"].pk])
    assert f'href="{page}"' in client.get(work).content.decode()
    features = client.get(reverse("programming:programme_geojson", args=[programme])).json()
    assert {f["properties"]["url"] for f in features["features"]} == {page}


def test_the_coupling_list_shows_the_partners_answers_beside_the_decision(client, world):
    CouplingResponse.objects.create(
        programme=world["programme"],
        key=world["coupling"].key,
        organisation=world["beta"],
        answer="kan_niet",
        comment="Pas in 2031.",
    )
    client.force_login(world["manager"])

    page = client.get(reverse("programming:programme_couplings", args=[world["programme"].pk]))

    assert "Beta Glasvezel: kan niet" in page.content.decode()


def test_the_manager_agrees_amounts_also_for_the_municipalitys_own_measures(client, world):
    """A work without an owning organisation is the municipality's own asset measure: a
    party of its own ("gemeente") that gets an agreed amount too."""
    WorkFactory(programme=world["programme"], coupling=world["coupling"], cost=1000)
    municipality = world["sewer"].owner
    client.force_login(world["manager"])
    # Shared: 30% of the largest opening member (€100,000) = €30,000 = 20,000 + 4,000 +
    # 3,000 + 3,000.
    amounts = {
        f"agreed_{municipality.pk}": "20000",
        f"agreed_{world['alfa'].pk}": "4000",
        f"agreed_{world['beta'].pk}": "3000",
        "agreed_gemeente": "3000",
    }

    response = client.post(_url(world, "coupling_cost_sharing"), {"rule": "afspraak", **amounts})

    assert response.status_code == 302
    split = couplings.coupling_split(
        world["coupling"], list(couplings.member_works(world["coupling"]))
    )
    assert [(p.organisation, p.amount) for p in split.parties] == [
        ("Gemeente Dalfsen", Decimal("20000.00")),
        ("Beta Glasvezel", Decimal("3000.00")),
        ("Alfa Netbeheer", Decimal("4000.00")),
        ("gemeente", Decimal("3000.00")),
    ]


def test_the_manager_reserves_for_its_own_department_or_a_party(client, world):
    department = ActorFactory(name="Team Openbare Verlichting")
    world["manager"].organisation = department
    world["manager"].save()
    client.force_login(world["manager"])

    own = client.post(_url(world, "coupling_reservation"), {"kind": "lege_buis", "length": "40"})
    party = client.post(
        _url(world, "coupling_reservation"),
        {"kind": "kabeltrace", "length": "40", "organisation": world["beta"].pk},
    )

    assert own.status_code == party.status_code == 302
    assert [r.organisation for r in CouplingReservation.objects.order_by("pk")] == [
        department,
        world["beta"],
    ]
