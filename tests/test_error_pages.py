"""Friendly error pages in Dutch and English with a way back, never a stack trace, and a
500 page that needs neither the database nor context processors."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory, override_settings

from impor.errors import bad_request, server_error
from programming import partner
from stakeholders.choices import Role
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("production_errors")]


@pytest.fixture
def production_errors():
    with override_settings(DEBUG=False, DEBUG_PROPAGATE_EXCEPTIONS=False):
        yield


@pytest.fixture
def partner_client():
    user = UserFactory(partner=True)
    user.groups.add(Group.objects.get(name=Role.PARTNER.value))
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_a_partner_asking_a_municipal_page_gets_the_friendly_403(partner_client):
    response = partner_client.get("/programmas/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "<title>U mag deze pagina niet bekijken" in body
    assert 'href="/"' in body
    # The partner's own menu, as a way on.
    assert "Koppelkansen" in body


def test_the_403_speaks_english_too(partner_client):
    response = partner_client.get("/programmas/", headers={"accept-language": "en"})
    assert response.status_code == 403
    assert "<title>You may not view this page" in response.content.decode()


def test_a_missing_url_gets_the_friendly_404(partner_client):
    response = partner_client.get("/bestaat-niet/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Deze pagina bestaat niet</h1>" in body
    assert "Naar de startpagina" in body


def test_a_forced_error_gets_the_friendly_500_without_a_trace(partner_client, monkeypatch):
    def broken(self, **kwargs):
        raise RuntimeError("geheime details uit de stapel")

    monkeypatch.setattr(partner.PartnerStartView, "get_context_data", broken)
    response = partner_client.get("/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Er ging iets mis in IMPOR" in body
    assert "Naar de startpagina" in body
    assert "geheime details" not in body
    assert "Traceback" not in body


def test_the_500_and_400_pages_need_no_database(django_assert_num_queries):
    request = RequestFactory().get("/")
    with django_assert_num_queries(0):
        assert server_error(request).status_code == 500
        assert bad_request(request, ValueError("x")).status_code == 400
