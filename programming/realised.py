"""Planned versus realised: the one selector the page, the API, the workbook sheet and the
dashboard read (docs/monitoring.md, "Gepland en gerealiseerd").

Planned is the ADOPTED version: the programme itself when it is adopted, else the adopted
version it descends from (`selectors.adopted_baseline`). Realised is what the
realisations (`Realisation`, `ActualCost`) record, matched to the adopted works by work key.

Money, per budget line and year, in the terms of `programming.money`:
planned gross  the adopted works' cost rows in the year they fall in (scheduled year +
               offset), inside the adopted horizon: the engine's ``besteding_bruto``;
planned net    gross minus the work's coupling saving, spread over its cost rows in
               proportion (the engine's ``besteding``);
realised       the actual costs booked on the line in the year;
to date        planned net of the years up to the reference year (today's year);
variance       realised − planned net to date: a later year has nothing realised yet,
               so a later year has no variance and a total counts only the years so far.
Area and theme come from the work's row in the adopted programme (a work counts in each
theme of its project, as in the workbook; works without a theme under "Zonder thema");
realisations of works the adopted version does not have count under "Niet gepland".

Works: planned to start in a year (the adopted scheduled year) against really started
(actual start) and finished (actual finish) in that year.

Street openings: a planned coupling (a coupling of the adopted programme with two or more
scheduled works) was carried out together when every member has started and either all
members' realisations carry the same `coupling_key`, or they all started in the same
calendar year. Otherwise, once all have started, it was carried out apart: the street
went open more than once. A coupling counts in the year of its earliest member.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from impor.charts import BarChart, bar_chart
from impor.templatetags.impor_format import euro
from programming.engine.changes import ADD, BUDGET, EXCLUDE, PIN, WINDOW, Change, apply_changes
from programming.engine.instance import Instance
from programming.models import (
    ActualCost,
    Programme,
    Realisation,
    RealisationStatus,
    Work,
    WorkCost,
)
from programming.money import GROSS, NET, ZERO, to_cents, whole_euros
from programming.selectors import adopted_ancestor, adopted_baseline
from programming.xlsx import Column, Sheet
from stakeholders.models import BudgetLine

REALISED = gettext_lazy("Gerealiseerd")
TO_DATE = gettext_lazy("Gepland (netto) tot en met het peiljaar")
VARIANCE = gettext_lazy("Verschil (gerealiseerd − gepland netto tot en met het peiljaar)")

#: The money columns, labelled as on every page (`programming.money`).
MONEY_COLUMNS = (
    ("planned_gross", GROSS),
    ("planned_net", NET),
    ("planned_to_date", TO_DATE),
    ("realised", REALISED),
    ("variance", VARIANCE),
)
#: The count columns: works and planned couplings (street openings).
COUNT_COLUMNS = (
    ("works_planned", gettext_lazy("Werken gepland te starten")),
    ("works_started", gettext_lazy("Werken gestart")),
    ("works_finished", gettext_lazy("Werken gereed")),
    ("couplings_planned", gettext_lazy("Koppelingen gepland")),
    ("couplings_together", gettext_lazy("Koppelingen samen uitgevoerd")),
    ("couplings_apart", gettext_lazy("Koppelingen apart uitgevoerd")),
)

EMPTY = gettext_lazy("Er is nog geen vastgesteld programma.")

PER_YEAR, PER_LINE, PER_AREA, PER_THEME = "jaar", "budgetregel", "gebied", "thema"
#: The views the page, the API and the workbook offer, with their Dutch names.
PER = {
    PER_YEAR: gettext_lazy("per jaar"),
    PER_LINE: gettext_lazy("per budgetregel"),
    PER_AREA: gettext_lazy("per gebied"),
    PER_THEME: gettext_lazy("per thema"),
}
#: Group keys of works without an area or theme, and of works the adopted version lacks.
NOT_PLANNED, NO_AREA, NO_THEME = "-", "0", "00"


@dataclass
class Row:
    """The figures of one group (a year, a line, an area, a theme, or the total)."""

    key: str
    label: str
    planned_gross: Decimal = ZERO
    planned_net: Decimal = ZERO
    planned_to_date: Decimal = ZERO
    realised: Decimal = ZERO
    variance: Decimal | None = None
    works_planned: int = 0
    works_started: int = 0
    works_finished: int = 0
    couplings_planned: int = 0
    couplings_together: int = 0
    couplings_apart: int = 0


@dataclass(frozen=True)
class Variance:
    """One deviation of one work (or coupling) from the adopted plan, with its facts and
    the reason the realisation gives."""

    key: str
    label: str
    kind: str
    text: str
    reason: str


@dataclass
class PlannedRealised:
    programme: Programme
    adopted: Programme | None
    per: str
    reference_year: int
    rows: list[Row] = field(default_factory=list)
    cells: list[tuple[int, str, Row]] = field(default_factory=list)
    total: Row = field(default_factory=lambda: Row("totaal", _("Totaal")))
    variances: list[Variance] = field(default_factory=list)
    line_names: dict[str, str] = field(default_factory=dict)


@dataclass
class _Work:
    key: str
    label: str
    area: tuple[str, str]
    themes: list[tuple[str, str]]
    lines: set[str]
    year: int | None
    planned: dict[tuple[str, int], tuple[Decimal, Decimal]]
    share: Decimal = ZERO
    realisation: Realisation | None = None


def adopted_version(programme: Programme) -> Programme | None:
    """The adopted version the programme is measured against: itself when adopted."""
    return programme if programme.is_adopted else adopted_baseline(programme)


def _planned_works(adopted: Programme) -> dict[str, _Work]:
    """The adopted works with their planned gross and net per (line, year) inside the
    horizon, their area and their project's themes."""
    works: dict[str, _Work] = {}
    rows = (
        Work.objects.filter(programme=adopted)
        .select_related("area", "project")
        .prefetch_related("project__themes")
    )
    by_pk: dict[int, _Work] = {}
    for row in rows:
        themes = [(str(t.pk), t.name) for t in row.project.themes.all()] if row.project_id else []
        area = (str(row.area_id), row.area.name) if row.area_id else (NO_AREA, _("Zonder gebied"))
        work = _Work(
            key=row.key,
            label=row.name,
            area=area,
            themes=themes or [(NO_THEME, _("Zonder thema"))],
            lines=set(),
            year=row.scheduled_year,
            planned={},
            share=(row.saving / row.cost) if row.cost else ZERO,
        )
        works[row.key] = by_pk[row.pk] = work
    costs = WorkCost.objects.filter(
        work__programme=adopted, work__scheduled_year__isnull=False
    ).values_list("work_id", "budget_line__code", "offset", "amount")
    for work_id, line, offset, amount in costs:
        work = by_pk[work_id]
        year = work.year + offset
        work.lines.add(line)
        if not adopted.first_year <= year <= adopted.last_year:
            continue
        gross = to_cents(amount)
        net = to_cents(gross * (1 - work.share))
        before = work.planned.get((line, year), (ZERO, ZERO))
        work.planned[line, year] = (before[0] + gross, before[1] + net)
    return works


def _year(day: date | None) -> int | None:
    return day.year if day else None


def planned_realised(
    programme: Programme, per: str = PER_YEAR, user=None, today: date | None = None
) -> PlannedRealised:
    """Planned (adopted version) against realised, grouped `per` year, budget line, area
    or theme, with the year × line cells, the total and the variances explained.

    `user` limits the realisations to those the user may see (`visible_to`); None: all.
    Raises ValueError for an unknown `per`."""
    if per not in PER:
        raise ValueError(per)
    reference_year = (today or timezone.localdate()).year
    adopted = adopted_version(programme)
    result = PlannedRealised(programme, adopted, per, reference_year)
    if adopted is None:
        return result
    works = _planned_works(adopted)
    visible = Realisation.objects.all() if user is None else Realisation.objects.visible_to(user)
    for realisation in visible:
        work = works.get(realisation.key)
        if work is None:
            work = works[realisation.key] = _Work(
                key=realisation.key,
                label=realisation.label,
                area=(NOT_PLANNED, _("Niet gepland")),
                themes=[(NOT_PLANNED, _("Niet gepland"))],
                lines=set(),
                year=None,
                planned={},
            )
        work.realisation = realisation
    actual: dict[str, dict[tuple[str, int], Decimal]] = defaultdict(dict)
    lines: dict[str, str] = {}
    costs = ActualCost.objects.filter(realisation__in=visible).values_list(
        "realisation__key", "budget_line__code", "budget_line__name", "year", "amount"
    )
    for key, line, name, year, amount in costs:
        actual[key][line, year] = actual[key].get((line, year), ZERO) + to_cents(amount)
        works[key].lines.add(line)
        lines[line] = name
    lines |= dict(
        BudgetLine.objects.filter(
            code__in={line for w in works.values() for line in w.lines}
        ).values_list("code", "name")
    )
    years = set(range(adopted.first_year, adopted.last_year + 1))
    years |= {year for figures in actual.values() for _line, year in figures}

    def groups(work: _Work, line: str | None, year: int | None) -> list[tuple[str, str]]:
        if per == PER_YEAR:
            return [(str(year), str(year))] if year is not None else []
        if per == PER_LINE:
            return [(line, lines.get(line, line))] if line is not None else []
        if per == PER_AREA:
            return [work.area]
        return work.themes

    table: dict[str, Row] = {}
    cells: dict[tuple[int, str], Row] = {}

    def row(key: str, label: str) -> Row:
        return table.setdefault(key, Row(key, label))

    def add_money(work: _Work, line: str, year: int, gross, net, realised) -> None:
        targets = [row(*g) for g in groups(work, line, year)]
        targets.append(result.total)
        targets.append(cells.setdefault((year, line), Row(f"{year}-{line}", str(year))))
        for target in targets:
            target.planned_gross += gross
            target.planned_net += net
            target.realised += realised
            if year <= reference_year:
                target.planned_to_date += net

    def add_count(work: _Work, year: int | None, attribute: str, amount: int = 1) -> None:
        keys: list[tuple[str | None, int | None]] = (
            [(line, year) for line in sorted(work.lines)] if per == PER_LINE else [(None, year)]
        )
        seen: set[str] = set()
        for line, y in keys:
            for key, label in groups(work, line, y):
                if key not in seen:
                    seen.add(key)
                    target = row(key, label)
                    setattr(target, attribute, getattr(target, attribute) + amount)
        setattr(result.total, attribute, getattr(result.total, attribute) + amount)

    for work in works.values():
        realised = actual.get(work.key, {})
        for line, year in set(work.planned) | set(realised):
            gross, net = work.planned.get((line, year), (ZERO, ZERO))
            add_money(work, line, year, gross, net, realised.get((line, year), ZERO))
        if work.year is not None:
            add_count(work, work.year, "works_planned")
        realisation = work.realisation
        if realisation and realisation.actual_start:
            add_count(work, realisation.actual_start.year, "works_started")
        if realisation and realisation.actual_finish:
            add_count(work, realisation.actual_finish.year, "works_finished")
        result.variances += _work_variances(work, realised, reference_year)
    _couplings(adopted, works, result, add_count)
    for year in sorted(years) if per == PER_YEAR else ():
        row(str(year), str(year))
    for target in (*table.values(), *cells.values(), result.total):
        target.variance = target.realised - target.planned_to_date
    for key, target in table.items():
        if per == PER_YEAR and int(key) > reference_year:
            target.variance = None
    for (year, _line), target in cells.items():
        if year > reference_year:
            target.variance = None
    result.rows = _ordered(table, per)
    result.cells = sorted(
        ((year, line, cell) for (year, line), cell in cells.items()), key=lambda c: (c[0], c[1])
    )
    for year, line, cell in result.cells:
        cell.label = f"{year} · {lines.get(line, line)}"
    result.line_names = lines
    result.variances.sort(key=lambda v: (v.label, v.kind))
    return result


def _ordered(table: dict[str, Row], per: str) -> list[Row]:
    last = {NOT_PLANNED, NO_AREA, NO_THEME}
    if per == PER_YEAR:
        return [table[k] for k in sorted(table, key=int)]
    return sorted(table.values(), key=lambda r: (r.key in last, r.label))


def _work_variances(
    work: _Work, realised: dict[tuple[str, int], Decimal], reference_year: int
) -> list[Variance]:
    """The deviations of one work, each with its facts and the realisation's reason."""
    realisation = work.realisation
    reason = realisation.reason if realisation else ""
    found: list[tuple[str, str]] = []
    planned_net = sum((net for _gross, net in work.planned.values()), ZERO)
    spent = sum(realised.values(), ZERO)
    if work.year is None and realisation is not None:
        found.append(("niet-gepland", _("niet in het vastgestelde programma")))
    if realisation and realisation.status == RealisationStatus.CANCELLED:
        found.append(("vervallen", _("vervallen")))
    elif realisation and realisation.status == RealisationStatus.POSTPONED:
        found.append(
            ("uitgesteld", _("uitgesteld (gepland in %(year)s)") % {"year": work.year or "–"})
        )
    start = _year(realisation.actual_start) if realisation else None
    if work.year is not None and start is not None and start != work.year:
        kind = "later-gestart" if start > work.year else "eerder-gestart"
        text = _("later gestart") if start > work.year else _("eerder gestart")
        found.append(
            (
                kind,
                _("%(text)s: gepland %(planned)s, gestart %(started)s")
                % {"text": text, "planned": work.year, "started": start},
            )
        )
    elif (
        work.year is not None
        and start is None
        and work.year < reference_year
        and not (
            realisation
            and realisation.status in {RealisationStatus.CANCELLED, RealisationStatus.POSTPONED}
        )
    ):
        found.append(
            ("niet-gestart", _("nog niet gestart: gepland in %(year)s") % {"year": work.year})
        )
    if spent > planned_net and (work.year is not None):
        found.append(
            (
                "duurder",
                _("duurder dan gepland: %(spent)s tegen %(planned)s gepland (netto), %(diff)s meer")
                % {
                    "spent": euro(spent),
                    "planned": euro(planned_net),
                    "diff": euro(spent - planned_net),
                },
            )
        )
    elif realisation and realisation.status == RealisationStatus.FINISHED and spent < planned_net:
        found.append(
            (
                "goedkoper",
                _("goedkoper dan gepland: %(spent)s tegen %(planned)s gepland (netto)")
                % {"spent": euro(spent), "planned": euro(planned_net)},
            )
        )
    return [Variance(work.key, work.label, kind, text, reason) for kind, text in found]


def _couplings(
    adopted: Programme, works: dict[str, _Work], result: PlannedRealised, add_count
) -> None:
    """Count the adopted couplings and whether they were carried out together (see the
    module docstring), and explain those carried out apart."""
    members: dict[int, list[str]] = defaultdict(list)
    for coupling_id, key in Work.objects.filter(
        programme=adopted, coupling__isnull=False, scheduled_year__isnull=False
    ).values_list("coupling_id", "key"):
        members[coupling_id].append(key)
    for keys in members.values():
        if len(keys) < 2:
            continue
        group = [works[key] for key in keys]
        first = min(group, key=lambda w: w.year or 0)
        add_count(first, first.year, "couplings_planned")
        starts = [
            w.realisation.actual_start
            for w in group
            if w.realisation and w.realisation.actual_start
        ]
        if len(starts) < len(group):
            continue
        shared = {w.realisation.coupling_key for w in group}
        together = (len(shared) == 1 and "" not in shared) or len({d.year for d in starts}) == 1
        add_count(first, first.year, "couplings_together" if together else "couplings_apart")
        if not together:
            label = " + ".join(sorted(w.label for w in group))
            reasons = "; ".join(
                sorted({w.realisation.reason for w in group if w.realisation.reason})
            )
            result.variances.append(
                Variance(
                    ",".join(sorted(keys)),
                    label,
                    "apart",
                    _("koppeling niet samen uitgevoerd: gestart in %(years)s")
                    % {"years": ", ".join(str(y) for y in sorted({d.year for d in starts}))},
                    reasons,
                )
            )


def realised_sheet(programme: Programme) -> Sheet:
    """The council workbook's sheet "Gepland en gerealiseerd": the year × budget line
    cells of `planned_realised` (all realisations: the workbook is the municipality's),
    with totals under the money; a note instead of rows without an adopted version."""
    result = planned_realised(programme)
    columns = [
        Column(_("Jaar"), "year"),
        Column(_("Budgetregel")),
        *(
            Column(f"{label} (€)", "money", total=code != "variance")
            for code, label in MONEY_COLUMNS
        ),
    ]
    if result.adopted is None:
        return Sheet(_("Gepland en gerealiseerd"), columns, [], str(EMPTY))
    rows = [
        [
            year,
            result.line_names.get(line, line),
            *(_float(getattr(cell, code)) for code, _label in MONEY_COLUMNS),
        ]
        for year, line, cell in result.cells
    ]
    note = _(
        "Gepland: de vastgestelde versie %(adopted)s. Het verschil is gerealiseerd min "
        "gepland (netto), tot en met het peiljaar %(year)s."
    ) % {"adopted": result.adopted, "year": result.reference_year}
    return Sheet(_("Gepland en gerealiseerd"), columns, rows, note)


def _float(amount: Decimal | None) -> float | None:
    return None if amount is None else float(amount)


def realised_chart(result: PlannedRealised, chart_id: str = "gepland-gerealiseerd") -> BarChart:
    """Planned net against realised per year, as bars with their table."""
    rows = [row for row in result.rows if row.planned_net or row.realised]
    return bar_chart(
        _("Gepland (netto) en gerealiseerd per jaar"),
        [row.label for row in rows],
        [
            (str(NET), [whole_euros(row.planned_net) for row in rows]),
            (str(REALISED), [whole_euros(row.realised) for row in rows]),
        ],
        chart_id=chart_id,
    )


def dashboard_chart(programme: Programme | None, user) -> BarChart | None:
    """The dashboard's chart of its programme (`Programme.objects.current()`): None
    unless that programme is adopted — current() reports on the latest adopted programme
    whenever there is one, so a concept there means none is adopted and costs no query —
    and None without any money planned or realised."""
    if programme is None or not programme.is_adopted:
        return None
    result = planned_realised(programme, PER_YEAR, user)
    if result.adopted is None or not (result.total.planned_net or result.total.realised):
        return None
    return realised_chart(result, "gepland-gerealiseerd-dashboard")


# --- the next version starts from the adopted one with the realisations applied ----------


@dataclass(frozen=True)
class Adjustment:
    """What a realisation changes in a later version's instance, and why (in words)."""

    key: str
    cause: str
    change: Change


def version_adjustments(
    programme: Programme, instance: Instance, today: date | None = None
) -> list[Adjustment]:
    """The changes that make a version of an adopted programme start from reality.

    Read when the version is computed, so a realisation recorded after the copy was made
    counts too, and a work that is gone from the inputs (a finished measure whose assets
    are renewed) is simply skipped. With R the reference year (today's) and F–L the
    version's horizon:
    - finished (gereed) and cancelled (vervallen) works are left out (uitsluiten);
    - a running work (started, not finished) is pinned to the year it really started,
      or to F when it started before the horizon (it is under way: it cannot wait);
      a window of that one year when the year lies outside the work's window;
    - a late work (postponed, or planned in the adopted version before R and not
      started) moves: its window starts no earlier than R (and F);
    - actual spend is booked: what the left-out works really spent on a line in a year of
      the horizon up to R is taken off that line's budget in that year, so the money is
      not spent twice. A running work's spend is not taken off: the version still plans
      its whole cost (in its start year), which already holds that spend.
    Empty for a programme that is not a copy of an adopted one."""
    adopted = adopted_ancestor(programme)
    if adopted is None:
        return []
    reference_year = (today or timezone.localdate()).year
    first, last = programme.first_year, programme.last_year
    works = {work.key: work for work in instance.works}
    # Whole tables, filtered here: a city's keys are too many for one IN (...).
    realisations = {r.key: r for r in Realisation.objects.all() if r.key in works}
    planned = dict(
        Work.objects.filter(programme=adopted, scheduled_year__isnull=False).values_list(
            "key", "scheduled_year"
        )
    )
    adjustments: list[Adjustment] = []
    left_out: set[str] = set()
    for key, work in works.items():
        realisation = realisations.get(key)
        status = realisation.status if realisation else None
        start = realisation.actual_start if realisation else None
        if status in (RealisationStatus.FINISHED, RealisationStatus.CANCELLED):
            left_out.add(key)
            adjustments.append(
                Adjustment(key, realisation.get_status_display(), Change(EXCLUDE, work_key=key))
            )
        elif start is not None:
            year = max(start.year, first)
            if year > last:
                continue
            change = (
                Change(PIN, year=year, work_key=key)
                if work.window_start <= year <= work.window_end
                else Change(WINDOW, work_key=key, window_start=year, window_end=year)
            )
            cause = _("gestart in %(year)s") % {"year": start.year}
            adjustments.append(Adjustment(key, cause, change))
        elif status == RealisationStatus.POSTPONED or (
            key in planned and planned[key] < reference_year
        ):
            begin = max(work.window_start, reference_year, first)
            if begin <= work.window_start:
                continue
            cause = (
                realisation.get_status_display()
                if status == RealisationStatus.POSTPONED
                else _("niet gestart in %(year)s") % {"year": planned[key]}
            )
            change = Change(
                WINDOW,
                work_key=key,
                window_start=begin,
                window_end=max(work.window_end, begin),
            )
            adjustments.append(Adjustment(key, cause, change))
    budgets = {line.code: line.amounts for line in instance.budget_lines}
    spent: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
    for key, line, year, amount in ActualCost.objects.filter(
        realisation__status__in=[RealisationStatus.FINISHED, RealisationStatus.CANCELLED],
        year__gte=first,
        year__lte=min(last, reference_year),
    ).values_list("realisation__key", "budget_line__code", "year", "amount"):
        if key in left_out:
            spent[line, year] += amount
    for (line, year), total in sorted(spent.items()):
        available = budgets.get(line, {}).get(year, 0.0)
        amount = min(float(total), available)
        if amount > 0:
            cause = _("werkelijk besteed door werken die gereed of vervallen zijn")
            adjustments.append(
                Adjustment(
                    "", cause, Change(BUDGET, line=line, year=year, operation=ADD, amount=-amount)
                )
            )
    return adjustments


def with_realisations(programme: Programme, instance: Instance) -> Instance:
    """The instance of a version of an adopted programme with the realisations applied
    (`version_adjustments`); unchanged for any other programme."""
    adjustments = version_adjustments(programme, instance)
    if not adjustments:
        return instance
    return apply_changes(instance, [adjustment.change for adjustment in adjustments])
