"""Background tasks of alerts (run by `manage.py db_worker`): e-mail, webhooks, digests.

Tasks call the services (`stakeholders.services`), never the other way round.
"""

from django.db import transaction
from django_tasks import task

from stakeholders.models import Alert, WebhookDelivery
from stakeholders.services import alert_mails_send, digests_send, webhook_deliver


@task()
def send_alert_mails(alert_ids: list[int]) -> int:
    """E-mail new alerts to the users who want them at once."""
    return alert_mails_send(alert_ids)


@task()
def deliver_webhook(delivery_id: int) -> None:
    """Post one alert to a webhook; after a failure queue the next attempt at the time
    the backoff gives (`webhook_deliver`)."""
    delivery = (
        WebhookDelivery.objects.select_related("endpoint", "alert__organisation")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None:
        return
    retry_at = webhook_deliver(delivery)
    if retry_at is not None:
        deliver_webhook.using(run_after=retry_at).enqueue(delivery_id)


@task()
def send_digests() -> int:
    """The daily and weekly digests that are due (`manage.py send_digests` runs the same)."""
    return digests_send()


def alerts_dispatch(alerts: list[Alert]) -> None:
    """Queue the e-mails and webhook posts of freshly recorded alerts, once the
    transaction that stored them commits (the worker must find them)."""
    if not alerts:
        return
    ids = [alert.pk for alert in alerts]

    def enqueue() -> None:
        send_alert_mails.enqueue(ids)
        for delivery_id in WebhookDelivery.objects.filter(alert_id__in=ids).values_list(
            "pk", flat=True
        ):
            deliver_webhook.enqueue(delivery_id)

    transaction.on_commit(enqueue)
