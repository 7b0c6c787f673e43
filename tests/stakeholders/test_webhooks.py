"""Delivery of alerts: webhooks (signed, retried with backoff, never into the internal
network), e-mail at once or as a digest, and the Atom feed behind its token."""

import hashlib
import hmac
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from stakeholders.forms import WebhookForm
from stakeholders.models import (
    AlertFrequency,
    DeliveryStatus,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
)
from stakeholders.services import (
    alert_mails_send,
    alerts_record,
    digests_send,
    webhook_deliver,
)
from stakeholders.tasks import deliver_webhook
from tests.factories import (
    ActorFactory,
    AlertSettingsFactory,
    UserFactory,
    WebhookDeliveryFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db

FACTS = {
    "programme": {"id": 7, "name": "IMPOR 2026-2035", "url": "/programmas/7/"},
    "areas": ["Netgebied Noord"],
    "works": [
        {
            "own": False,
            "owner": "Gemeente Dalfsen",
            "kind": "maatregel",
            "kind_label": "maatregel uit het areaal",
            "window": [2027, 2030],
            "street": "Prinsenstraat",
            "area": "Dalfsen",
            "point": [6.26, 52.51],
            "change": "nieuw",
        }
    ],
    "works_total": 1,
}


class _Receiver(BaseHTTPRequestHandler):
    """Answers with the next status of `statuses` and keeps what it received."""

    statuses: list[int] = []
    received: list[tuple[dict[str, str], bytes]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((dict(self.headers), body))
        self.send_response(self.statuses.pop(0))
        self.end_headers()

    def log_message(self, *args):
        """Quiet: the test reads `received` instead."""


@pytest.fixture
def receiver(settings):
    settings.IMPOR_WEBHOOK_ALLOW_PRIVATE = True
    _Receiver.statuses = []
    _Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/impor", _Receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def partner():
    organisation = ActorFactory(partner=True, name="Enexis")
    UserFactory(organisation=organisation, email="planner@enexis.example")
    return organisation


def test_a_webhook_is_signed_and_retried_after_a_500(receiver, partner, settings):
    url, server = receiver
    settings.IMPOR_WEBHOOK_BACKOFF_SECONDS = 60
    server.statuses = [500, 200]
    endpoint = WebhookEndpointFactory(organisation=partner, url=url)
    (alert,) = alerts_record([(partner.pk, "werken", FACTS)])
    delivery = WebhookDelivery.objects.get(alert=alert)

    before = timezone.now()
    deliver_webhook.call(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.WACHTEND,
        1,
        500,
    )
    # The first wait is the backoff setting: 60 s.
    assert delivery.next_attempt_at >= before + timedelta(seconds=60)
    retry = DBTaskResult.objects.get(task_path="stakeholders.tasks.deliver_webhook")
    assert retry.args_kwargs["args"] == [delivery.pk]
    assert retry.run_after == delivery.next_attempt_at

    deliver_webhook.call(delivery.pk)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.AFGELEVERD,
        2,
        200,
    )
    headers, body = server.received[-1]
    expected = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-IMPOR-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["id"] == alert.pk
    assert payload["data"] == FACTS
    assert payload["organisation"] == "Enexis"


def test_the_wait_doubles_and_the_last_attempt_gives_up(receiver, partner, settings):
    url, server = receiver
    settings.IMPOR_WEBHOOK_ATTEMPTS = 3
    settings.IMPOR_WEBHOOK_BACKOFF_SECONDS = 10
    server.statuses = [503, 503, 503]
    delivery = WebhookDeliveryFactory(
        endpoint=WebhookEndpointFactory(organisation=partner, url=url)
    )

    waits = []
    for _attempt in range(3):
        started = timezone.now()
        retry_at = webhook_deliver(delivery)
        waits.append(None if retry_at is None else round((retry_at - started).total_seconds()))

    # 10 s, then twice that, then no attempts left.
    assert waits == [10, 20, None]
    assert delivery.status == DeliveryStatus.MISLUKT
    assert len(server.received) == 3


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "ftp://planning.example.nl/hook",
    ],
)
def test_internal_and_non_http_addresses_are_refused(url, settings):
    settings.IMPOR_WEBHOOK_ALLOW_PRIVATE = False

    form = WebhookForm(data={"url": url, "description": "", "is_active": True})

    assert not form.is_valid()
    assert "url" in form.errors


def test_a_delivery_to_an_internal_address_fails_without_a_request(partner, settings):
    settings.IMPOR_WEBHOOK_ALLOW_PRIVATE = False
    endpoint = WebhookEndpointFactory(organisation=partner, url="https://planning.example.nl/")
    # Saved while allowed (or a name that now resolves inward): refused when posting.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url="http://10.0.0.5/hook")
    delivery = WebhookDeliveryFactory(endpoint=WebhookEndpoint.objects.get(pk=endpoint.pk))

    assert webhook_deliver(delivery) is None
    assert delivery.status == DeliveryStatus.MISLUKT
    assert delivery.attempts == 0


def test_the_delivery_log_is_the_organisations_own(partner, client):
    other = WebhookDeliveryFactory()
    own = WebhookDeliveryFactory(endpoint=WebhookEndpointFactory(organisation=partner))
    user = partner.users.get()

    assert list(WebhookDelivery.objects.visible_to(user)) == [own]
    assert other.endpoint.organisation != partner


def test_a_user_who_wants_a_daily_digest_gets_one_mail_a_day(partner):
    user = partner.users.get()
    AlertSettingsFactory(user=user, frequency=AlertFrequency.DAGELIJKS)
    alerts_record([(partner.pk, "werken", FACTS), (partner.pk, "werken", FACTS)])

    assert alert_mails_send(list(Notification.objects.values_list("alert_id", flat=True))) == 0

    now = timezone.now()
    assert digests_send(now) == 1
    (digest,) = mail.outbox
    assert "2 meldingen" in digest.subject
    assert digest.body.count("Prinsenstraat") == 2
    # Within the day nothing more; after it only when something new came.
    assert digests_send(now + timedelta(hours=1)) == 0
    assert digests_send(now + timedelta(days=1)) == 0
    alerts_record([(partner.pk, "werken", FACTS)])
    assert digests_send(now + timedelta(days=1, minutes=1)) == 1


def test_the_feed_answers_only_with_the_users_token(partner):
    user = partner.users.get()
    settings_row = AlertSettingsFactory(user=user)
    alerts_record([(partner.pk, "werken", FACTS)])
    anonymous = Client()
    url = reverse("stakeholders:inbox_feed", args=[settings_row.feed_token])

    response = anonymous.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    assert "1 werk in uw interessegebieden nieuw of verschoven" in response.text
    assert anonymous.get(url.replace(settings_row.feed_token, "x" * 43)).status_code == 403
    assert anonymous.get("/meldingen/feed/").status_code == 404

    settings_row.rotate_feed_token()
    assert anonymous.get(url).status_code == 403


def test_a_name_that_resolves_into_the_internal_network_is_refused(settings, monkeypatch):
    settings.IMPOR_WEBHOOK_ALLOW_PRIVATE = False

    def resolve(host, port, **kwargs):
        # planning.example.nl points at the metadata service of a cloud host.
        return [(2, 1, 6, "", ("169.254.169.254", port))]

    monkeypatch.setattr("socket.getaddrinfo", resolve)
    form = WebhookForm(data={"url": "https://planning.example.nl/", "is_active": True})

    assert not form.is_valid()
    assert "intern of lokaal netwerk" in str(form.errors["url"])
