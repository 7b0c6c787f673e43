"""Which webhook addresses IMPOR posts to: http(s) only, and never into the network it
runs in (SSRF).

A webhook URL is typed by a partner, and IMPOR's worker posts to it from inside the
municipality's network. An address that names or resolves to a loopback, private,
link-local or otherwise reserved IP address could reach the database, a cloud metadata
service or an intranet page, so it is refused: when it is saved (`validate_webhook_url`
for a literal address, `check_webhook_address` with a DNS lookup in the form) and again
just before each delivery, because a name can resolve elsewhere by then.
`IMPOR_WEBHOOK_ALLOW_PRIVATE` lifts the rule for tests and a local demo.
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def _allowed_ip(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def _host(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(
            _("Alleen een http- of https-adres kan meldingen ontvangen."), code="scheme"
        )
    return parts.hostname


def _private_refused() -> ValidationError:
    return ValidationError(
        _("Dit adres ligt in een intern of lokaal netwerk; IMPOR verstuurt daar niets heen."),
        code="private",
    )


def validate_webhook_url(url: str) -> None:
    """The check without a network lookup: the scheme, and a literal IP address."""
    host = _host(url)
    if settings.IMPOR_WEBHOOK_ALLOW_PRIVATE:
        return
    try:
        literal = not _allowed_ip(host)
    except ValueError:
        literal = host == "localhost" or host.endswith(".localhost")
    if literal:
        raise _private_refused()


def check_webhook_address(url: str) -> None:
    """The full check: every address the host name resolves to must be public."""
    validate_webhook_url(url)
    if settings.IMPOR_WEBHOOK_ALLOW_PRIVATE:
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise ValidationError(
            _("Het adres %(host)s is niet gevonden.") % {"host": parts.hostname}, code="dns"
        ) from exc
    if not all(_allowed_ip(str(info[4][0])) for info in infos):
        raise _private_refused()
