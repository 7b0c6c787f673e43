"""The partner flow: a partner's integration delivers, updates, marks and withdraws its
own works, and cannot read or change another partner's (by list, detail, filter, export
or guessed id)."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from programming.selectors import _project_works
from projects.choices import ProjectStatus
from projects.models import Project
from stakeholders.choices import Role
from tests.api.conftest import user_with_role
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

NEW_WORK = {
    "code": "ENX-2027-01",
    "name": "Netverzwaring Prinsenstraat",
    "kind": "transitie",
    "start_year": 2027,
    "end_year": 2027,
    "certainty": "idee",
    "opens_street": True,
    "geometry": {"type": "LineString", "coordinates": [[6.2606, 52.5066], [6.2612, 52.5066]]},
}


@pytest.fixture
def other_work(vechthorst):
    return ProjectFactory(owner=vechthorst, name="Renovatie Vechthorst")


def snapshot(project: Project) -> dict:
    return Project.objects.filter(pk=project.pk).values().get()


def test_a_partner_lists_and_reads_only_its_own_works(enexis_client, enexis, other_work):
    own = ProjectFactory(owner=enexis)
    body = enexis_client.get("/api/v1/projecten").json()
    assert [row["id"] for row in body["results"]] == [own.pk]
    assert enexis_client.get(f"/api/v1/projecten/{own.pk}").status_code == 200


def test_a_guessed_id_of_another_partner_is_not_found_and_stays_unchanged(
    enexis_client, other_work
):
    before = snapshot(other_work)
    url = f"/api/v1/projecten/{other_work.pk}"
    assert enexis_client.get(url).status_code == 404
    assert enexis_client.put(url, {**NEW_WORK}, format="json").status_code == 404
    assert enexis_client.patch(url, {"name": "Gekaapt"}, format="json").status_code == 404
    assert enexis_client.delete(url).status_code == 404
    assert enexis_client.post(f"{url}/intrekken").status_code == 404
    assert snapshot(other_work) == before


def test_filtering_on_another_owner_answers_as_an_owner_that_does_not_exist(
    enexis_client, vechthorst, other_work
):
    foreign = enexis_client.get(f"/api/v1/projecten?owner={vechthorst.pk}")
    missing = enexis_client.get("/api/v1/projecten?owner=987654")
    assert foreign.status_code == missing.status_code == 400
    assert [p["name"] for p in foreign.json()["invalidParams"]] == ["owner"]
    body = enexis_client.get(f"/api/v1/projecten?q={other_work.code}").json()
    assert body["count"] == 0


def test_a_partner_cannot_book_funding_on_another_organisations_budget_line(enexis_client, enexis):
    own_project = ProjectFactory(owner=enexis)
    own_line = BudgetLineFactory(owner=enexis)
    for line in (BudgetLineFactory(), BudgetLineFactory(owner=ActorFactory(partner=True))):
        response = enexis_client.post(
            "/api/v1/financieringen",
            {"project": own_project.pk, "budget_line": line.pk, "year": 2027, "amount": "10"},
            format="json",
        )
        assert response.status_code == 400
        assert response["Content-Type"] == "application/problem+json"
        assert [p["name"] for p in response.json()["invalidParams"]] == ["budget_line"]
    assert not own_project.fundings.exists()
    response = enexis_client.post(
        "/api/v1/financieringen",
        {"project": own_project.pk, "budget_line": own_line.pk, "year": 2027, "amount": "10"},
        format="json",
    )
    assert response.status_code == 201


def test_a_partner_names_only_its_own_organisation_as_lead(enexis_client, enexis):
    response = enexis_client.post(
        "/api/v1/projecten",
        {
            "code": "E-9",
            "name": "Kabel",
            "kind": "transitie",
            "start_year": 2027,
            "end_year": 2027,
            "lead": ActorFactory().pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "lead" in [p["name"] for p in response.json()["invalidParams"]]


def test_exports_hold_only_own_rows(enexis_client, enexis, enexis_user, other_work, client):
    own = ProjectFactory(owner=enexis)
    geojson = enexis_client.get("/api/v1/projecten?format=geojson").json()
    assert [f["id"] for f in geojson["features"]] == [own.pk]
    client.force_login(enexis_user)
    response = client.get(reverse("projects:project_list") + "?export=csv")
    csv = b"".join(response.streaming_content).decode()
    assert own.code in csv
    assert other_work.code not in csv


def test_a_partner_creates_a_work_owned_by_its_organisation(enexis_client, enexis):
    response = enexis_client.post("/api/v1/projecten", NEW_WORK, format="json")
    assert response.status_code == 201, response.json()
    work = Project.objects.get(code="ENX-2027-01")
    assert work.owner == enexis
    assert work.certainty == "idee"
    assert work.geometry.startswith("LINESTRING")


def test_a_partner_cannot_deliver_a_work_for_another_owner(enexis_client, vechthorst):
    response = enexis_client.post(
        "/api/v1/projecten", {**NEW_WORK, "owner": vechthorst.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "owner"
    assert not Project.objects.exists()


def test_a_partner_marks_the_certainty_of_its_work(enexis_client, enexis):
    own = ProjectFactory(owner=enexis)
    response = enexis_client.patch(
        f"/api/v1/projecten/{own.pk}", {"certainty": "vastgesteld"}, format="json"
    )
    assert response.status_code == 200
    own.refresh_from_db()
    assert own.certainty == "vastgesteld"
    bad = enexis_client.patch(f"/api/v1/projecten/{own.pk}", {"certainty": "zeker"}, format="json")
    assert bad.json()["invalidParams"][0]["name"] == "certainty"


def test_a_partner_cannot_move_its_work_to_another_owner(enexis_client, enexis, vechthorst):
    own = ProjectFactory(owner=enexis)
    response = enexis_client.patch(
        f"/api/v1/projecten/{own.pk}", {"owner": vechthorst.pk}, format="json"
    )
    assert response.status_code == 400
    own.refresh_from_db()
    assert own.owner == enexis


def test_a_partner_withdraws_its_work(enexis_client, enexis):
    own = ProjectFactory(owner=enexis)
    response = enexis_client.post(f"/api/v1/projecten/{own.pk}/intrekken")
    assert response.status_code == 200
    assert response.json()["status"] == "ingetrokken"
    own.refresh_from_db()
    assert own.status == ProjectStatus.INGETROKKEN


def test_a_viewer_cannot_withdraw_a_project(viewer):
    project = ProjectFactory()
    assert viewer.post(f"/api/v1/projecten/{project.pk}/intrekken").status_code == 403
    project.refresh_from_db()
    assert project.status == ProjectStatus.INITIATIEF


def test_the_programme_no_longer_plans_a_withdrawn_work(enexis):
    kept = ProjectFactory(owner=enexis)
    ProjectFactory(owner=enexis, status=ProjectStatus.INGETROKKEN)
    keys = [work.key for work in _project_works(ProgrammeFactory())]
    assert keys == [f"P:{kept.code}"]


def test_a_partner_sees_and_writes_only_fundings_of_its_own_works(
    enexis_client, enexis, other_work
):
    own = ProjectFactory(owner=enexis)
    FundingFactory(project=own)
    theirs = FundingFactory(project=other_work)
    body = enexis_client.get("/api/v1/financieringen").json()
    assert [row["project"] for row in body["results"]] == [own.pk]
    assert enexis_client.get(f"/api/v1/financieringen/{theirs.pk}").status_code == 404
    response = enexis_client.post(
        "/api/v1/financieringen",
        {
            "project": other_work.pk,
            "budget_line": theirs.budget_line_id,
            "year": 2031,
            "amount": "1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "project"
    assert other_work.fundings.count() == 1


def test_a_partner_reads_no_other_registers(enexis_client):
    for resource in ("actoren", "beheerobjecten", "gebieden", "budgetregels"):
        assert enexis_client.get(f"/api/v1/{resource}").status_code == 403


def test_a_municipal_user_sees_every_work(manager, enexis, other_work):
    ProjectFactory(owner=enexis)
    assert manager.get("/api/v1/projecten").json()["count"] == 2


def test_a_partner_using_the_browser_session_is_held_to_the_same_rules(enexis, other_work):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user_with_role(Role.PARTNER, organisation=enexis))
    assert client.get(f"/api/v1/projecten/{other_work.pk}").status_code == 404
    # A session write without the CSRF token is refused: the browser's login cannot be
    # abused by another site.
    assert client.post("/api/v1/projecten", NEW_WORK, format="json").status_code == 403
    assert not Project.objects.filter(code=NEW_WORK["code"]).exists()
