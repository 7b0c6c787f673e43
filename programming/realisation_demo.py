"""The demo's realisations for 2025–2026 (issue #20 §1): on the computed demo programme,
a few works finished, some running, one postponed with a reason and one cancelled, with
actual costs per budget line and year, some over and some under plan. Called from
seed_demo's `compute` step, through the one write path `realisation.realisation_save`.

The finished works leave the asset register as it is (``update_register=False``): an
update after the computation would make the demo's programme stale, and the work page
then offers "Beheerregister bijwerken" to show the step."""

import datetime
from decimal import Decimal

from programming.choices import WorkKind
from programming.models import Programme, RealisationStatus
from programming.realisation import CostRow, realisation_save

#: Per demo work: the discipline it is chosen from, status, start, finish, the share of
#: the planned cost spent, and the reason of a deviation.
PLAN = (
    ("verharding", RealisationStatus.FINISHED, (2025, 9, 1), (2026, 4, 17), Decimal("0.94"), ""),
    ("riolering", RealisationStatus.FINISHED, (2026, 2, 2), (2026, 6, 26), Decimal("1.12"),
     "Meer vervuilde grond aangetroffen dan verwacht; extra afvoer en sanering."),
    ("groen", RealisationStatus.FINISHED, (2026, 3, 9), (2026, 10, 30), Decimal("0.88"), ""),
    ("verlichting", RealisationStatus.RUNNING, (2026, 5, 11), None, Decimal("0.55"), ""),
    ("riolering", RealisationStatus.RUNNING, (2026, 8, 24), None, Decimal("1.05"),
     "Extra huisaansluitingen vervangen die bij het openleggen slecht bleken."),
    ("spelen", RealisationStatus.PREPARING, None, None, Decimal("0.05"), ""),
    ("verharding", RealisationStatus.POSTPONED, None, None, Decimal("0.02"),
     "Uitgesteld naar 2028: de netbeheerder verzwaart eerst de kabels in deze straat, "
     "daarna gaat de straat in één keer open."),
    ("riolering", RealisationStatus.CANCELLED, None, None, Decimal("0"),
     "Vervallen: bij inspectie bleek het riool nog in goede staat (conditie 2)."),
)  # fmt: skip
#: The share of a work's cost spent on preparation the year before it starts.
PREPARATION = Decimal("0.08")


def _date(parts) -> datetime.date | None:
    return datetime.date(*parts) if parts else None


def build_realisations(programme: Programme) -> int:
    """Record the demo's realisations on works the programme plans in 2026, each from its
    discipline in `PLAN` (the largest first); returns how many."""
    works = list(
        programme.works.filter(scheduled_year=2026)
        .exclude(kind=WorkKind.PARTNER)
        .prefetch_related("costs__budget_line")
        .order_by("-cost", "key")
    )
    recorded = 0
    for discipline, status, start, finish, share, reason in PLAN:
        work = next((w for w in works if w.discipline == discipline), None)
        if work is None:
            continue
        works.remove(work)
        costs = []
        for cost in work.costs.all():
            year = work.scheduled_year + cost.offset
            if year > 2026:
                continue
            if cost.offset == 0 and share:
                prepared = (cost.amount * PREPARATION).quantize(Decimal("0.01"))
                costs.append(CostRow(cost.budget_line, 2025, prepared))
            costs.append(
                CostRow(cost.budget_line, year, (cost.amount * share).quantize(Decimal("0.01")))
            )
        realisation_save(
            key=work.key,
            status=status,
            actual_start=_date(start),
            actual_finish=_date(finish),
            reason=reason,
            costs=costs,
            source="demo",
            update_register=False,
        )
        recorded += 1
    return recorded
