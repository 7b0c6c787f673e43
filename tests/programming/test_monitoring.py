"""Ambitions measured (#20 §3): the plan's expected course of an indicator, by hand.

Baseline 40 in 2022; two works contribute 5 and 3 and finish in 2027 and 2029 (the
second starts in 2028 and its project takes two years), a third project is not
scheduled and adds nothing: expected 40 through 2026, 45 in 2027 and 2028, 48 from 2029.
"""

from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from programming.choices import WorkKind
from programming.monitoring import ambition_monitoring
from programming.monitoring_api import monitoring_data
from programming.workbook import write_workbook
from stakeholders.choices import Role
from tests.api.conftest import client_for
from tests.factories import (
    ActorFactory,
    AreaFactory,
    IndicatorContributionFactory,
    IndicatorFactory,
    IndicatorMeasurementFactory,
    IndicatorTargetFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def _project_work(programme, *, code, start, end, scheduled, area):
    project = ProjectFactory(code=code, start_year=start, end_year=end)
    WorkFactory(
        programme=programme,
        key=f"project:{code}",
        kind=WorkKind.PROJECT,
        project=project,
        asset_class=None,
        area=area,
        window_start=2026,
        window_end=2031,
        preferred_year=scheduled or 2030,
        scheduled_year=scheduled,
    )
    return project


@pytest.fixture
def plan():
    programme = ProgrammeFactory(first_year=2026, horizon=10, computed_at=timezone.now())
    kern = AreaFactory(kern=True, name="Nieuwleusen")
    other = AreaFactory(kern=True, name="Lemelerveld", parent=kern.parent)
    wijk = AreaFactory(level="wijk", name="Centrum", parent=kern)
    indicator = IndicatorFactory(
        name="Groen in de kern", baseline_value=Decimal(40), baseline_year=2022
    )
    IndicatorTargetFactory(indicator=indicator, year=2025, value=Decimal(45))
    IndicatorMeasurementFactory(indicator=indicator, year=2024, value=Decimal("42.5"))
    IndicatorMeasurementFactory(indicator=indicator, year=2022, value=Decimal(30), area=kern)
    first = _project_work(programme, code="A", start=2026, end=2026, scheduled=2027, area=wijk)
    second = _project_work(programme, code="B", start=2026, end=2027, scheduled=2028, area=other)
    unfunded = _project_work(programme, code="C", start=2026, end=2026, scheduled=None, area=kern)
    IndicatorContributionFactory(project=first, indicator=indicator, expected=Decimal(5))
    IndicatorContributionFactory(project=second, indicator=indicator, expected=Decimal(3))
    IndicatorContributionFactory(project=unfunded, indicator=indicator, expected=Decimal(10))
    return programme, indicator, kern


def _by_year(course, name):
    return dict(zip(course.years, getattr(course, name), strict=True))


def test_the_expected_course_counts_each_work_from_its_finish_year(plan):
    programme, indicator, _kern = plan
    (course,) = ambition_monitoring(indicator.ambition, programme).indicators
    expected = _by_year(course, "expected")
    assert course.years == list(range(2022, 2036))
    assert [expected[y] for y in (2022, 2026, 2027, 2028, 2029, 2035)] == [40, 40, 45, 45, 48, 48]
    targets = _by_year(course, "targets")
    assert targets[2025] == 45
    assert targets[2030] == 60
    assert targets[2026] is None
    measured = _by_year(course, "measured")
    assert measured[2024] == Decimal("42.5")
    assert measured[2022] is None
    works = [(w.project_code, w.start_year, w.finish_year, w.scheduled) for w in course.works]
    assert works == [("A", 2027, 2027, True), ("B", 2028, 2029, True), ("C", None, None, False)]


def test_in_an_area_the_course_starts_from_the_areas_own_measurement(plan):
    programme, indicator, kern = plan
    (course,) = ambition_monitoring(indicator.ambition, programme, kern).indicators
    assert (course.baseline_value, course.baseline_year) == (30, 2022)
    expected = _by_year(course, "expected")
    assert [expected[y] for y in (2022, 2026, 2027, 2029)] == [30, 30, 35, 35]
    assert [w.project_code for w in course.works] == ["A"]
    measured = _by_year(course, "measured")
    assert measured[2022] == 30
    assert measured[2024] is None


def test_an_area_without_measurements_has_no_expected_course(plan):
    programme, indicator, kern = plan
    other = AreaFactory(kern=True, name="Oudleusen", parent=kern.parent)
    (course,) = ambition_monitoring(indicator.ambition, programme, other).indicators
    assert course.baseline_value is None
    assert set(course.expected) == {None}


def test_without_a_programme_the_plan_expects_the_baseline(plan):
    _programme, indicator, _kern = plan
    (course,) = ambition_monitoring(indicator.ambition, None).indicators
    assert set(v for v in course.expected if v is not None) == {40}
    assert all(not w.scheduled for w in course.works)


def test_page_api_and_workbook_show_the_same_figures(plan, client, tmp_path):
    programme, indicator, kern = plan
    ambition = indicator.ambition
    viewer = user_with_role(Role.VIEWER)
    client.force_login(viewer)
    page = client.get(f"/ambities/{ambition.pk}/gemeten/?gebied={kern.pk}")
    assert page.status_code == 200
    api = client_for(viewer).get(
        f"/api/v1/ambities/{ambition.pk}/monitoring",
        {"gebied": kern.pk, "programma": programme.pk},
    )
    assert api.status_code == 200
    assert monitoring_data(page.context["monitoring"]) == api.json()
    years = {row["year"]: row for row in api.json()["indicators"][0]["years"]}
    assert years[2027]["expected"] == "35.00"
    assert '<tr data-year="2027"><th scope="row">2027</th><td class="numeric">35</td>' in (
        page.content.decode()
    )

    whole = client_for(viewer).get(
        f"/api/v1/ambities/{ambition.pk}/monitoring", {"programma": programme.pk}
    )
    path = tmp_path / "werkboek.xlsx"
    write_workbook(programme, path)
    sheet = openpyxl.load_workbook(path, read_only=True)["Ambities gemeten"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[1] == indicator.name]
    api_rows = whole.json()["indicators"][0]["years"]
    assert len(rows) == len(api_rows)
    for row, api_row in zip(rows, api_rows, strict=True):
        assert row[3] == api_row["year"]
        for cell, name in zip(row[4:7], ("expected", "target", "measured"), strict=True):
            assert cell == (None if api_row[name] is None else float(api_row[name]))


def test_bad_parameters_are_named_and_partners_are_refused(plan, client):
    _programme, indicator, _kern = plan
    url = f"/api/v1/ambities/{indicator.ambition.pk}/monitoring"
    api = client_for(user_with_role(Role.VIEWER))
    for params, name in (
        ({"gebied": "abc"}, "gebied"),
        ({"gebied": 999999}, "gebied"),
        ({"programma": 999999}, "programma"),
    ):
        answer = api.get(url, params)
        assert answer.status_code == 400
        assert answer["Content-Type"].startswith("application/problem+json")
        assert name in answer.content.decode()
    assert api.get("/api/v1/ambities/999999/monitoring").status_code == 404
    partner = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True))
    assert client_for(partner).get(url).status_code == 403
    page = f"/ambities/{indicator.ambition.pk}/gemeten/"
    assert client.get(page).status_code == 302
    client.force_login(partner)
    assert client.get(page).status_code == 403


def test_the_page_speaks_english_when_asked(plan, client):
    _programme, indicator, _kern = plan
    client.force_login(user_with_role(Role.VIEWER))
    body = client.get(
        f"/ambities/{indicator.ambition.pk}/gemeten/", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "Expected according to plan" in body
    assert "counts from 2029" in body
    assert "Verwacht" not in body
