"""Tokens for integrations: stored hashed, shown once, bound to a user and its
organisation, revocable in the UI and the admin."""

import hashlib

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from stakeholders.choices import Role
from stakeholders.models import ApiToken
from tests.api.conftest import user_with_role
from tests.factories import ActorFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def call(key: str, url: str = "/api/v1/projecten", keyword: str = "Token"):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
    return client.get(url)


def test_only_the_hash_of_a_token_is_stored():
    token, key = ApiToken.objects.issue(user=UserFactory(), name="planning")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.prefix}
    assert key.startswith(token.prefix)


def test_a_token_authenticates_as_its_user_with_token_or_bearer():
    user = user_with_role(Role.VIEWER)
    _token, key = ApiToken.objects.issue(user=user, name="planning")
    assert call(key).status_code == 200
    assert call(key, keyword="Bearer").status_code == 200
    assert ApiToken.objects.get().last_used is not None


def test_a_wrong_or_revoked_token_gets_401_as_problem_json():
    user = user_with_role(Role.VIEWER)
    token, key = ApiToken.objects.issue(user=user, name="planning")
    token.revoke()
    for response in (call(key), call("verzonnen")):
        assert response.status_code == 401
        assert response["Content-Type"] == "application/problem+json"


def test_a_token_stops_working_when_its_user_moves_to_another_organisation():
    enexis, vechthorst = ActorFactory(partner=True), ActorFactory(partner=True)
    user = user_with_role(Role.PARTNER, organisation=enexis)
    ProjectFactory(owner=enexis)
    ProjectFactory(owner=vechthorst)
    _token, key = ApiToken.objects.issue(user=user, name="planning")
    assert call(key).json()["count"] == 1
    user.organisation = vechthorst
    user.save()
    response = call(key)
    assert response.status_code == 401
    assert "organisatie" in response.json()["detail"]


def test_a_user_makes_a_token_on_the_page_and_sees_the_key_once(client):
    user = user_with_role(Role.VIEWER)
    client.force_login(user)
    url = reverse("stakeholders:token_list")
    response = client.post(url, {"name": "GIS-koppeling"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key.encode() in response.content
    assert call(key).status_code == 200
    assert key.encode() not in client.get(url).content


def test_a_user_revokes_an_own_token_on_the_page(client):
    user = user_with_role(Role.VIEWER)
    token, key = ApiToken.objects.issue(user=user, name="planning")
    client.force_login(user)
    response = client.post(reverse("stakeholders:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert call(key).status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(client):
    token, key = ApiToken.objects.issue(user=user_with_role(Role.VIEWER), name="planning")
    client.force_login(UserFactory())
    response = client.post(reverse("stakeholders:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert call(key).status_code == 200


def test_the_token_page_needs_a_login(client):
    response = client.get(reverse("stakeholders:token_list"))
    assert response.status_code == 302


def test_the_admin_shows_a_new_key_once_and_revokes(admin_client):
    user = UserFactory()
    response = admin_client.post(
        reverse("admin:stakeholders_apitoken_add"),
        {"user": user.pk, "name": "planning"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    assert any(token.prefix in message for message in shown)
    admin_client.post(
        reverse("admin:stakeholders_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
