"""Send the daily and weekly alert digests that are due (docs/alerts.md).

Run it from cron (every hour is fine: a digest that is not due is not sent), or leave it
to `make demo`'s worker, which queues the task of the same name.
"""

from django.core.management.base import BaseCommand

from stakeholders.services import digests_send


class Command(BaseCommand):
    help = (
        "Verstuur de dagelijkse en wekelijkse samenvattingen van meldingen die aan de beurt zijn."
    )

    def handle(self, *args, **options) -> None:
        sent = digests_send()
        self.stdout.write(f"{sent} samenvatting(en) verstuurd.")
