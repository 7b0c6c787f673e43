"""Writes on users and their accounts, and on areas of interest and alerts, that more than
one interface performs (pages, API, tasks, commands)."""

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import requests
import shapely
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from impor import geometry
from impor.choices import ImportKind
from impor.importing.readers import read_table
from impor.importing.report import (
    ImportReport,
    RowError,
    finish_run,
    read_limits,
    record_commit,
)
from impor.importing.table import ImportFileError
from stakeholders import alert_text
from stakeholders.models import (
    Actor,
    Alert,
    AlertFrequency,
    AlertSettings,
    AreaOfInterest,
    AreaOfInterestSource,
    DeliveryStatus,
    Notification,
    SingleSignOnIdentity,
    User,
    WebhookDelivery,
    WebhookEndpoint,
)
from stakeholders.webhook_address import check_webhook_address

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


# --- alerts (issue #17 §4) -------------------------------------------------------------

#: What one recorded alert is before it is stored: organisation id, kind, facts.
AlertDraft = tuple[int, str, dict[str, Any]]


@transaction.atomic
def alerts_record(drafts: list[AlertDraft]) -> list[Alert]:
    """Store alerts with a notification for each active user of their organisation and
    a waiting delivery for each active webhook of it; nothing is sent yet
    (`stakeholders.tasks.alerts_dispatch` does that once the transaction commits)."""
    if not drafts:
        return []
    alerts = Alert.objects.bulk_create(
        Alert(organisation_id=organisation, kind=kind, data=data)
        for organisation, kind, data in drafts
    )
    by_organisation: dict[int, list[Alert]] = {}
    for alert in alerts:
        by_organisation.setdefault(alert.organisation_id, []).append(alert)
    users = User.objects.filter(organisation_id__in=by_organisation, is_active=True)
    Notification.objects.bulk_create(
        Notification(alert=alert, user_id=user_id)
        for user_id, organisation_id in users.values_list("pk", "organisation_id")
        for alert in by_organisation[organisation_id]
    )
    endpoints = WebhookEndpoint.objects.filter(
        organisation_id__in=by_organisation, is_active=True
    ).values_list("pk", "organisation_id")
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(endpoint_id=endpoint_id, alert=alert, next_attempt_at=now)
        for endpoint_id, organisation_id in endpoints
        for alert in by_organisation[organisation_id]
    )
    return alerts


def alert_settings_of(user: User) -> AlertSettings:
    """The user's alert settings, made with the defaults (e-mail at once, a new feed
    token) the first time they are asked for."""
    found, _created = AlertSettings.objects.get_or_create(user=user)
    return found


def _site_url(path: str) -> str:
    return f"{settings.IMPOR_SITE_URL}{path}"


def _mail(user: User, subject: str, body: str) -> EmailMessage:
    return EmailMessage(subject=subject[:200], body=body, to=[user.email])


def alert_mails_send(alert_ids: list[int]) -> int:
    """E-mail the notifications of these alerts to the users who want them at once; the
    number of e-mails. Each is marked mailed, so a digest does not repeat it."""
    notifications = list(
        Notification.objects.filter(alert_id__in=alert_ids, mailed_at__isnull=True)
        .exclude(user__email="")
        .exclude(
            user__alert_settings__frequency__in=[
                AlertFrequency.DAGELIJKS,
                AlertFrequency.WEKELIJKS,
                AlertFrequency.GEEN,
            ]
        )
        .select_related("alert", "user")
    )
    if not notifications:
        return 0
    inbox = _site_url(reverse("stakeholders:inbox"))
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            _mail(
                n.user,
                "IMPOR: " + alert_text.title(n.alert),
                alert_text.as_text(n.alert)
                + "\n\n"
                + _("Alle meldingen: %(url)s") % {"url": inbox},
            )
            for n in notifications
        ]
    sent = mail.get_connection().send_messages(messages) or 0
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
        mailed_at=timezone.now()
    )
    return sent


#: How long a digest covers.
DIGEST_PERIODS = {
    AlertFrequency.DAGELIJKS: timedelta(days=1),
    AlertFrequency.WEKELIJKS: timedelta(days=7),
}


def digests_send(now: datetime | None = None) -> int:
    """One e-mail per user whose daily or weekly digest is due, with every notification
    no e-mail carried yet; the number of e-mails. Due: the period has passed since the
    last digest that was sent (a first digest is due at once), so at most one a period.
    Run by `manage.py send_digests` (cron, or the task of the same name) as often as
    wanted: a digest that is not due is not sent, so running it every hour sends each
    user at most one a day or a week."""
    now = now or timezone.now()
    sent = 0
    for frequency, period in DIGEST_PERIODS.items():
        due = AlertSettings.objects.filter(frequency=frequency, user__is_active=True).filter(
            Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - period)
        )
        for subscription in due.select_related("user"):
            sent += _digest_send(subscription, now)
    return sent


def _digest_send(subscription: AlertSettings, now: datetime) -> int:
    user = subscription.user
    pending = list(
        Notification.objects.filter(user=user, mailed_at__isnull=True)
        .select_related("alert")
        .order_by("alert__created_at", "pk")
    )
    if not pending or not user.email:
        return 0
    subscription.last_digest_at = now
    subscription.save(update_fields=["last_digest_at"])
    with translation.override(settings.LANGUAGE_CODE):
        subject = ngettext(
            "IMPOR: %(count)s melding over uw interessegebieden",
            "IMPOR: %(count)s meldingen over uw interessegebieden",
            len(pending),
        ) % {"count": len(pending)}
        parts = [alert_text.as_text(n.alert) for n in pending]
        parts.append(
            _("Alle meldingen: %(url)s") % {"url": _site_url(reverse("stakeholders:inbox"))}
        )
    sent = _mail(user, subject, "\n\n---\n\n".join(parts)).send()
    Notification.objects.filter(pk__in=[n.pk for n in pending]).update(mailed_at=now)
    return sent


def notifications_mark_read(user: User, ids: list[int] | None = None) -> int:
    """Mark the user's notifications read (these ids, or all); the number marked."""
    rows = Notification.objects.visible_to(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    return rows.update(read_at=timezone.now())


def webhook_payload(alert: Alert) -> dict[str, Any]:
    """The JSON a webhook receives: the alert's facts as stored for its organisation (so
    no more than its inbox shows) and a Dutch title."""
    with translation.override(settings.LANGUAGE_CODE):
        title = alert_text.title(alert)
    return {
        "id": alert.pk,
        "type": alert.kind,
        "created_at": alert.created_at.isoformat(),
        "organisation": alert.organisation.name,
        "title": title,
        "data": alert.data,
    }


def webhook_signature(secret: str, body: bytes) -> str:
    """The `X-IMPOR-Signature` header: HMAC-SHA256 of the exact body with the secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(delivery: WebhookDelivery) -> datetime | None:
    """Post one alert to its webhook, once; the time of the next attempt when it failed
    and attempts are left, else None.

    A 2xx answer delivers it. Any other answer, a timeout or a refused connection counts
    as an attempt; the wait before the next doubles each time
    (IMPOR_WEBHOOK_BACKOFF_SECONDS, 2×, 4×, …) until IMPOR_WEBHOOK_ATTEMPTS are used. An
    address that is no longer allowed (stakeholders/webhook_address.py) fails at once.
    Redirects are not followed: they could lead into the internal network.
    """
    endpoint = delivery.endpoint
    if delivery.status != DeliveryStatus.WACHTEND:
        return None
    if not endpoint.is_active:
        return _delivery_failed(delivery, _("De webhook staat uit."), final=True)
    try:
        check_webhook_address(endpoint.url)
    except ValidationError as exc:
        return _delivery_failed(delivery, " ".join(exc.messages), final=True)
    body = json.dumps(webhook_payload(delivery.alert), ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "IMPOR-webhook/1",
        "X-IMPOR-Event": delivery.alert.kind,
        "X-IMPOR-Delivery": str(delivery.pk),
        "X-IMPOR-Signature": webhook_signature(endpoint.secret, body),
    }
    delivery.attempts += 1
    try:
        response = requests.post(
            endpoint.url, data=body, headers=headers, timeout=10, allow_redirects=False
        )
    except requests.RequestException as exc:
        delivery.response_code = None
        return _delivery_failed(delivery, type(exc).__name__)
    delivery.response_code = response.status_code
    if 200 <= response.status_code < 300:
        delivery.status = DeliveryStatus.AFGELEVERD
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
        delivery.error = ""
        delivery.save()
        return None
    return _delivery_failed(delivery, f"HTTP {response.status_code}")


def _delivery_failed(
    delivery: WebhookDelivery, error: str, *, final: bool = False
) -> datetime | None:
    delivery.error = error[:300]
    if final or delivery.attempts >= settings.IMPOR_WEBHOOK_ATTEMPTS:
        delivery.status = DeliveryStatus.MISLUKT
        delivery.next_attempt_at = None
    else:
        wait = settings.IMPOR_WEBHOOK_BACKOFF_SECONDS * 2 ** (delivery.attempts - 1)
        delivery.next_attempt_at = timezone.now() + timedelta(seconds=wait)
    delivery.save()
    logger.warning("webhook delivery %s failed (%s)", delivery.pk, delivery.error)
    return delivery.next_attempt_at


# --- areas of interest from a file ------------------------------------------------------


@dataclass
class InterestUpload:
    """What an upload of areas of interest asks for, beside the file."""

    organisation: Actor
    name: str
    buffer: int
    #: One area for the whole file (a network with a buffer) or one per feature.
    per_feature: bool
    name_column: str = ""


@dataclass
class InterestUploadResult:
    report: ImportReport
    areas: list[AreaOfInterest] = field(default_factory=list)


def interest_areas_from_file(
    path: Path,
    upload: InterestUpload,
    *,
    user: User | None,
    file_name: str,
    commit: bool = False,
) -> InterestUploadResult:
    """Read a GeoJSON, GeoPackage or zipped shapefile into areas of interest: a dry run
    (counts and row errors) unless `commit`, which stores them all in one transaction
    or, when any row has an error, none.

    Every feature must have a valid geometry inside the Netherlands; a row's error names
    the row (the feature number in the file). A file without a coordinate system is
    read as RD New, with a warning.
    """
    started = time.perf_counter()
    report = ImportReport(
        kind=ImportKind.INTEREST_AREAS,
        file_name=file_name,
        source="upload",
        messages_name_the_file=False,
    )
    result = InterestUploadResult(report=report)

    def finish() -> InterestUploadResult:
        if report.errors:
            result.areas = []
        finish_run(report, path, user=user, started=started, commit=commit, log_the_plan=True)
        return result

    try:
        table = read_table(path, filename=file_name, **read_limits())
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return finish()
    report.warnings.extend(table.warnings)
    if table.geometry is None:
        report.errors.append(
            RowError(0, "", _("Het bestand heeft geen geometrie: kies GeoJSON, GPKG of SHP."))
        )
        return finish()
    crs = table.crs
    if crs is None:
        crs = geometry.RD_NEW
        report.warnings.append(_("Het bestand noemt geen coördinatenstelsel; gelezen als RD New."))
    report.crs = crs
    report.rows = len(table.frame)
    shapes: list[tuple[int, str, Any]] = []
    names = (
        table.frame[upload.name_column].tolist()
        if upload.name_column and upload.name_column in table.frame.columns
        else [None] * report.rows
    )
    for offset, shape in enumerate(table.geometry):
        row = table.first_row + offset
        try:
            if shape is None or shape.is_empty:
                raise geometry.GeometryError(_("deze rij heeft geen geometrie"))
            stored = geometry.to_storage(shape, crs)
        except geometry.GeometryError as exc:
            report.errors.append(RowError(row, "geometrie", str(exc)))
            continue
        label = str(names[offset]).strip() if names[offset] not in (None, "") else ""
        shapes.append((row, label, stored))
    report.valid = len(shapes)
    if upload.per_feature:
        drafts = [(label or f"{upload.name} {row}", stored) for row, label, stored in shapes]
    elif shapes:
        drafts = [(upload.name, _union([stored for _row, _label, stored in shapes], upload))]
    else:
        drafts = []
    report.creates = len(drafts)
    result.areas = [
        AreaOfInterest(
            organisation=upload.organisation,
            name=name[:200],
            geometry=stored,
            buffer=upload.buffer,
            source=AreaOfInterestSource.BESTAND,
            file_name=file_name[:255],
            created_by=user,
        )
        for name, stored in drafts
    ]
    for area in result.areas:
        try:
            area.full_clean()
        except ValidationError as exc:
            report.errors.append(RowError(0, "", " ".join(exc.messages)))
    if report.errors or not commit:
        return finish()
    with transaction.atomic():
        record_commit(report, path, user=user, started=started)
        for area in result.areas:
            area._change_reason = f"upload {file_name}"[:100]  # type: ignore[attr-defined]
            area.save()
    return result


def _union(wkts: list[str], upload: InterestUpload) -> str:
    """One geometry of a whole file. Points and lines mixed make a geometry collection,
    which IMPOR does not store; those become the polygon of the buffer (at least 1 m)."""
    merged = shapely.union_all(shapely.from_wkt(wkts))
    if merged.geom_type == "GeometryCollection":
        merged = shapely.union_all(shapely.buffer(shapely.from_wkt(wkts), max(upload.buffer, 1)))
        upload.buffer = 0
    return geometry.to_storage(merged)
