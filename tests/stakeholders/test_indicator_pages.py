"""An indicator's page edits its target path and its measurements (#20 §3), saved with
the indicator or not at all; the ambition's page shows them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from stakeholders.choices import Role
from stakeholders.models import IndicatorMeasurement, IndicatorTarget
from tests.factories import (
    ActorFactory,
    AreaFactory,
    IndicatorFactory,
    IndicatorMeasurementFactory,
)
from tests.programming.test_monitoring import user_with_role
from tests.projects.test_project_formsets import posted_back

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client):
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    return client


def _edit_page(client, indicator):
    url = reverse("stakeholders:indicator_update", args=[indicator.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, posted_back(response)


def test_targets_and_measurements_are_saved_with_the_indicator(manager_client):
    indicator = IndicatorFactory(name="Groen in de kern")
    kern = AreaFactory(kern=True, name="Nieuwleusen")
    url, data = _edit_page(manager_client, indicator)
    data |= {
        "targets-0-year": "2026",
        "targets-0-value": "47.5",
        "measurements-0-year": "2024",
        "measurements-0-value": "42",
        "measurements-0-date": "2024-06-30",
        "measurements-0-source": "Klimaatmonitor",
        "measurements-1-year": "2024",
        "measurements-1-value": "38",
        "measurements-1-area": kern.pk,
    }
    response = manager_client.post(url, data)
    assert response.status_code == 302
    assert response.url == reverse("stakeholders:ambition_detail", args=[indicator.ambition_id])
    target = IndicatorTarget.objects.get(indicator=indicator)
    assert (target.year, target.value) == (2026, Decimal("47.5"))
    rows = IndicatorMeasurement.objects.filter(indicator=indicator).order_by("value")
    assert [(m.year, m.value, m.area, m.source) for m in rows] == [
        (2024, Decimal(38), kern, ""),
        (2024, Decimal(42), None, "Klimaatmonitor"),
    ]
    body = manager_client.get(response.url).content.decode()
    assert "Klimaatmonitor" in body
    assert "Nieuwleusen" in body
    assert "tussendoel" in body


def test_a_year_twice_for_the_same_area_is_refused_and_nothing_is_saved(manager_client):
    indicator = IndicatorFactory()
    IndicatorMeasurementFactory(indicator=indicator, year=2023, value=Decimal(41))
    url, data = _edit_page(manager_client, indicator)
    data |= {
        "name": "Nieuwe naam",
        "measurements-1-year": "2023",
        "measurements-1-value": "44",
    }
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert "Dit jaar heeft al een meting" in response.content.decode()
    indicator.refresh_from_db()
    assert indicator.name != "Nieuwe naam"
    assert IndicatorMeasurement.objects.filter(indicator=indicator).count() == 1


def test_a_value_that_is_not_a_number_names_its_field(manager_client):
    indicator = IndicatorFactory()
    url, data = _edit_page(manager_client, indicator)
    data |= {"targets-0-year": "2026", "targets-0-value": "veel"}
    response = manager_client.post(url, data)
    assert response.status_code == 200
    assert response.context["formsets"]["targets"].forms[0].errors["value"]
    assert not IndicatorTarget.objects.exists()


def test_only_who_may_change_indicators_reaches_the_page(client):
    indicator = IndicatorFactory()
    url = reverse("stakeholders:indicator_update", args=[indicator.pk])
    assert client.get(url).status_code == 302
    client.force_login(user_with_role(Role.EDITOR))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True)))
    assert client.get(url).status_code == 403
