"""manage.py seed_demo: build the demo municipality, or a large city for benchmarks."""

import time

import numpy as np
import pandas as pd
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assets.demo import (
    generate_assets,
    generate_inspection_history,
    generate_inspections_and_reports,
)
from assets.services import asset_classes_load_defaults
from impor import demo as geography
from impor.models import Area
from programming.demo import (
    build_coupling_example,
    build_programme,
    build_scenarios,
    compute_scenarios,
)
from programming.models import Programme
from programming.monitoring_demo import build_monitoring
from programming.newsletter import demo_editions
from programming.realisation_demo import build_realisations
from programming.services import programme_compute
from projects.demo import generate_projects
from stakeholders import demo as people

DEMO_PASSWORD = "impor-demo"
FIRST_YEAR = 2026


class Command(BaseCommand):
    help = (
        "Bouw de demogemeente (Dalfsen-achtig) met areaal, projecten, actoren en een programma; "
        "met --large N een grote stad met ongeveer N beheerobjecten voor benchmarks. "
        "Het programma van de demogemeente wordt meteen berekend (niet met --no-compute)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=2026, help="toevalszaad (zelfde zaad, zelfde data)"
        )
        parser.add_argument(
            "--large",
            type=int,
            metavar="N",
            help="bouw de benchmarkstad Grootstad met ongeveer N objecten",
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="sla over (zonder fout) als er al gebieden zijn"
        )
        parser.add_argument(
            "--no-compute",
            action="store_true",
            help="bereken het programma niet (sneller, voor tests); --large berekent nooit",
        )

    def handle(
        self,
        *args,
        seed: int,
        large: int | None,
        if_empty: bool,
        no_compute: bool = False,
        **options,
    ):
        if Area.objects.exists():
            if if_empty:
                self.stdout.write("De database bevat al gegevens; demodata overgeslagen.")
                return
            raise CommandError("De database bevat al gebieden. Begin met een lege database.")
        if large is not None and large < 1:
            raise CommandError("--large moet een positief aantal objecten zijn.")
        started = time.perf_counter()
        with transaction.atomic():
            counts, programme = self.build(seed, large)
        seconds = time.perf_counter() - started
        rate = counts["assets"] / seconds if seconds else 0
        self.stdout.write(
            self.style.SUCCESS(
                f"Klaar in {seconds:.1f} s: {counts['areas']} gebieden, "
                f"{counts['assets']} beheerobjecten ({rate:,.0f} per seconde), "
                f"{counts['projects']} projecten, {counts['inspections']} inspecties, "
                f"{counts['reports']} meldingen."
            )
        )
        if large is None and not no_compute:
            self.compute(programme)
        if large is None:
            self.stdout.write(f"Inloggen met bijvoorbeeld 'programma' / '{DEMO_PASSWORD}'.")

    def compute(self, programme: Programme) -> None:
        """Compute the demo programme now, so the first visit shows a plan instead of an
        empty programme. Through the one compute service (as the worker does), outside
        the seeding transaction: the service stores its results in its own."""
        self.stdout.write(f"Het programma '{programme}' berekenen…")
        started = time.perf_counter()
        result = programme_compute(programme)
        planned = sum(1 for work in result.works if work.scheduled_year is not None)
        self.stdout.write(
            self.style.SUCCESS(
                f"Berekend in {time.perf_counter() - started:.1f} s: "
                f"{planned} van {len(result.works)} werken ingepland."
            )
        )
        for scenario in compute_scenarios(programme):
            self.stdout.write(f"Scenario '{scenario}' berekend.")
        self.stdout.write(f"Realisaties vastgelegd: {build_realisations(programme)}.")
        example = build_coupling_example(programme)
        if example is not None:
            self.stdout.write(
                f"Koppelkans met kostenverdeling, meeliften en reactie: K{example.pk}."
            )
        self.stdout.write(f"{demo_editions(programme)} nieuwsbrieven gepubliceerd.")

    def build(self, seed: int, large: int | None) -> tuple[dict[str, int], Programme]:
        rng = np.random.default_rng(seed)
        town = geography.DALFSEN if large is None else geography.large_city(large)
        buurten = geography.build_areas(town, rng)
        streets = geography.build_streets(town, buurten, rng)
        areas = list(Area.objects.all())
        actors = people.build_actors(rng, areas)
        people.build_process_positions(rng, actors)
        themes, ambitions = people.build_themes_and_ambitions(actors)
        scale = 1.0 if large is None else len(town.kernen) / len(geography.DALFSEN.kernen)
        lines = people.build_budget_lines(
            rng, actors, range(FIRST_YEAR - 2, FIRST_YEAR + 12), scale
        )
        people.build_teams(actors, range(FIRST_YEAR - 2, FIRST_YEAR + 12), FIRST_YEAR, scale)
        people.build_area_tasks(rng, [a for a in areas if a.level == "kern"], themes, actors)
        users = people.build_users(actors, DEMO_PASSWORD)
        people.build_interest_areas(actors, areas, streets)
        asset_classes_load_defaults()
        frame = pd.DataFrame(
            {
                "area_id": [b.area.pk for b in buurten],
                "wave": [b.wave for b in buurten],
                "area_type": [b.area.area_type for b in buurten],
                "cx": [b.polygon.centroid.x for b in buurten],
                "cy": [b.polygon.centroid.y for b in buurten],
                "area_m2": [b.polygon.area for b in buurten],
            }
        )
        assets = generate_assets(streets, frame, rng)
        inspections, reports = generate_inspections_and_reports(rng)
        inspections += generate_inspection_history()
        places = None
        if large is not None:
            names = [k.name for k in town.kernen]
            template = [k.name for k in geography.DALFSEN.kernen]
            places = [
                dict(zip(template, names[i : i + len(template)], strict=False))
                for i in range(0, len(names), len(template))
            ]
        projects = generate_projects(streets, rng, actors, lines, themes, ambitions, places)
        build_monitoring()
        manager = next(u for u in users if u.username == "programma")
        programme = build_programme(FIRST_YEAR, manager)
        build_scenarios(programme, manager)
        counts = {
            "areas": len(areas),
            "assets": assets,
            "projects": len(projects),
            "inspections": inspections,
            "reports": reports,
        }
        return counts, programme
