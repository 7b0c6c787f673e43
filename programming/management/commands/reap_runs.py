"""manage.py reap_runs: mark failed the computations whose worker stopped.

Pages and the API do this on their own when they show a run; this command is for cron,
so a run whose worker died is marked failed even when nobody looks (docs/load.md).
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from programming.services import runs_fail_stale


class Command(BaseCommand):
    help = (
        "Zet berekeningen waarvan de worker stopte op 'mislukt' (geen teken van leven "
        "sinds IMPOR_RUN_STALE_SECONDS seconden)."
    )

    def handle(self, *args, **options):
        failed = runs_fail_stale()
        self.stdout.write(
            f"{failed} berekening(en) op 'mislukt' gezet "
            f"(geen teken van leven sinds {settings.IMPOR_RUN_STALE_SECONDS} s)."
        )
