"""Maintenance cost after realisation (beheerlasten), defined once (docs/maintenance.md).

A work changes the municipality's annual maintenance cost from the year after its last
cost year: new green or play adds cost, replacing worn assets saves repairs, complaints
and emergency fixes. Per work (€ per year, `Work.maintenance` in the engine and stored):

measure       − Σ quantity × the class's ``maintenance_saving`` over its assets (a
              column of the needs frame, summed per measure in `engine.measures`).
project       `Project.maintenance` when set; else the default: − Σ quantity × class
              saving over the assets in its scope, plus, for a project that reshapes the
              space (not beheergestuurd) with a greening theme or a health theme, the
              upkeep of the new green or play it builds (`NEW_ASSETS`).
partner work  0: a partner maintains its own works, not the municipality.

`WorkSetting.maintenance` (per programme, by work key) replaces any of these.
`with_maintenance` applies the project defaults and the settings to the engine's works
before a computation; `maintenance_by_year` is the one selector that the page, the API
and the council workbook read.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from assets.models import AssetClass
from impor.models import Area
from programming import selectors
from programming.choices import WorkKind
from programming.engine.instance import Work
from programming.models import Programme, WorkCost, WorkSetting
from programming.models import Work as WorkRow
from programming.money import ZERO, Money, programme_money, to_cents
from programming.xlsx import Column, Sheet
from projects.choices import ProjectKind, ProjectStatus
from projects.models import Project
from stakeholders.models import BudgetLine

#: Project kinds that reshape the space and so build new green (every kind but
#: beheergestuurd, which replaces what is there), and those that build play: the
#: neighbourhood-oriented ones.
RESHAPING_KINDS = frozenset(ProjectKind.values) - {ProjectKind.BEHEER}
NEIGHBOURHOOD_KINDS = frozenset({ProjectKind.WIJKGERICHT, ProjectKind.HERSTRUCTURERING})
#: New public space a project builds, by theme: the class whose upkeep it adds, the share
#: of the project's cost spent on building it and the project kinds that build it. IMPOR
#: assumptions (docs/maintenance.md): a climate-adaptive or nature-inclusive redesign
#: turns about a tenth of its budget into new planting (at the class's unit cost, e.g.
#: €35 per m²); a health-oriented neighbourhood redesign (beweegvriendelijk, ontmoeten)
#: spends about a twentieth on play and sports objects. Two themes of one class count once.
NEW_ASSETS: dict[str, tuple[str, Decimal, frozenset[str]]] = {
    "klimaatadaptatie": ("plantsoen", Decimal("0.10"), RESHAPING_KINDS),
    "biodiversiteit": ("plantsoen", Decimal("0.10"), RESHAPING_KINDS),
    "gezondheid": ("speel-metaal", Decimal("0.05"), NEIGHBOURHOOD_KINDS),
}


def _new_asset_upkeep(
    kind: str, themes: Iterable[str], cost: Decimal, classes: dict[str, AssetClass]
) -> Decimal:
    """The yearly upkeep of what a project builds new (`NEW_ASSETS`): per class, the
    project's cost × share ÷ the class's unit cost gives the quantity built, × the class's
    maintenance cost per unit."""
    shares: dict[str, Decimal] = {}
    for theme in themes:
        code, share, kinds = NEW_ASSETS.get(theme, ("", ZERO, frozenset()))
        if kind in kinds:
            shares[code] = max(shares.get(code, ZERO), share)
    upkeep = ZERO
    for code, share in shares.items():
        asset_class = classes.get(code)
        if asset_class is None or not asset_class.unit_cost:
            continue
        quantity = cost * share / asset_class.unit_cost
        upkeep += quantity * asset_class.maintenance_cost
    return upkeep


def project_defaults(works: Iterable[Work]) -> dict[str, Decimal]:
    """The default maintenance effect (€ per year, whole cents) of each municipal
    project among `works`, by work key; three queries whatever the number of projects."""
    project_works = {w.key: w for w in works if w.kind == WorkKind.PROJECT}
    if not project_works:
        return {}
    projects = list(
        Project.objects.exclude(status__in=ProjectStatus.inactive())
        .filter(owner__is_internal=True)
        .prefetch_related("themes")
    )
    first_with_code = selectors._first_project_with_code()
    savings: dict[int, Decimal] = defaultdict(Decimal)
    for project_id, quantity, saving in Project.assets.through.objects.filter(
        project__in=projects
    ).values_list("project_id", "asset__quantity", "asset__asset_class__maintenance_saving"):
        savings[project_id] += Decimal(str(quantity or 0)) * (saving or ZERO)
    classes = {
        c.code: c
        for c in AssetClass.objects.filter(code__in={c for c, _s, _k in NEW_ASSETS.values()})
    }
    defaults = {}
    for project in projects:
        key = selectors.project_work_key(project, first_with_code)
        work = project_works.get(key)
        if work is None:
            continue
        if project.maintenance is not None:
            defaults[key] = to_cents(project.maintenance)
            continue
        cost = Decimal(str(sum(sum(amounts) for amounts in work.costs.values())))
        themes = [theme.code for theme in project.themes.all()]
        added = _new_asset_upkeep(project.kind, themes, cost, classes)
        defaults[key] = to_cents(added - savings[project.pk])
    return defaults


def with_maintenance(programme: Programme, works: Iterable[Work]) -> tuple[Work, ...]:
    """`works` with their maintenance effect (module docstring): measures keep the one
    `engine.measures` summed from their assets, projects get their default, partner works
    0, and the programme's `WorkSetting`s win. Only the works that change are copied, so a
    city's hundred thousand measures pass through untouched."""
    works = list(works)
    settings = {
        key: float(amount)
        for key, amount in WorkSetting.objects.filter(
            programme=programme, maintenance__isnull=False
        ).values_list("key", "maintenance")
    }
    effects = {key: float(amount) for key, amount in project_defaults(works).items()}
    result = []
    for work in works:
        if work.key in settings:
            effect = settings[work.key]
        elif work.kind == WorkKind.PARTNER:
            effect = 0.0
        else:
            effect = effects.get(work.key, work.maintenance)
        result.append(
            work if effect == work.maintenance else dataclasses.replace(work, maintenance=effect)
        )
    return tuple(result)


# --------------------------------------------------------------------------- the selector


@dataclass(frozen=True)
class MaintenanceYear:
    """One programme year: the investment (gross planned spend, `programming.money`), the
    change in annual maintenance cost that starts in the year, and the level reached (the
    sum of all changes up to and including the year) split into what is added and saved."""

    year: int
    investment: Decimal | None
    change: Decimal
    level: Decimal
    added: Decimal
    saved: Decimal


@dataclass(frozen=True)
class MaintenanceGroup:
    """The years of one budget line or one area."""

    pk: int | None
    name: str
    years: list[MaintenanceYear]

    @property
    def level(self) -> Decimal:
        """The change in annual maintenance cost at the end of the horizon."""
        return self.years[-1].level if self.years else ZERO


@dataclass(frozen=True)
class Maintenance:
    """A programme's maintenance cost over its horizon (`maintenance_by_year`)."""

    years: list[MaintenanceYear]
    lines: list[MaintenanceGroup]
    areas: list[MaintenanceGroup]
    #: Scheduled works that change the maintenance cost (inside the horizon or after it).
    works: int

    @property
    def level(self) -> Decimal:
        return self.years[-1].level if self.years else ZERO

    @property
    def investment(self) -> Decimal:
        return sum((y.investment or ZERO for y in self.years), ZERO)


def _effects(programme: Programme) -> list[tuple[int, Decimal, int | None, int | None]]:
    """Per scheduled work with a maintenance effect: the first year the effect counts (the
    year after its last cost year), the effect, its main budget line (the line with the
    largest share of its cost; on a tie the lowest code) and its area."""
    rows = list(
        WorkRow.objects.filter(programme=programme, scheduled_year__isnull=False)
        .exclude(maintenance=0)
        .annotate(last_offset=Max("costs__offset"))
        .values_list("pk", "scheduled_year", "last_offset", "maintenance", "area_id")
    )
    amounts: dict[int, list[tuple[Decimal, str, int]]] = defaultdict(list)
    for work_id, line_id, code, amount in (
        WorkCost.objects.filter(work__in=[row[0] for row in rows])
        .values_list("work_id", "budget_line_id", "budget_line__code")
        .annotate(amount=Sum("amount"))
        .values_list("work_id", "budget_line_id", "budget_line__code", "amount")
    ):
        amounts[work_id].append((amount, code, line_id))
    effects = []
    for pk, year, last_offset, effect, area in rows:
        lines = amounts.get(pk)
        main = min(lines, key=lambda item: (-item[0], item[1]))[2] if lines else None
        effects.append((year + (last_offset or 0) + 1, to_cents(effect), main, area))
    return effects


def _years(
    years: list[int],
    effects: list[tuple[int, Decimal]],
    investment: dict[int, Decimal] | None,
) -> list[MaintenanceYear]:
    rows = []
    for year in years:
        counted = [effect for start, effect in effects if start <= year]
        rows.append(
            MaintenanceYear(
                year=year,
                investment=None if investment is None else investment.get(year, ZERO),
                change=sum((effect for start, effect in effects if start == year), ZERO),
                level=sum(counted, ZERO),
                added=sum((e for e in counted if e > 0), ZERO),
                saved=-sum((e for e in counted if e < 0), ZERO),
            )
        )
    return rows


def maintenance_by_year(programme: Programme, money: Money | None = None) -> Maintenance:
    """Per year of the horizon: the investment (gross planned spend from
    `programming.money`, passed in when the caller has it) and the change in annual
    maintenance cost, in total, per budget line (a work's main line) and per area.

    A work counts from the year after its last cost year, as in the engine's KPI
    ``beheerlasten``; so `level` per year equals that KPI per year.
    """
    money = money or programme_money(programme)
    years = money.years
    effects = _effects(programme)
    total = _years(
        years,
        [(start, effect) for start, effect, _line, _area in effects],
        {y.year: y.money.gross for y in money.per_year()},
    )
    by_line: dict[int | None, list[tuple[int, Decimal]]] = defaultdict(list)
    by_area: dict[int | None, list[tuple[int, Decimal]]] = defaultdict(list)
    for start, effect, line, area in effects:
        by_line[line].append((start, effect))
        by_area[area].append((start, effect))
    lines = []
    for line in money.lines:
        investment = {y.year: y.money.gross for y in money.per_year(line.code)}
        lines.append(
            MaintenanceGroup(
                line.pk, line.name, _years(years, by_line.pop(line.pk, []), investment)
            )
        )
    # A main line without money rows, or no line at all: no investment to show.
    line_names = dict(
        BudgetLine.objects.filter(pk__in=[pk for pk in by_line if pk]).values_list("pk", "name")
    )
    for pk, line_effects in sorted(by_line.items(), key=lambda item: item[0] or 0):
        name = line_names.get(pk, _("zonder budgetregel"))
        lines.append(MaintenanceGroup(pk, name, _years(years, line_effects, None)))
    names = dict(Area.objects.filter(pk__in=[a for a in by_area if a]).values_list("pk", "name"))
    nameless = _("zonder gebied")
    areas = [
        MaintenanceGroup(pk, names.get(pk, nameless), _years(years, area_effects, None))
        for pk, area_effects in sorted(
            by_area.items(), key=lambda item: (item[0] is None, names.get(item[0], ""))
        )
    ]
    return Maintenance(years=total, lines=lines, areas=areas, works=len(effects))


# --------------------------------------------------------------------------- the workbook


def maintenance_sheet(programme: Programme, money: Money) -> Sheet:
    """The council workbook's sheet "Beheerlasten": per year the investment, the change
    in annual maintenance cost and its level, then per budget line and per area."""
    maintenance = maintenance_by_year(programme, money)
    rows = []
    for label, groups in (
        (_("Totaal"), [MaintenanceGroup(None, _("Alle werken"), maintenance.years)]),
        (_("Budgetregel"), maintenance.lines),
        (_("Gebied"), maintenance.areas),
    ):
        for group in groups:
            for year in group.years:
                rows.append(
                    [
                        label,
                        group.name,
                        year.year,
                        None if year.investment is None else float(year.investment),
                        float(year.change),
                        float(year.level),
                    ]
                )
    return Sheet(
        _("Beheerlasten"),
        [
            Column(_("Per")),
            Column(_("Naam"), width=32),
            Column(_("Jaar"), "year"),
            Column(_("Investering bruto (€)"), "money"),
            Column(_("Verandering beheerlasten in het jaar (€/jaar)"), "money"),
            Column(_("Beheerlasten opgeteld (€/jaar)"), "money"),
        ],
        rows,
        _(
            "Wat de geplande werken aan jaarlijkse beheerkosten toevoegen (positief) of "
            "besparen (negatief), vanaf het jaar na hun laatste kostenjaar. Investering is "
            "de bruto besteding (zie Per jaar en Per budgetregel). Een werk telt bij zijn "
            "grootste budgetregel en zijn gebied. Bronnen van de standaardwaarden: de "
            "objecttypen in IMPOR."
        ),
    )
