"""An adopted programme is frozen, on every path: one guard (`ensure_changeable`, called
from the models' saves and from the bulk store) and every way in that reaches it —
models, services, worker, command, pages, API and admin."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from programming import services
from programming.choices import ProgrammeStatus, RunStatus
from programming.models import (
    BudgetOverride,
    CouplingDecision,
    Programme,
    ProgrammeFrozen,
    ProgrammeRun,
    Work,
)
from programming.services import coupling_decide, programme_adopt, programme_compute
from programming.tasks import compute_programme, programme_enqueue
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import client_for, user_with_role
from tests.factories import (
    BudgetLineFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    ProgrammeFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

FROZEN = "Een vastgesteld programma verandert niet meer."


@pytest.fixture
def adopted():
    """An adopted programme with one work, one coupling and a decision on it."""
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    coupling = CouplingFactory(programme=programme)
    WorkFactory(programme=programme, coupling=coupling)
    CouplingDecisionFactory(programme=programme, key=coupling.key)
    _adopt_in_the_database(programme)  # the decision was taken before the adoption
    programme.refresh_from_db()
    return programme


def _adopt_in_the_database(programme: Programme) -> None:
    Programme.objects.filter(pk=programme.pk).update(
        status=ProgrammeStatus.VASTGESTELD, adopted_on=date(2026, 1, 15), adopted_by="raad"
    )


# --- the models: every save passes the guard -------------------------------------------


def test_an_adopted_programmes_settings_are_not_saved(adopted):
    adopted.coupling_distance = 40
    with pytest.raises(ProgrammeFrozen, match=FROZEN):
        adopted.save()
    adopted.refresh_from_db()
    assert adopted.coupling_distance == 25


def test_a_stale_instance_of_a_programme_adopted_since_is_not_saved():
    programme = ProgrammeFactory()
    _adopt_in_the_database(programme)
    programme.status = ProgrammeStatus.CONCEPT  # what the stale instance still says
    with pytest.raises(ProgrammeFrozen):
        programme.save()
    assert Programme.objects.get(pk=programme.pk).is_adopted


def test_an_adopted_programme_takes_no_decision_override_or_run(adopted):
    decision = adopted.decisions.get()
    rows = [
        CouplingDecision(programme=adopted, key="nieuw", status="geaccepteerd"),
        BudgetOverride(programme=adopted, budget_line=BudgetLineFactory(), year=2027, amount=1),
        ProgrammeRun(programme=adopted),
    ]
    for row in rows:
        with pytest.raises(ProgrammeFrozen):
            row.save()
    decision.status = "afgewezen"
    decision.reason = "Toch niet."
    with pytest.raises(ProgrammeFrozen):
        decision.save()
    with pytest.raises(ProgrammeFrozen):
        decision.delete()
    assert adopted.decisions.get().status == "geaccepteerd"
    assert not adopted.budget_overrides.exists()
    assert not adopted.runs.exists()


def test_a_concept_programme_still_changes_and_is_adopted_once():
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    programme.coupling_distance = 40
    programme.save()
    # Computed again after the change: only fresh results are adopted (test_stale).
    programme.computed_at = timezone.now()
    Programme.objects.filter(pk=programme.pk).update(computed_at=programme.computed_at)
    programme_adopt(programme, adopted_on=date(2026, 1, 15), adopted_by="raad")
    with pytest.raises(ProgrammeFrozen):
        programme_adopt(programme, adopted_on=date(2026, 1, 16), adopted_by="college")
    programme.refresh_from_db()
    assert programme.adopted_on == date(2026, 1, 15)


# --- services, worker and command ------------------------------------------------------


def test_the_services_refuse_to_compute_queue_or_decide_on_an_adopted_programme(adopted):
    coupling = adopted.couplings.get()
    calls = [
        lambda: programme_compute(adopted),
        lambda: programme_enqueue(adopted),
        lambda: coupling_decide(adopted, coupling, status="afgewezen", reason="Nee."),
    ]
    for call in calls:
        with pytest.raises(ProgrammeFrozen):
            call()
    assert not adopted.runs.exists()
    assert adopted.decisions.get().status == "geaccepteerd"


def test_a_run_queued_before_the_adoption_fails_in_the_worker_and_stores_nothing(adopted):
    run = ProgrammeRun.objects.create(programme=ProgrammeFactory())
    ProgrammeRun.objects.filter(pk=run.pk).update(programme=adopted)  # queued, then adopted
    with pytest.raises(ProgrammeFrozen):
        compute_programme.call(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert FROZEN in run.message
    assert adopted.works.count() == 1


def test_an_adoption_during_the_computation_keeps_the_store_out(street, monkeypatch):  # noqa: F811
    real_plan = services.plan

    @contextmanager
    def plan_then_adopt(instance, method=None, **options):
        with real_plan(instance, method, **options) as planned:
            _adopt_in_the_database(street)  # committed by another request meanwhile
            yield planned

    monkeypatch.setattr(services, "plan", plan_then_adopt)
    with pytest.raises(ProgrammeFrozen):
        programme_compute(street)
    assert not Work.objects.filter(programme=street).exists()
    assert street.runs.get().status == RunStatus.FAILED


def test_the_compute_command_refuses_an_adopted_programme(adopted):
    with pytest.raises(CommandError, match=FROZEN):
        call_command("compute_programme", "--programme", str(adopted.pk))
    assert not adopted.runs.exists()


# --- pages and API ---------------------------------------------------------------------


@pytest.fixture
def manager(client):
    ensure_role_groups()
    user = user_with_role(Role.PROGRAMME_MANAGER)
    client.force_login(user)
    client.api = client_for(user)
    return client


def test_the_pages_refuse_to_compute_decide_or_adopt_an_adopted_programme(manager, adopted):
    coupling = adopted.couplings.get()
    manager.post(reverse("programming:programme_run", args=[adopted.pk]))
    decided = manager.post(
        reverse("programming:coupling_decide", args=[adopted.pk, coupling.pk]),
        {"status": "afgewezen", "reason": "Nee."},
        follow=True,
    )
    assert FROZEN in decided.content.decode()
    adopt = manager.post(
        reverse("programming:programme_adopt", args=[adopted.pk]),
        {"adopted_on": "2026-03-01", "adopted_by": "college"},
    )
    assert adopt.status_code == 400
    assert "Dit programma is al vastgesteld." in adopt.content.decode()
    adopted.refresh_from_db()
    assert (adopted.adopted_on, adopted.adopted_by) == (date(2026, 1, 15), "raad")
    assert not adopted.runs.exists()
    assert adopted.decisions.get().status == "geaccepteerd"


def test_the_api_answers_409_on_every_change_of_an_adopted_programme(manager, adopted):
    api = manager.api
    base = f"/api/v1/programmas/{adopted.pk}"
    coupling = adopted.couplings.get()
    responses = [
        api.patch(base, {"coupling_distance": 40}),
        api.post(f"{base}/berekeningen"),
        api.post(f"{base}/koppelkansen/{coupling.pk}/besluit", {"status": "geaccepteerd"}),
        api.post(f"{base}/vaststellen", {"adopted_on": "2026-03-01", "adopted_by": "raad"}),
    ]
    for response in responses:
        assert response.status_code == 409, response.content
        assert response.json()["detail"] == FROZEN


# --- the admin -------------------------------------------------------------------------


def _admin_url(model, action: str, *args) -> str:
    return reverse(f"admin:programming_{model._meta.model_name}_{action}", args=args)


def test_the_admin_shows_an_adopted_programme_read_only(admin_client, adopted):
    page = admin_client.get(_admin_url(Programme, "change", adopted.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = admin_client.post(
        _admin_url(Programme, "change", adopted.pk), {"name": "Anders", "status": "concept"}
    )
    assert response.status_code == 403
    adopted.refresh_from_db()
    assert adopted.is_adopted
    assert adopted.name != "Anders"


def test_the_admin_neither_changes_nor_adds_decisions_on_an_adopted_programme(
    admin_client, adopted
):
    decision = adopted.decisions.get()
    change = admin_client.post(
        _admin_url(CouplingDecision, "change", decision.pk),
        {"programme": adopted.pk, "key": decision.key, "status": "afgewezen", "reason": "Nee."},
    )
    assert change.status_code == 403
    assert admin_client.post(_admin_url(CouplingDecision, "delete", decision.pk)).status_code == 403
    add = admin_client.post(
        _admin_url(CouplingDecision, "add"),
        {"programme": adopted.pk, "key": "nieuw", "status": "geaccepteerd"},
    )
    assert add.status_code == 200, "the form comes back with its error"
    assert add.context["adminform"].form.errors["programme"]
    assert list(adopted.decisions.values_list("key", "status")) == [(decision.key, "geaccepteerd")]


def test_the_admin_adds_no_budget_override_to_an_adopted_programme(admin_client, adopted):
    add = admin_client.post(
        _admin_url(BudgetOverride, "add"),
        {"programme": adopted.pk, "budget_line": BudgetLineFactory().pk, "year": 2027, "amount": 1},
    )
    assert add.status_code == 200
    assert add.context["adminform"].form.errors["programme"]
    assert not adopted.budget_overrides.exists()
