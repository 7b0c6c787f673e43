"""The brief check finds missed coupling opportunities by geometry and window, never by
street name, and says so in a verdict."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.briefs.selectors import brief_programme_check
from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    ProgrammeFactory,
    ProjectBriefFactory,
    ProjectFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

PROJECT_LINE = "LINESTRING (214500 500800, 214540 500800)"
AT_10_M = "LINESTRING (214500 500810, 214540 500810)"
# Another village's Kerkstraat, 5.5 km east.
OTHER_KERKSTRAAT = "LINESTRING (220000 500800, 220040 500800)"


@pytest.fixture
def programme():
    return ProgrammeFactory(
        coupling_distance=25, computed_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    )


@pytest.fixture
def project():
    # Window 2025–2029: start 2026 − 1 early, end 2027 + 2 late (ProjectFactory).
    return ProjectFactory(street="Kerkstraat", geometry=PROJECT_LINE)


def test_a_kerkstraat_in_another_village_is_no_missed_opportunity(programme, project):
    WorkFactory(
        programme=programme,
        label="Riool Kerkstraat",
        street="Kerkstraat",
        geometry=OTHER_KERKSTRAAT,
    )
    check = brief_programme_check(project, None)
    assert check.missing == []


def test_a_work_10_m_away_in_another_street_is_missed_with_distance_years_and_owner(
    programme, project
):
    owner = ActorFactory(name="Waterschap Drents Overijsselse Delta")
    WorkFactory(
        programme=programme,
        label="Persleiding",
        street="Molenweg",
        geometry=AT_10_M,
        owner=owner,
    )
    [missed] = brief_programme_check(project, None).missing
    assert missed.work.label == "Persleiding"
    assert missed.distance == pytest.approx(10.0)
    # The work's window 2027–2031 (WorkFactory) and the project's 2025–2029 share 2027–2029.
    assert missed.overlap == (2027, 2029)
    assert missed.work.owner == owner


def test_the_projects_own_works_are_not_missed(programme, project):
    WorkFactory(programme=programme, label="Eigen werk", project=project, geometry=AT_10_M)
    assert brief_programme_check(project, None).missing == []


def test_a_partner_is_told_only_of_works_it_may_see(programme):
    partner = UserFactory(partner=True)
    project = ProjectFactory(owner=partner.organisation, geometry=PROJECT_LINE)
    WorkFactory(programme=programme, label="Werk van een ander", geometry=AT_10_M)
    assert brief_programme_check(project, partner).missing == []
    assert len(brief_programme_check(project, None).missing) == 1


@pytest.fixture
def reader_client(client):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(user)
    return client


def test_the_page_gives_the_verdict(reader_client, programme, project):
    ProjectBriefFactory(project=project)
    url = reverse("projects:brief_detail", args=[project.pk])
    body = reader_client.get(url, {"toets": 1}).content.decode()
    assert "Geen gemiste koppelkansen." in body
    WorkFactory(programme=programme, label="Persleiding", street="Molenweg", geometry=AT_10_M)
    body = reader_client.get(url, {"toets": 1}).content.decode()
    assert "1 gemiste koppelkans" in body
    assert "Persleiding" in body
    assert "Geen gemiste koppelkansen." not in body
