"""Single sign-on with the municipality's OpenID Connect provider (mozilla-django-oidc).

Active only when `OIDC_RP_CLIENT_ID` is set (impor/settings.py, docs/roles.md): then
`impor.urls` includes these routes and the backend joins `AUTHENTICATION_BACKENDS`.
A login through the provider:

1. finds the user by e-mail address, or creates one without a password;
2. copies the name and e-mail address from the claims;
3. sets the user's role from the role claim (`OIDC_ROLE_CLAIM`) through `OIDC_ROLE_MAP`;
   a user without a mapped value gets `OIDC_DEFAULT_ROLE`, and is refused when that is
   empty. The provider decides the role: groups that are no role are left alone.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.shortcuts import resolve_url
from django.urls import path
from django.utils.translation import gettext
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from stakeholders.choices import Role

#: Partner users belong to an outside organisation; the municipal provider does not make them.
SSO_ROLES = frozenset(Role.values) - {Role.PARTNER.value}


def _check_role(name: str, value: str) -> str:
    if value not in SSO_ROLES:
        raise ImproperlyConfigured(
            f"{name}: {value!r} is no role; use one of {', '.join(sorted(SSO_ROLES))}"
        )
    return value


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    """Logs in municipal staff with the provider's claims; see the module docstring."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role_claim = settings.OIDC_ROLE_CLAIM
        self.role_map = {
            claim: _check_role("OIDC_ROLE_MAP", role)
            for claim, role in settings.OIDC_ROLE_MAP.items()
        }
        default = settings.OIDC_DEFAULT_ROLE
        self.default_role = _check_role("OIDC_DEFAULT_ROLE", default) if default else None

    def roles_from(self, claims: dict) -> set[str]:
        """The roles the claims give: the mapped values of the role claim (one value or a
        list), else the default role, else none."""
        values = claims.get(self.role_claim) or []
        if isinstance(values, str):
            values = [values]
        roles = {self.role_map[value] for value in values if value in self.role_map}
        if not roles and self.default_role:
            roles = {self.default_role}
        return roles

    def verify_claims(self, claims: dict) -> bool:
        if not super().verify_claims(claims):
            return False
        if self.roles_from(claims):
            return True
        messages.error(
            self.request,
            gettext(
                "Uw gemeente-account heeft geen rol in IMPOR. Vraag de functioneel beheerder "
                "om toegang."
            ),
        )
        return False

    def get_username(self, claims: dict) -> str:
        return claims["email"].lower()

    def create_user(self, claims: dict):
        user = self.UserModel.objects.create_user(self.get_username(claims), email=claims["email"])
        return self.update_user(user, claims)

    def update_user(self, user, claims: dict):
        user.email = claims["email"]
        user.first_name = claims.get("given_name", user.first_name)[:150]
        user.last_name = claims.get("family_name", user.last_name)[:150]
        user.save(update_fields=["email", "first_name", "last_name"])
        roles = self.roles_from(claims)
        # Replace the role groups only; `is_staff` follows (stakeholders.roles.sync_staff).
        user.groups.remove(*user.groups.filter(name__in=Role.values).exclude(name__in=roles))
        user.groups.add(*Group.objects.filter(name__in=roles))
        return user


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer; a refused login returns to the login page and its message."""

    @property
    def failure_url(self) -> str:
        return resolve_url(settings.LOGIN_URL)


urlpatterns = [
    path(
        "authenticate/",
        login_not_required(OIDCAuthenticationRequestView.as_view()),
        name="oidc_authentication_init",
    ),
    path(
        "callback/",
        login_not_required(CallbackView.as_view()),
        name="oidc_authentication_callback",
    ),
]
