"""The scenario endpoints: changes as a nested resource, a scenario with its first
changes, promoting, and comparing several programmes; permissions and bad input."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from programming import scenarios
from programming.models import Programme, ScenarioChange
from programming.services import programme_compute
from stakeholders.choices import Role
from stakeholders.models import BudgetLine
from stakeholders.roles import ensure_role_groups
from tests.factories import ActorFactory, UserFactory
from tests.programming.test_scenarios import base  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

API = "/api/v1/programmas"
PROBLEM = "application/problem+json"


def _client(role: Role, **fields) -> APIClient:
    ensure_role_groups()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role.value))
    client = APIClient()
    client.force_authenticate(user)
    return client


def _invalid(response) -> set[str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    return {row["name"] for row in response.json()["invalidParams"]}


@pytest.fixture
def scenario(base):  # noqa: F811
    programme_compute(base)
    return scenarios.scenario_create(base, "S", None)


def test_changes_are_listed_created_updated_and_deleted(scenario):
    manager = _client(Role.PROGRAMME_MANAGER)
    url = f"{API}/{scenario.pk}/wijzigingen"
    response = manager.post(
        url,
        {
            "kind": "budget",
            "budget_line": "riolering",
            "year": 2026,
            "operation": "erbij",
            "amount": "40000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"] == "Riolering 2026: € 40.000 erbij"
    assert manager.get(url).json()["results"][0]["id"] == body["id"]
    one = f"{url}/{body['id']}"
    response = manager.patch(one, {"amount": "10000"}, format="json")
    assert response.status_code == 200, response.content
    assert ScenarioChange.objects.get().amount == Decimal(10_000)
    assert manager.delete(one).status_code == 204
    assert not ScenarioChange.objects.exists()


def test_bad_changes_are_400_naming_the_field_and_nothing_is_stored(scenario):
    manager = _client(Role.PROGRAMME_MANAGER)
    url = f"{API}/{scenario.pk}/wijzigingen"
    negative = {
        "kind": "budget",
        "budget_line": "riolering",
        "year": 2026,
        "operation": "erbij",
        "amount": "-100001",
    }
    assert _invalid(manager.post(url, negative, format="json")) == {"amount"}
    pin = {"kind": "vastzetten", "work_key": "P:C", "year": 2029}
    assert _invalid(manager.post(url, pin, format="json")) == {"year"}
    assert _invalid(manager.post(url, {"kind": "vastzetten"}, format="json")) == {
        "work_key",
        "year",
    }
    assert not ScenarioChange.objects.exists()


def test_a_frozen_programme_refuses_a_change(scenario):
    Programme.objects.filter(pk=scenario.pk).update(
        status="vastgesteld", adopted_on="2026-01-01", adopted_by="raad"
    )
    manager = _client(Role.PROGRAMME_MANAGER)
    response = manager.post(
        f"{API}/{scenario.pk}/wijzigingen", {"kind": "moet", "work_key": "P:B"}, format="json"
    )
    assert response.status_code == 409
    assert not ScenarioChange.objects.exists()


def test_readers_read_and_partners_find_nothing(scenario):
    change = scenarios.change_add(scenario, None, kind="moet", work_key="P:B")
    url = f"{API}/{scenario.pk}/wijzigingen"
    reader = _client(Role.VIEWER)
    assert reader.get(url).status_code == 200
    assert reader.post(url, {"kind": "moet", "work_key": "P:A"}).status_code == 403
    assert reader.delete(f"{url}/{change.pk}").status_code == 403
    partner = _client(Role.PARTNER, organisation=ActorFactory(partner=True))
    assert partner.get(url).status_code == 404
    assert partner.get(f"{url}/{change.pk}").status_code == 404
    assert ScenarioChange.objects.count() == 1


def test_a_scenario_is_made_with_its_changes_all_or_nothing(base):  # noqa: F811
    manager = _client(Role.PROGRAMME_MANAGER)
    url = f"{API}/{base.pk}/scenarios"
    bad = {
        "name": "Slecht",
        "changes": [
            {"kind": "moet", "work_key": "P:A"},
            {"kind": "vastzetten", "work_key": "P:C", "year": 2030},
        ],
    }
    assert _invalid(manager.post(url, bad, format="json")) == {"changes.1.year"}
    assert not Programme.objects.filter(name="Slecht").exists()
    good = {"name": "Goed", "time_tolerance": 2, "changes": [{"kind": "moet", "work_key": "P:A"}]}
    response = manager.post(url, good, format="json")
    assert response.status_code == 201, response.content
    made = Programme.objects.get(name="Goed")
    assert (made.based_on, made.time_tolerance) == (base, 2)
    assert list(made.changes.values_list("kind", flat=True)) == ["moet"]


def test_promoting_and_its_refusal_on_an_adopted_base(scenario):
    scenarios.change_add(scenario, None, kind="uitsluiten", work_key="P:A")
    manager = _client(Role.PROGRAMME_MANAGER)
    assert _client(Role.VIEWER).post(f"{API}/{scenario.pk}/promoveren").status_code == 403
    other = scenarios.scenario_create(scenario.based_on, "T", None)
    scenarios.change_add(other, None, kind="moet", work_key="P:B")
    response = manager.post(f"{API}/{scenario.pk}/promoveren")
    assert response.status_code == 200, response.content
    assert response.json()["id"] == scenario.based_on_id
    Programme.objects.filter(pk=scenario.based_on_id).update(
        status="vastgesteld", adopted_on="2026-01-01", adopted_by="raad"
    )
    response = manager.post(f"{API}/{other.pk}/promoveren")
    assert response.status_code == 409
    assert "nieuwe versie" in response.json()["detail"]


def test_the_comparison_of_several_scenarios(scenario):
    scenarios.change_add(
        scenario, None, kind="budget", budget_line=BudgetLine.objects.get(code="riolering"),
        year=2026, operation="erbij", amount=Decimal(40_000),
    )  # fmt: skip
    programme_compute(scenario)
    other = scenarios.scenario_create(scenario.based_on, "Zonder kabel", None)
    scenarios.change_add(other, None, kind="uitsluiten", work_key="P:C")
    programme_compute(other)
    viewer = _client(Role.VIEWER)
    url = f"{API}/{scenario.based_on_id}/vergelijking"
    body = viewer.get(url, {"met": [scenario.pk, other.pk]}).json()
    assert body["other"] == scenario.pk, "the first as before"
    columns = body["columns"]
    assert [c["programme"] for c in columns] == [scenario.based_on_id, scenario.pk, other.pk]
    assert [w["key"] for w in columns[1]["newly_funded"]] == ["P:A"]
    assert columns[2]["newly_unfunded_count"] == 1
    row = next(r for r in body["money"] if (r["budget_line"], r["year"]) == ("riolering", 2026))
    assert [Decimal(v) for v in row["gross"]] == [Decimal(60_000), Decimal(140_000), 60_000]
    assert _invalid(viewer.get(url, {"met": [scenario.pk, 999_999]})) == {"met"}
