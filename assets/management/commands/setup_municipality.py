"""manage.py setup_municipality: start a municipality from its CBS map (or any area file)."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assets.management.commands.import_assets import SHOWN_ERRORS, ProgressBar
from assets.municipality import municipality_setup
from impor.area_import import is_cbs_map
from impor.choices import AreaLevel
from stakeholders.models import User

KINDS = {
    "organisation": "organisatie",
    "departments": "afdelingen",
    "budget_lines": "budgetregels",
    "asset_classes": "objecttypen",
}


class Command(BaseCommand):
    help = (
        "Richt een gemeente in: organisatie en afdelingen, budgetregels, objecttypen uit "
        "IMBOR met standaardwaarden, en de gebieden uit de CBS Wijk- en buurtkaart (of een "
        "ander bestand met vlakken). Zonder --commit is het een proefrun: er wordt niets "
        "opgeslagen."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--areas",
            type=Path,
            required=True,
            help="de CBS Wijk- en buurtkaart (GeoPackage met de lagen gemeenten, wijken en "
            "buurten) of een ander bestand met vlakken",
        )
        parser.add_argument(
            "--gemeentecode", help="CBS-code van de gemeente, bijv. GM0080 (voor de CBS-kaart)"
        )
        parser.add_argument("--name", help="naam van de gemeente (anders die uit het bestand)")
        kernen = parser.add_mutually_exclusive_group()
        kernen.add_argument(
            "--kernen",
            type=Path,
            help="woonplaatsen (BAG, kolom woonplaatsnaam): elke wijk komt in de woonplaats "
            "waarmee hij het meest overlapt",
        )
        kernen.add_argument(
            "--kernen-from-wijken",
            action="store_true",
            help="kernen uit de wijknamen (de standaard): 'Wijk 01 Nieuwleusen' komt in de "
            "kern Nieuwleusen",
        )
        parser.add_argument(
            "--level",
            choices=AreaLevel.values,
            help="niveau van de gebieden in een ander bestand dan de CBS-kaart",
        )
        parser.add_argument("--name-column", help="kolom met de naam (ander bestand)")
        parser.add_argument(
            "--parent-column",
            help="kolom met de naam van het gebied een niveau hoger (anders: op locatie)",
        )
        parser.add_argument("--code-column", help="kolom met de CBS-code (optioneel)")
        parser.add_argument("--layer", help="laag van een GeoPackage (ander bestand)")
        parser.add_argument("--commit", action="store_true", help="sla op (anders proefrun)")
        parser.add_argument("--user", help="gebruikersnaam die in het importlogboek komt")

    def handle(self, *args, areas: Path, **options):
        if not areas.exists():
            raise CommandError(f"{areas} bestaat niet.")
        if options["kernen"] is not None and not options["kernen"].exists():
            raise CommandError(f"{options['kernen']} bestaat niet.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"Gebruiker '{options['user']}' bestaat niet.")
        cbs = is_cbs_map(areas)
        if cbs and not options["gemeentecode"]:
            raise CommandError(
                f"{areas.name} is de CBS Wijk- en buurtkaart: kies de gemeente met "
                "--gemeentecode, bijv. GM0080."
            )
        mapping = None
        if not cbs:
            if not options["level"] or not options["name_column"]:
                raise CommandError(
                    f"{areas.name} heeft niet de lagen gemeenten, wijken en buurten van de CBS "
                    "Wijk- en buurtkaart; geef voor een ander bestand --level en --name-column "
                    "(en zo nodig --parent-column)."
                )
            mapping = {
                target: options[f"{target}_column"]
                for target in ("name", "parent", "code")
                if options[f"{target}_column"]
            }
        report = municipality_setup(
            path=areas,
            gemeentecode=options["gemeentecode"] if cbs else None,
            name=options["name"],
            kernen=options["kernen"],
            mapping=mapping,
            level=None if cbs else options["level"],
            layer=options["layer"],
            user=user,
            commit=options["commit"],
            progress=ProgressBar(sys.stderr) if options["verbosity"] > 1 else None,
        )
        self._print(report)

    def _print(self, report) -> None:
        areas = report.areas
        for warning in areas.warnings:
            self.stdout.write(self.style.WARNING(f"Let op: {warning}"))
        for error in areas.errors[:SHOWN_ERRORS]:
            self.stdout.write(self.style.ERROR(f"{areas.file_name}, {error}"))
        if len(areas.errors) > SHOWN_ERRORS:
            self.stdout.write(f"… en nog {len(areas.errors) - SHOWN_ERRORS} fouten.")
        if not report.ok:
            raise CommandError(
                f"Niets opgeslagen: {len(areas.errors)} fouten in {areas.file_name}. "
                "Herstel ze en probeer het opnieuw."
            )
        self.stdout.write(f"Gemeente: {report.gemeente_name}")
        if "kernen" in areas.mapping:
            self.stdout.write(f"Kernen uit: {areas.mapping['kernen']}")
        counts = report.plan.counts()
        self.stdout.write(
            "Gebieden: "
            + ", ".join(f"{count} {AreaLevel(level).label}" for level, count in counts.items())
            + f" ({areas.creates} nieuw, {areas.updates} bijgewerkt)"
        )
        for kind, label in KINDS.items():
            self.stdout.write(
                f"{label.capitalize()}: {report.creates[kind]} nieuw, "
                f"{report.existing[kind]} bestaand"
            )
        if report.committed:
            self.stdout.write(self.style.SUCCESS(f"{report.organisation} is ingericht."))
        else:
            self.stdout.write("Proefrun, niets opgeslagen. Opslaan met --commit.")
