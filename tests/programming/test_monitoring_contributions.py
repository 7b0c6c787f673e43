"""A project's expected contributions to indicators are edited on its page, beside its
ambition contributions (#20 §3), and shown there."""

from decimal import Decimal

import pytest

from projects.models import IndicatorContribution
from stakeholders.choices import Role
from tests.factories import IndicatorContributionFactory, IndicatorFactory, ProjectFactory
from tests.programming.test_monitoring import user_with_role
from tests.projects.test_project_formsets import edit_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role(Role.EDITOR))
    return client


def test_an_expected_contribution_is_saved_with_the_project(editor_client):
    project = ProjectFactory()
    indicator = IndicatorFactory(name="Groen in de kern", unit="%")
    url, data = edit_page(editor_client, project)
    data |= {
        "indicator_contributions-0-indicator": indicator.pk,
        "indicator_contributions-0-expected": "2.5",
        "indicator_contributions-0-note": "Bomen in de Prinsenstraat",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 302
    contribution = IndicatorContribution.objects.get(project=project)
    assert (contribution.indicator, contribution.expected) == (indicator, Decimal("2.5"))
    body = editor_client.get(response.url).content.decode()
    assert "Groen in de kern</a>: 2,50 %" in body


def test_the_same_indicator_twice_is_refused_and_nothing_is_saved(editor_client):
    project = ProjectFactory()
    contribution = IndicatorContributionFactory(project=project, expected=Decimal(1))
    url, data = edit_page(editor_client, project)
    data |= {
        "name": "Andere naam",
        "indicator_contributions-1-indicator": contribution.indicator.pk,
        "indicator_contributions-1-expected": "4",
    }
    response = editor_client.post(url, data)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.name != "Andere naam"
    assert IndicatorContribution.objects.get().expected == 1
