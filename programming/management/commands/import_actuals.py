"""manage.py import_actuals: import actual costs from the financial system's export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programming.realisation_import import import_actuals

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Importeer werkelijke kosten uit de export van het financiële systeem (CSV of XLSX "
        "met de kolommen code, budgetregel, jaar, bedrag en eventueel reden). Met --dry-run "
        "wordt niets opgeslagen; een bestand met fouten wordt nooit opgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="het bestand")
        parser.add_argument("--dry-run", action="store_true", help="alleen controleren")

    def handle(self, *args, file: Path, dry_run: bool = False, **options):
        if not file.exists():
            raise CommandError(f"{file} bestaat niet.")
        report = import_actuals(path=file, commit=not dry_run)
        for error in report.errors[:SHOWN_ERRORS]:
            self.stderr.write(f"{report.file_name}, {error}")
        if len(report.errors) > SHOWN_ERRORS:
            self.stderr.write(f"… en nog {len(report.errors) - SHOWN_ERRORS} fouten.")
        for warning in report.warnings:
            self.stderr.write(f"{report.file_name}: {warning}")
        summary = (
            f"{report.rows} rijen: {report.creates} nieuw, {report.updates} gewijzigd, "
            f"{report.unchanged} ongewijzigd, {len(report.errors)} fouten "
            f"(import #{report.run_id}, {report.status})."
        )
        if report.errors:
            raise CommandError(f"Niets opgeslagen. {summary}")
        self.stdout.write(self.style.SUCCESS(summary))
