"""/api/v1/realisaties and /api/v1/werkelijke-kosten (#20 §1): CRUD by work key with the
costs nested, the same refusals as the page (by field, nothing stored), and partners
who see and write only their own works."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assets.models import Asset
from impor.templatetags.impor_format import euro
from programming.models import ActualCost, Realisation, RealisationStatus
from programming.realisation import CostRow, actual_by_key, programme_rows, realisation_save
from projects.models import Project
from stakeholders.choices import Role
from stakeholders.models import Actor, BudgetLine
from tests.api.conftest import client_for
from tests.factories import ActorFactory
from tests.programming.test_realisation import add_sewers_and_compute, sewer_work, user_with_role
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/realisaties"


def one(key: str) -> str:
    return f"{LIST}/{key}"


@pytest.fixture
def computed(street):  # noqa: F811 (the fixture)
    return add_sewers_and_compute(street)


@pytest.fixture
def manager():
    return client_for(user_with_role(Role.PROGRAMME_MANAGER))


def test_create_read_update_and_delete_by_key_with_nested_costs(computed, manager):
    key = sewer_work(computed).key
    body = {
        "key": key,
        "status": "uitvoering",
        "actual_start": "2026-03-02",
        "costs": [{"budget_line": "grp-riolering", "year": 2026, "amount": "120000.00"}],
    }
    created = manager.post(LIST, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["label"] == "riolering: Kerkstraat (2 objecten)"
    assert created.json()["register_updated"] is None
    assert manager.get(one(key)).json()["costs"] == [
        {"budget_line": "grp-riolering", "year": 2026, "amount": "120000.00", "reason": "",
         "source": "API"}
    ]  # fmt: skip
    finished = manager.patch(
        one(key), {"status": "gereed", "actual_finish": "2026-11-20"}, format="json"
    )
    assert finished.status_code == 200, finished.json()
    assert finished.json()["register_updated"] == 2
    assert finished.json()["costs"][0]["amount"] == "120000.00", "left out: kept"
    assert Asset.objects.get(external_id="R1").construction_year == 2026
    assert manager.post(LIST, body, format="json").status_code == 400, "the key exists"
    assert manager.delete(one(key)).status_code == 204
    assert not ActualCost.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"key": "P:ONBEKEND"}, "key"),
        ({"actual_start": "2026-05-01", "actual_finish": "2026-04-01"}, "actual_finish"),
        ({"status": "gereed"}, "actual_finish"),
        ({"status": "klaar"}, "status"),
        ({"costs": [{"budget_line": "enexis", "year": 2026, "amount": "-5"}]}, "costs"),
        ({"costs": [{"budget_line": "bestaat-niet", "year": 2026, "amount": "5"}]}, "costs"),
        ({"costs": [{"budget_line": "enexis", "year": 2024, "amount": "5"}]}, "costs"),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_stored(computed, manager, body, field):
    BudgetLine.objects.filter(code="enexis").update(closed_through=2024)
    response = manager.post(LIST, {"key": "P:E-1", **body}, format="json")
    assert response.status_code == 400
    assert field in response.json() or field in str(response.json()), response.json()
    assert not Realisation.objects.exists()
    assert not ActualCost.objects.exists()


def test_a_partner_sees_and_writes_only_its_own(computed):
    grid = Actor.objects.get(name="Netbeheerder")
    partner = client_for(user_with_role(Role.PARTNER, organisation=grid))
    other = client_for(user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True)))
    realisation_save(key=sewer_work(computed).key, status=RealisationStatus.RUNNING)
    body = {
        "key": "P:E-1",
        "status": "uitvoering",
        "costs": [{"budget_line": "enexis", "year": 2026, "amount": "300"}],
    }
    assert partner.post(LIST, body, format="json").status_code == 201
    assert [r["key"] for r in partner.get(LIST).json()["results"]] == ["P:E-1"]
    refused = partner.post(LIST, {"key": sewer_work(computed).key}, format="json")
    assert refused.status_code == 400, "the municipality's work"
    assert other.get(LIST).json()["results"] == []
    assert other.get(one("P:E-1")).status_code == 404
    assert other.patch(one("P:E-1"), {"status": "vervallen"}, format="json").status_code == 404
    assert partner.delete(one("P:E-1")).status_code == 403, "partners do not delete"
    costs = partner.get("/api/v1/werkelijke-kosten").json()["results"]
    assert [(c["key"], c["amount"]) for c in costs] == [("P:E-1", "300.00")]
    assert other.get("/api/v1/werkelijke-kosten").json()["results"] == []
    # A partner is offered only its own budget lines.
    theirs = {"costs": [{"budget_line": "grp-riolering", "year": 2026, "amount": "1"}]}
    assert partner.patch(one("P:E-1"), theirs, format="json").status_code == 400


def test_a_viewer_reads_but_does_not_write(computed):
    viewer = client_for(user_with_role(Role.VIEWER))
    assert viewer.get(LIST).status_code == 200
    assert viewer.post(LIST, {"key": "P:E-1"}, format="json").status_code == 403


def test_actual_costs_filter_by_year_and_line(computed, manager):
    enexis, sewer = (
        BudgetLine.objects.get(code="enexis"),
        BudgetLine.objects.get(code="grp-riolering"),
    )
    realisation_save(
        key="P:E-1", costs=[CostRow(enexis, 2026, Decimal(10)), CostRow(enexis, 2027, Decimal(20))]
    )
    realisation_save(key=sewer_work(computed).key, costs=[CostRow(sewer, 2026, Decimal(30))])
    url = "/api/v1/werkelijke-kosten"
    assert len(manager.get(url).json()["results"]) == 3
    in_2026 = manager.get(url, {"jaar": 2026}).json()["results"]
    assert sorted(c["amount"] for c in in_2026) == ["10.00", "30.00"]
    on_enexis = manager.get(url, {"budgetregel": "enexis"}).json()["results"]
    assert sorted(c["year"] for c in on_enexis) == [2026, 2027]
    assert manager.post(url, {}, format="json").status_code == 405


def test_the_openapi_document_names_both_resources(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/realisaties", "/realisaties/{key}", "/werkelijke-kosten"} <= set(paths)


def test_page_api_and_selector_agree_on_a_works_actual_cost(client, computed, manager):
    enexis = BudgetLine.objects.get(code="enexis")
    realisation_save(
        key="P:E-1",
        status=RealisationStatus.RUNNING,
        costs=[CostRow(enexis, 2026, Decimal("1000.10")), CostRow(enexis, 2027, Decimal("20"))],
    )
    from_selector = actual_by_key(["P:E-1"])["P:E-1"]
    from_api = sum(Decimal(c["amount"]) for c in manager.get(one("P:E-1")).json()["costs"])
    client.force_login(user_with_role(Role.VIEWER))
    rows = {w.key: w for w in programme_rows(computed, user_with_role(Role.VIEWER))}
    page = client.get(reverse("programming:programme_realisation", args=[computed.pk]))
    assert from_selector == from_api == rows["P:E-1"].actual_cost == Decimal("1020.10")
    assert euro(from_selector) in page.content.decode()


def invalid(response) -> dict[str, str]:
    """The refused fields of a 400 answer (problem details) and the first reason of each."""
    reasons: dict[str, str] = {}
    for problem in response.json()["invalidParams"]:
        reasons.setdefault(problem["name"].split(".")[0].split("[")[0], problem["reason"])
    return reasons


def test_removed_assets_on_a_finished_work_are_deleted_with_history(computed, manager):
    key = sewer_work(computed).key
    r1, r2, r4 = (Asset.objects.get(external_id=e) for e in ("R1", "R2", "R4"))
    body = {"key": key, "status": "gereed", "actual_finish": "2026-11-20"}
    outside = manager.post(LIST, body | {"removed_assets": [r1.pk, r4.pk]}, format="json")
    assert outside.status_code == 400, outside.json()
    assert invalid(outside)["removed_assets"].startswith(
        f"Deze objecten horen niet bij dit werk: {r4.pk}."
    )
    assert Asset.objects.filter(pk__in=[r1.pk, r2.pk, r4.pk]).count() == 3
    assert not Realisation.objects.exists()
    not_finished = body | {"status": "uitvoering", "removed_assets": [r1.pk]}
    assert "removed_assets" in invalid(manager.post(LIST, not_finished, format="json"))
    bad = manager.post(LIST, body | {"removed_assets": ["R1"]}, format="json")
    assert "removed_assets" in invalid(bad)
    created = manager.post(LIST, body | {"removed_assets": [r1.pk, r2.pk]}, format="json")
    assert created.status_code == 201, created.json()
    assert "removed_assets" not in created.json()
    assert not Asset.objects.filter(pk__in=[r1.pk, r2.pk]).exists()
    reasons = {h.history_change_reason for h in Asset.history.filter(history_type="-")}
    assert reasons == {f"realisatie {key} (verwijderd)"}
    trail = manager.get(f"/api/v1/beheerobjecten/{r1.pk}/geschiedenis")
    assert trail.status_code == 200  # the history the answer promises stays readable
    assert trail.json()["results"][0]["change"] == "deleted"
    assert trail.json()["results"][0]["reason"] == f"realisatie {key} (verwijderd)"


def test_a_partner_removes_no_assets_through_the_api(computed):
    r3 = Asset.objects.get(external_id="R3")
    realisation_save(key="P:E-1", status=RealisationStatus.RUNNING)
    Project.objects.get(code="E-1").assets.add(r3)
    other = client_for(user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True)))
    body = {"status": "gereed", "actual_finish": "2026-11-20", "removed_assets": [r3.pk]}
    assert other.patch(one("P:E-1"), body, format="json").status_code == 404
    grid = client_for(
        user_with_role(Role.PARTNER, organisation=Actor.objects.get(name="Netbeheerder"))
    )
    refused = grid.patch(one("P:E-1"), body, format="json")
    assert refused.status_code == 400
    assert "removed_assets" in invalid(refused)
    assert Asset.objects.filter(pk=r3.pk).exists()
    assert Realisation.objects.get(key="P:E-1").status == RealisationStatus.RUNNING
