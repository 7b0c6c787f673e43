"""A project's team, hours and maintenance effect (issue #19 §3, §4): on the form, the API
and the detail page; a partner chooses only among its own organisation's teams."""

from decimal import Decimal

import pytest
from django.urls import reverse

from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import ActorFactory, ProjectFactory, TeamFactory

pytestmark = pytest.mark.django_db


def test_a_project_names_its_team_hours_and_maintenance_through_the_api(client):
    team = TeamFactory(code="wegen", name="Team Wegen")
    project = ProjectFactory()
    manager = user_with_role(Role.PROGRAMME_MANAGER)
    api = client_for(manager)
    url = f"/api/v1/projecten/{project.pk}"
    version = api.get(url).json()["version"]
    body = {"team": team.pk, "hours": 450, "maintenance": "1200.00", "version": version}
    response = api.patch(url, body, format="json")
    assert response.status_code == 200, response.json()
    project.refresh_from_db()
    assert (project.team, project.hours, project.maintenance) == (team, 450, Decimal("1200"))
    bad = api.patch(url, {"hours": -1, "version": response.json()["version"]}, format="json")
    assert bad.status_code == 400
    assert "hours" in str(bad.json())
    client.force_login(manager)
    page = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "Team Wegen" in page
    assert "450" in page


def test_a_partner_may_not_give_its_work_another_organisations_team():
    enexis = ActorFactory(partner=True, name="Enexis")
    own = TeamFactory(actor=enexis, discipline="")
    other = TeamFactory()
    project = ProjectFactory(owner=enexis)
    api = client_for(user_with_role(Role.PARTNER, organisation=enexis))
    url = f"/api/v1/projecten/{project.pk}"
    version = api.get(url).json()["version"]
    refused = api.patch(url, {"team": other.pk, "version": version}, format="json")
    assert refused.status_code == 400
    assert "team" in str(refused.json())
    assert api.patch(url, {"team": own.pk, "version": version}, format="json").status_code == 200
