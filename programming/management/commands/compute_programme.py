"""manage.py compute_programme: run the programming engine.

Each source of an instance is one branch of `handle`: a JSON file
(``--input FILE --output FILE``), which never touches the database, or a programme in the
database (``--programme ID``), computed and stored as the background worker does.
"""

import gc
import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from programming.engine import run
from programming.engine.instance import InstanceError, Result, dump_result, load_instance
from programming.models import Programme
from programming.services import programme_compute


class Command(BaseCommand):
    help = (
        "Bereken een programma met de rekenkern: met --input en --output van een "
        "JSON-bestand naar een JSON-bestand, zonder de database."
    )

    def add_arguments(self, parser):
        files = parser.add_argument_group("bestanden (zonder database)")
        files.add_argument("--input", type=Path, metavar="FILE", help="instantie (JSON)")
        files.add_argument("--output", type=Path, metavar="FILE", help="resultaat (JSON)")
        parser.add_argument(
            "--programme", type=int, metavar="ID", help="bereken en bewaar dit programma"
        )
        parser.add_argument(
            "--method",
            choices=["milp", "heuristic"],
            help="forceer de exacte MILP of de heuristiek (standaard: naar grootte)",
        )

    #: No system checks before computing: they inspect every model, URL and template
    #: (0.6–1.7 s on every run, whatever the database holds) and judge the project's
    #: configuration, which `manage.py check` and the deploy's checks already do; this
    #: command reads no form, view or URL they guard.
    requires_system_checks: list[str] = []

    #: What the computation built, kept alive until `run_from_argv` ends the process.
    held: tuple[object, ...] = ()

    def run_from_argv(self, argv: list[str]) -> None:
        """Run as ``manage.py compute_programme`` and end the process without a teardown.

        Once the result is written (the programme's transaction committed, or the output
        file closed), all that is left is handing back what the computation built: on
        the 1M-asset city millions of objects, which the interpreter's shutdown would
        free one by one. `run_from_argv` closes the database connections; the command
        then flushes its output and leaves with `os._exit`, and the operating system
        takes the memory back at once. The instance and the result are `held` until
        then, or returning from `handle` would free them (about a second on the city).
        The garbage collector stays off from the start to that end: the computation
        pauses it (`engine.gc_paused`), and turned back on after it, its first collection
        would walk every object the computation left alive (0.25 s on the city) just
        before the process ends anyway. Only this command-line path does so:
        `call_command` (tests) and the task worker never come here, and an error leaves
        through `run_from_argv`'s own exit as before.
        """
        gc.disable()
        super().run_from_argv(argv)
        self.stdout.flush()
        self.stderr.flush()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)

    def handle(self, *args, **options):
        if options["input"] is not None:
            self.compute_file(options["input"], options["output"], options["method"])
            return
        if options["programme"] is not None:
            self.compute_programme(options["programme"], options["method"])
            return
        raise CommandError("Geef --programme ID, of --input FILE en --output FILE.")

    def compute_programme(self, programme_id: int, method: str | None) -> None:
        programme = Programme.objects.filter(pk=programme_id).first()
        if programme is None:
            raise CommandError(f"Er is geen programma met id {programme_id}.")
        try:
            result = programme_compute(programme, method=method)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.held = (result,)
        self.stdout.write(self.style.SUCCESS(self.summary(result, programme)))

    def compute_file(self, source: Path, target: Path | None, method: str | None) -> None:
        if target is None:
            raise CommandError("--input vraagt ook --output.")
        try:
            instance = load_instance(source)
        except FileNotFoundError as exc:
            raise CommandError(f"Bestand niet gevonden: {source}") from exc
        except (InstanceError, ValueError, KeyError, TypeError) as exc:
            raise CommandError(f"Ongeldige instantie in {source}: {exc}") from exc
        result = run(instance, method=method)
        dump_result(result, target)
        self.held = (instance, result)
        self.stdout.write(self.style.SUCCESS(self.summary(result, target)))

    def summary(self, result: Result, target: Path | Programme) -> str:
        scheduled = sum(w.scheduled_year is not None for w in result.works)
        stats = result.stats
        return (
            f"{scheduled} van {len(result.works)} werken ingepland, "
            f"{len(result.clusters)} koppelingen, {len(result.unfunded)} regels niet gedekt; "
            f"{stats.solver} ({stats.status}) in {stats.seconds.get('total', 0):.2f} s → {target}"
        )
