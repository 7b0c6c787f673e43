"""The main menu offers each user what it may open: the registers for municipal users,
the partner's own workspace for a partner, and never a page that answers 403."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from impor.menu import menu_items
from stakeholders.choices import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def menu_of(client: Client, user) -> list[tuple[str, str]]:
    client.force_login(user)
    response = client.get("/")
    return [(item.label, item.url) for item in menu_items(response.wsgi_request)]


def test_a_partner_gets_its_own_workspace(client):
    partner = user_with_role(Role.PARTNER, partner=True)
    labels = [label for label, _url in menu_of(client, partner)]
    assert labels == [
        "Start",
        "Onze werken",
        "Koppelkansen",
        "Interessegebieden",
        "Meldingen",
        "Werken uploaden",
        "API-sleutels",
    ]
    for municipal in ("Programma's", "Beheerobjecten", "Actoren", "Budgetregels", "Gebieden"):
        assert municipal not in labels


def test_a_reader_keeps_the_register_menu_in_its_order_plus_couplings(client):
    reader = user_with_role(Role.VIEWER)
    labels = [label for label, _url in menu_of(client, reader)]
    assert labels[:11] == [
        "Dashboard",
        "Programma's",
        "Koppelkansen",
        "Gebieden",
        "Kernen",
        "Beheerobjecten",
        "Projecten",
        "Actoren",
        "Ambities",
        "Thema's",
        "Budgetregels",
    ]
    assert "Werken uploaden" not in labels


def test_a_user_without_a_role_sees_only_what_needs_no_permission(client):
    labels = [label for label, _url in menu_of(client, UserFactory())]
    assert labels == ["Dashboard", "Meldingen"]


@pytest.mark.parametrize("role", [Role.PARTNER, Role.VIEWER, Role.EDITOR, Role.ADMINISTRATOR])
def test_every_menu_item_opens(client, role):
    user = user_with_role(role, partner=role == Role.PARTNER)
    for label, url in menu_of(client, user):
        assert client.get(url).status_code == 200, (label, url)


def test_the_menu_is_in_the_page_with_the_current_item_marked(client):
    client.force_login(user_with_role(Role.PARTNER, partner=True))
    body = client.get("/koppelkansen/").content.decode()
    assert 'href="/koppelkansen/" aria-current="page">Koppelkansen</a>' in body
    assert "/programmas/" not in body
