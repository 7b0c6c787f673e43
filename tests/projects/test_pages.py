"""The project pages: register, detail, edit and the project brief with its test against
the programme. Every page needs a login and the right permission; partners see only their
own organisation's projects."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    AreaFactory,
    FundingFactory,
    IndicatorContributionFactory,
    ProjectBriefFactory,
    ProjectFactory,
    ProjectRoleFactory,
    RegisterEntryFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    return client


@pytest.fixture
def reader_client(client):
    client.force_login(user_with_role(Role.VIEWER))
    return client


def test_project_pages_send_an_anonymous_visitor_to_the_login_page(client):
    project = ProjectFactory()
    for url in (
        reverse("projects:project_list"),
        reverse("projects:project_detail", args=[project.pk]),
        reverse("projects:brief_detail", args=[project.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_project_list_filters_and_sorts(reader_client):
    ProjectFactory(name="Riool Prinsenstraat", start_year=2027, end_year=2028)
    ProjectFactory(name="Glasvezel Lemelerveld", start_year=2030, end_year=2030)
    url = reverse("projects:project_list")
    body = reader_client.get(url, {"year": 2027}).content.decode()
    assert "Riool Prinsenstraat" in body
    assert "Glasvezel Lemelerveld" not in body
    body = reader_client.get(url, {"sort": "-start_year"}).content.decode()
    assert body.index("Glasvezel Lemelerveld") < body.index("Riool Prinsenstraat")


def test_project_list_filters_on_an_area_and_the_areas_below_it(reader_client):
    buurt = AreaFactory(buurt=True)
    kern = buurt.parent.parent
    inside = ProjectFactory(name="In de buurt")
    inside.areas.add(buurt)
    ProjectFactory(name="Elders")
    body = reader_client.get(reverse("projects:project_list"), {"area": kern.pk}).content.decode()
    assert "In de buurt" in body
    assert "Elders" not in body


def test_project_list_exports_the_filtered_list_as_csv(reader_client):
    ProjectFactory(name="Riool Prinsenstraat", start_year=2027, end_year=2028)
    ProjectFactory(name="Glasvezel Lemelerveld", start_year=2030, end_year=2030)
    response = reader_client.get(reverse("projects:project_list"), {"year": 2030, "export": "csv"})
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    text = content.decode("utf-8-sig")
    assert "Glasvezel Lemelerveld" in text
    assert "Riool Prinsenstraat" not in text


def test_project_list_needs_a_bounded_number_of_queries(
    reader_client, django_assert_max_num_queries
):
    owner = ActorFactory()
    ProjectFactory.create_batch(30, owner=owner)
    ProjectFactory.create_batch(10)
    with django_assert_max_num_queries(12):
        response = reader_client.get(reverse("projects:project_list"))
    assert response.status_code == 200


def test_project_detail_shows_funding_roles_and_registers_in_bounded_queries(
    reader_client, django_assert_max_num_queries
):
    project = ProjectFactory()
    FundingFactory.create_batch(6, project=project)
    ProjectRoleFactory.create_batch(5, project=project)
    RegisterEntryFactory.create_batch(5, project=project)
    project.areas.add(*AreaFactory.create_batch(3, kern=True))
    ProjectBriefFactory(project=project, answered=True)
    IndicatorContributionFactory.create_batch(3, project=project)
    # One query per kind of row, however many rows: the indicator contributions and
    # their indicators are prefetched (two queries).
    with django_assert_max_num_queries(18):
        response = reader_client.get(reverse("projects:project_detail", args=[project.pk]))
    body = response.content.decode()
    assert "Dekking per jaar en budgetregel" in body
    assert "Proefsleuven graven" in body
    assert "100% compleet" in body


def test_a_reader_cannot_edit_a_project(reader_client):
    project = ProjectFactory()
    for name in ("projects:project_update", "projects:brief_update"):
        assert reader_client.get(reverse(name, args=[project.pk])).status_code == 403
    assert reader_client.get(reverse("projects:project_create")).status_code == 403


def test_a_partner_cannot_see_another_organisations_project(client):
    partner = user_with_role(Role.PARTNER, partner=True)
    own = ProjectFactory(owner=partner.organisation, name="Eigen werk")
    other = ProjectFactory(owner=ActorFactory(partner=True), name="Werk van een ander")
    client.force_login(partner)
    assert client.get(reverse("projects:project_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("projects:project_update", args=[other.pk])).status_code == 404
    assert client.get(reverse("projects:project_detail", args=[own.pk])).status_code == 200
    body = client.get(reverse("projects:project_list")).content.decode()
    assert "Eigen werk" in body
    assert "Werk van een ander" not in body


def test_a_partner_creates_projects_only_for_its_own_organisation(client):
    partner = user_with_role(Role.PARTNER, partner=True)
    other = ActorFactory(partner=True)
    client.force_login(partner)
    response = client.post(
        reverse("projects:project_create"),
        {"code": "X1", "name": "Kabel", "kind": "beheer", "owner": other.pk},
    )
    assert "owner" in response.context["form"].errors


def test_a_bad_project_form_shows_dutch_errors_per_field(editor_client):
    project = ProjectFactory()
    url = reverse("projects:project_update", args=[project.pk])
    response = editor_client.post(
        url,
        {
            "code": project.code,
            "name": "",
            "kind": project.kind,
            "status": project.status,
            "certainty": project.certainty,
            "owner": project.owner_id,
            "start_year": 2030,
            "end_year": 2028,
            "shift_early": 0,
            "shift_late": 0,
            "scale": project.scale,
            "cost_estimate": "-5",
            "participation_level": project.participation_level,
            "decision_level": project.decision_level,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["name"] == ["Dit veld is vereist."]
    assert "cost_estimate" in errors
    body = response.content.decode()
    assert "Dit veld is vereist." in body
    assert "Het eindjaar ligt niet vóór het startjaar." in body


def test_editing_the_brief_raises_its_completeness(editor_client):
    project = ProjectFactory()
    response = editor_client.post(
        reverse("projects:brief_update", args=[project.pk]),
        {
            "leading_task": "Riool vervangen is leidend.",
            "social_paragraph": "Een ontmoetingsplek.",
            "budget_deviation_pct": 10,
            "time_deviation_months": 6,
        },
    )
    assert response.status_code == 302
    project.brief.refresh_from_db()
    assert project.brief.completeness == 25
    body = editor_client.get(response.url).content.decode()
    assert "25% compleet" in body


def test_a_bad_brief_shows_dutch_errors_per_field(editor_client):
    project = ProjectFactory()
    response = editor_client.post(
        reverse("projects:brief_update", args=[project.pk]),
        {"budget_deviation_pct": 300, "time_deviation_months": 6, "budget_frame": "-1"},
    )
    errors = response.context["form"].errors
    assert "budget_deviation_pct" in errors
    assert "budget_frame" in errors
    assert "hoogstens 100" in " ".join(errors["budget_deviation_pct"])


def test_the_brief_test_lists_programme_works_the_project_leaves_out(
    reader_client, django_assert_max_num_queries
):
    kern = AreaFactory(kern=True)
    project = ProjectFactory(street="Prinsenstraat", start_year=2027, end_year=2028)
    project.areas.add(kern)
    ProjectBriefFactory(project=project)
    programme_work = WorkFactory(label="Riool vervangen Prinsenstraat", area=kern)
    programme = programme_work.programme
    programme.computed_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    programme.save()
    WorkFactory(programme=programme, label="Eigen werk", project=project, area=kern)
    WorkFactory(
        programme=programme,
        label="Te laat",
        area=kern,
        window_start=2040,
        window_end=2042,
        preferred_year=2041,
        scheduled_year=2041,
    )
    WorkFactory.create_batch(10, programme=programme, area=kern, street="Elders")
    url = reverse("projects:brief_detail", args=[project.pk])
    assert "Riool vervangen Prinsenstraat" not in reader_client.get(url).content.decode()
    with django_assert_max_num_queries(16):
        body = reader_client.get(url, {"toets": 1}).content.decode()
    assert "Riool vervangen Prinsenstraat" in body
    assert "Te laat" not in body
    assert "Eigen werk" not in body
