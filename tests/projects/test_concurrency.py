"""Two people editing the same project or brief: the second save is refused with who
changed what, the first edit survives and nothing of the second is written (issue #7).

The truly simultaneous case (two saves from the same version in two database
connections at once) runs on PostgreSQL only: SQLite runs one write at a time anyway.
"""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from impor.locking import EditConflict, claim_version
from projects import partner_import
from projects.models import Funding, Project, ProjectBrief
from projects.views import ProjectBriefUpdateView
from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    FundingFactory,
    ProjectBriefFactory,
    ProjectFactory,
)
from tests.projects.test_pages import user_with_role
from tests.projects.test_partner_import import row, write, xlsx
from tests.projects.test_project_formsets import posted_back
from tests.system import required

pytestmark = pytest.mark.django_db


def editor(first_name: str, last_name: str) -> Client:
    client = Client()
    client.force_login(user_with_role(Role.EDITOR, first_name=first_name, last_name=last_name))
    return client


@pytest.fixture
def jan():
    return editor("Jan", "de Vries")


@pytest.fixture
def petra():
    return editor("Petra", "Bos")


def opened(client: Client, url: str) -> dict:
    """What the page's form posts back unchanged, the version it started from included."""
    response = client.get(url)
    assert response.status_code == 200
    if "formsets" in response.context:
        return posted_back(response)
    form = response.context["form"]
    return {field.html_name: str(field.value()) for field in form if field.value() is not None}


def test_the_edit_page_carries_the_version_it_started_from(jan):
    project = ProjectFactory()
    Project.objects.filter(pk=project.pk).update(version=7)
    data = opened(jan, reverse("projects:project_update", args=[project.pk]))
    assert data["version"] == "7"


def test_the_second_save_of_a_project_is_refused_and_the_first_survives(jan, petra):
    project = ProjectFactory(name="Herinrichting Prinsenstraat", street="Prinsenstraat")
    line = BudgetLineFactory()
    url = reverse("projects:project_update", args=[project.pk])
    janes_form, petras_form = opened(jan, url), opened(petra, url)

    response = jan.post(url, janes_form | {"name": "Herinrichting Prinsenstraat fase 2"})
    assert response.status_code == 302

    petras_change = {
        "street": "Kerkstraat",
        "fundings-0-year": "2027",
        "fundings-0-budget_line": line.pk,
        "fundings-0-amount": "150000",
    }
    response = petra.post(url, petras_form | petras_change)

    assert response.status_code == 409
    page = response.content.decode()
    assert 'role="alert"' in page
    assert "autofocus" in page
    assert "Jan de Vries heeft dit project om" in page
    conflict = response.context["edit_conflict"]
    assert [(c.label, c.before, c.after) for c in conflict["changes"]] == [
        ("naam", "Herinrichting Prinsenstraat", "Herinrichting Prinsenstraat fase 2")
    ]
    assert f'href="{url}"' in page  # "Opnieuw laden"
    assert 'value="Kerkstraat"' in page  # her input is kept
    project.refresh_from_db()
    assert project.name == "Herinrichting Prinsenstraat fase 2"
    assert project.street == "Prinsenstraat"
    assert project.version == 2
    assert not Funding.objects.filter(project=project).exists()

    response = petra.post(url, opened(petra, url) | petras_change)
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.name, project.street, project.version) == (
        "Herinrichting Prinsenstraat fase 2",
        "Kerkstraat",
        3,
    )
    assert project.fundings.get().amount == Decimal(150000)


def test_a_changed_funding_row_is_a_change_of_the_project(jan, petra):
    funding = FundingFactory(amount=Decimal(100000))
    project = funding.project
    url = reverse("projects:project_update", args=[project.pk])
    janes_form, petras_form = opened(jan, url), opened(petra, url)

    assert jan.post(url, janes_form | {"fundings-0-amount": "90000"}).status_code == 302
    response = petra.post(url, petras_form | {"description": "Met bewonersavond."})

    assert response.status_code == 409
    assert "Jan de Vries" in response.content.decode()
    project.refresh_from_db()
    assert project.description == ""
    assert project.fundings.get().amount == Decimal(90000)


def test_a_refused_save_with_errors_shows_the_conflict_and_the_errors(jan, petra):
    project = ProjectFactory()
    url = reverse("projects:project_update", args=[project.pk])
    janes_form, petras_form = opened(jan, url), opened(petra, url)
    assert jan.post(url, janes_form | {"street": "Kerkstraat"}).status_code == 302

    response = petra.post(url, petras_form | {"name": ""})

    assert response.status_code == 409
    assert response.context["form"].errors["name"]
    assert "Jan de Vries heeft dit project" in response.content.decode()


def test_the_second_save_of_a_brief_is_refused_and_the_first_survives(jan, petra):
    brief = ProjectBriefFactory(leading_task="Het riool is leidend.")
    url = reverse("projects:brief_update", args=[brief.project.pk])
    janes_form, petras_form = opened(jan, url), opened(petra, url)

    response = jan.post(url, janes_form | {"leading_task": "Klimaatadaptatie is leidend."})
    assert response.status_code == 302
    response = petra.post(url, petras_form | {"scope_out": "De parkeerplaatsen."})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Jan de Vries heeft deze projectopdracht om" in page
    assert [(c.before, c.after) for c in response.context["edit_conflict"]["changes"]] == [
        ("Het riool is leidend.", "Klimaatadaptatie is leidend.")
    ]
    brief.refresh_from_db()
    assert (brief.leading_task, brief.scope_out, brief.version) == (
        "Klimaatadaptatie is leidend.",
        "",
        2,
    )

    response = petra.post(url, opened(petra, url) | {"scope_out": "De parkeerplaatsen."})
    assert response.status_code == 302
    brief.refresh_from_db()
    assert (brief.leading_task, brief.scope_out, brief.version) == (
        "Klimaatadaptatie is leidend.",
        "De parkeerplaatsen.",
        3,
    )


def test_a_brief_made_by_someone_else_meanwhile_is_not_overwritten(jan, petra):
    project = ProjectFactory()
    url = reverse("projects:brief_update", args=[project.pk])
    janes_form, petras_form = opened(jan, url), opened(petra, url)
    assert jan.post(url, janes_form | {"leading_task": "Het riool."}).status_code == 302

    response = petra.post(url, petras_form | {"leading_task": "Het groen."})

    assert response.status_code == 409
    assert ProjectBrief.objects.get(project=project).leading_task == "Het riool."


def test_two_first_saves_of_a_brief_at_once_refuse_the_second(jan, petra, monkeypatch):
    """Petra's request read "no brief yet" just before Jan's first save committed: her
    insert then meets Jan's row and is refused like any other late save."""
    project = ProjectFactory()
    url = reverse("projects:brief_update", args=[project.pk])
    petras_form = opened(petra, url)
    assert jan.post(url, opened(jan, url) | {"leading_task": "Het riool."}).status_code == 302
    real_get_object = ProjectBriefUpdateView.get_object
    calls = []

    def read_before_jan_committed(view, queryset=None):
        brief = real_get_object(view, queryset)
        calls.append(brief)
        return ProjectBrief(project=brief.project) if len(calls) == 1 else brief

    monkeypatch.setattr(ProjectBriefUpdateView, "get_object", read_before_jan_committed)

    response = petra.post(url, petras_form | {"leading_task": "Het groen."})

    assert response.status_code == 409
    assert "Jan de Vries" in response.context["edit_conflict"]["message"]
    assert ProjectBrief.objects.get(project=project).leading_task == "Het riool."


def waiting_for_a_lock(table: str) -> bool:
    """Whether another connection waits for a row lock of `table` (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND query LIKE %s",
            [f'UPDATE "{table}"%'],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_of_two_simultaneous_saves_from_the_same_version_exactly_one_wins():
    """Two threads, each with its own database connection, save version 1 of the same
    project. The first claims the version and keeps its transaction open until the
    second is seen waiting for the row's lock; then the first commits, and the second
    finds the version moved on and is refused."""
    if connection.vendor != "postgresql":
        if required("IMPOR_REQUIRE_POSTGRES"):
            pytest.fail("IMPOR_REQUIRE_POSTGRES is set but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL: SQLite runs one write transaction at a time")
    project = ProjectFactory(name="Herinrichting Prinsenstraat")
    first_claimed, release_first = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def save(name: str, before_commit) -> None:
        try:
            with transaction.atomic():
                mine = Project.objects.get(pk=project.pk)
                claim_version(mine, 1)
                before_commit()
                mine.name = name
                mine.save()
            outcomes[name] = "saved"
        except EditConflict:
            outcomes[name] = "refused"
        finally:
            connection.close()

    def first_waits() -> None:
        first_claimed.set()
        release_first.wait(timeout=30)

    def second() -> None:
        first_claimed.wait(timeout=30)
        save("fase 2", lambda: None)

    threads = [
        threading.Thread(target=save, args=("fase 1", first_waits)),
        threading.Thread(target=second),
    ]
    for thread in threads:
        thread.start()
    try:
        seen_waiting = False
        for _attempt in range(300):
            if waiting_for_a_lock(Project._meta.db_table):
                seen_waiting = True
                break
            time.sleep(0.05)
    finally:
        release_first.set()
        for thread in threads:
            thread.join(timeout=30)

    assert seen_waiting, "the second save never waited for the first one's row lock"
    assert outcomes == {"fase 1": "saved", "fase 2": "refused"}
    project.refresh_from_db()
    assert (project.name, project.version) == ("fase 1", 2)


def test_the_partner_import_moves_the_versions_on_and_refuses_older_forms(
    jan, tmp_path, monkeypatch
):
    grid_operator = ActorFactory(partner=True, name="Enexis")
    project = ProjectFactory(owner=grid_operator, code="E-001", name="Netverzwaring")
    url = reverse("projects:project_update", args=[project.pk])
    janes_form = opened(jan, url)
    check = partner_import._compare_with_stored

    def someone_saves_after_the_check(*args):
        check(*args)
        with transaction.atomic():
            claimed = Project.objects.get(pk=project.pk)
            claim_version(claimed, 1)
            claimed.save()

    monkeypatch.setattr(partner_import, "_compare_with_stored", someone_saves_after_the_check)
    content = xlsx(row(name="Netverzwaring Backxlaan"))

    report = partner_import.import_partner_works(
        path=write(tmp_path, content), organisation=grid_operator, commit=True
    )

    assert report.errors == []
    project.refresh_from_db()
    assert (project.name, project.version) == ("Netverzwaring Backxlaan", 3)
    response = jan.post(url, janes_form | {"street": "Kerkstraat"})
    assert response.status_code == 409
    project.refresh_from_db()
    assert (project.name, project.street) == ("Netverzwaring Backxlaan", "Burgemeester Backxlaan")


def test_an_admin_save_moves_the_version_on_so_an_older_page_form_is_refused(jan, admin_client):
    brief = ProjectBriefFactory(leading_task="Oud")
    page = reverse("projects:brief_update", args=[brief.project.pk])
    started = opened(jan, page)
    admin_url = reverse("admin:projects_projectbrief_change", args=[brief.pk])
    form = admin_client.get(admin_url).context["adminform"].form
    data = {f.html_name: f.value() for f in form if f.value() is not None}
    data.update(leading_task="Via beheer")
    response = admin_client.post(admin_url, data)
    assert response.status_code == 302
    brief.refresh_from_db()
    assert (brief.leading_task, brief.version) == ("Via beheer", 2)
    refused = jan.post(page, {**started, "leading_task": "Van Jan"})
    assert refused.status_code == 409
    assert ProjectBrief.objects.get(pk=brief.pk).leading_task == "Via beheer"


def test_an_admin_change_to_a_funding_row_moves_its_project_version_on(admin_client):
    funding = FundingFactory(amount=Decimal("100"))
    version = funding.project.version
    response = admin_client.post(
        reverse("admin:projects_funding_delete", args=[funding.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert Project.objects.get(pk=funding.project_id).version == version + 1
