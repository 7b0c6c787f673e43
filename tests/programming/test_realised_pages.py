"""The page, the API and the workbook sheet "Gepland en gerealiseerd" show the figures of
the one selector (programming.realised), to the people who may see them."""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.realised import PER, dashboard_chart, planned_realised
from programming.realised_api import planned_realised_data
from programming.workbook import write_workbook
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import client_for
from tests.factories import ActorFactory, ProgrammeFactory, UserFactory
from tests.programming.test_realised import case  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _user(role: Role, **fields):
    ensure_role_groups()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def _api(programme, user, **query):
    return client_for(user).get(f"/api/v1/programmas/{programme.pk}/gepland-gerealiseerd", query)


def test_api_answers_the_selector_per_view(case):  # noqa: F811
    viewer = _user(Role.VIEWER)
    for per in PER:
        response = _api(case, viewer, per=per)
        assert response.status_code == 200, per
        assert response.json() == planned_realised_data(planned_realised(case, per, viewer))
    rows = {row["key"]: row for row in _api(case, viewer).json()["rows"]}
    assert rows["2026"]["realised"] == "125000.00"
    assert rows["2026"]["variance"] == "35000.00"
    assert rows["2035"]["variance"] is None, "a year after the reference year"


def test_api_refuses_an_unknown_view_naming_the_parameter(case):  # noqa: F811
    response = _api(case, _user(Role.VIEWER), per="maand")
    assert response.status_code == 400
    assert "per" in str(response.json())


def test_api_refuses_a_partner_and_an_anonymous_caller(case, client):  # noqa: F811
    partner = _user(Role.PARTNER, organisation=ActorFactory())
    assert _api(case, partner).status_code == 403
    url = f"/api/v1/programmas/{case.pk}/gepland-gerealiseerd"
    assert client.get(url).status_code in (401, 403)


def test_page_shows_the_selectors_figures(case, client):  # noqa: F811
    client.force_login(_user(Role.VIEWER))
    page = client.get(reverse("programming:programme_realised", args=[case.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="2026"' in html
    assert "€ 125.000" in html
    assert "€ 35.000" in html
    assert "Meer grondwerk" in html
    assert 'id="gepland-gerealiseerd"' in html
    assert "None" not in html
    for per in PER:
        page = client.get(reverse("programming:programme_realised", args=[case.pk]), {"per": per})
        assert page.status_code == 200
        for row in planned_realised(case, per).rows:
            assert f'data-key="{row.key}"' in page.content.decode(), (per, row.key)


def test_page_without_an_adopted_version_says_so(client):
    client.force_login(_user(Role.VIEWER))
    programme = ProgrammeFactory()
    page = client.get(reverse("programming:programme_realised", args=[programme.pk]))
    assert "Er is nog geen vastgesteld programma" in page.content.decode()


def test_page_refuses_a_partner(case, client):  # noqa: F811
    client.force_login(_user(Role.PARTNER, organisation=ActorFactory()))
    page = client.get(reverse("programming:programme_realised", args=[case.pk]))
    assert page.status_code == 403


def test_workbook_sheet_has_the_year_line_cells(case):  # noqa: F811
    target = io.BytesIO()
    write_workbook(case, target)
    target.seek(0)
    sheet = openpyxl.load_workbook(target, data_only=False)["Gepland en gerealiseerd"]
    header = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Jaar")
    rows = []
    row = header + 1
    while isinstance(sheet.cell(row, 1).value, int):
        rows.append([sheet.cell(row, c).value for c in range(1, 8)])
        row += 1
    expected = [
        [
            year,
            result_line,
            float(cell.planned_gross),
            float(cell.planned_net),
            float(cell.planned_to_date),
            float(cell.realised),
            None if cell.variance is None else float(cell.variance),
        ]
        for year, line, cell in planned_realised(case).cells
        for result_line in [{"R": "Riolering", "W": "Wegen"}[line]]
    ]
    assert rows == expected
    assert sheet.cell(row, 3).value.startswith("=SUM(")


def test_dashboard_chart_planned_against_realised(case):  # noqa: F811
    chart = dashboard_chart(case, None)
    assert chart is not None
    assert [row.category for row in chart.rows] == ["2026", "2027", "2028"]
    assert chart.rows[0].cells == ("€ 90.000", "€ 125.000")
    assert dashboard_chart(None, None) is None


def test_dashboard_chart_needs_an_adopted_programme(case):  # noqa: F811
    assert dashboard_chart(ProgrammeFactory(), None) is None, "a concept: no chart"


def test_the_dashboard_shows_the_chart_of_the_adopted_programme(case, client):  # noqa: F811
    client.force_login(_user(Role.VIEWER))
    page = client.get(reverse("programming:dashboard"))
    html = page.content.decode()
    assert 'id="gepland-gerealiseerd-dashboard"' in html
    assert "€ 125.000" in html
