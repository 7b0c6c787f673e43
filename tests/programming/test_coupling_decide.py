"""services.coupling_decide: the one rule by which the page and the API decide on a coupling."""

import pytest
from django.core.exceptions import ValidationError

from programming.choices import CouplingDecisionStatus
from programming.models import CouplingDecision
from programming.services import coupling_decide
from tests.factories import CouplingFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coupling():
    return CouplingFactory(programme=ProgrammeFactory(computed_at="2025-12-01T10:00Z"))


def test_accepting_stores_the_decision_by_key_with_who_decided(coupling):
    user = UserFactory()
    decision = coupling_decide(
        coupling.programme, coupling, status=CouplingDecisionStatus.ACCEPTED, user=user
    )
    stored = CouplingDecision.objects.get(programme=coupling.programme, key=coupling.key)
    assert stored == decision
    assert (stored.status, stored.decided_by, stored.reason) == ("geaccepteerd", user, "")


def test_a_rejection_needs_a_reason_and_leaves_the_earlier_decision_as_it_was(coupling):
    coupling_decide(coupling.programme, coupling, status="geaccepteerd", reason="Samen graven.")
    with pytest.raises(ValidationError) as caught:
        coupling_decide(coupling.programme, coupling, status="afgewezen", reason="   ")
    assert caught.value.message_dict["reason"] == [
        "Geef een reden waarom de koppelkans is afgewezen."
    ]
    stored = CouplingDecision.objects.get(key=coupling.key)
    assert (stored.status, stored.reason) == ("geaccepteerd", "Samen graven.")


def test_deciding_again_changes_the_one_decision_of_the_coupling(coupling):
    coupling_decide(coupling.programme, coupling, status="geaccepteerd")
    coupling_decide(coupling.programme, coupling, status="afgewezen", reason=" Pas in 2031. ")
    stored = CouplingDecision.objects.get(key=coupling.key)
    assert (stored.status, stored.reason) == ("afgewezen", "Pas in 2031.")


def test_an_unknown_status_is_refused_on_its_field(coupling):
    with pytest.raises(ValidationError) as caught:
        coupling_decide(coupling.programme, coupling, status="misschien")
    assert "status" in caught.value.message_dict
    assert not CouplingDecision.objects.exists()


def test_an_adopted_programme_takes_no_decisions(coupling):
    programme = coupling.programme
    programme.status, programme.adopted_on, programme.adopted_by = (
        "vastgesteld",
        "2026-01-15",
        "raad",
    )
    programme.save()
    with pytest.raises(ValueError, match="vastgesteld"):
        coupling_decide(programme, coupling, status="geaccepteerd")
    assert not CouplingDecision.objects.exists()


def test_a_coupling_of_another_programme_is_refused(coupling):
    other = ProgrammeFactory()
    with pytest.raises(ValueError, match="hoort niet bij"):
        coupling_decide(other, coupling, status="geaccepteerd")
    assert not CouplingDecision.objects.exists()
