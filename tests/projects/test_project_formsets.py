"""The project's edit page also edits its funding per year, roles, register entries and
ambition contributions, in one submission that is saved completely or not at all."""

from decimal import Decimal

import pytest
from django.urls import reverse

from projects.models import Funding, Project, ProjectRole, RegisterEntry
from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    AmbitionContributionFactory,
    BudgetLineFactory,
    FundingFactory,
    IndicatorContributionFactory,
    ProjectFactory,
    ProjectRoleFactory,
    RegisterEntryFactory,
)
from tests.projects.test_pages import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    return client


def posted_back(response) -> dict:
    """What the browser posts when the page's form is sent unchanged: every field's value
    and each formset's management form (with its empty extra row)."""
    data = {}
    forms = [response.context["form"]]
    for formset in response.context["formsets"].values():
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = (
                [str(v) for v in value] if isinstance(value, list) else str(value)
            )
    return data


def edit_page(client, project) -> tuple[str, dict]:
    url = reverse("projects:project_update", args=[project.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, posted_back(response)


def test_one_post_saves_the_project_with_a_new_funding_role_and_register_entry(editor_client):
    project = ProjectFactory(name="Herinrichting Prinsenstraat")
    line, actor = BudgetLineFactory(), ActorFactory(name="Team Wegen")
    url, data = edit_page(editor_client, project)
    data |= {
        "name": "Herinrichting Prinsenstraat fase 2",
        "fundings-0-year": "2027",
        "fundings-0-budget_line": line.pk,
        "fundings-0-amount": "150000",
        "fundings-0-secured": "on",
        "roles-0-role": "projectleider",
        "roles-0-actor": actor.pk,
        "roles-0-person": "Petra de Vries",
        "roles-0-from_step": "ontwerp",
        "register-0-kind": "kans",
        "register-0-description": "Glasvezel kan in dezelfde sleuf.",
        "register-0-status": "open",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Herinrichting Prinsenstraat fase 2"
    funding = project.fundings.get()
    assert (funding.year, funding.budget_line, funding.amount) == (2027, line, Decimal(150000))
    assert funding.secured
    role = project.roles.get()
    assert (role.actor, role.person, role.from_step) == (actor, "Petra de Vries", "ontwerp")
    assert project.register.get().description == "Glasvezel kan in dezelfde sleuf."
    body = editor_client.get(response.url).content.decode()
    assert "Petra de Vries" in body
    assert "Glasvezel kan in dezelfde sleuf." in body


def test_creating_a_project_saves_its_funding_with_it(editor_client):
    line = BudgetLineFactory()
    url = reverse("projects:project_create")
    data = posted_back(editor_client.get(url))
    data |= {
        "code": "P-NIEUW",
        "name": "Nieuwe speelplek",
        "kind": "beheer",
        "owner": ActorFactory().pk,
        "start_year": "2028",
        "end_year": "2028",
        "shift_early": "0",
        "shift_late": "0",
        "cost_estimate": "90000",
        "fundings-0-year": "2028",
        "fundings-0-budget_line": line.pk,
        "fundings-0-amount": "90000",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302
    project = Project.objects.get(code="P-NIEUW")
    assert list(project.fundings.values_list("year", "amount")) == [(2028, Decimal(90000))]


@pytest.mark.parametrize(
    ("row", "error"),
    [
        ({"fundings-1-amount": "-5"}, ("amount", "Zorg ervoor dat deze waarde minstens 0 is.")),
        ({"fundings-1-year": ""}, ("year", "Dit veld is vereist.")),
    ],
)
def test_a_bad_row_shows_its_error_on_that_row_and_saves_nothing(editor_client, row, error):
    project = ProjectFactory(name="Oude naam")
    FundingFactory(project=project, year=2026)
    line, actor = BudgetLineFactory(), ActorFactory()
    url, data = edit_page(editor_client, project)
    data |= {
        "name": "Nieuwe naam",
        "fundings-0-amount": "1",
        "fundings-1-year": "2028",
        "fundings-1-budget_line": line.pk,
        "fundings-1-amount": "1000",
        "roles-0-role": "adviseur",
        "roles-0-actor": actor.pk,
        "register-0-kind": "risico",
        "register-0-description": "Archeologie in de ondergrond.",
        "register-0-status": "open",
        **row,
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    fundings = response.context["formsets"]["fundings"]
    field, message = error
    assert fundings.errors[0] == {}
    assert fundings.errors[1] == {field: [message]}
    body = response.content.decode()
    # The summary names the row; the field itself carries the message too.
    label = fundings.forms[1][field].label
    assert f"Rij 2, {label}: {message}" in body
    assert f'id="id_fundings-1-{field}_error"' in body
    project.refresh_from_db()
    assert project.name == "Oude naam"
    assert project.fundings.get().amount == Decimal("125000.00")
    assert not ProjectRole.objects.exists()
    assert not RegisterEntry.objects.exists()


def test_rows_are_deleted_with_their_delete_checkbox(editor_client):
    project = ProjectFactory()
    kept, dropped = FundingFactory.create_batch(2, project=project)
    RegisterEntryFactory(project=project)
    url, data = edit_page(editor_client, project)
    rows = editor_client.get(url).context["formsets"]["fundings"].forms
    dropped_index = next(i for i, form in enumerate(rows) if form.instance == dropped)
    data[f"fundings-{dropped_index}-DELETE"] = "on"
    data["register-0-DELETE"] = "on"
    response = editor_client.post(url, data)
    assert response.status_code == 302
    assert list(project.fundings.all()) == [kept]
    assert not project.register.exists()


def test_a_row_of_another_project_cannot_be_edited_through_this_one(editor_client):
    project = ProjectFactory()
    FundingFactory(project=project)
    other = FundingFactory(amount=Decimal(500))
    its_project = other.project_id
    url, data = edit_page(editor_client, project)
    data |= {"fundings-0-id": other.pk, "fundings-0-amount": "1"}
    editor_client.post(url, data)
    # The formset only finds rows among its own project's: a foreign id is ignored.
    other.refresh_from_db()
    assert (other.project_id, other.amount) == (its_project, Decimal(500))
    assert not Funding.objects.filter(amount=1).exists()


def test_a_partner_cannot_edit_another_organisations_project(client):
    partner = user_with_role(Role.PARTNER, partner=True)
    other = ProjectFactory(owner=ActorFactory(partner=True), name="Werk van een ander")
    client.force_login(partner)
    url = reverse("projects:project_update", args=[other.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, {"name": "Overgenomen", "fundings-TOTAL_FORMS": "0"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name == "Werk van een ander"


def test_a_partner_edits_the_funding_of_its_own_project_and_keeps_it_its_own(client):
    partner = user_with_role(Role.PARTNER, partner=True)
    project = ProjectFactory(owner=partner.organisation)
    line = BudgetLineFactory(owner=partner.organisation)
    client.force_login(partner)
    url, data = edit_page(client, project)
    # A partner manages its projects and their funding, not roles or registers.
    formsets = client.get(url).context["formsets"]
    assert list(formsets) == ["fundings"]
    data |= {
        "owner": ActorFactory().pk,
        "fundings-0-year": "2027",
        "fundings-0-budget_line": line.pk,
        "fundings-0-amount": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not project.fundings.exists()
    data["owner"] = partner.organisation.pk
    assert client.post(url, data).status_code == 302
    assert project.fundings.get().amount == Decimal(1000)


def test_a_partner_cannot_book_money_on_another_organisations_budget_line(client):
    """The selects offer the partner's own budget lines and actors only, and another
    organisation's line sent anyway is a form error: nothing is stored."""
    partner = user_with_role(Role.PARTNER, partner=True)
    project = ProjectFactory(owner=partner.organisation)
    own = BudgetLineFactory(owner=partner.organisation, name="Eigen uitrol")
    municipal = BudgetLineFactory(name="Rioleringsplan")
    other_partner = BudgetLineFactory(owner=ActorFactory(partner=True), name="Andermans geld")
    client.force_login(partner)
    url, data = edit_page(client, project)

    page = client.get(url)
    html = page.content.decode()
    assert "Eigen uitrol" in html
    assert "Rioleringsplan" not in html
    assert "Andermans geld" not in html
    assert list(page.context["form"].fields["lead"].queryset) == [partner.organisation]
    for line in (municipal, other_partner):
        response = client.post(
            url,
            data
            | {
                "fundings-0-year": "2027",
                "fundings-0-budget_line": line.pk,
                "fundings-0-amount": "1000",
            },
        )
        assert response.status_code == 200
        errors = response.context["formsets"]["fundings"].forms[0].errors
        assert "budget_line" in errors
        assert not project.fundings.exists()
    assert own.pk


def test_the_edit_page_needs_the_same_few_queries_however_many_rows(
    editor_client, django_assert_max_num_queries
):
    project = ProjectFactory()
    FundingFactory.create_batch(10, project=project)
    ProjectRoleFactory.create_batch(10, project=project)
    RegisterEntryFactory.create_batch(10, project=project, owner=ActorFactory())
    AmbitionContributionFactory.create_batch(10, project=project)
    IndicatorContributionFactory.create_batch(10, project=project)
    # 22: the expected contributions to indicators (#20) add their rows and indicators.
    with django_assert_max_num_queries(22):
        response = editor_client.get(reverse("projects:project_update", args=[project.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('name="fundings-') > 10 * 4
