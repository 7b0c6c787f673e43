"""The audit trail on the pages: who changed what and when, with old and new values as
the user sees them (impor.history, templates/history/object_history.html)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from impor.history import ObjectHistory
from projects.choices import ProjectStatus
from projects.models import Project
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import user_with_role
from tests.factories import (
    ActorFactory,
    AssetFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectBriefFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _roles(db):
    ensure_role_groups()


def _management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_a_change_through_a_page_shows_who_when_and_old_and_new_values(client):
    line = BudgetLineFactory(name="Riolering")
    amount = BudgetAmountFactory(budget_line=line, year=2027, amount=Decimal("500000"))
    manager = user_with_role(Role.PROGRAMME_MANAGER, first_name="Petra", last_name="de Vries")
    client.force_login(manager)
    data = {
        "code": line.code,
        "name": "Riolering en water",
        "owner": line.owner_id,
        **_management("amounts", total=1, initial=1),
        "amounts-0-id": amount.pk,
        "amounts-0-year": "2027",
        "amounts-0-amount": "750000",
    }
    assert (
        client.post(reverse("stakeholders:budgetline_update", args=[line.pk]), data).status_code
        == 302
    )

    response = client.get(reverse("stakeholders:budgetline_history", args=[line.pk]))

    body = response.content.decode()
    assert response.status_code == 200
    assert "<caption>" in body
    assert '<th scope="col">' in body
    assert "door Petra de Vries" in body
    assert "naam: Riolering → Riolering en water" in body
    assert "Jaarbedrag 2027 gewijzigd" in body
    assert "bedrag (€): 500.000,00 → 750.000,00" in body
    assert timezone.localtime().strftime("%Y") in body
    assert "systeem/import" in body  # the factory's rows were written without a user
    entries = ObjectHistory(line)[:10]
    assert [e.user for e in entries[:2]] == ["Petra de Vries", "Petra de Vries"]


def test_a_project_history_names_related_objects_choice_labels_and_its_funding_and_brief(client):
    old_owner, new_owner = ActorFactory(name="Team Wegen"), ActorFactory(name="Team Riolering")
    project = ProjectFactory(owner=old_owner)
    funding = FundingFactory(project=project, year=2028)
    ProjectBriefFactory(project=project)
    project.owner = new_owner
    project.status = ProjectStatus.UITVOERING
    project.geometry = "POINT (210000 500000)"
    project.save()
    funding.delete()
    client.force_login(user_with_role(Role.VIEWER))

    body = client.get(reverse("projects:project_history", args=[project.pk])).content.decode()

    assert "eigenaar: Team Wegen → Team Riolering" in body
    assert f"fase: {ProjectStatus.INITIATIEF.label} → {ProjectStatus.UITVOERING.label}" in body
    assert "geometrie: geometrie gewijzigd" in body
    assert "Dekking" in body
    assert "2028 verwijderd" in body
    assert "Projectopdracht aangemaakt" in body
    assert (
        reverse("projects:project_history", args=[project.pk])
        in client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    )


def test_a_partner_cannot_read_another_partners_project_history(client):
    own, other = ActorFactory(partner=True), ActorFactory(partner=True)
    theirs = ProjectFactory(owner=other, name="Vervanging gasleiding")
    mine = ProjectFactory(owner=own)
    before = list(Project.history.filter(id=theirs.pk).values_list("history_id", "name"))
    client.force_login(user_with_role(Role.PARTNER, organisation=own))

    assert client.get(reverse("projects:project_history", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("projects:project_history", args=[mine.pk])).status_code == 200
    assert list(Project.history.filter(id=theirs.pk).values_list("history_id", "name")) == before


def test_the_history_page_needs_the_detail_pages_permission(client):
    asset = AssetFactory()
    client.force_login(user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True)))
    assert client.get(reverse("assets:asset_history", args=[asset.pk])).status_code == 403
    client.logout()
    response = client.get(reverse("assets:asset_history", args=[asset.pk]))
    assert response.status_code == 302
    assert "inloggen" in response.url


@pytest.mark.parametrize("versions", [3, 60])
def test_the_history_page_reads_a_bounded_number_of_queries(
    client, django_assert_max_num_queries, versions
):
    project = ProjectFactory()
    for year in range(2030, 2030 + versions // 3):
        FundingFactory(project=project, year=year)
    for number in range(versions):
        project.name = f"Herinrichting versie {number}"
        project.owner = ActorFactory()
        project.save()
    client.force_login(user_with_role(Role.VIEWER))

    with django_assert_max_num_queries(14):
        response = client.get(reverse("projects:project_history", args=[project.pk]))

    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 1 + versions + versions // 3
    assert len(response.context["entries"]) == min(25, 1 + versions + versions // 3)


def test_the_history_is_paged_newest_first(client):
    asset = AssetFactory(street="Straat 0")
    for number in range(1, 30):
        asset.street = f"Straat {number}"
        asset.save()
    client.force_login(user_with_role(Role.VIEWER))
    url = reverse("assets:asset_history", args=[asset.pk])

    first = client.get(url).context["entries"]
    second = client.get(url, {"page": 2}).context["entries"]

    assert first[0].changes[0].new == "Straat 29"
    assert len(first) == 25
    assert len(second) == 5
    assert second[-1].change == "created"
    assert (
        "Geschiedenis"
        in client.get(reverse("assets:asset_detail", args=[asset.pk])).content.decode()
    )


def test_framework_and_programme_histories_show_criteria_and_coupling_decisions(client):
    criterion = CriterionFactory(weight=Decimal("2"))
    criterion.weight = Decimal("3.5")
    criterion.save()
    programme = ProgrammeFactory(framework=criterion.framework)
    programme.decisions.create(key="abc123", status="geaccepteerd", reason="Samen met de riolering")
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))

    framework_page = client.get(
        reverse("programming:framework_history", args=[criterion.framework.pk])
    ).content.decode()
    programme_page = client.get(
        reverse("programming:programme_history", args=[programme.pk])
    ).content.decode()

    assert "gewicht: 2,00 → 3,50" in framework_page
    assert "Besluit over koppelkans" in programme_page
    assert "reden: Samen met de riolering" in programme_page
    detail = client.get(reverse("programming:programme_detail", args=[programme.pk]))
    assert reverse("programming:programme_history", args=[programme.pk]) in detail.content.decode()


def test_the_admin_shows_the_same_history(client):
    project = ProjectFactory(name="Oud")
    project.name = "Nieuw"
    project._change_reason = "rechtzetting"
    project.save()
    client.force_login(user_with_role(Role.ADMINISTRATOR, is_staff=True, is_superuser=True))

    response = client.get(reverse("admin:projects_project_history", args=[project.pk]))

    assert response.status_code == 200
    assert "rechtzetting" in response.content.decode()


def test_a_deleted_assets_history_stays_readable_on_the_page_and_in_the_api(client):
    """A work that removes assets deletes them; what happened to them stays on record."""
    asset = AssetFactory(external_id="BOOM-0042")
    name = str(asset)
    remover = user_with_role(Role.EDITOR)
    remover.first_name, remover.last_name = "Rita", "Realisatie"
    remover.save()
    asset._history_user = remover
    asset._change_reason = "Werk 2027-R-12 (verwijderd)"
    pk = asset.pk
    asset.delete()
    client.force_login(user_with_role(Role.VIEWER))

    response = client.get(reverse("assets:asset_history", args=[pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Geschiedenis van {name}" in page
    assert "verwijderd op" in page
    assert "door Rita Realisatie" in page
    # The way back is the list: the asset has no page any more.
    assert f'href="{reverse("assets:asset_list")}"' in page
    assert f'href="{reverse("assets:asset_detail", args=[pk])}"' not in page
    newest = response.context["entries"][0]
    assert (newest.change, newest.user, newest.reason) == (
        "deleted", "Rita Realisatie", "Werk 2027-R-12 (verwijderd)"
    )  # fmt: skip
    assert client.get(reverse("assets:asset_detail", args=[pk])).status_code == 404

    api = client.get(f"/api/v1/beheerobjecten/{pk}/geschiedenis")
    assert api.status_code == 200
    assert [entry["change"] for entry in api.json()["results"]] == ["deleted", "created"]


def test_only_a_row_that_was_deleted_has_a_history_without_its_row(client):
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(reverse("assets:asset_history", args=[999_999])).status_code == 404
    assert client.get("/api/v1/beheerobjecten/999999/geschiedenis").status_code == 404
    assert client.get("/api/v1/beheerobjecten/abc/geschiedenis").status_code == 404


def test_a_deleted_projects_history_is_for_municipal_users_only(client):
    """The partner rule cannot be asked about a row that is gone, so a partner reads no
    deleted project's history, not even its own organisation's; a municipal user does."""
    own = ActorFactory(partner=True)
    project = ProjectFactory(owner=own, name="Vervanging gasleiding")
    pk = project.pk
    project.delete()
    url = reverse("projects:project_history", args=[pk])

    client.force_login(user_with_role(Role.PARTNER, organisation=own))
    assert client.get(url).status_code == 404
    assert client.get(f"/api/v1/projecten/{pk}/geschiedenis").status_code == 404

    client.force_login(user_with_role(Role.VIEWER))
    response = client.get(url)
    assert response.status_code == 200
    assert "Vervanging gasleiding" in response.content.decode()
    assert client.get(f"/api/v1/projecten/{pk}/geschiedenis").status_code == 200
