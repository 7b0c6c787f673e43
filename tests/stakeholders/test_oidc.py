"""Single sign-on through OpenID Connect (stakeholders/oidc.py), against a fake provider:
the token and user-info endpoints are answered in-process, so no request leaves the test.
"""

import importlib
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.contrib.auth.models import Group
from django.urls import clear_url_caches, reverse

import impor.urls
from stakeholders.choices import Role
from stakeholders.models import User
from tests.factories import UserFactory

SECRET = "geheim-van-de-client-van-impor-bij-de-gemeente"
PROVIDER = "https://login.dalfsen.example/oidc"


def _reload_urls() -> None:
    importlib.reload(impor.urls)
    clear_url_caches()


@pytest.fixture
def sso(settings, db):
    """The settings an installation gets from the OIDC_* variables (impor/settings.py)."""
    settings.OIDC_RP_CLIENT_ID = "impor"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{PROVIDER}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{PROVIDER}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{PROVIDER}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{PROVIDER}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"impor-bewerkers": "bewerker", "impor-beheer": "beheerder"}
    settings.OIDC_DEFAULT_ROLE = "lezer"
    settings.OIDC_USE_PKCE = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "stakeholders.oidc.MunicipalOIDCBackend",
    ]
    _reload_urls()
    yield settings
    settings.OIDC_RP_CLIENT_ID = ""
    _reload_urls()


def _answer(payload):
    response = mock.Mock(status_code=200, headers={"content-type": "application/json"})
    response.json.return_value = payload
    return response


def sign_in(client, claims: dict):
    """Go through the code flow: the login button, the provider, the callback."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    request = parse_qs(urlparse(start["Location"]).query)
    assert start["Location"].startswith(f"{PROVIDER}/authorize?")
    id_token = jwt.encode(
        {"sub": "123", "nonce": request["nonce"][0], "aud": "impor"}, SECRET, algorithm="HS256"
    )
    with (
        mock.patch(
            "mozilla_django_oidc.auth.requests.post",
            return_value=_answer({"id_token": id_token, "access_token": "toegang"}),
        ) as token_call,
        mock.patch("mozilla_django_oidc.auth.requests.get", return_value=_answer(claims)),
    ):
        response = client.get(
            reverse("oidc_authentication_callback"),
            {"code": "code-van-de-provider", "state": request["state"][0]},
        )
    assert token_call.call_args.kwargs["data"]["code_verifier"]  # PKCE is on
    return response


CLAIMS = {
    "email": "Rik.Riool@dalfsen.nl",
    "given_name": "Rik",
    "family_name": "Rioolbeheerder",
    "groups": ["impor-bewerkers", "alle-medewerkers"],
}


def test_without_configuration_nothing_of_sso_is_active(client, settings, db):
    assert not settings.OIDC_RP_CLIENT_ID
    assert "stakeholders.oidc.MunicipalOIDCBackend" not in settings.AUTHENTICATION_BACKENDS
    assert client.get("/oidc/authenticate/").status_code == 404
    response = client.get(reverse("login"))
    assert "gemeente-account" not in response.text


def test_the_login_page_offers_the_municipal_account(client, sso):
    response = client.get(reverse("login"))
    assert "Inloggen met uw gemeente-account" in response.text
    assert reverse("oidc_authentication_init") in response.text
    assert 'name="password"' in response.text  # local accounts keep working


def test_a_first_login_creates_the_user_with_the_mapped_role(client, sso):
    response = sign_in(client, CLAIMS)
    assert response.status_code == 302
    assert response["Location"] == reverse("programming:dashboard")
    user = User.objects.get(email="Rik.Riool@dalfsen.nl")
    assert (user.username, user.first_name, user.last_name) == (
        "rik.riool@dalfsen.nl",
        "Rik",
        "Rioolbeheerder",
    )
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.EDITOR.value]
    assert not user.is_staff
    assert client.get(reverse("assets:asset_create")).status_code == 200


def test_a_later_login_follows_the_provider_and_keeps_other_groups(client, sso):
    user = UserFactory(email="rik.riool@dalfsen.nl", is_staff=False)
    other = Group.objects.create(name="klankbordgroep")
    user.groups.add(other, Group.objects.get(name=Role.EDITOR.value))

    sign_in(client, {**CLAIMS, "groups": ["impor-beheer"]})

    user.refresh_from_db()
    assert set(user.groups.values_list("name", flat=True)) == {
        Role.ADMINISTRATOR.value,
        "klankbordgroep",
    }
    assert user.is_staff  # administrators reach the admin
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_user_without_a_role_claim_becomes_a_viewer(client, sso):
    sign_in(client, {"email": "lotte@dalfsen.nl"})
    user = User.objects.get(email="lotte@dalfsen.nl")
    assert list(user.groups.values_list("name", flat=True)) == [Role.VIEWER.value]


def test_without_a_default_role_a_user_without_a_role_is_refused(client, sso):
    sso.OIDC_DEFAULT_ROLE = ""
    response = sign_in(client, {"email": "gast@dalfsen.nl", "groups": ["alle-medewerkers"]})
    assert response["Location"] == reverse("login")
    assert not User.objects.filter(email="gast@dalfsen.nl").exists()
    page = client.get(reverse("login"))
    assert "Uw gemeente-account heeft geen rol in IMPOR" in page.text


def test_refused_single_sign_ons_do_not_lock_out_the_address(client, sso):
    """A refused sign-on carries no username: were it counted, five refusals behind the
    town hall's one address would lock every colleague's sign-on."""
    sso.OIDC_DEFAULT_ROLE = ""
    for _attempt in range(6):
        sign_in(client, {"email": "gast@dalfsen.nl"})
    sso.OIDC_DEFAULT_ROLE = "lezer"
    assert sign_in(client, CLAIMS)["Location"] == reverse("programming:dashboard")


def test_a_partner_role_cannot_be_mapped(client, sso):
    sso.OIDC_ROLE_MAP = {"externen": Role.PARTNER.value}
    with pytest.raises(Exception, match="OIDC_ROLE_MAP"):
        sign_in(client, CLAIMS)


def test_a_local_account_still_logs_in(client, sso):
    user = UserFactory(username="lokaal")
    user.set_password("een-lang-wachtwoord")
    user.save()
    response = client.post(
        reverse("login"), {"username": "lokaal", "password": "een-lang-wachtwoord"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
