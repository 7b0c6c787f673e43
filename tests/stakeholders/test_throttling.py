"""Login throttling of local accounts (django-axes, impor/settings.py, docs/roles.md)."""

import pytest
from django.urls import reverse

from stakeholders.choices import Role
from tests.api.conftest import token_client, user_with_role

PASSWORD = "een-lang-wachtwoord"


@pytest.fixture
def lotte(db):
    user = user_with_role(Role.VIEWER, username="lotte")
    user.set_password(PASSWORD)
    user.save()
    return user


def log_in(client, password, username="lotte", **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_account(client, lotte):
    for _attempt in range(4):
        assert log_in(client, "fout").status_code == 200  # the form again, with its error
    locked = log_in(client, "fout")
    assert locked.status_code == 429
    assert "Tijdelijk geblokkeerd" in locked.text
    assert "5 keer een verkeerd wachtwoord" in locked.text
    assert "Probeer het over 15 minuten opnieuw" in locked.text


def test_the_right_password_is_refused_while_locked(client, lotte):
    for _attempt in range(5):
        log_in(client, "fout")
    response = log_in(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_resets_the_count(client, lotte):
    for _attempt in range(4):
        log_in(client, "fout")
    assert log_in(client, PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        assert log_in(client, "fout").status_code == 200


def test_the_lock_holds_one_username_from_one_address(client, lotte):
    for _attempt in range(5):
        log_in(client, "fout", REMOTE_ADDR="10.0.0.1")
    assert log_in(client, PASSWORD, REMOTE_ADDR="10.0.0.2").status_code == 302


def test_a_forwarded_address_counts_only_behind_a_configured_proxy(client, lotte, settings):
    # Without a configured proxy, X-Forwarded-For is the client's own say: ignored.
    for number in range(5):
        log_in(client, "fout", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429

    settings.IMPOR_PROXY_COUNT = 1
    # Behind one proxy the client is the address that proxy appended, whatever the
    # client put in front of it.
    for _attempt in range(5):
        log_in(client, "fout", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.8").status_code == 302


def test_a_token_call_to_the_api_is_not_affected(client, lotte):
    for _attempt in range(5):
        log_in(client, "fout")
    assert log_in(client, PASSWORD).status_code == 429
    response = token_client(lotte).get("/api/v1/actoren")
    assert response.status_code == 200
