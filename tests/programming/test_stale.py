"""Results become stale when an input changes after the computation (programming.freshness),
and a programme is adopted only with fresh results."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from programming.freshness import stale_reasons
from programming.models import Programme, ProgrammeRun
from programming.services import programme_adopt, programme_compute
from tests.factories import (
    AssetFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    BudgetOverrideFactory,
    CouplingDecisionFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
)
from tests.programming.test_services import street  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

API = "/api/v1/programmas"


@pytest.fixture
def inputs():
    """One of every input, then a programme computed after all of them (the engine is
    not needed to tell stale from fresh: only `computed_at` counts)."""
    line = BudgetLineFactory()
    rows = {
        "asset": AssetFactory(),
        "project": ProjectFactory(),
        "line": line,
        "amount": BudgetAmountFactory(budget_line=line),
    }
    rows["funding"] = FundingFactory(project=rows["project"], budget_line=line)
    programme = ProgrammeFactory()
    rows["criterion"] = CriterionFactory(framework=programme.framework)
    rows["override"] = BudgetOverrideFactory(programme=programme, budget_line=line)
    rows["decision"] = CouplingDecisionFactory(programme=programme)
    _computed(programme)
    return programme, rows


def _computed(programme: Programme) -> None:
    """As store_result leaves it: computed just now, after every change so far."""
    programme.computed_at = timezone.now() + timedelta(microseconds=1)
    Programme.objects.filter(pk=programme.pk).update(computed_at=programme.computed_at)


def _reasons(programme: Programme) -> list[str]:
    programme = Programme.objects.get(pk=programme.pk)
    return [str(reason) for reason in stale_reasons(programme)]


def test_fresh_results_are_not_stale(inputs):
    programme, _rows = inputs
    assert _reasons(programme) == []


@pytest.mark.parametrize(
    ("row", "field", "value", "named"),
    [
        ("asset", "construction_year", 1950, "het areaal (objecten)"),
        ("project", "shift_late", 2, "een project of werk van een partner"),
        ("funding", "amount", Decimal(1), "de financiering van een project"),
        ("line", "name", "Wegen (nieuw)", "een budgetregel"),
        ("amount", "amount", Decimal(1), "een budget"),
        ("override", "amount", Decimal(1), "een afwijkend budget van dit programma"),
        ("decision", "reason", "Past niet in de planning.", "een besluit over een koppelkans"),
        ("criterion", "weight", Decimal(99), "een weging in het afwegingskader"),
        ("framework", "name", "Ander kader", "het afwegingskader"),
        ("programme", "budget_factor", Decimal("0.5"), "de instellingen van het programma"),
    ],
)
def test_a_change_to_any_input_after_computing_makes_the_results_stale(
    inputs, row, field, value, named
):
    programme, rows = inputs
    target = {**rows, "framework": programme.framework, "programme": programme}[row]
    setattr(target, field, value)
    target.save()

    assert _reasons(programme) == [named]


def test_a_deleted_input_counts_as_a_change(inputs):
    programme, rows = inputs
    rows["override"].delete()
    assert _reasons(programme) == ["een afwijkend budget van dit programma"]


def test_a_change_before_computing_does_not_count(inputs):
    programme, rows = inputs
    rows["asset"].save()
    _computed(programme)
    assert _reasons(programme) == []


def test_the_check_is_one_query(inputs, django_assert_num_queries):
    programme = Programme.objects.get(pk=inputs[0].pk)
    with django_assert_num_queries(1):
        stale_reasons(programme)


def test_never_computed_or_adopted(db):
    assert _reasons(ProgrammeFactory()) == ["het programma is nog niet berekend"]
    adopted = ProgrammeFactory(adopted=True, computed_at="2025-11-01T10:00Z")
    AssetFactory()
    assert _reasons(adopted) == [], "an adopted programme stays as it was adopted"


def test_stale_results_are_not_adopted_until_computed_again(street):  # noqa: F811
    programme_compute(street)
    street.refresh_from_db()
    assert _reasons(street) == []
    street.framework.criteria.update(weight=Decimal(1))  # no history: does not count
    criterion = street.framework.criteria.first()
    criterion.weight = Decimal(20)
    criterion.save()

    with pytest.raises(ValueError, match="een weging in het afwegingskader is gewijzigd"):
        programme_adopt(street, adopted_on=date(2026, 1, 15), adopted_by="raad")

    programme_compute(street)
    street.refresh_from_db()
    assert _reasons(street) == []
    programme_adopt(street, adopted_on=date(2026, 1, 15), adopted_by="raad")
    assert Programme.objects.get(pk=street.pk).is_adopted


@pytest.fixture
def manager(client):
    user = UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_programme", "change_programme"],
            content_type__app_label="programming",
        )
    )
    client.force_login(user)
    return client


def test_the_pages_show_the_banner_and_refuse_to_adopt(manager, inputs):
    programme, rows = inputs
    page = reverse("programming:programme_detail", args=[programme.pk])
    adopt = reverse("programming:programme_adopt", args=[programme.pk])
    assert "verouderd" not in manager.get(page).content.decode()
    rows["amount"].amount = Decimal(7)
    rows["amount"].save()

    html = manager.get(page).content.decode()
    assert "De uitkomsten zijn verouderd: een budget is gewijzigd na de berekening." in html
    assert reverse("programming:programme_run", args=[programme.pk]) in html
    assert 'name="adopted_on"' not in manager.get(adopt).content.decode()
    run = ProgrammeRun.objects.create(programme=programme)
    banner = manager.get(page).content.decode().split('id="verouderd"')[1].split("</div>")[0]
    assert "Er loopt al een nieuwe berekening." in banner
    assert "<button" not in banner, "no second computation while one is queued"
    run.delete()
    response = manager.post(adopt, {"adopted_on": "2026-01-15", "adopted_by": "raad"})
    assert response.status_code == 400
    assert "een budget is gewijzigd" in response.content.decode()
    assert not Programme.objects.get(pk=programme.pk).is_adopted


def test_the_api_refuses_to_adopt_stale_results_with_409(manager, inputs):
    programme, rows = inputs
    rows["decision"].delete()
    response = manager.post(
        f"{API}/{programme.pk}/vaststellen",
        {"adopted_on": "2026-01-15", "adopted_by": "raad"},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert response["Content-Type"].startswith("application/problem+json")
    assert "een besluit over een koppelkans is gewijzigd" in response.json()["detail"]
