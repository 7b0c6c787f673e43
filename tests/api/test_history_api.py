"""GET /api/v1/<resource>/{id}/geschiedenis: the audit trail in the API (impor.api.history)."""

from decimal import Decimal

import pytest

from projects.models import Project
from stakeholders.choices import Role
from tests.api.conftest import client_for, token_client, user_with_role
from tests.factories import (
    ActorFactory,
    AssetFactory,
    BudgetAmountFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectBriefFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


def test_an_api_write_is_attributed_to_the_tokens_user(enexis, enexis_user, enexis_client):
    enexis_user.first_name, enexis_user.last_name = "Erik", "Netbeheer"
    enexis_user.save()
    project = ProjectFactory(owner=enexis, name="Vervanging middenspanning")

    response = enexis_client.patch(
        f"/api/v1/projecten/{project.pk}", {"name": "Vervanging laagspanning"}, format="json"
    )
    assert response.status_code == 200

    history = enexis_client.get(f"/api/v1/projecten/{project.pk}/geschiedenis").json()
    newest = history["results"][0]
    assert newest["user"] == "Erik Netbeheer"
    assert newest["change"] == "changed"
    assert {"field": "name", "label": "naam", "old": "Vervanging middenspanning",
            "new": "Vervanging laagspanning"} in newest["changes"]  # fmt: skip
    assert history["results"][-1]["change"] == "created"
    assert history["results"][-1]["user"] is None


def test_a_partner_cannot_read_another_partners_project_history(enexis, vechthorst, enexis_client):
    theirs = ProjectFactory(owner=vechthorst)
    funding = FundingFactory(project=theirs)
    before = Project.history.filter(id=theirs.pk).count()

    assert enexis_client.get(f"/api/v1/projecten/{theirs.pk}/geschiedenis").status_code == 404
    assert enexis_client.get(f"/api/v1/financieringen/{funding.pk}/geschiedenis").status_code == 404
    own = ProjectFactory(owner=enexis)
    assert enexis_client.get(f"/api/v1/projecten/{own.pk}/geschiedenis").status_code == 200
    assert Project.history.filter(id=theirs.pk).count() == before


def test_the_project_history_includes_funding_and_brief_and_is_paged(viewer):
    project = ProjectFactory()
    ProjectBriefFactory(project=project)
    for year in range(2030, 2090):
        FundingFactory(project=project, year=year, amount=Decimal("1000"))

    first = viewer.get(f"/api/v1/projecten/{project.pk}/geschiedenis").json()
    second = viewer.get(first["next"]).json()

    assert first["count"] == 62
    assert len(first["results"]) == 50
    assert len(second["results"]) == 12
    models = {entry["model"] for entry in first["results"] + second["results"]}
    assert models == {"project", "funding", "projectbrief"}


@pytest.mark.parametrize(
    ("resource", "make", "role"),
    [
        ("beheerobjecten", AssetFactory, Role.VIEWER),
        ("financieringen", FundingFactory, Role.VIEWER),
        ("projectopdrachten", ProjectBriefFactory, Role.VIEWER),
        ("budgetregels", lambda: BudgetAmountFactory().budget_line, Role.VIEWER),
        ("beoordelingskaders", lambda: CriterionFactory().framework, Role.PROGRAMME_MANAGER),
        ("programmas", ProgrammeFactory, Role.PROGRAMME_MANAGER),
    ],
)
def test_every_audited_resource_answers_its_history(resource, make, role):
    obj = make()
    response = client_for(user_with_role(role)).get(f"/api/v1/{resource}/{obj.pk}/geschiedenis")
    assert response.status_code == 200
    assert response.json()["results"][-1]["change"] == "created"


def test_a_partner_reads_no_programme_history(enexis_user):
    programme = ProgrammeFactory()
    response = token_client(enexis_user).get(f"/api/v1/programmas/{programme.pk}/geschiedenis")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_history_endpoint_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operation = paths["/projecten/{id}/geschiedenis"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/HistoryPage")
    assert "/programmas/{id}/geschiedenis" in paths
    assert "/beoordelingskaders/{id}/geschiedenis" in paths


def test_an_asset_history_needs_the_view_permission():
    asset = AssetFactory()
    partner = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True))
    response = client_for(partner).get(f"/api/v1/beheerobjecten/{asset.pk}/geschiedenis")
    assert response.status_code == 403
