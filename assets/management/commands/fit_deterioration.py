"""manage.py fit_deterioration: fit deterioration models on the inspections of each asset
class (or of one, `--class CODE`), as the functional administrator's button does. A class
with too few inspections is reported and skipped; nothing is adopted."""

from django.core.management.base import BaseCommand, CommandError

from assets import deterioration
from assets.models import AssetClass


class Command(BaseCommand):
    help = (
        "Bereken per objecttype verouderingsmodellen uit de eigen inspecties "
        "(docs/lifecycle-learning.md). Overnemen doet de functioneel beheerder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--class", dest="code", help="alleen het objecttype met deze code")

    def handle(self, *args, code, **options):
        classes = AssetClass.objects.order_by("code")
        if code:
            classes = classes.filter(code=code)
            if not classes.exists():
                raise CommandError(f"Onbekend objecttype {code!r}.")
        for asset_class in classes:
            try:
                models = deterioration.fit_deterioration(asset_class)
            except deterioration.TooFewInspections as reason:
                self.stdout.write(f"{asset_class.code}: {reason}")
                continue
            for model in models:
                self.stdout.write(
                    f"{asset_class.code}: {model.get_method_display()}, levensduur "
                    f"{model.lifespan} jaar ({model.lifespan_low}–{model.lifespan_high}), "
                    f"{model.inspections} inspecties van {model.assets} objecten"
                )
