"""What lies near a project: by geometry in RD New metres and by overlapping windows,
never by street name, and only what the user may see."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.nearby import graafrust_periods, nearby_works, overlap
from stakeholders.choices import Role
from tests.factories import (
    ActorFactory,
    CouplingFactory,
    ProgrammeFactory,
    ProjectFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

# The project: a 40 m line along y = 500800 from x = 214500 to x = 214540.
PROJECT_LINE = "LINESTRING (214500 500800, 214540 500800)"
# Parallel lines over the same x range, so the nearest points are straight above the
# project's line and the distance is the difference in y.
AT_10_M = "LINESTRING (214500 500810, 214540 500810)"
AT_40_M = "LINESTRING (214500 500840, 214540 500840)"
AT_5_M = "LINESTRING (214500 500805, 214540 500805)"
# A "Kerkstraat" in another village, about 5.5 km east: the same street name, far away.
FAR_AWAY = "LINESTRING (220000 500800, 220040 500800)"


@pytest.fixture
def programme():
    return ProgrammeFactory(
        coupling_distance=25,
        graafrust_years=3,
        computed_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )


@pytest.fixture
def works(programme):
    return {
        "near": WorkFactory(programme=programme, label="Op 10 m", geometry=AT_10_M),
        "further": WorkFactory(programme=programme, label="Op 40 m", geometry=AT_40_M),
        "namesake": WorkFactory(
            programme=programme, label="Kerkstraat elders", street="Kerkstraat", geometry=FAR_AWAY
        ),
    }


def labels(found):
    return [item.work.label for item in found]


def test_the_coupling_distance_finds_the_work_at_10_m_only(programme, works):
    # Default distance: the programme's 25 m; 10 ≤ 25 < 40, and 5.5 km is far beyond it.
    found = nearby_works(PROJECT_LINE, (2027, 2031), None, programme)
    assert labels(found) == ["Op 10 m"]
    assert found[0].distance == pytest.approx(10.0)


def test_a_larger_distance_adds_the_work_at_40_m_nearest_first(programme, works):
    found = nearby_works(PROJECT_LINE, (2027, 2031), None, programme, distance=50)
    assert labels(found) == ["Op 10 m", "Op 40 m"]
    assert [round(item.distance) for item in found] == [10, 40]


def test_works_added_or_removed_since_the_last_look_are_seen(programme, works):
    """The parsed geometries are kept per process; a work stored since (as a computation
    or an import does, without touching the programme's row) is found, and a removed
    one is gone, also one without a geometry among them."""
    user = UserFactory(is_superuser=True)
    assert labels(nearby_works(PROJECT_LINE, (2026, 2030), user, programme)) == ["Op 10 m"]
    WorkFactory(programme=programme, label="Zonder geometrie", geometry="")
    added = WorkFactory(programme=programme, label="Op 5 m", geometry=AT_5_M)
    assert labels(nearby_works(PROJECT_LINE, (2026, 2030), user, programme)) == [
        "Op 5 m",
        "Op 10 m",
    ]
    works["near"].delete()
    assert labels(nearby_works(PROJECT_LINE, (2026, 2030), user, programme)) == ["Op 5 m"]
    added.delete()
    assert labels(nearby_works(PROJECT_LINE, (2026, 2030), user, programme)) == []


def test_a_street_of_the_same_name_far_away_is_not_near(programme, works):
    # Even at 1 km the namesake 5.5 km away stays out: place is geometry, not the name.
    found = nearby_works(PROJECT_LINE, (2027, 2031), None, programme, distance=1000)
    assert "Kerkstraat elders" not in labels(found)


def test_only_works_whose_window_overlaps_count_with_the_shared_years(programme, works):
    # The works' window is 2027–2031 (WorkFactory); a project window of 2020–2026 shares
    # no year, one of 2030–2035 shares 2030–2031.
    assert nearby_works(PROJECT_LINE, (2020, 2026), None, programme) == []
    found = nearby_works(PROJECT_LINE, (2030, 2035), None, programme)
    assert found[0].overlap == (2030, 2031)


def test_overlap_of_windows():
    assert overlap((2027, 2029), (2029, 2033)) == (2029, 2029)
    assert overlap((2027, 2029), (2030, 2033)) is None


def test_a_partner_finds_only_its_own_works_nearby(programme, works):
    partner = UserFactory(partner=True)
    own = WorkFactory(programme=programme, label="Eigen kabel", geometry=AT_10_M)
    own.owner = partner.organisation
    own.save()
    found = nearby_works(PROJECT_LINE, (2027, 2031), partner, programme)
    assert labels(found) == ["Eigen kabel"]


def test_graafrust_of_a_reconstruction_nearby_touches_the_window(programme):
    # Reconstructed in 2027 with 3 years of graafrust: closed 2028–2030. A project in
    # 2029–2032 meets it; one in 2031–2033 comes after it.
    WorkFactory(
        programme=programme,
        label="Herinrichting",
        geometry=AT_10_M,
        reconstructs_street=True,
        scheduled_year=2027,
        preferred_year=2027,
    )
    periods = graafrust_periods(PROJECT_LINE, (2029, 2032), None, programme)
    assert [(p.work.label, p.closed) for p in periods] == [("Herinrichting", (2028, 2030))]
    assert graafrust_periods(PROJECT_LINE, (2031, 2033), None, programme) == []


def test_the_project_page_shows_what_is_nearby_and_its_couplings(client, programme, works):
    reader = UserFactory()
    reader.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(reader)
    project = ProjectFactory(geometry=PROJECT_LINE, start_year=2028, end_year=2029)
    coupling = CouplingFactory(programme=programme, street="Molenstraat")
    WorkFactory(programme=programme, project=project, coupling=coupling, geometry=PROJECT_LINE)
    body = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "In de buurt" in body
    assert "Op 10 m" in body
    assert "Op 40 m" not in body
    assert "Molenstraat" in body
    body = client.get(
        reverse("projects:project_detail", args=[project.pk]), {"afstand": 50}
    ).content.decode()
    assert "Op 40 m" in body


def test_another_organisations_work_nearby_stays_hidden_from_a_partner(client, programme):
    partner = UserFactory(partner=True)
    partner.groups.add(Group.objects.get(name=Role.PARTNER.value))
    client.force_login(partner)
    project = ProjectFactory(owner=partner.organisation, geometry=PROJECT_LINE)
    WorkFactory(
        programme=programme,
        label="Kabel van een ander",
        owner=ActorFactory(partner=True),
        geometry=AT_10_M,
    )
    body = client.get(reverse("projects:project_detail", args=[project.pk])).content.decode()
    assert "In de buurt" in body
    assert "Kabel van een ander" not in body
