"""The teams register (capacity, issue #19 §3): pages, export and API, with the rights of
each role and a partner that sees only its own organisation's teams."""

import csv
import io

import pytest
from django.urls import reverse

from stakeholders.choices import Role
from stakeholders.models import Team, TeamHours
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import client_for, user_with_role
from tests.factories import ActorFactory, TeamFactory, TeamHoursFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_in_as(client):
    groups = ensure_role_groups()

    def log_in(role: str, **kwargs):
        user = UserFactory(**kwargs)
        user.groups.add(groups[role])
        client.force_login(user)
        return user

    return log_in


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_reader_sees_the_list_the_detail_and_the_export(client, log_in_as):
    team = TeamFactory(code="riolering", name="Team Riolering")
    TeamHoursFactory(team=team, year=2027, hours=1200)
    TeamHoursFactory(team=team, year=2028, hours=800)
    log_in_as("lezer")
    page = client.get(reverse("stakeholders:team_list")).content.decode()
    assert "Team Riolering" in page
    assert "2.000" in page  # the hours over all years
    detail = client.get(reverse("stakeholders:team_detail", args=[team.pk])).content.decode()
    assert "1.200" in detail
    assert "800" in detail
    response = client.get(reverse("stakeholders:team_list"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[1][:2] == ["riolering", "Team Riolering"]
    assert rows[1][-1] == "2000"
    assert client.get(reverse("stakeholders:team_update", args=[team.pk])).status_code == 403


def test_a_programme_manager_edits_the_hours_and_negative_hours_are_refused(client, log_in_as):
    team = TeamFactory()
    row = TeamHoursFactory(team=team, year=2027, hours=1000)
    log_in_as("programmamanager")
    data = {
        "code": team.code,
        "name": team.name,
        "actor": team.actor_id,
        "discipline": "riolering",
        **_management("hours", total=2, initial=1),
        "hours-0-id": row.pk,
        "hours-0-year": "2027",
        "hours-0-hours": "1500",
        "hours-1-year": "2028",
        "hours-1-hours": "-5",
    }
    url = reverse("stakeholders:team_update", args=[team.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["formsets"]["hours"].errors[1]["hours"] == [
        "Zorg ervoor dat deze waarde minstens 0 is."
    ]
    assert list(TeamHours.objects.values_list("year", "hours")) == [(2027, 1000)]
    data["hours-1-hours"] = "900"
    assert client.post(url, data).status_code == 302
    assert list(TeamHours.objects.values_list("year", "hours")) == [(2027, 1500), (2028, 900)]


def test_a_team_code_that_exists_already_is_refused(client, log_in_as):
    existing = TeamFactory(code="wegen")
    log_in_as("programmamanager")
    data = {
        "code": "wegen",
        "name": "Nog een team Wegen",
        "actor": existing.actor_id,
        **_management("hours"),
    }
    response = client.post(reverse("stakeholders:team_create"), data)
    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Team.objects.count() == 1


def test_the_menu_names_the_teams(client, log_in_as):
    log_in_as("lezer")
    page = client.get(reverse("stakeholders:team_list")).content.decode()
    assert f'href="{reverse("stakeholders:team_list")}"' in page


# --- API -------------------------------------------------------------------------------


def test_the_api_needs_a_login(client):
    assert client.get("/api/v1/teams").status_code in (401, 403)


def test_a_reader_reads_teams_with_their_hours_but_may_not_write():
    team = TeamFactory(code="groen")
    TeamHoursFactory(team=team, year=2028, hours=700)
    TeamHoursFactory(team=team, year=2027, hours=600)
    viewer = client_for(user_with_role(Role.VIEWER))
    body = viewer.get("/api/v1/teams").json()
    assert body["results"][0]["code"] == "groen"
    assert body["results"][0]["hours"] == [
        {"year": 2027, "hours": 600},
        {"year": 2028, "hours": 700},
    ]
    response = viewer.post("/api/v1/teams", {"code": "x", "name": "X", "actor": team.actor_id})
    assert response.status_code == 403


def test_a_programme_manager_creates_a_team_and_bad_input_names_the_field():
    actor = ActorFactory()
    manager = client_for(user_with_role(Role.PROGRAMME_MANAGER))
    good = {
        "code": "wegen",
        "name": "Team Wegen",
        "actor": actor.pk,
        "discipline": "verharding",
        "hours": [{"year": 2027, "hours": 1200}],
    }
    response = manager.post("/api/v1/teams", good, format="json")
    assert response.status_code == 201, response.json()
    assert list(TeamHours.objects.values_list("team__code", "year", "hours")) == [
        ("wegen", 2027, 1200)
    ]
    negative = {**good, "code": "groen", "hours": [{"year": 2027, "hours": -1}]}
    response = manager.post("/api/v1/teams", negative, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert "hours" in str(response.json())
    twice = manager.post("/api/v1/teams", {**good, "hours": []}, format="json")
    assert twice.status_code == 400
    assert "code" in str(twice.json())
    assert Team.objects.count() == 1


def test_a_partner_sees_only_its_own_teams(client, log_in_as):
    enexis = ActorFactory(partner=True, name="Enexis")
    own = TeamFactory(actor=enexis, name="Team Enexis", discipline="")
    other = TeamFactory(name="Team Wegen")
    partner = user_with_role(Role.PARTNER, organisation=enexis)
    api = client_for(partner)
    assert [t["code"] for t in api.get("/api/v1/teams").json()["results"]] == [own.code]
    assert api.get(f"/api/v1/teams/{other.pk}").status_code == 404
    assert api.post("/api/v1/teams", {"code": "x"}, format="json").status_code == 403
    client.force_login(partner)
    assert client.get(reverse("stakeholders:team_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("stakeholders:team_detail", args=[own.pk])).status_code == 200
