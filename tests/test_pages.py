"""Every page needs a login, except the login page itself."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from stakeholders.choices import Role
from stakeholders.models import User


def test_the_dashboard_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(reverse("programming:dashboard"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_public_and_in_dutch(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Wachtwoord" in response.content.decode()


@pytest.mark.django_db
def test_the_dashboard_shows_the_main_menu_to_a_logged_in_user(client):
    # The menu offers only what the user may open (impor.menu): a reader may see assets.
    user = User.objects.create_user("piet")
    user.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(user)
    response = client.get(reverse("programming:dashboard"))
    assert response.status_code == 200
    assert "Beheerobjecten" in response.content.decode()
