"""Token authentication of the API: `Authorization: Token <key>` (or `Bearer <key>`).

Kept apart from `stakeholders.api` because DRF reads its authentication classes while
it defines its own views; a module with viewsets would import itself in a circle.
"""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from stakeholders.models import ApiToken, hash_token_key

KEYWORDS = {b"token", b"bearer"}
#: `last_used` is written at most this often per token, not on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    """A user's API token, valid while it is not revoked, the user is active and the
    user still belongs to the organisation the token was made for."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                _("Geef de sleutel als 'Authorization: Token <sleutel>'.")
            )
        token = (
            ApiToken.objects.active()
            .select_related("user")
            .filter(key_hash=hash_token_key(parts[1].decode("latin-1")))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Deze API-sleutel is onbekend of ingetrokken."))
        if token.organisation_id != token.user.organisation_id:
            raise exceptions.AuthenticationFailed(
                _(
                    "Deze API-sleutel hoort bij een andere organisatie dan die van de "
                    "gebruiker; maak een nieuwe sleutel."
                )
            )
        now = timezone.now()
        if token.last_used is None or now - token.last_used > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Token realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI document."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )
