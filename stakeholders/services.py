"""Writes on users and their accounts that more than one interface performs."""

import logging

from stakeholders.models import SingleSignOnIdentity, User

logger = logging.getLogger(__name__)


def sso_identity_link(
    *, user: User, issuer: str, subject: str, reason: str
) -> SingleSignOnIdentity:
    """Let the provider's account (`issuer`, `subject`) log in as `user`.

    The explicit step that replaces matching by e-mail address: validated (a partner user
    and a subject linked elsewhere are refused with ValidationError), kept in the history
    with `reason`, and logged.
    """
    identity = SingleSignOnIdentity(user=user, issuer=issuer, subject=subject)
    identity.full_clean()
    # simple-history reads the reason of the history row from this attribute.
    identity._change_reason = reason  # type: ignore[attr-defined]
    identity.save()
    logger.info("linked subject %s of %s to user %s (%s)", subject, issuer, user.username, reason)
    return identity
