"""Optimistic locking in the API: an ETag on every project and brief, and a write that
started from an old version refused with 412 (If-Match) or 409 (`version`), the data
unchanged (issue #7)."""

from decimal import Decimal

import pytest

from projects.models import Project, ProjectBrief
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import BudgetLineFactory, FundingFactory, ProjectBriefFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def jan():
    return client_for(user_with_role(Role.EDITOR, first_name="Jan", last_name="de Vries"))


@pytest.fixture
def petra():
    return client_for(user_with_role(Role.EDITOR, first_name="Petra", last_name="Bos"))


def url(project: Project) -> str:
    return f"/api/v1/projecten/{project.pk}"


def test_a_project_answers_with_its_version_as_etag(jan):
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(version=4)

    response = jan.get(url(project))

    assert response.status_code == 200
    assert response["ETag"] == '"4"'
    assert response.json()["version"] == 4


def test_a_stale_if_match_is_refused_with_412_and_changes_nothing(jan, petra):
    project = ProjectFactory(name="Herinrichting Prinsenstraat", street="Prinsenstraat")
    etag = petra.get(url(project))["ETag"]
    assert jan.patch(url(project), {"name": "Fase 2"}, format="json").status_code == 200

    response = petra.patch(
        url(project), {"street": "Kerkstraat"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == 412
    assert "Jan de Vries heeft dit project om" in body["detail"]
    assert body["version"] == 2
    assert [(c["name"], c["before"], c["after"]) for c in body["changes"]] == [
        ("name", "Herinrichting Prinsenstraat", "Fase 2")
    ]
    project.refresh_from_db()
    assert (project.name, project.street, project.version) == ("Fase 2", "Prinsenstraat", 2)


def test_a_stale_version_in_the_body_is_refused_with_409(jan, petra):
    project = ProjectFactory(name="Herinrichting Prinsenstraat")
    read = petra.get(url(project)).json()
    assert jan.patch(url(project), {"name": "Fase 2"}, format="json").status_code == 200

    response = petra.put(url(project), read | {"street": "Kerkstraat"}, format="json")

    assert response.status_code == 409
    assert response["Content-Type"] == PROBLEM
    assert "Jan de Vries" in response.json()["detail"]
    assert response.json()["changes"][0]["name"] == "name"
    project.refresh_from_db()
    assert (project.name, project.street) == ("Fase 2", "Prinsenstraat")


def test_a_fresh_version_is_saved_and_moves_the_version_on(jan):
    project = ProjectFactory()
    response = jan.get(url(project))

    response = jan.patch(
        url(project),
        {"street": "Kerkstraat", "version": 1},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    assert response.json()["version"] == 2
    project.refresh_from_db()
    assert (project.street, project.version) == ("Kerkstraat", 2)


def test_a_write_without_a_precondition_is_accepted(jan):
    project = ProjectFactory(version=3)

    response = jan.patch(url(project), {"street": "Kerkstraat"}, format="json")

    assert response.status_code == 200
    assert Project.objects.get(pk=project.pk).version == 4


def test_withdrawing_moves_the_version_on_and_honours_if_match(jan):
    project = ProjectFactory()
    withdraw = f"{url(project)}/intrekken"

    assert jan.post(withdraw, HTTP_IF_MATCH='"7"').status_code == 412
    response = jan.post(withdraw, HTTP_IF_MATCH='"1"')

    assert response.status_code == 200
    assert response["ETag"] == '"2"'
    project.refresh_from_db()
    assert (project.status, project.version) == ("ingetrokken", 2)


def test_a_stale_brief_is_refused(jan, petra):
    brief = ProjectBriefFactory(leading_task="Het riool is leidend.")
    brief_url = f"/api/v1/projectopdrachten/{brief.pk}"
    read = petra.get(brief_url)
    assert read["ETag"] == '"1"'
    assert jan.patch(brief_url, {"leading_task": "Het groen."}, format="json").status_code == 200

    response = petra.patch(
        brief_url, {"scope_out": "Parkeren."}, format="json", HTTP_IF_MATCH=read["ETag"]
    )

    assert response.status_code == 412
    assert "Jan de Vries heeft deze projectopdracht" in response.json()["detail"]
    brief.refresh_from_db()
    assert (brief.leading_task, brief.scope_out, brief.version) == ("Het groen.", "", 2)


def test_writes_to_a_projects_funding_move_the_projects_version_on(jan):
    funding = FundingFactory(amount=Decimal(100000))
    project = funding.project
    funding_url = f"/api/v1/financieringen/{funding.pk}"

    assert jan.patch(funding_url, {"amount": "90000"}, format="json").status_code == 200
    assert Project.objects.get(pk=project.pk).version == 2

    added = {"project": project.pk, "budget_line": BudgetLineFactory().pk, "year": 2031}
    response = jan.post("/api/v1/financieringen", added | {"amount": "5000"}, format="json")
    assert response.status_code == 201
    assert Project.objects.get(pk=project.pk).version == 3

    assert jan.delete(funding_url).status_code == 204
    assert Project.objects.get(pk=project.pk).version == 4
    latest = project.history.first()
    assert (latest.version, latest.history_user.last_name) == (4, "de Vries")


def test_a_client_that_read_before_a_funding_change_is_refused(jan, petra):
    funding = FundingFactory()
    project = funding.project
    etag = petra.get(url(project))["ETag"]
    patched = jan.patch(f"/api/v1/financieringen/{funding.pk}", {"secured": False}, format="json")
    assert patched.status_code == 200

    response = petra.patch(
        url(project), {"street": "Kerkstraat"}, format="json", HTTP_IF_MATCH=etag
    )

    assert response.status_code == 412
    assert Project.objects.get(pk=project.pk).street == "Prinsenstraat"


def test_the_schema_documents_etag_if_match_and_the_refusals(jan):
    schema = jan.get("/api/v1/openapi.json").json()
    for path in ("/projecten/{id}", "/projectopdrachten/{id}"):
        for method in ("put", "patch"):
            operation = schema["paths"][path][method]
            headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
            assert "If-Match" in headers
            assert {"200", "409", "412"} <= set(operation["responses"])
            assert PROBLEM in operation["responses"]["412"]["content"]
            assert "ETag" in operation["responses"]["200"]["headers"]
        assert "ETag" in schema["paths"][path]["get"]["responses"]["200"]["headers"]


def test_a_brief_made_through_the_api_starts_at_version_one(jan):
    project = ProjectFactory()

    response = jan.post(
        "/api/v1/projectopdrachten", {"project": project.pk, "version": 9}, format="json"
    )

    assert response.status_code == 201
    assert ProjectBrief.objects.get(project=project).version == 1
