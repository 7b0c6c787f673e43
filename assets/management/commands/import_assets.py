"""manage.py import_assets: import assets, inspections or reports from a file."""

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assets.importing.service import PREPARE, import_file
from impor.choices import ImportKind, ImportStatus
from stakeholders.models import User

SHOWN_ERRORS = 50


class ProgressBar:
    """A one-line progress bar on stderr: `controleren [#####     ] 50%`."""

    def __init__(self, stream, width: int = 30):
        self.stream = stream
        self.width = width

    def __call__(self, step: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        filled = int(share * self.width)
        bar = "#" * filled + " " * (self.width - filled)
        end = "\n" if done >= total else ""
        self.stream.write(f"\r{step:<12} [{bar}] {share:4.0%}{end}")
        self.stream.flush()


class Command(BaseCommand):
    help = (
        "Importeer beheerobjecten, inspecties of meldingen uit CSV, XLSX, GeoJSON, GeoPackage "
        "of een Shapefile (de .shp met de .shx, .dbf en .prj ernaast, of gezipt). Zonder "
        "--commit is het een proefimport: er wordt niets opgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="het bestand")
        parser.add_argument(
            "--source", required=True, help="naam van de bron, bijv. gbi of gis-bomen"
        )
        parser.add_argument("--kind", choices=list(PREPARE), default=ImportKind.ASSETS)
        parser.add_argument("--sheet", help="tabblad van een Excel-bestand")
        parser.add_argument("--layer", help="laag van een GeoPackage")
        parser.add_argument(
            "--crs", help="coördinatenstelsel als het bestand het niet noemt, bijv. EPSG:28992"
        )
        parser.add_argument(
            "--crs-confirm",
            action="store_true",
            help="lees het bestand in zijn eigen coördinatenstelsel, ook als --crs of de "
            "opgeslagen kolomtoewijzing een ander noemt",
        )
        parser.add_argument(
            "--mapping", help='kolomtoewijzing als JSON, bijv. \'{"external_id": "ID"}\''
        )
        parser.add_argument("--commit", action="store_true", help="sla op (anders proefimport)")
        parser.add_argument(
            "--only-valid",
            action="store_true",
            help="sla de goede rijen op, ook als er fouten zijn",
        )
        parser.add_argument("--user", help="gebruikersnaam die in het importlogboek komt")

    def handle(self, *args, file: Path, source: str, kind: str, **options):
        if not file.exists():
            raise CommandError(f"{file} bestaat niet.")
        try:
            mapping = json.loads(options["mapping"]) if options["mapping"] else None
        except json.JSONDecodeError as exc:
            raise CommandError(f"--mapping is geen geldige JSON: {exc}") from exc
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                # Importing as nobody would drop the user's discipline limit.
                raise CommandError(
                    f"Gebruiker '{options['user']}' bestaat niet. Er is niets ingelezen; "
                    "controleer de gebruikersnaam bij --user."
                )
        report = import_file(
            kind=kind,
            path=file,
            source=source,
            user=user,
            mapping=mapping,
            crs=options["crs"],
            crs_confirmed=options["crs_confirm"],
            sheet=options["sheet"],
            layer=options["layer"],
            commit=options["commit"],
            only_valid=options["only_valid"],
            progress=ProgressBar(sys.stderr) if options["verbosity"] else None,
        )
        self.stdout.write(f"Kolomtoewijzing: {json.dumps(report.mapping, ensure_ascii=False)}")
        if report.crs:
            self.stdout.write(f"Coördinatenstelsel: {report.crs}")
        for warning in report.warnings:
            self.stdout.write(self.style.WARNING(f"Let op: {warning}"))
        for error in report.errors[:SHOWN_ERRORS]:
            self.stdout.write(self.style.ERROR(f"{report.file_name}, {error}"))
        if len(report.errors) > SHOWN_ERRORS:
            self.stdout.write(f"… en nog {len(report.errors) - SHOWN_ERRORS} fouten.")
        if report.crs_needs_confirmation:
            self.stdout.write(
                self.style.WARNING(
                    "Klopt het coördinatenstelsel van het bestand? Bevestig het met --crs-confirm."
                )
            )
        summary = (
            f"{report.rows} rijen, {report.valid} goed, {len(report.errors)} fouten; "
            f"{report.creates} nieuw, {report.updates} bijgewerkt, in {report.seconds:.1f} s."
        )
        if report.status == ImportStatus.COMMITTED:
            self.stdout.write(self.style.SUCCESS(f"Verwerkt: {summary}"))
        elif report.status == ImportStatus.FAILED:
            raise CommandError(
                f"Opslaan mislukt, er is niets opgeslagen; probeer het opnieuw. {summary}"
            )
        elif report.status == ImportStatus.REFUSED:
            raise CommandError(
                f"Niets opgeslagen: {summary} Herstel de fouten, of gebruik --only-valid."
            )
        else:
            self.stdout.write(f"Proefimport, niets opgeslagen: {summary} Opslaan met --commit.")
