"""What extra money buys, for a programme (issue #19 §2; docs/whatif.md).

One definition for the page "Extra geld", its API resource and the workbook sheet: the
programme's engine instance with its stored plan as the warm start, the exact curve of
`programming.engine.whatif.money_curve`, the works as rows of the programme (for their
links), and the council's sentence ("Met € 1,2 mln extra op Riolering in 2028 gaan 6
werken door en gaat de straat in Nieuwleusen 2 keer minder open").

Computing runs in the request: a few re-solves of the schedule, each within the
programme's time limit and at most `MAX_STEPS` of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from django.db.models import Sum
from django.utils import formats
from django.utils.translation import get_language, gettext, gettext_lazy, ngettext

from impor.models import Area
from impor.templatetags.impor_format import euro
from programming.engine.instance import Instance, InstanceError, Parameters
from programming.engine.staging import Staged, stage
from programming.engine.whatif import MAX_STEPS, Curve, Step, money_curve
from programming.engine.whatif import where_to_look as engine_where_to_look
from programming.models import Programme, UnfundedItem, Work
from programming.selectors import programme_instance
from programming.xlsx import Column, Sheet
from stakeholders.models import BudgetLine

#: The query parameters (API) and form fields (page), named in errors.
LINE = "budgetregel"
YEAR = "jaar"
AMOUNTS = "bedragen"
#: The most amounts a user may ask for: one re-solve each.
MAX_AMOUNTS = MAX_STEPS
#: Steps of an automatic curve on the page and in the API: each is a re-solve within the
#: programme's time limit, and the request waits for them.
AUTOMATIC_STEPS = 3
#: Steps per line in the workbook sheet (every line is computed, so fewer).
WORKBOOK_STEPS = 3


class WhatIfError(ValueError):
    """Bad input, with the field (parameter) it is about; `field` None: the programme
    itself cannot be computed now (its inputs contradict each other), not the input."""

    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class WorkLink:
    """A work of the programme as a step names it."""

    pk: int | None
    key: str
    label: str


@dataclass(frozen=True)
class MoneyStep:
    """One point of the curve in the programme's terms."""

    extra: Decimal
    funded: list[WorkLink]
    dropped: list[WorkLink]
    value_gained: float
    openings_sectoral: int
    openings_integrated: int
    openings_saved: int
    #: The area where most openings are saved (its name), and how many there.
    place: str | None
    place_saved: int
    savings_gained: Decimal
    status: str
    sentence: str


@dataclass(frozen=True)
class MoneyAnswer:
    """The curve of extra money on `line` in `year` for a programme."""

    programme: Programme
    line: BudgetLine
    year: int
    automatic: bool
    base_value: float
    steps: list[MoneyStep]

    @property
    def sentence(self) -> str:
        """The council's sentence: the last step's (the most money asked about)."""
        return self.steps[-1].sentence if self.steps else ""


def parse_amounts(text: str) -> list[Decimal]:
    """Amounts typed the Dutch way, separated by commas or semicolons: "500.000, 1,2 mln;
    2000000". A comma followed by one or two digits is a decimal comma ("1,2 mln",
    "1250,50"); "mln" or "miljoen" multiplies by a million, "k" or "duizend" by a
    thousand. Each must be more than zero; at most `MAX_AMOUNTS`."""
    items = [item.strip() for item in re.split(r";|,(?!\d{1,2}(?!\d))", text or "")]
    items = [item for item in items if item]
    if len(items) > MAX_AMOUNTS:
        raise WhatIfError(AMOUNTS, gettext("Geef hoogstens %(n)d bedragen.") % {"n": MAX_AMOUNTS})
    return [_amount(item) for item in items]


_MULTIPLIERS = (("miljoen", 10**6), ("mln", 10**6), ("duizend", 10**3), ("k", 10**3))


def _amount(item: str) -> Decimal:
    text = item.lower().replace("€", "").replace(" ", "").replace("\u00a0", "")
    factor = 1
    for word, multiplier in _MULTIPLIERS:
        if text.endswith(word):
            text, factor = text[: -len(word)], multiplier
            break
    try:
        amount = Decimal(text.replace(".", "").replace(",", ".")) * factor
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite() or amount <= 0:
        raise WhatIfError(
            AMOUNTS,
            gettext("“%(item)s” is geen bedrag boven nul (voorbeeld: 500.000, 1,2 mln).")
            % {"item": item},
        )
    return amount.quantize(Decimal("0.01"))


def whatif_instance(programme: Programme) -> Instance:
    """The programme's engine instance with its stored plan (the works' scheduled years)
    as the warm start; WhatIfError (no field) when the engine refuses the inputs."""
    try:
        instance = programme_instance(programme)
    except InstanceError as error:
        raise WhatIfError(
            None,
            gettext("Het programma kan nu niet worden doorgerekend: %(reason)s")
            % {"reason": error},
        ) from None
    years = dict(
        Work.objects.filter(programme=programme, scheduled_year__isnull=False).values_list(
            "key", "scheduled_year"
        )
    )
    return replace(instance, warm_start=years)


def check_choice(
    programme: Programme, line_code: str, year: int | str | None
) -> tuple[BudgetLine, int]:
    """The budget line and year asked for, or a WhatIfError naming the field."""
    line = BudgetLine.objects.filter(code=line_code or "").first()
    if line is None:
        raise WhatIfError(LINE, gettext("Onbekende budgetregel: “%(code)s”.") % {"code": line_code})
    try:
        number = int(str(year))
    except ValueError:
        raise WhatIfError(YEAR, gettext("Geef een jaartal.")) from None
    if not programme.first_year <= number <= programme.last_year:
        raise WhatIfError(
            YEAR,
            gettext("%(year)s ligt buiten de looptijd (%(first)s–%(last)s).")
            % {"year": number, "first": programme.first_year, "last": programme.last_year},
        )
    return line, number


def default_choice(programme: Programme, staged: Staged | None = None) -> tuple[str, int] | None:
    """Where to look first: of the budget cells where an unfunded work lacks money, the
    one with the highest shadow price (LP duals; engine/whatif.py), else the line-year
    with the largest unfunded gap, else None. (The LP's best cell may hold only
    fractions of works that no whole work needs money in.)"""
    instance = staged.instance if staged else whatif_instance(programme)
    short = set(
        UnfundedItem.objects.filter(
            work__programme=programme, budget_line__isnull=False, year__isnull=False, gap__gt=0
        ).values_list("budget_line__code", "year")
    )
    for line, year, _price in engine_where_to_look(instance, staged):
        if (line, year) in short:
            return line, year
    largest = largest_gaps(programme)
    if largest:
        code, year = max(largest.items(), key=lambda item: item[1][1])
        return code, largest[code][0]
    return None


def largest_gaps(programme: Programme) -> dict[str, tuple[int, Decimal]]:
    """Per budget line code with unfunded works: the year with the largest summed gap
    (the earliest on a tie) and that gap."""
    rows = (
        UnfundedItem.objects.filter(
            work__programme=programme,
            budget_line__isnull=False,
            year__gte=programme.first_year,
            year__lte=programme.last_year,
            gap__gt=0,
        )
        .values_list("budget_line__code", "year")
        .annotate(total=Sum("gap"))
        .order_by("budget_line__code", "-total", "year")
    )
    largest: dict[str, tuple[int, Decimal]] = {}
    for code, year, total in rows:
        largest.setdefault(code, (year, total))
    return largest


def extra_money(
    programme: Programme,
    line_code: str,
    year: int | str | None,
    amounts: list[Decimal] | None = None,
    max_steps: int = AUTOMATIC_STEPS,
    staged: Staged | None = None,
) -> MoneyAnswer:
    """What extra money on a line in a year buys for the programme: at `amounts`, or
    automatic (`max_steps`, at most `MAX_STEPS`). Raises WhatIfError on a bad choice."""
    line, number = check_choice(programme, line_code, year)
    staged = staged or stage(whatif_instance(programme))
    curve = money_curve(
        staged.instance,
        line.code,
        number,
        amounts=None if amounts is None else [float(a) for a in amounts],
        max_steps=min(max_steps, MAX_STEPS),
        staged=staged,
    )
    return _answers(programme, [(line, curve)], automatic=amounts is None)[0]


def extra_money_sheet(programme: Programme) -> Sheet:
    """The council workbook's sheet "Extra geld": the automatic curve (`WORKBOOK_STEPS`
    steps) of the cell the page opens on (`default_choice`: where extra money helps
    most). One cell only: every step re-solves the schedule (seconds on the demo), and a
    curve per budget line made the download take most of a minute; the page answers any
    other line and year. Programmes beyond the exact solver's size (the heuristic's) get
    a note instead."""
    works = Work.objects.filter(programme=programme).count()
    rows: list[list[object]] = []
    note = str(_SHEET_NOTE)
    if works > Parameters.max_exact_works:
        note = gettext(
            "Dit programma is te groot om hier door te rekenen: kies een budgetregel en "
            "jaar op de pagina Extra geld."
        )
    elif largest_gaps(programme):
        try:
            staged = stage(whatif_instance(programme))
        except WhatIfError as error:
            # The rest of the workbook reads what is stored and still holds.
            return Sheet(gettext("Extra geld"), _sheet_columns(), [], error.message)
        choice = default_choice(programme, staged)
        line = BudgetLine.objects.filter(code=choice[0]).first() if choice else None
        if choice and line:
            curve = money_curve(staged.instance, line.code, choice[1], None, WORKBOOK_STEPS, staged)
            for answer in _answers(programme, [(line, curve)], automatic=True):
                rows.extend(_sheet_row(answer, step) for step in answer.steps)
    return Sheet(gettext("Extra geld"), _sheet_columns(), rows, note)


def _sheet_columns() -> list[Column]:
    return [
        Column(gettext("Budgetregel")),
        Column(gettext("Naam"), width=24),
        Column(gettext("Jaar"), "year"),
        Column(gettext("Extra geld (€)"), "money"),
        Column(gettext("Werken die doorgaan"), "count"),
        Column(gettext("Welke"), width=48),
        Column(gettext("Werken die afvallen"), "count"),
        Column(gettext("Waarde erbij (punten)"), "decimal"),
        Column(gettext("Keer minder open"), "count"),
        Column(gettext("Waar het meest"), width=20),
        Column(gettext("Koppelvoordeel erbij (€)"), "money"),
        Column(gettext("Zin voor de raad"), width=80),
    ]


_SHEET_NOTE = gettext_lazy(
    "Wat extra geld oplevert op de budgetregel en in het jaar waar het het meest helpt "
    "(dezelfde als de pagina Extra geld eerst toont). Elke stap is het kleinste bedrag "
    "waarbij het volgende werk doorgaat, exact uitgerekend door de planning opnieuw te "
    "maken (tegen het huidige plan). Andere budgetregels en jaren: op de pagina."
)


def _sheet_row(answer: MoneyAnswer, step: MoneyStep) -> list[object]:
    return [
        answer.line.code,
        answer.line.name,
        answer.year,
        float(step.extra),
        len(step.funded),
        "; ".join(work.label for work in step.funded),
        len(step.dropped),
        step.value_gained,
        step.openings_saved,
        step.place or "",
        float(step.savings_gained),
        step.sentence,
    ]


def _answers(
    programme: Programme, curves: list[tuple[BudgetLine, Curve]], automatic: bool
) -> list[MoneyAnswer]:
    """The curves in the programme's terms: its works (for their links) and area names
    read once for all of them."""
    steps_of = [step for _line, curve in curves for step in curve.steps]
    keys = {key for step in steps_of for key in (*step.funded, *step.dropped)}
    rows = {
        key: WorkLink(pk, key, label)
        for pk, key, label in Work.objects.filter(programme=programme, key__in=keys).values_list(
            "pk", "key", "label"
        )
    }
    areas = {
        str(pk): name
        for pk, name in Area.objects.filter(
            pk__in=[
                int(area)
                for step in steps_of
                for area in step.openings_saved_by_area
                if area.isdigit()
            ]
        ).values_list("pk", "name")
    }
    return [_answer(programme, line, curve, automatic, rows, areas) for line, curve in curves]


def _answer(
    programme: Programme,
    line: BudgetLine,
    curve: Curve,
    automatic: bool,
    rows: dict[str, WorkLink],
    areas: dict[str, str],
) -> MoneyAnswer:
    def links(keys: tuple[str, ...]) -> list[WorkLink]:
        return [rows.get(key, WorkLink(None, key, key)) for key in keys]

    steps = []
    for step in curve.steps:
        place, saved = _place(step, areas)
        extra = Decimal(str(step.extra)).quantize(Decimal("0.01"))
        steps.append(
            MoneyStep(
                extra=extra,
                funded=links(step.funded),
                dropped=links(step.dropped),
                value_gained=round(step.value_gained, 2),
                openings_sectoral=step.openings_sectoral,
                openings_integrated=step.openings_integrated,
                openings_saved=step.openings_saved,
                place=place,
                place_saved=saved,
                savings_gained=Decimal(str(step.savings_gained)).quantize(Decimal("0.01")),
                status=step.status,
                sentence=council_sentence(extra, line.name, curve.year, step, place, saved),
            )
        )
    return MoneyAnswer(
        programme=programme,
        line=line,
        year=curve.year,
        automatic=automatic,
        base_value=round(curve.base.value, 2),
        steps=steps,
    )


def _place(step: Step, areas: dict[str, str]) -> tuple[str | None, int]:
    """The area (its name) where the step saves most openings, the first by name on a tie."""
    named = [(areas.get(area, area), n) for area, n in step.openings_saved_by_area.items()]
    if not named:
        return None, 0
    return min(named, key=lambda item: (-item[1], item[0]))


def money_words(amount: Decimal) -> str:
    """An amount as the council reads it: "€ 1,2 mln" from a million up (English "€1.2
    million"), else in whole euros."""
    if abs(amount) < 10**6:
        return str(euro(amount))
    millions = formats.number_format(round(amount / 10**6, 1), 1, use_l10n=True)
    if (get_language() or "nl").startswith("nl"):
        return f"€ {millions} mln"
    return f"€{millions} million"


def council_sentence(
    extra: Decimal, line: str, year: int, step: Step, place: str | None, saved: int
) -> str:
    """ "Met € 1,2 mln extra op Riolering in 2028 gaan 6 werken door en gaat de straat in
    Nieuwleusen 2 keer minder open." Works dropped to make room are said too."""
    values = {"amount": money_words(extra), "line": line, "year": year}
    funded = len(step.funded)
    if funded:
        text = ngettext(
            "Met %(amount)s extra op %(line)s in %(year)s gaat %(n)d werk door",
            "Met %(amount)s extra op %(line)s in %(year)s gaan %(n)d werken door",
            funded,
        ) % (values | {"n": funded})
    else:
        text = (
            gettext("Met %(amount)s extra op %(line)s in %(year)s gaat geen werk meer door")
            % values
        )
    dropped = len(step.dropped)
    if dropped:
        text += ngettext(
            ", %(n)d ander werk valt af",
            ", %(n)d andere werken vallen af",
            dropped,
        ) % {"n": dropped}
    if place and saved:
        text += ngettext(
            " en gaat de straat in %(place)s %(n)d keer minder open",
            " en gaat de straat in %(place)s %(n)d keer minder open",
            saved,
        ) % {"place": place, "n": saved}
    return text + "."
