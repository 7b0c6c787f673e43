"""The stakeholder pages: actors, process matrix, themes, ambitions, budget lines."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from stakeholders.choices import Involvement, ProcessStep
from stakeholders.models import BudgetAmount
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    ActorFactory,
    AmbitionFactory,
    AreaTaskFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    ContactPersonFactory,
    IndicatorFactory,
    IndicatorMeasurementFactory,
    ProcessPositionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def log_in_as(client):
    groups = ensure_role_groups()

    def log_in(role: str):
        user = UserFactory()
        user.groups.add(groups[role])
        client.force_login(user)
        return user

    return log_in


@pytest.fixture
def actors_with_positions():
    """20 actors, each with two contacts and a position in every process step."""
    actors = ActorFactory.create_batch(10) + ActorFactory.create_batch(10, partner=True)
    for actor in actors:
        ContactPersonFactory.create_batch(2, actor=actor)
        for step in ProcessStep.values:
            ProcessPositionFactory(actor=actor, step=step)
    return actors


@pytest.mark.parametrize(
    "name",
    ["actor_list", "process_matrix", "theme_list", "ambition_list", "budgetline_list"],
)
def test_every_list_sends_an_anonymous_visitor_to_the_login_page(client, name):
    response = client.get(reverse(f"stakeholders:{name}"))
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/")


def test_the_actor_list_needs_a_bounded_number_of_queries(
    client, log_in_as, actors_with_positions, django_assert_max_num_queries
):
    log_in_as("lezer")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("stakeholders:actor_list"))
    assert response.content.decode().count('<th scope="row">') == 20


def test_the_actor_list_filters_sorts_and_exports(client, log_in_as, actors_with_positions):
    log_in_as("lezer")
    url = reverse("stakeholders:actor_list")
    response = client.get(url, {"is_internal": "false", "sort": "-name", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8").lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    names = [row[0] for row in rows[1:]]
    assert len(names) == 10
    assert names == sorted(names, reverse=True)
    assert {row[2] for row in rows[1:]} == {"nee"}
    assert {row[6] for row in rows[1:]} == {"2"}


def test_the_actor_page_shows_contacts_and_positions(
    client, log_in_as, actors_with_positions, django_assert_max_num_queries
):
    actor = actors_with_positions[0]
    log_in_as("lezer")
    with django_assert_max_num_queries(12):
        response = client.get(reverse("stakeholders:actor_detail", args=[actor.pk]))
    page = response.content.decode()
    assert actor.contacts.first().name in page
    assert page.count("denkt mee") == len(ProcessStep.values)


def test_the_process_matrix_shows_now_and_desired_without_n_plus_1(
    client, log_in_as, actors_with_positions, django_assert_max_num_queries
):
    log_in_as("lezer")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("stakeholders:process_matrix"))
    rows = response.context["rows"]
    assert len(rows) == 20
    cell = rows[0]["cells"][0]
    assert cell["now"] == Involvement.GEINFORMEERD.label
    assert cell["desired"] == Involvement.BETROKKEN.label
    assert cell["change"] == "meer"


def test_the_process_matrix_shows_only_external_actors_when_asked(
    client, log_in_as, actors_with_positions
):
    log_in_as("lezer")
    response = client.get(reverse("stakeholders:process_matrix"), {"gemeentelijk": "nee"})
    assert {row["actor"].is_internal for row in response.context["rows"]} == {False}


def test_a_reader_may_not_edit_an_actor(client, log_in_as):
    actor = ActorFactory()
    log_in_as("lezer")
    assert client.get(reverse("stakeholders:actor_update", args=[actor.pk])).status_code == 403


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_an_administrator_edits_an_actor_with_a_process_position(client, log_in_as):
    actor = ActorFactory()
    log_in_as("beheerder")
    data = {
        "name": "Team Wegen",
        "is_internal": "on",
        "kind": "afdeling",
        "domain": "fysiek",
        **_management("contacts"),
        **_management("positions", total=1),
        "positions-0-step": "uitvoering",
        "positions-0-now": "trekker",
        "positions-0-desired": "trekker",
    }
    response = client.post(reverse("stakeholders:actor_update", args=[actor.pk]), data)
    assert response.status_code == 302
    actor.refresh_from_db()
    assert actor.name == "Team Wegen"
    assert actor.process_positions.get().now == "trekker"


def test_a_bad_actor_form_shows_dutch_errors_at_the_fields(client, log_in_as):
    actor = ActorFactory()
    log_in_as("beheerder")
    data = {
        "name": "",
        "kind": "afdeling",
        "domain": "fysiek",
        "email": "geen-adres",
        **_management("contacts"),
        **_management("positions"),
    }
    response = client.post(reverse("stakeholders:actor_update", args=[actor.pk]), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Dit veld is vereist."]
    assert errors["email"] == ["Voer een geldig e-mailadres in."]


def test_theme_and_ambition_pages_need_a_bounded_number_of_queries(
    client, log_in_as, django_assert_max_num_queries
):
    for _ in range(20):
        theme = ThemeFactory()
        ambition = AmbitionFactory()
        theme.ambitions.add(ambition)
        AreaTaskFactory(theme=theme)
        for indicator in IndicatorFactory.create_batch(3, ambition=ambition):
            IndicatorMeasurementFactory.create_batch(3, indicator=indicator)
    log_in_as("lezer")
    for name in ("theme_list", "ambition_list"):
        with django_assert_max_num_queries(8):
            response = client.get(reverse(f"stakeholders:{name}"))
        assert response.content.decode().count('<th scope="row">') == 20
    with django_assert_max_num_queries(12):
        response = client.get(reverse("stakeholders:theme_detail", args=[theme.pk]))
    assert ambition.name in response.content.decode()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("stakeholders:ambition_detail", args=[ambition.pk]))
    page = response.content.decode()
    assert page.count("<h3") == 3
    assert page.count(">meting<") == 9


def test_budget_lines_list_and_page_with_amounts_per_year(
    client, log_in_as, django_assert_max_num_queries
):
    for line in BudgetLineFactory.create_batch(20):
        BudgetAmountFactory.create_batch(4, budget_line=line)
    log_in_as("lezer")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("stakeholders:budgetline_list"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 21
    assert rows[1][4] == 2_000_000
    with django_assert_max_num_queries(10):
        response = client.get(reverse("stakeholders:budgetline_detail", args=[line.pk]))
    assert response.content.decode().count("€ 500.000") == 4


def test_a_programme_manager_changes_the_amounts_of_a_budget_line(client, log_in_as):
    line = BudgetLineFactory()
    amount = BudgetAmountFactory(budget_line=line, year=2027)
    log_in_as("programmamanager")
    data = {
        "code": line.code,
        "name": line.name,
        "owner": line.owner_id,
        **_management("amounts", total=2, initial=1),
        "amounts-0-id": amount.pk,
        "amounts-0-year": "2027",
        "amounts-0-amount": "750000",
        "amounts-1-year": "2028",
        "amounts-1-amount": "-5",
    }
    url = reverse("stakeholders:budgetline_update", args=[line.pk])
    response = client.post(url, data)
    assert response.status_code == 200
    amounts_formset = response.context["formsets"]["amounts"]
    assert amounts_formset.errors[1]["amount"] == ["Zorg ervoor dat deze waarde minstens 0 is."]
    data["amounts-1-amount"] = "800000"
    assert client.post(url, data).status_code == 302
    assert sorted(BudgetAmount.objects.values_list("year", "amount")) == [
        (2027, 750000),
        (2028, 800000),
    ]


def test_a_reader_may_not_edit_a_budget_line(client, log_in_as):
    line = BudgetLineFactory()
    log_in_as("lezer")
    url = reverse("stakeholders:budgetline_update", args=[line.pk])
    assert client.get(url).status_code == 403
