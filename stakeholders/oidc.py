"""Single sign-on with the municipality's OpenID Connect provider (mozilla-django-oidc).

Active only when `OIDC_RP_CLIENT_ID` is set (impor/settings.py, docs/roles.md): then
`impor.urls` includes these routes and the backend joins `AUTHENTICATION_BACKENDS`.
A login through the provider:

1. is refused when the e-mail claim is marked unverified (`email_verified` false); an
   absent `email_verified` refuses no one (Entra ID and ADFS do not send it), since the
   address identifies no one here;
2. finds the user linked to the provider's issuer and subject (`iss` and `sub` of the ID
   token, `SingleSignOnIdentity`), never by e-mail address: an address can be given to
   another account, a partner's included. An unknown subject gets a new user without a
   password, linked to it, unless an account already has its user name or e-mail
   address: that login is refused until an administrator links the account
   (`manage.py link_sso_account`), so that nobody takes over an account by its address;
3. refuses partner users: the claims give municipal roles;
4. copies the name and e-mail address from the claims; the organisation is left alone;
5. sets the user's role from the role claim (`OIDC_ROLE_CLAIM`) through `OIDC_ROLE_MAP`;
   a user without a mapped value gets `OIDC_DEFAULT_ROLE`, and is refused when that is
   empty. The provider decides the role: groups that are no role are left alone.
"""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.db import transaction
from django.db.models import Q
from django.shortcuts import resolve_url
from django.urls import path
from django.utils.translation import gettext
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from stakeholders.choices import Role
from stakeholders.models import SingleSignOnIdentity

logger = logging.getLogger(__name__)

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
        # Some providers send the flag as the string "false".
        if str(claims.get("email_verified", True)).lower() == "false":
            return self._refuse(
                gettext(
                    "Uw e-mailadres is bij de gemeente niet bevestigd. Bevestig het eerst bij "
                    "uw gemeente-account en log dan opnieuw in."
                )
            )
        if self.roles_from(claims):
            return True
        return self._refuse(
            gettext(
                "Uw gemeente-account heeft geen rol in IMPOR. Vraag de functioneel beheerder "
                "om toegang."
            )
        )

    def _refuse(self, message: str) -> bool:
        messages.error(self.request, message)
        return False

    def get_or_create_user(self, access_token, id_token, payload):
        """The user linked to the ID token's issuer and subject, or a new one; see the
        module docstring. A refusal raises SuspiciousOperation, which the library turns
        into a failed login."""
        claims = self.get_userinfo(access_token, id_token, payload)
        issuer, subject = payload.get("iss"), payload.get("sub")
        if not issuer or not subject:
            raise SuspiciousOperation("ID token without iss or sub")
        if claims.get("sub", subject) != subject:
            # OpenID Connect Core 5.3.2: user info of another subject must not be used.
            raise SuspiciousOperation("user info of another subject than the ID token")
        if not self.verify_claims(claims):
            raise SuspiciousOperation("Claims verification failed")
        identity = (
            SingleSignOnIdentity.objects.select_related("user", "user__organisation")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is None:
            return self.create_user(claims, issuer=issuer, subject=subject)
        if identity.user.partner_organisation is not None:
            logger.warning(
                "single sign-on refused: %s is a partner user (subject %s of %s)",
                identity.user.username,
                subject,
                issuer,
            )
            self._refuse(
                gettext(
                    "Dit account hoort bij een externe organisatie en logt niet in met een "
                    "gemeente-account."
                )
            )
            raise SuspiciousOperation("partner user")
        return self.update_user(identity.user, claims)

    def get_username(self, claims: dict) -> str:
        return claims["email"].lower()

    def create_user(self, claims: dict, *, issuer: str, subject: str):
        username = self.get_username(claims)
        taken = self.UserModel.objects.filter(
            Q(username__iexact=username) | Q(email__iexact=claims["email"])
        )
        if taken.exists():
            # Most likely the same person's older account, but an address proves nothing:
            # an administrator links it after checking, the log line gives what to link.
            logger.warning(
                "single sign-on refused: an account has the user name or e-mail address of "
                "subject %s of %s; link it with manage.py link_sso_account",
                subject,
                issuer,
            )
            self._refuse(
                gettext(
                    "Er is al een account met uw e-mailadres. Vraag de functioneel beheerder "
                    "om uw gemeente-account eraan te koppelen."
                )
            )
            raise SuspiciousOperation("account with the same user name or e-mail address")
        with transaction.atomic():
            user = self.UserModel.objects.create_user(username, email=claims["email"])
            SingleSignOnIdentity.objects.create(user=user, issuer=issuer, subject=subject)
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
