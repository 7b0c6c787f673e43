"""The coupling endpoints: the detail's `kostenverdeling`, riding along
(`…/reserveringen`), the partner's response (`…/reactie`) and setting the split
(`…/kostenverdeling`), with their permissions and row rules."""

from decimal import Decimal

import pytest

from programming.choices import WorkKind
from programming.models import CouplingReservation, CouplingResponse
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import (
    ActorFactory,
    CouplingCostSharingFactory,
    CouplingFactory,
    ProgrammeFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def coupling(enexis, vechthorst):
    """The municipality's sewer (€100,000), Enexis' cable (€20,000) and Vechthorst's
    work (€30,000) in one coupling, split by their own costs."""
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    coupling = CouplingFactory(programme=programme, key="prinsenstraat")
    municipality = ActorFactory(name="Gemeente Dalfsen")
    WorkFactory(programme=programme, coupling=coupling, owner=municipality, cost=100000)
    for owner, cost in ((enexis, 20000), (vechthorst, 30000)):
        WorkFactory(
            programme=programme,
            coupling=coupling,
            owner=owner,
            cost=cost,
            kind=WorkKind.PARTNER,
            asset_class=None,
        )
    CouplingCostSharingFactory(programme=programme, key=coupling.key)
    return coupling


def _url(coupling, tail=""):
    return f"/api/v1/programmas/{coupling.programme_id}/koppelkansen/{coupling.pk}{tail}"


def test_the_detail_carries_the_split_of_the_shared_cost(manager, coupling):
    body = manager.get(_url(coupling)).json()

    split = body["kostenverdeling"]
    # 30% of the largest opening member (€100,000) = €30,000, by own cost 10 : 3 : 2
    # (the parties in the order of their largest work).
    assert split["rule"] == "aandeel_kosten"
    assert Decimal(split["shared"]["total"]) == Decimal("30000.00")
    assert [(p["name"], Decimal(p["amount"])) for p in split["parties"]] == [
        ("Gemeente Dalfsen", Decimal("20000.00")),
        ("Vechthorst", Decimal("6000.00")),
        ("Enexis Netbeheer", Decimal("4000.00")),
    ]


def test_a_partner_gets_its_own_part_and_the_others_together(enexis_user, coupling):
    body = client_for(enexis_user).get(_url(coupling)).json()

    parties = body["kostenverdeling"]["parties"]
    assert [(p["name"], Decimal(p["amount"])) for p in parties] == [
        ("Enexis Netbeheer", Decimal("4000.00")),
        ("andere partijen samen", Decimal("26000.00")),
    ]
    assert "Vechthorst" not in str(body)


def test_a_partner_responds_and_the_response_is_its_organisations(enexis, enexis_user, coupling):
    response = client_for(enexis_user).post(
        _url(coupling, "/reactie"), {"answer": "opmerking", "comment": "Graag in 2028."}
    )

    assert response.status_code == 201, response.content
    stored = CouplingResponse.objects.get()
    assert (stored.organisation, stored.responded_by, stored.comment) == (
        enexis,
        enexis_user,
        "Graag in 2028.",
    )
    detail = client_for(enexis_user).get(_url(coupling)).json()
    assert [r["answer"] for r in detail["reacties"]] == ["opmerking"]


def test_a_bad_response_names_its_fields(enexis_user, coupling):
    client = client_for(enexis_user)

    unknown = client.post(_url(coupling, "/reactie"), {"answer": "misschien"})
    no_comment = client.post(_url(coupling, "/reactie"), {"answer": "kan_niet"})

    assert unknown.status_code == no_comment.status_code == 400
    assert {p["name"] for p in unknown.json()["invalidParams"]} == {"answer"}
    assert {p["name"] for p in no_comment.json()["invalidParams"]} == {"comment"}
    assert not CouplingResponse.objects.exists()


def test_a_partner_outside_the_coupling_cannot_respond_or_reserve(coupling):
    outsider = client_for(user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True)))

    assert outsider.post(_url(coupling, "/reactie"), {"answer": "akkoord"}).status_code == 404
    reserve = outsider.post(_url(coupling, "/reserveringen"), {"kind": "lege_buis", "length": 5})
    assert reserve.status_code == 404
    assert outsider.get(_url(coupling)).status_code == 404


def test_a_municipal_user_does_not_respond(manager, coupling):
    assert manager.post(_url(coupling, "/reactie"), {"answer": "akkoord"}).status_code == 403


def test_a_partner_reserves_only_for_itself(enexis, vechthorst, enexis_user, coupling):
    client = client_for(enexis_user)

    other = client.post(
        _url(coupling, "/reserveringen"),
        {"kind": "mantelbuis", "length": "80", "organisation": vechthorst.pk},
    )
    own = client.post(_url(coupling, "/reserveringen"), {"kind": "mantelbuis", "length": "80"})

    assert other.status_code == 400
    assert {p["name"] for p in other.json()["invalidParams"]} == {"organisation"}
    assert own.status_code == 201, own.content
    assert own.json()["saving"] == "6000.00"  # 80 m × €75 for the trench it does not dig
    assert CouplingReservation.objects.get().organisation == enexis


def test_a_bad_reservation_names_its_fields(enexis_user, coupling):
    response = client_for(enexis_user).post(
        _url(coupling, "/reserveringen"), {"kind": "tunnel", "length": "-3"}
    )

    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalidParams"]} == {"kind", "length"}


def test_riding_along_counts_in_the_savings_for_everyone(manager, enexis_user, coupling):
    client_for(enexis_user).post(
        _url(coupling, "/reserveringen"), {"kind": "lege_buis", "length": "100"}
    )

    body = manager.get(_url(coupling)).json()

    # €45,000 by coupling (CouplingFactory) + 100 m × €75.
    assert Decimal(body["besparing_met_meeliften"]) == Decimal("52500.00")
    assert [r["kind"] for r in body["reserveringen"]] == ["lege_buis"]


def test_the_manager_sets_agreed_amounts_that_add_up(manager, enexis, vechthorst, coupling):
    municipality = coupling.works.exclude(owner__in=[enexis, vechthorst]).get().owner
    agreed = {str(municipality.pk): "25000", str(enexis.pk): "2000", str(vechthorst.pk): "3000"}

    wrong = manager.put(
        _url(coupling, "/kostenverdeling"),
        {"rule": "afspraak", "agreed": {**agreed, str(enexis.pk): "1"}},
        format="json",
    )
    right = manager.put(
        _url(coupling, "/kostenverdeling"), {"rule": "afspraak", "agreed": agreed}, format="json"
    )

    assert wrong.status_code == 400
    assert {p["name"] for p in wrong.json()["invalidParams"]} == {"agreed"}
    assert right.status_code == 200, right.content
    assert [Decimal(p["amount"]) for p in right.json()["parties"]] == [
        Decimal("25000.00"),
        Decimal("3000.00"),
        Decimal("2000.00"),
    ]


def test_a_partner_may_not_set_the_split(enexis_user, coupling):
    response = client_for(enexis_user).put(
        _url(coupling, "/kostenverdeling"), {"rule": "gelijk"}, format="json"
    )

    assert response.status_code == 403


def test_an_adopted_programme_takes_no_response_or_reservation(enexis_user, coupling):
    type(coupling.programme).objects.filter(pk=coupling.programme_id).update(
        status="vastgesteld", adopted_on="2026-01-15", adopted_by="raad"
    )
    client = client_for(enexis_user)

    responded = client.post(_url(coupling, "/reactie"), {"answer": "akkoord"})
    reserved = client.post(_url(coupling, "/reserveringen"), {"kind": "lege_buis", "length": 5})

    assert responded.status_code == reserved.status_code == 409
    assert not CouplingResponse.objects.exists()
    assert not CouplingReservation.objects.exists()
