"""The scenario pages: adding, editing and deleting changes, bad input, promoting, and
comparing two or more programmes side by side."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming import scenarios
from programming.models import Programme, ScenarioChange
from programming.services import programme_compute
from programming.workbook import write_workbook
from programming.xlsx import HEADER_ROW
from stakeholders.choices import Role
from stakeholders.models import BudgetLine
from stakeholders.roles import ensure_role_groups
from tests.factories import UserFactory
from tests.programming.test_scenarios import base  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _login(client, role: Role):
    ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role.value))
    client.force_login(user)
    return user


@pytest.fixture
def scenario(base):  # noqa: F811
    programme_compute(base)
    return scenarios.scenario_create(base, "Meer riolering", None)


def _add(client, programme, kind, **fields):
    data = {"soort": kind, **{f"{kind}-{name}": value for name, value in fields.items()}}
    return client.post(reverse("programming:scenario_change_add", args=[programme.pk]), data)


def test_a_manager_adds_a_budget_change_and_sees_it_in_words(client, scenario):
    _login(client, Role.PROGRAMME_MANAGER)
    line = BudgetLine.objects.get(code="riolering")
    response = _add(
        client, scenario, "budget", budget_line=line.pk, year=2026, operation="erbij",
        amount="40.000",
    )  # fmt: skip
    assert response.status_code == 302
    change = ScenarioChange.objects.get(programme=scenario)
    assert change.amount == Decimal(40_000)
    page = client.get(reverse("programming:programme_scenario", args=[scenario.pk]))
    assert "Riolering 2026: € 40.000 erbij" in page.content.decode()


def test_bad_changes_show_the_field_and_store_nothing(client, scenario):
    _login(client, Role.PROGRAMME_MANAGER)
    line = BudgetLine.objects.get(code="riolering")
    response = _add(
        client, scenario, "budget", budget_line=line.pk, year=2026, operation="erbij",
        amount="-100.001",
    )  # fmt: skip
    assert response.status_code == 400
    forms = {kind: form for kind, _title, form in response.context["add_forms"]}
    assert "amount" in forms["budget"].errors
    response = _add(client, scenario, "vastzetten", work_key="P:C", year=2029)
    assert response.status_code == 400
    forms = {kind: form for kind, _title, form in response.context["add_forms"]}
    assert "in het venster van het werk (2026–2028)" in forms["vastzetten"].errors["year"][0]
    assert not ScenarioChange.objects.exists()


def test_a_change_on_a_frozen_programme_is_refused(client, scenario):
    _login(client, Role.PROGRAMME_MANAGER)
    Programme.objects.filter(pk=scenario.pk).update(
        status="vastgesteld", adopted_on="2026-01-01", adopted_by="raad"
    )
    response = _add(client, scenario, "moet", work_key="P:B")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "Een vastgesteld programma verandert niet meer." in page.content.decode()
    assert not ScenarioChange.objects.exists()


def test_a_reader_sees_but_cannot_change(client, scenario):
    change = scenarios.change_add(scenario, None, kind="moet", work_key="P:B")
    _login(client, Role.VIEWER)
    page = client.get(reverse("programming:programme_scenario", args=[scenario.pk]))
    assert page.status_code == 200
    assert "Riool B moet" in page.content.decode()
    assert _add(client, scenario, "moet", work_key="P:A").status_code == 403
    edit = reverse("programming:scenario_change_edit", args=[scenario.pk, change.pk])
    assert client.post(edit, {"work_key": "P:A"}).status_code == 403
    delete = reverse("programming:scenario_change_delete", args=[scenario.pk, change.pk])
    assert client.post(delete).status_code == 403
    promote = reverse("programming:scenario_promote", args=[scenario.pk])
    assert client.post(promote).status_code == 403
    assert ScenarioChange.objects.get().work_key == "P:B"


def test_a_change_is_edited_and_deleted(client, scenario):
    _login(client, Role.PROGRAMME_MANAGER)
    change = scenarios.change_add(scenario, None, kind="vastzetten", work_key="P:C", year=2027)
    edit = reverse("programming:scenario_change_edit", args=[scenario.pk, change.pk])
    assert client.get(edit).status_code == 200
    assert client.post(edit, {"work_key": "P:C", "year": 2029}).status_code == 400
    assert client.post(edit, {"work_key": "P:C", "year": 2028}).status_code == 302
    change.refresh_from_db()
    assert change.year == 2028
    delete = reverse("programming:scenario_change_delete", args=[scenario.pk, change.pk])
    assert client.post(delete).status_code == 302
    assert not ScenarioChange.objects.exists()


def test_a_scenario_is_made_and_promoted(client, base):  # noqa: F811
    _login(client, Role.PROGRAMME_MANAGER)
    response = client.post(
        reverse("programming:programme_scenario", args=[base.pk]),
        {
            "name": "Zonder A",
            "budget_factor": "1",
            "horizon": 4,
            "framework": base.framework_id,
            "coupling_distance": 25,
            "time_tolerance": 1,
            "time_limit": 5,
            "first_kind": "uitsluiten",
        },
    )
    scenario = Programme.objects.get(name="Zonder A")
    assert response["Location"].endswith("?soort=uitsluiten#nieuw-uitsluiten")
    assert _add(client, scenario, "uitsluiten", work_key="P:A").status_code == 302
    response = client.post(reverse("programming:scenario_promote", args=[scenario.pk]))
    assert response.status_code == 302
    assert list(base.changes.values_list("work_key", flat=True)) == ["P:A"]


def test_the_comparison_shows_newly_funded_works_per_scenario(client, scenario):
    line = BudgetLine.objects.get(code="riolering")
    scenarios.change_add(
        scenario, None, kind="budget", budget_line=line, year=2026, operation="erbij",
        amount=Decimal(40_000),
    )  # fmt: skip
    programme_compute(scenario)
    other = scenarios.scenario_create(scenario.based_on, "Zonder kabel", None)
    scenarios.change_add(other, None, kind="uitsluiten", work_key="P:C")
    programme_compute(other)
    _login(client, Role.VIEWER)
    url = reverse("programming:programme_compare", args=[scenario.based_on_id])
    response = client.get(url, {"met": [scenario.pk, other.pk]})
    assert response.status_code == 200
    columns = response.context["columns"]
    assert [c.programme for c in columns] == [scenario.based_on, scenario, other]
    assert [c.newly_funded_count for c in columns[1:]] == [1, 0]
    assert [c.newly_unfunded_count for c in columns[1:]] == [0, 1]
    body = response.content.decode()
    assert "A Riool A" in body
    assert "C Kabel" in body


def test_the_workbook_sheet_shows_the_figures_of_the_comparison_page(client, scenario):
    line = BudgetLine.objects.get(code="riolering")
    scenarios.change_add(
        scenario, None, kind="budget", budget_line=line, year=2026, operation="erbij",
        amount=Decimal(40_000),
    )  # fmt: skip
    programme_compute(scenario)
    programme = scenario.based_on
    _login(client, Role.VIEWER)
    page = client.get(
        reverse("programming:programme_compare", args=[programme.pk]), {"met": [scenario.pk]}
    )
    shown = [c.newly_funded_count for c in page.context["columns"][1:]]
    gross = [c.money.cell().gross for c in page.context["columns"]]
    target = io.BytesIO()
    write_workbook(programme, target)
    sheet = openpyxl.load_workbook(io.BytesIO(target.getvalue()))["Scenario's"]
    rows: dict = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 2, values_only=True):
        rows.setdefault(row[0], row)
    assert sheet.cell(HEADER_ROW + 1, 4).value == programme.name
    assert sheet.cell(HEADER_ROW + 1, 5).value == scenario.name
    assert list(rows["Nieuw gedekte werken"][4:]) == shown == [1]
    assert [Decimal(str(v)) for v in rows["Gepland bruto (€)"][3:5]] == gross
