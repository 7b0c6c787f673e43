"""Single sign-on through OpenID Connect (stakeholders/oidc.py), against a fake provider:
the token and user-info endpoints are answered in-process, so no request leaves the test.
"""

import importlib
from unittest import mock
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import clear_url_caches, reverse

import impor.urls
from stakeholders.choices import Role
from stakeholders.models import SingleSignOnIdentity, User
from tests.factories import ActorFactory, UserFactory

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


def sign_in(client, claims: dict, *, subject: str = "rik-123", issuer: str = PROVIDER):
    """Go through the code flow: the login button, the provider, the callback. The
    provider names the account `subject` in the ID token and in the user info."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    request = parse_qs(urlparse(start["Location"]).query)
    assert start["Location"].startswith(f"{PROVIDER}/authorize?")
    id_token = jwt.encode(
        {"iss": issuer, "sub": subject, "nonce": request["nonce"][0], "aud": "impor"},
        SECRET,
        algorithm="HS256",
    )
    claims = {"sub": subject, **claims}
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
    SingleSignOnIdentity.objects.create(user=user, issuer=PROVIDER, subject="rik-123")
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
    sign_in(client, {"email": "lotte@dalfsen.nl"}, subject="lotte")
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
        sign_in(client, {"email": "gast@dalfsen.nl"}, subject="gast")
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


def logged_in_user(client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def test_a_first_login_links_the_new_user_to_the_providers_subject(client, sso):
    sign_in(client, CLAIMS)
    identity = SingleSignOnIdentity.objects.get()
    assert (identity.issuer, identity.subject) == (PROVIDER, "rik-123")
    assert identity.user == logged_in_user(client)
    assert identity.history.get().history_type == "+"


def test_a_user_is_found_again_by_subject_after_the_email_address_changes(client, sso):
    sign_in(client, CLAIMS)
    first = logged_in_user(client)
    client.logout()

    sign_in(client, {**CLAIMS, "email": "rik.rioolbeheer@dalfsen.nl"})

    assert logged_in_user(client) == first
    first.refresh_from_db()
    assert first.email == "rik.rioolbeheer@dalfsen.nl"
    assert User.objects.count() == 1


@pytest.mark.parametrize("partner", [True, False], ids=["partner", "local-account"])
def test_a_login_with_an_existing_accounts_email_neither_logs_in_as_it_nor_changes_it(
    client, sso, partner
):
    """An e-mail address is not an identity: a partner (or anyone) whose account carries
    the address an SSO login presents must not be logged in as, nor get municipal roles."""
    existing = UserFactory(
        username="rik-extern", email="rik.riool@dalfsen.nl", first_name="Extern", partner=partner
    )
    organisation = existing.organisation

    response = sign_in(client, CLAIMS)

    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None
    existing.refresh_from_db()
    assert (existing.email, existing.first_name) == ("rik.riool@dalfsen.nl", "Extern")
    assert existing.organisation == organisation
    assert not existing.groups.exists()
    assert not SingleSignOnIdentity.objects.exists()
    assert User.objects.count() == 1
    page = client.get(reverse("login"))
    assert "link_sso_account" not in page.text
    assert "Er is al een account met uw e-mailadres" in page.text


def test_a_login_with_an_unverified_email_address_is_refused(client, sso):
    response = sign_in(client, {**CLAIMS, "email_verified": False})
    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None
    assert not User.objects.exists()
    assert "Uw e-mailadres is bij de gemeente niet bevestigd" in client.get(reverse("login")).text


def test_a_login_with_a_verified_or_unreported_email_address_is_let_in(client, sso):
    """Entra ID and ADFS send no `email_verified`: the municipality's own directory gave
    the address, and the address identifies no one, so its absence refuses no one."""
    sign_in(client, {**CLAIMS, "email_verified": True})
    assert logged_in_user(client) is not None
    client.logout()
    sign_in(client, {"email": "lotte@dalfsen.nl"}, subject="lotte")
    assert logged_in_user(client).email == "lotte@dalfsen.nl"


def test_the_same_subject_of_another_issuer_is_another_account(client, sso):
    sign_in(client, CLAIMS)
    first = logged_in_user(client)
    client.logout()

    response = sign_in(
        client, {**CLAIMS, "email": "rik@elders.example"}, issuer="https://elders.example"
    )

    assert response["Location"] == reverse("programming:dashboard")
    assert logged_in_user(client) != first


def test_a_login_never_changes_the_users_organisation(client, sso):
    team = ActorFactory(name="Team riolering")
    user = UserFactory(username="rik", organisation=team)
    SingleSignOnIdentity.objects.create(user=user, issuer=PROVIDER, subject="rik-123")

    sign_in(client, {**CLAIMS, "organisation": "Enexis"})

    assert logged_in_user(client) == user
    user.refresh_from_db()
    assert user.organisation == team


def test_a_partner_account_linked_to_a_municipal_identity_is_refused(client, sso):
    """Roles from the claims are municipal roles: they may not land on a partner user."""
    partner = UserFactory(partner=True)
    organisation = partner.organisation
    SingleSignOnIdentity.objects.create(user=partner, issuer=PROVIDER, subject="rik-123")

    response = sign_in(client, CLAIMS)

    assert response["Location"] == reverse("login")
    assert logged_in_user(client) is None
    partner.refresh_from_db()
    assert partner.organisation == organisation
    assert not partner.groups.exists()


def test_an_administrator_links_an_existing_account_which_then_logs_in(client, sso, caplog):
    user = UserFactory(username="rvdberg", email="rik.riool@dalfsen.nl")

    with caplog.at_level("INFO", logger="stakeholders"):
        call_command("link_sso_account", "rvdberg", subject="rik-123", issuer=PROVIDER)

    identity = SingleSignOnIdentity.objects.get()
    assert identity.user == user
    version = identity.history.get()
    assert version.history_type == "+"
    assert version.history_change_reason == "manage.py link_sso_account"
    assert "rvdberg" in caplog.text
    assert "rik-123" in caplog.text
    sign_in(client, CLAIMS)
    assert logged_in_user(client) == user


def test_the_link_command_refuses_partners_and_subjects_linked_elsewhere(sso):
    UserFactory(username="enexis", partner=True)
    with pytest.raises(CommandError, match="partner"):
        call_command("link_sso_account", "enexis", subject="s-1", issuer=PROVIDER)
    UserFactory(username="een")
    UserFactory(username="twee")
    call_command("link_sso_account", "een", subject="s-1", issuer=PROVIDER)
    with pytest.raises(CommandError, match="al aan een gebruiker gekoppeld"):
        call_command("link_sso_account", "twee", subject="s-1", issuer=PROVIDER)
    with pytest.raises(CommandError, match="bestaat niet"):
        call_command("link_sso_account", "niemand", subject="s-2", issuer=PROVIDER)
    assert SingleSignOnIdentity.objects.count() == 1


def test_an_administrator_links_an_account_in_the_admin_and_the_history_names_them(client, db):
    administrator = UserFactory(is_superuser=True, is_staff=True)
    user = UserFactory(username="rvdberg")
    partner = UserFactory(partner=True)
    client.force_login(administrator)
    url = reverse("admin:stakeholders_singlesignonidentity_add")

    refused = client.post(url, {"user": partner.pk, "issuer": PROVIDER, "subject": "p-1"})
    response = client.post(url, {"user": user.pk, "issuer": PROVIDER, "subject": "rik-123"})

    assert "krijgt geen gemeente-account" in refused.text
    assert response.status_code == 302
    version = SingleSignOnIdentity.history.get()
    assert (version.user, version.history_user, version.history_change_reason) == (
        user,
        administrator,
        "admin",
    )
