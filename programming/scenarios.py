"""Scenarios as sets of changes on a base programme: writes, reads and the comparison.

A scenario is a `Programme` copied from its base (`based_on`, `services.programme_copy`)
plus its own `ScenarioChange` rows. Computing any programme applies the changes of its
chain, the oldest ancestor's first and its own last (`scenario_instance`, called by
`services.programme_compute`), so a scenario of a scenario builds on both. Older
scenarios made with a budget factor or budget overrides keep working: those are read
when the instance is built (`selectors._budget_lines`), the changes on top of them.

Each change is checked when it is stored, against what is known without computing:
the base's stored works (key, window), the horizon, the budget lines and teams, and
amounts that are not negative (`change_check`). The whole chain is applied only when
the scenario is computed; a change that then no longer fits fails the run with the
engine's message naming the change and field. See docs/scenarios.md.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from impor.templatetags.impor_format import euro
from programming import pages, services
from programming.capacity import capacity_use
from programming.choices import CriterionCode
from programming.engine.changes import PARAMETERS, Change, apply_changes
from programming.engine.instance import Instance
from programming.maintenance import maintenance_by_year
from programming.models import (
    SCENARIO_SETTINGS,
    ChangeKind,
    ChangeOperation,
    Programme,
    ScenarioChange,
    Work,
)
from programming.money import Money, programme_money
from programming.selectors import _first_project_with_code as first_project_with_code
from programming.selectors import kpi_totals, moved_works, project_work_key
from programming.xlsx import Cell, Sheet
from programming.xlsx import Column as XlsxColumn
from projects.choices import Certainty, ProjectStatus
from projects.models import Project
from stakeholders.models import BudgetLine, Team, User

#: The fields a change may carry (besides its scenario and who made it).
CHANGE_FIELDS = (
    "kind",
    "budget_line",
    "team",
    "year",
    "operation",
    "amount",
    "work_key",
    "certainty",
    "window_start",
    "window_end",
    "parameter",
    "value",
    "note",
)
#: The fields each kind needs; the others are cleared, so a stored change says only
#: what it changes.
NEEDS: dict[str, tuple[str, ...]] = {
    ChangeKind.BUDGET: ("budget_line", "year", "operation", "amount"),
    ChangeKind.CAPACITY: ("team", "year", "operation", "amount"),
    ChangeKind.PIN: ("work_key", "year"),
    ChangeKind.EXCLUDE: ("work_key",),
    ChangeKind.MUST_DO: ("work_key",),
    ChangeKind.CERTAINTY: ("work_key", "certainty"),
    ChangeKind.WINDOW: ("work_key", "window_start", "window_end"),
    ChangeKind.PARAMETER: ("parameter", "value"),
    ChangeKind.WEIGHT: ("parameter", "value"),
}
#: Items per list on the comparison (newly funded, unfunded, moved); the counts are whole.
LIST_LIMIT = 50


# --- the chain and the instance ---------------------------------------------------------


def chain(programme: Programme) -> list[Programme]:
    """The programme and its ancestors, the oldest first (a cycle is cut)."""
    programmes: list[Programme] = []
    seen: set[int] = set()
    current: Programme | None = programme
    while current is not None and current.pk not in seen:
        programmes.insert(0, current)
        seen.add(current.pk)
        current = current.based_on
    return programmes


def chain_changes(programme: Programme) -> list[ScenarioChange]:
    """The changes computing `programme` applies: its ancestors' first, its own last."""
    order = [p.pk for p in chain(programme)]
    rows = ScenarioChange.objects.filter(programme_id__in=order).select_related(
        "budget_line", "team"
    )
    by_programme: dict[int, list[ScenarioChange]] = {pk: [] for pk in order}
    for row in rows.order_by("pk"):
        by_programme[row.programme_id].append(row)
    return [row for pk in order for row in by_programme[pk]]


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def engine_change(row: ScenarioChange) -> Change:
    """A stored change as the engine reads it, named in errors as the page names it."""
    return Change(
        kind=row.kind,
        line=row.budget_line.code if row.budget_line_id else None,
        team=row.team.code if row.team_id else None,
        year=row.year,
        operation=row.operation,
        amount=_number(row.amount),
        work_key=row.work_key,
        certainty=row.certainty,
        window_start=row.window_start,
        window_end=row.window_end,
        parameter=row.parameter,
        value=_number(row.value),
        label=_("Wijziging “%(change)s” van %(programme)s")
        % {"change": change_text(row), "programme": row.programme},
    )


def scenario_instance(programme: Programme, instance: Instance) -> Instance:
    """`instance` (the programme's own, from `selectors.programme_instance`) with the
    changes of the programme's chain applied.

    Solved cold, without the base's plan as a warm start: with the same HiGHS, the
    start did not shorten the re-plan of one changed budget line on the demo (the time
    goes into proving the tolerance, not into finding the plan) and made some slower
    (docs/scenarios.md, "Solved cold"). What a scenario reuses of its base is its
    inputs."""
    changes = [engine_change(row) for row in chain_changes(programme)]
    return apply_changes(instance, changes) if changes else instance


# --- checking and storing changes -------------------------------------------------------


@dataclass(frozen=True)
class KnownWork:
    key: str
    name: str
    kind: str
    window_start: int
    window_end: int


def known_works(programme: Programme) -> QuerySet[Work]:
    """The works a change can name: the stored works of the scenario's base (of the
    programme itself when it has no base, or when the base was never computed)."""
    base = programme.based_on
    if base is not None and base.computed_at is not None:
        return base.works.all()
    return programme.works.all()


def find_work(programme: Programme, key: str) -> KnownWork | None:
    """One work a change may name, by key: a stored work of the base, else (nothing
    computed yet) a project or partner work with that key, so a scenario can be set up
    before its base is computed."""
    row = (
        known_works(programme)
        .filter(key=key)
        .only(
            "programme",
            "key",
            "kind",
            "label",
            "discipline",
            "place",
            "asset_count",
            "window_start",
            "window_end",
        )
        .first()
    )
    if row is not None:
        return KnownWork(row.key, row.name, row.kind, row.window_start, row.window_end)
    if known_works(programme).exists() or not key.startswith("P:"):
        return None
    first = first_project_with_code()
    for project in Project.objects.exclude(status__in=ProjectStatus.inactive()).filter(
        code=key.rsplit(":", 1)[-1]
    ):
        if project_work_key(project, first) == key:
            kind = "project" if project.owner.is_internal else "partner"
            return KnownWork(
                key,
                f"{project.code} {project.name}",
                kind,
                project.earliest_start,
                project.latest_start,
            )
    return None


def change_check(change: ScenarioChange) -> None:
    """The checks a change needs beyond its fields' own (full_clean): the fields its kind
    needs, the work it names (known, a pin inside the work's window and the horizon, a
    partner's work for a certainty), the horizon's years, a known parameter or criterion,
    and a budget or team year that does not end below zero. ValidationError per field."""
    programme = change.programme
    errors: dict[str, str] = {}
    needs = NEEDS.get(change.kind, ())
    for name in needs:
        value = getattr(change, name if name not in ("budget_line", "team") else f"{name}_id")
        if value in (None, ""):
            errors[name] = _("Vul dit in voor deze soort wijziging.")
    if errors:
        raise ValidationError(errors)
    years = range(programme.first_year, programme.last_year + 1)
    if change.kind in (ChangeKind.BUDGET, ChangeKind.CAPACITY):
        if change.year not in years:
            errors["year"] = _("Kies een jaar van %(first)s tot en met %(last)s.") % {
                "first": programme.first_year,
                "last": programme.last_year,
            }
        elif (
            change.kind == ChangeKind.CAPACITY
            and not change.team.hours.filter(year__in=years).exists()
        ):
            errors["team"] = _(
                "Dit team heeft geen uren in de looptijd en begrenst dus niets. Geef het "
                "eerst beschikbare uren."
            )
        elif change.operation == ChangeOperation.SET and change.amount < 0:
            errors["amount"] = _("Het nieuwe bedrag of aantal uren is niet negatief.")
        elif change.operation == ChangeOperation.ADD and change.amount < 0:
            before = _current_amount(change)
            if before + change.amount < 0:
                errors["amount"] = _(
                    "Er blijft dan minder dan nul over: nu %(before)s, eraf %(off)s."
                ) % {"before": f"{before:.0f}", "off": f"{-change.amount:.0f}"}
    elif change.kind in (ChangeKind.PARAMETER, ChangeKind.WEIGHT):
        if change.kind == ChangeKind.PARAMETER and change.parameter not in PARAMETERS:
            errors["parameter"] = _("Kies een instelling die een scenario kan wijzigen.")
        if change.kind == ChangeKind.WEIGHT and change.parameter not in CriterionCode.values:
            errors["parameter"] = _("Kies een criterium van het afwegingskader.")
    else:
        work = find_work(programme, change.work_key)
        if work is None:
            errors["work_key"] = _("Dit werk is onbekend in het basisprogramma.")
        elif change.kind == ChangeKind.PIN and not (
            work.window_start <= change.year <= work.window_end and change.year in years
        ):
            errors["year"] = _(
                "Kies een jaar in het venster van het werk (%(start)s–%(end)s) en in de "
                "looptijd (%(first)s–%(last)s)."
            ) % {
                "start": work.window_start,
                "end": work.window_end,
                "first": programme.first_year,
                "last": programme.last_year,
            }
        elif change.kind == ChangeKind.CERTAINTY and work.kind != "partner":
            errors["work_key"] = _("Alleen de zekerheid van een partnerwerk kan wijzigen.")
        elif change.kind == ChangeKind.WINDOW and change.window_start > change.window_end:
            errors["window_end"] = _("Het venster eindigt niet voor het begint.")
    if errors:
        raise ValidationError(errors)


def _current_amount(change: ScenarioChange) -> Decimal:
    """The year's budget or hours before this change: the stored amount (times the
    scenario's budget factor, or its override) plus the chain's earlier changes."""
    programme = change.programme
    if change.kind == ChangeKind.BUDGET:
        override = programme.budget_overrides.filter(
            budget_line_id=change.budget_line_id, year=change.year
        ).first()
        if override is not None:
            amount = override.amount
        else:
            stored = change.budget_line.amounts.filter(year=change.year).first()
            amount = (stored.amount if stored else Decimal(0)) * programme.budget_factor
        same = {"budget_line_id": change.budget_line_id}
    else:
        stored = change.team.hours.filter(year=change.year).first()
        amount = Decimal(stored.hours if stored else 0)
        same = {"team_id": change.team_id}
    for row in chain_changes(programme):
        if row.pk == change.pk or row.kind != change.kind or row.year != change.year:
            continue
        if any(getattr(row, name) != value for name, value in same.items()):
            continue
        amount = amount + row.amount if row.operation == ChangeOperation.ADD else row.amount
    return amount


def _store(change: ScenarioChange, fields: dict[str, Any]) -> ScenarioChange:
    Programme.objects.ensure_changeable(change.programme_id)
    unknown = sorted(set(fields) - set(CHANGE_FIELDS))
    if unknown:
        raise ValidationError({name: _("Onbekend veld.") for name in unknown})
    for name, value in fields.items():
        setattr(change, name, value)
    needs = NEEDS.get(change.kind, ())
    for name in CHANGE_FIELDS:
        if name not in (*needs, "kind", "note"):
            setattr(change, name, None if name in _NULLABLE else "")
    change.full_clean()
    change_check(change)
    change.save()
    return change


_NULLABLE = {
    "budget_line",
    "team",
    "year",
    "amount",
    "window_start",
    "window_end",
    "value",
}


@transaction.atomic
def change_add(scenario: Programme, user: User | None, **fields: Any) -> ScenarioChange:
    """Add one change to a scenario (or a programme's own changes), after the checks;
    nothing is stored when one fails. A frozen programme refuses (ProgrammeFrozen)."""
    return _store(ScenarioChange(programme=scenario, created_by=user), fields)


@transaction.atomic
def change_update(change: ScenarioChange, user: User | None, **fields: Any) -> ScenarioChange:
    """Change a stored change; the same checks as adding it."""
    return _store(change, fields)


@transaction.atomic
def change_delete(change: ScenarioChange, user: User | None) -> None:
    """Remove a change (its history keeps it, and makes the results stale)."""
    change.delete()


@transaction.atomic
def scenario_create(
    base: Programme,
    name: str,
    user: User | None,
    changes: Iterable[dict[str, Any]] = (),
    **settings: Any,
) -> Programme:
    """A new scenario of `base` (its settings and coupling decisions, `programme_copy`)
    with its first changes; all or nothing. A bad change raises ValidationError with the
    change's position: ``changes.0.year``."""
    scenario = services.programme_copy(base, name=name, user=user, **settings)
    for number, fields in enumerate(changes):
        try:
            change_add(scenario, user, **fields)
        except ValidationError as exc:
            raise ValidationError(
                {f"changes.{number}.{key}": value for key, value in exc.message_dict.items()}
            ) from exc
    return scenario


@transaction.atomic
def scenario_promote(scenario: Programme, user: User | None) -> Programme:
    """Make the scenario's choices the base programme's own: its changes are moved onto
    the base (copied, and taken off the scenario so its chain does not apply them twice)
    and the settings it changed are copied. Refused (ValueError) when the scenario has no
    base, or when the base is adopted: make a new version of it and promote onto that.
    The base is then stale (its changes and settings changed after its computation)."""
    base = scenario.based_on
    if base is None:
        raise ValueError(_("Dit programma is geen scenario: er is niets om over te nemen."))
    if base.is_adopted:
        raise ValueError(
            _(
                "Het basisprogramma %(base)s is vastgesteld en verandert niet meer. Maak er "
                "eerst een nieuwe versie van (een kopie) en neem het scenario daarin over."
            )
            % {"base": base}
        )
    Programme.objects.ensure_changeable(base.pk)
    changed = [s for s in SCENARIO_SETTINGS if getattr(scenario, s) != getattr(base, s)]
    for name in changed:
        setattr(base, name, getattr(scenario, name))
    if changed:
        base.full_clean()
        base.save()
    for override in scenario.budget_overrides.all():
        base.budget_overrides.update_or_create(
            budget_line_id=override.budget_line_id,
            year=override.year,
            defaults={"amount": override.amount},
        )
    rows = list(scenario.changes.order_by("pk"))
    for row in rows:
        ScenarioChange.objects.create(
            programme=base,
            created_by=user,
            **{name: getattr(row, name) for name in CHANGE_FIELDS},
        )
    if not scenario.is_adopted:
        for row in rows:
            row.delete()
    return base


# --- words ------------------------------------------------------------------------------


def _work_names(keys: Iterable[str], programme: Programme) -> dict[str, str]:
    wanted = set(keys)
    names = {
        row.key: row.name
        for row in known_works(programme)
        .filter(key__in=wanted)
        .only("programme", "key", "label", "discipline", "place", "asset_count")
    }
    for key in wanted - names.keys():
        found = find_work(programme, key)
        names[key] = found.name if found else key
    return names


def _amount_words(change: ScenarioChange) -> str:
    amount = change.amount or Decimal(0)
    if change.kind == ChangeKind.BUDGET:
        shown = str(euro(abs(amount)))
    else:
        shown = _("%(hours)s uur") % {"hours": f"{abs(amount):,.0f}".replace(",", ".")}
    if change.operation == ChangeOperation.SET:
        return _("wordt %(amount)s") % {"amount": shown}
    if amount < 0:
        return _("%(amount)s eraf") % {"amount": shown}
    return _("%(amount)s erbij") % {"amount": shown}


def change_text(change: ScenarioChange, names: dict[str, str] | None = None) -> str:
    """The change in plain words: "Riolering 2028: € 2.000.000 erbij", "Werk X vast in
    2029", "Team Wegen 2027: wordt 1.200 uur"."""
    kind = change.kind
    if kind == ChangeKind.BUDGET:
        return f"{change.budget_line.name} {change.year}: {_amount_words(change)}"
    if kind == ChangeKind.CAPACITY:
        return _("Team %(team)s %(year)s: %(amount)s") % {
            "team": change.team.name,
            "year": change.year,
            "amount": _amount_words(change),
        }
    if kind == ChangeKind.PARAMETER:
        label = str(Programme._meta.get_field(change.parameter).verbose_name)
        return _("%(setting)s wordt %(value)s") % {
            "setting": label[:1].upper() + label[1:],
            "value": f"{change.value.normalize():f}" if change.value is not None else "—",
        }
    if kind == ChangeKind.WEIGHT:
        label = str(dict(CriterionCode.choices).get(change.parameter, change.parameter))
        return _("Gewicht van %(criterion)s wordt %(value)s") % {
            "criterion": label,
            "value": f"{change.value.normalize():f}" if change.value is not None else "—",
        }
    name = (names or {}).get(change.work_key) or _work_names(
        [change.work_key], change.programme
    ).get(change.work_key, change.work_key)
    if kind == ChangeKind.PIN:
        return _("%(work)s vast in %(year)s") % {"work": name, "year": change.year}
    if kind == ChangeKind.EXCLUDE:
        return _("%(work)s niet uitvoeren") % {"work": name}
    if kind == ChangeKind.MUST_DO:
        return _("%(work)s moet") % {"work": name}
    if kind == ChangeKind.CERTAINTY:
        return _("%(work)s: zekerheid wordt %(certainty)s") % {
            "work": name,
            "certainty": Certainty(change.certainty).label,
        }
    return _("%(work)s: venster wordt %(start)s–%(end)s") % {
        "work": name,
        "start": change.window_start,
        "end": change.window_end,
    }


def changes_with_text(programme: Programme) -> list[tuple[ScenarioChange, str]]:
    """The programme's own changes with their words (the work names in one query)."""
    rows = list(programme.changes.select_related("budget_line", "team").order_by("pk"))
    names = _work_names((r.work_key for r in rows if r.work_key), programme)
    return [(row, change_text(row, names)) for row in rows]


# --- the comparison ---------------------------------------------------------------------


@dataclass
class Column:
    """One programme in the comparison, with what differs from the base (the counts are
    None for the base itself and for a programme not computed yet)."""

    programme: Programme
    is_base: bool
    money: Money
    openings: pages.Openings
    kpis: dict[str, float]
    newly_funded: list[dict[str, Any]] = field(default_factory=list)
    newly_funded_count: int | None = 0
    newly_unfunded: list[dict[str, Any]] = field(default_factory=list)
    newly_unfunded_count: int | None = 0
    moved: list[dict[str, Any]] = field(default_factory=list)
    moved_count: int | None = 0
    capacity: dict[str, float] = field(default_factory=dict)
    maintenance: Decimal = Decimal(0)

    @property
    def savings(self) -> Decimal:
        return self.money.cell().savings


def _rows(queryset: QuerySet[Work], *, year: str = "scheduled_year") -> list[dict[str, Any]]:
    return [
        {"id": w.pk, "key": w.key, "name": w.name, "year": getattr(w, year)}
        for w in queryset.order_by("label", "pk")[:LIST_LIMIT]
    ]


def newly_funded(scenario: Programme, base: Programme) -> QuerySet[Work]:
    """Works the scenario schedules that the base does not (unscheduled or absent)."""
    scheduled_in_base = Work.objects.filter(
        programme=base, key=OuterRef("key"), scheduled_year__isnull=False
    )
    return scenario.works.filter(scheduled_year__isnull=False).exclude(Exists(scheduled_in_base))


def newly_unfunded(scenario: Programme, base: Programme) -> QuerySet[Work]:
    """Works the base schedules that the scenario does not (unscheduled or excluded);
    the base's rows, with their year in the base."""
    scheduled_in_scenario = Work.objects.filter(
        programme=scenario, key=OuterRef("key"), scheduled_year__isnull=False
    )
    return base.works.filter(scheduled_year__isnull=False).exclude(Exists(scheduled_in_scenario))


def _column(programme: Programme, base: Programme | None) -> Column:
    money = programme_money(programme)
    column = Column(
        programme=programme,
        is_base=base is None,
        money=money,
        openings=pages.programme_openings(programme),
        kpis=kpi_totals(programme),
        capacity=capacity_figures(programme),
        maintenance=maintenance_level(programme, money),
    )
    if base is None or programme.computed_at is None:
        # An uncomputed scenario has no plan yet: no differences to tell (None, "—").
        column.newly_funded_count = column.newly_unfunded_count = column.moved_count = None
        return column
    funded = newly_funded(programme, base)
    unfunded = newly_unfunded(programme, base)
    moved = moved_works(programme, base).filter(
        scheduled_year__isnull=False, other_year__isnull=False
    )
    column.newly_funded, column.newly_funded_count = _rows(funded), funded.count()
    column.newly_unfunded, column.newly_unfunded_count = _rows(unfunded), unfunded.count()
    column.moved = [
        {"id": w.pk, "key": w.key, "name": w.name, "from": w.other_year, "to": w.scheduled_year}
        for w in moved[:LIST_LIMIT]
    ]
    column.moved_count = moved.count()
    return column


def capacity_figures(programme: Programme) -> dict[str, float]:
    """Hours planned for all teams over the horizon, and the hours above what the teams
    have (summed over teams and years; `programming.capacity`)."""
    use = capacity_use(programme)
    years = [year for team in use.teams for year in team.years]
    return {
        "planned": round(sum(y.planned for y in years), 1),
        "over": round(
            sum(max(y.planned - y.available, 0) for y in years if y.available is not None), 1
        ),
    }


def maintenance_level(programme: Programme, money: Money) -> Decimal:
    """The change in annual maintenance cost at the end of the horizon
    (`programming.maintenance`)."""
    return maintenance_by_year(programme, money).level


def comparison(base: Programme, others: Sequence[Programme]) -> list[Column]:
    """The base programme and each other programme (a scenario) side by side, the base
    first: what each funds, no longer funds and moves compared with the base, the
    openings, savings, money (`programming.money`, the one money story), ambitions served
    capacity use and maintenance cost."""
    return [_column(base, None), *(_column(other, base) for other in others)]


def money_rows(columns: list[Column]) -> list[dict[str, Any]]:
    """Planned gross and net per budget line and year, one value per column (the
    comparison's money table and the workbook sheet)."""
    years = sorted({year for column in columns for year in column.money.years})
    lines = {line.code: line for column in columns for line in column.money.lines}
    rows = []
    for code, line in sorted(lines.items()):
        for year in years:
            cells = [column.money.cell(code, year) for column in columns]
            rows.append(
                {
                    "line": line,
                    "year": year,
                    "gross": [cell.gross for cell in cells],
                    "net": [cell.net for cell in cells],
                    "budget": [cell.budget for cell in cells],
                    "pairs": [(cell.gross, cell.net) for cell in cells],
                }
            )
    return rows


def scenarios_of(programme: Programme) -> QuerySet[Programme]:
    return programme.scenarios.order_by("name")


def lookups(programme: Programme) -> dict[str, Any]:
    """What the add forms offer: budget lines, teams, the horizon's years."""
    return {
        "lines": BudgetLine.objects.order_by("name"),
        "teams": Team.objects.order_by("name"),
        "years": list(range(programme.first_year, programme.last_year + 1)),
    }


# --- the council workbook's sheet ------------------------------------------------------


def _cell(value: Any, kind: str) -> Cell:
    if value is None:
        return Cell("—")
    return Cell(float(value), kind)


def comparison_rows(columns: list[Column]) -> list[list[Any]]:
    """The comparison as rows of the workbook sheet: a figure, its budget line and year
    where it has them, then one value per column (the same figures as the page)."""

    def figure(label: str, kind: str, value_of) -> list[Any]:
        return [label, "", Cell(""), *(_cell(value_of(c), kind) for c in columns)]

    rows = [
        figure(_("Nieuw gedekte werken"), "count", lambda c: c.newly_funded_count),
        figure(_("Niet meer gedekte werken"), "count", lambda c: c.newly_unfunded_count),
        figure(_("Verschoven werken"), "count", lambda c: c.moved_count),
        figure(_("Graafmomenten sectoraal"), "count", lambda c: c.openings.sectoral),
        figure(_("Graafmomenten integraal"), "count", lambda c: c.openings.integrated),
        figure(_("Ondergrens graafmomenten"), "count", lambda c: c.openings.bound),
        figure(_("Koppelvoordeel (€)"), "money", lambda c: c.savings),
        figure(_("Budget (€)"), "money", lambda c: c.money.cell().budget),
        figure(_("Gepland bruto (€)"), "money", lambda c: c.money.cell().gross),
        figure(_("Gepland netto (€)"), "money", lambda c: c.money.cell().net),
        figure(_("Tekort (€)"), "money", lambda c: c.money.cell().shortfall),
        figure(
            _("Deel van de ambities bediend"), "percent", lambda c: c.kpis.get("ambitie_bediend")
        ),
        figure(_("Capaciteit: uren gepland"), "count", lambda c: c.capacity["planned"]),
        figure(
            _("Capaciteit: uren boven wat de teams hebben"),
            "count",
            lambda c: c.capacity["over"],
        ),
        figure(
            _("Beheerlasten per jaar erbij aan het eind van de looptijd (€)"),
            "money",
            lambda c: c.maintenance,
        ),
    ]
    for row in money_rows(columns):
        for label, values in (
            (_("Gepland bruto (€)"), row["gross"]),
            (_("Gepland netto (€)"), row["net"]),
        ):
            rows.append(
                [
                    label,
                    row["line"].name,
                    Cell(row["year"], "year"),
                    *(Cell(float(v), "money") for v in values),
                ]
            )
    return rows


def scenarios_sheet(programme: Programme) -> Sheet:
    """The council workbook's sheet "Scenario's": the programme (first column) next to
    each of its scenarios, the figures of the comparison page."""
    columns = comparison(programme, list(scenarios_of(programme)))
    note = _(
        "Het programma (eerste kolom) naast elk van zijn scenario's: wat een scenario nieuw "
        "dekt, niet meer dekt en verschuift, de graafmomenten, het geld en de ambities."
    )
    if len(columns) == 1:
        note = _("Dit programma heeft geen scenario's.")
    return Sheet(
        _("Scenario's"),
        [
            XlsxColumn(_("Kengetal"), width=44),
            XlsxColumn(_("Budgetregel"), width=24),
            XlsxColumn(_("Jaar"), "mixed"),
            *(XlsxColumn(c.programme.name, "mixed", width=18) for c in columns),
        ],
        comparison_rows(columns),
        note,
    )
