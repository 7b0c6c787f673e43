"""manage.py asset_lifecycle: replacement years, windows and value of the whole asset base."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand

from assets import lifecycle
from assets.selectors import asset_lifecycle_frame


class Command(BaseCommand):
    help = (
        "Bereken voor alle beheerobjecten het voorkeursjaar van vervanging, het venster en de "
        "vervangingswaarde; toon een samenvatting per urgentie en schrijf desgewenst een CSV."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reference-year", type=int, help="peiljaar (standaard: dit jaar)")
        parser.add_argument("--price-year", type=int, help="prijspeil (standaard: het peiljaar)")
        parser.add_argument(
            "--output", type=Path, help="schrijf alle objecten naar dit CSV-bestand"
        )

    def handle(self, *args, reference_year, price_year, output, **options):
        started = time.perf_counter()
        frame = asset_lifecycle_frame(reference_year=reference_year, price_year=price_year)
        seconds = time.perf_counter() - started
        summary = frame.groupby(lifecycle.URGENCY, observed=True).agg(
            objecten=(lifecycle.PREFERRED_YEAR, "size"),
            waarde=(lifecycle.REPLACEMENT_VALUE, "sum"),
        )
        for urgency, row in summary.iterrows():
            self.stdout.write(
                f"{urgency:<16} {int(row.objecten):>10,} objecten  € {row.waarde:>16,.0f}"
            )
        if output:
            frame.to_csv(output, sep=";", decimal=",")
            self.stdout.write(f"Geschreven naar {output}.")
        self.stdout.write(f"{len(frame)} objecten berekend in {seconds:.1f} s.")
