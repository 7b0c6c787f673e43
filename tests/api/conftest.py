"""Clients of the API per role, and partner users of two organisations."""

import pytest
from django.contrib.auth.models import Group
from rest_framework.test import APIClient

from stakeholders.choices import Role
from stakeholders.models import ApiToken
from tests.factories import ActorFactory, UserFactory


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def token_client(user, name: str = "koppeling") -> APIClient:
    """A client that calls the API with a real token, as an integration does."""
    _token, key = ApiToken.objects.issue(user=user, name=name)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def viewer(db):
    return client_for(user_with_role(Role.VIEWER))


@pytest.fixture
def editor(db):
    return client_for(user_with_role(Role.EDITOR))


@pytest.fixture
def manager(db):
    return client_for(user_with_role(Role.PROGRAMME_MANAGER))


@pytest.fixture
def enexis(db):
    return ActorFactory(name="Enexis Netbeheer", partner=True)


@pytest.fixture
def vechthorst(db):
    return ActorFactory(name="Vechthorst", partner=True)


@pytest.fixture
def enexis_user(enexis):
    return user_with_role(Role.PARTNER, organisation=enexis)


@pytest.fixture
def enexis_client(enexis_user):
    return token_client(enexis_user)
