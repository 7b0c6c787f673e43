"""Capacity: the hours works ask of teams beside the money they cost (issue #19 §3).

Three things live here, once:

- **Hours defaults** (`default_hours`, `split_hours`): how many hours of preparation,
  tender and supervision a work asks when nobody said otherwise, from its kind and size.
  The sources are in docs/capacity.md and next to each constant below.
- **Feeding the engine** (`with_hours`, `capacity_teams`): which team a work asks its
  hours of, the hours per year of every team, and the programme's own overrides
  (`Project.hours`, `WorkSetting.hours`). `programming.selectors.programme_instance`
  calls them; the engine keeps every team's hours per year within what it has.
- **The one capacity selector** (`capacity_use`): per team and year the hours available,
  planned, free or over, and what the unfunded works would need. The capacity page, the
  API and the workbook sheet all read it, so they show the same figures.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from programming.capacity_forms import WorkSettingForm
from programming.choices import WorkKind
from programming.engine import Planned
from programming.engine.instance import Instance, Result, Work
from programming.engine.instance import Team as EngineTeam
from programming.models import KpiValue, Programme, WorkHours, WorkSetting
from programming.models import Work as WorkRow
from programming.xlsx import Column, Sheet
from projects.choices import ProjectStatus
from projects.models import Project
from stakeholders.models import Team, TeamHours

#: Integral cost of one hour of a municipal civil engineer (salary, overhead, workplace):
#: the Handleiding Overheidstarieven 2023 (Ministerie van Financiën) gives integral hourly
#: rates of about € 90–€ 120 for scales 9–11, the scales of a technical project leader and
#: a supervisor (directievoerder/toezichthouder); IMPOR takes € 100, rounded.
HOURLY_RATE = 100.0
#: The share of the construction cost that preparation, administration and supervision
#: (VAT-kosten, "engineeringkosten" in CROW publication 137, SSK-2010) take: commonly
#: 10–20 % in Dutch civil works, higher for small works (the fixed effort of a design and
#: a tender weighs more) and lower for large ones. Per size class, upper bound in € of
#: the work's construction cost → share. The classes are an IMPOR assumption within that
#: range (docs/capacity.md).
SIZE_SHARES: tuple[tuple[float, float], ...] = (
    (250_000.0, 0.20),
    (1_000_000.0, 0.15),
    (math.inf, 0.10),
)
#: Extra share for an integrated project (ontwerp met participatie, more disciplines at
#: the table) on top of a replacement measure's: an IMPOR assumption, keeping a project
#: of € 1 mln at 20 %, the top of the SSK range.
PROJECT_EXTRA_SHARE = 0.05
#: The part of the hours that is preparation and tender (ontwerp, bestek, aanbesteding),
#: spent at the start (offset 0) and shared when works are coupled (one design, one
#: tender); the rest is supervision (directie en toezicht) during execution. IMPOR
#: assumption, after the usual split of the engineering fee in the DNR-STB 2014 phases
#: (design and tender documents about 60 %, execution about 40 %).
PREPARATION_SHARE = 0.6
#: The least hours any work asks: a work order, a permit check and a site visit take a
#: week even for the smallest replacement (IMPOR assumption).
MINIMUM_HOURS = 40.0


def size_share(cost: float) -> float:
    """The VAT share (`SIZE_SHARES`) of a work of construction cost `cost`."""
    return next(share for bound, share in SIZE_SHARES if cost <= bound)


def default_hours(kind: str, cost: float) -> float:
    """The hours of preparation, tender and supervision a work of `kind` and construction
    cost `cost` (€) asks: cost × share ÷ hourly rate, at least `MINIMUM_HOURS`, rounded
    to whole hours."""
    share = size_share(cost)
    if kind == WorkKind.PROJECT:
        share += PROJECT_EXTRA_SHARE
    return float(round(max(MINIMUM_HOURS, cost * share / HOURLY_RATE)))


def split_hours(
    total: float, costs: dict[str, tuple[float, ...]]
) -> tuple[tuple[float, ...], float]:
    """`total` hours spread over the work's years: the preparation part
    (`PREPARATION_SHARE`) at offset 0, the supervision part over the years in proportion
    to the work's cost in each (one year when it has no cost). Returns the hours per
    offset and the preparation hours, each to a tenth of an hour (as stored)."""
    preparation = round(total * PREPARATION_SHARE, 1)
    supervision = total - preparation
    if len(costs) == 1:  # most measures: one line, no sums to make
        per_year = list(next(iter(costs.values()))) or [0.0]
    else:
        per_year = [0.0] * max((len(amounts) for amounts in costs.values()), default=1)
        for amounts in costs.values():
            for offset, amount in enumerate(amounts):
                per_year[offset] += amount
    length = len(per_year)
    spent = sum(per_year)
    shares = [amount / spent for amount in per_year] if spent > 0 else [1.0] + [0.0] * (length - 1)
    hours = [supervision * share for share in shares]
    hours[0] += preparation
    rounded = [round(h, 1) for h in hours]
    # Rounding must not lose or add hours: the remainder goes to the first year.
    rounded[0] = round(rounded[0] + round(total - sum(rounded), 1), 1)
    return tuple(rounded), preparation


@dataclass(frozen=True)
class TeamChoice:
    """What `with_hours` needs to know of the organisation, read once."""

    #: Discipline → code of the one municipal team of that discipline.
    by_discipline: dict[str, str]
    #: Owner (actor) name → code of its one team.
    by_owner: dict[str, str]
    #: Project work key → (team code or "", hours override or None).
    projects: dict[str, tuple[str, int | None]] = field(default_factory=dict)


def _single(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Key → value for the keys that occur once: "a team that clearly matches"."""
    found: dict[str, list[str]] = defaultdict(list)
    for key, value in pairs:
        found[key].append(value)
    return {key: values[0] for key, values in found.items() if len(values) == 1}


def team_choice() -> TeamChoice:
    """Which team each kind of work asks its hours of (docs/capacity.md, "Which team").

    A measure: the municipal team of its discipline, when exactly one has it. A project
    or partner work: `Project.team`, else the one team of its owner (department or
    partner), else none: no capacity limit."""
    from programming.selectors import _first_project_with_code, project_work_key

    teams = list(
        Team.objects.values_list("code", "discipline", "actor__name", "actor__is_internal")
    )
    by_discipline = _single(
        (discipline, code)
        for code, discipline, _owner, internal in teams
        if discipline and internal
    )
    by_owner = _single((owner, code) for code, _discipline, owner, _internal in teams)
    first_with_code = _first_project_with_code()
    projects = {
        project_work_key(project, first_with_code): (
            project.team.code if project.team else "",
            project.hours,
        )
        for project in Project.objects.exclude(status__in=ProjectStatus.inactive())
        .select_related("team")
        .only("pk", "code", "owner_id", "hours", "team__code")
    }
    return TeamChoice(by_discipline=by_discipline, by_owner=by_owner, projects=projects)


def work_team(work: Work, choice: TeamChoice) -> str | None:
    """The code of the team `work` asks its hours of, or None (no team: no limit)."""
    if work.kind == WorkKind.MEASURE:
        return choice.by_discipline.get((work.label_parts or {}).get("discipline", ""))
    team, _hours = choice.projects.get(work.key, ("", None))
    return team or choice.by_owner.get(work.owner or "")


def with_hours(
    programme: Programme, works: Sequence[Work], choice: TeamChoice | None = None
) -> tuple[Work, ...]:
    """`works` with `hours` and `preparation_hours` set for the team each asks of: the
    programme's own hours for the work (`WorkSetting.hours`) first, then the project's
    (`Project.hours`), else the default by kind and size. Works without a team stay as
    they are. Plain Python over the works, no query per work (a city has hundreds of
    thousands of measures)."""
    choice = choice or team_choice()
    settings = dict(
        WorkSetting.objects.filter(programme=programme, hours__isnull=False).values_list(
            "key", "hours"
        )
    )
    result = []
    for work in works:
        team = work_team(work, choice)
        if team is None:
            result.append(work)
            continue
        total = settings.get(work.key)
        if total is None:
            total = choice.projects.get(work.key, ("", None))[1]
        if total is None:
            cost = sum(sum(amounts) for amounts in work.costs.values())
            total = default_hours(work.kind, cost)
        hours, preparation = split_hours(float(total), work.costs)
        result.append(work.with_hours({team: hours}, {team: preparation}))
    return tuple(result)


def stored_hours(instance: Instance, result: Result | Planned) -> list[tuple[str, str, int, float]]:
    """The hours to store per work: (work key, team code, offset, hours), zero rows left
    out. The preparation a work shares because the plan placed it in one unit with other
    works (`WorkResult.hours_saved`, the engine's own count) is taken from its first
    years of hours, as the engine does (`engine.capacity.shared_preparation`); so the
    stored hours of the scheduled works add up to the engine's planned hours
    (`uren_gepland`), also for a proposed coupling whose works land in one year apart."""
    saved = {w.key: w.hours_saved for w in result.works}
    rows = []
    for work in instance.works:
        for team, values in work.hours.items():
            left = saved.get(work.key, {}).get(team, 0.0)
            for offset, value in enumerate(values):
                take = min(left, value)
                left -= take
                if round(value - take, 1) > 0:
                    rows.append((work.key, team, offset, round(value - take, 1)))
    return rows


def capacity_teams(programme: Programme) -> tuple[EngineTeam, ...]:
    """The teams whose hours bind the programme, with their hours per year of the
    horizon. A team without any hours in the horizon is left out: nobody entered its
    capacity, so it sets no limit (a declared team has 0 hours in a missing year)."""
    hours: dict[str, dict[int, float]] = defaultdict(dict)
    for code, year, available in TeamHours.objects.filter(
        year__gte=programme.first_year, year__lte=programme.last_year
    ).values_list("team__code", "year", "hours"):
        hours[code][year] = float(available)
    return tuple(EngineTeam(code, dict(years)) for code, years in sorted(hours.items()))


# --- the one capacity selector ---------------------------------------------------------


@dataclass(frozen=True)
class TeamYear:
    """One team in one year: hours available (None: no limit), planned and what the
    unfunded works would need there in their preferred year."""

    year: int
    available: float | None
    planned: float
    unfunded: float

    @property
    def free(self) -> float | None:
        """Hours left (negative: over capacity); None without a limit."""
        return None if self.available is None else round(self.available - self.planned, 1)

    @property
    def over(self) -> bool:
        return self.free is not None and self.free < 0

    @property
    def over_hours(self) -> float:
        """Hours planned beyond what the team has (0 when within)."""
        return -self.free if self.free is not None and self.free < 0 else 0.0

    @property
    def full(self) -> bool:
        """Too few hours left for another work: less than the smallest work asks
        (`MINIMUM_HOURS`), or none at all."""
        return self.free is not None and self.free < MINIMUM_HOURS


@dataclass(frozen=True)
class TeamUse:
    pk: int
    code: str
    name: str
    organisation: str
    years: tuple[TeamYear, ...]

    @property
    def available(self) -> float | None:
        values = [y.available for y in self.years]
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    @property
    def planned(self) -> float:
        return round(sum(y.planned for y in self.years), 1)

    @property
    def unfunded(self) -> float:
        return round(sum(y.unfunded for y in self.years), 1)

    @property
    def over_years(self) -> tuple[int, ...]:
        return tuple(y.year for y in self.years if y.over)


@dataclass(frozen=True)
class CapacityUse:
    """`capacity_use`'s answer: the horizon's years and one row per team."""

    years: tuple[int, ...]
    teams: tuple[TeamUse, ...]


def _kpi_hours(programme: Programme, code: str) -> dict[tuple[int, int], float]:
    return {
        (team, year): value
        for team, year, value in KpiValue.objects.filter(
            programme=programme, code=code, team__isnull=False, year__isnull=False
        ).values_list("team_id", "year", "value")
    }


def capacity_use(programme: Programme) -> CapacityUse:
    """Per team × year of the horizon: the hours available, planned, free or over, and
    the hours unfunded works would need.

    - **available**: what the computation used (the engine's KPI `uren_beschikbaar`,
      which includes a scenario's capacity changes) when stored, else the team's hours
      (`TeamHours`); None for a team without hours in the horizon (no limit).
    - **planned**: the stored hours (`WorkHours`) of the scheduled works, in the year
      they fall (start year + offset), coupled works' shared preparation counted once
      (`services.store_result` stores them so).
    - **unfunded**: the stored hours of works without a year, as if started in their
      preferred year.

    Over-capacity (planned > available) can occur for must-do works, which the engine
    places whatever they need. Teams without hours anywhere and no planned or needed
    hours are left out.
    """
    years = tuple(range(programme.first_year, programme.last_year + 1))
    available: dict[tuple[int, int], float] = {
        (team, year): float(hours)
        for team, year, hours in TeamHours.objects.filter(
            year__gte=programme.first_year, year__lte=programme.last_year
        ).values_list("team_id", "year", "hours")
    }
    limited = {team for team, _year in available}
    used = _kpi_hours(programme, "uren_beschikbaar")
    if used:
        limited |= {team for team, _year in used}
        available = used
    planned: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    unfunded: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for team, offset, hours, scheduled, preferred in WorkHours.objects.filter(
        work__programme=programme
    ).values_list("team_id", "offset", "hours", "work__scheduled_year", "work__preferred_year"):
        if scheduled is not None:
            planned[team, scheduled + offset] += hours
        elif preferred is not None:
            unfunded[team, preferred + offset] += hours
    involved = limited | {team for team, _y in planned} | {team for team, _y in unfunded}
    teams = []
    for team in Team.objects.filter(pk__in=involved).select_related("actor").order_by("code"):
        rows = tuple(
            TeamYear(
                year=year,
                available=(available.get((team.pk, year), 0.0) if team.pk in limited else None),
                planned=float(planned.get((team.pk, year), 0)),
                unfunded=float(unfunded.get((team.pk, year), 0)),
            )
            for year in years
        )
        teams.append(
            TeamUse(
                pk=team.pk, code=team.code, name=team.name, organisation=team.actor.name, years=rows
            )
        )
    return CapacityUse(years=years, teams=tuple(teams))


#: How many works the capacity page lists per team and year (the largest first).
HOLDING_LIMIT = 10


@dataclass(frozen=True)
class Holding:
    """The works holding a team's hours in one year: the largest few and how many."""

    works: tuple[tuple[WorkRow, float], ...]
    count: int


def works_holding(
    programme: Programme, limit: int = HOLDING_LIMIT
) -> dict[tuple[int, int], Holding]:
    """Per (team id, year): the scheduled works that hold the team's hours in that year,
    most hours first (at most `limit`), with their hours in that year, and how many there
    are. One query over the stored hours, one for the works listed."""
    rows: dict[tuple[int, int], dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for team, work, offset, hours, scheduled in WorkHours.objects.filter(
        work__programme=programme, work__scheduled_year__isnull=False, hours__gt=0
    ).values_list("team_id", "work_id", "offset", "hours", "work__scheduled_year"):
        rows[team, scheduled + offset][work] += hours
    top = {
        cell: sorted(works.items(), key=lambda item: -item[1])[:limit]
        for cell, works in rows.items()
    }
    listed = WorkRow.objects.select_related("programme").in_bulk(
        {pk for works in top.values() for pk, _hours in works}
    )
    return {
        cell: Holding(
            works=tuple((listed[pk], float(hours)) for pk, hours in works),
            count=len(rows[cell]),
        )
        for cell, works in top.items()
    }


def capacity_sheet(programme: Programme) -> Sheet:
    """The council workbook's sheet "Capaciteit": one row per team and year, the figures
    of `capacity_use` (the page and the API show the same)."""
    use = capacity_use(programme)
    rows = [
        [
            team.name,
            team.organisation,
            cell.year,
            cell.available,
            cell.planned,
            cell.free,
            _("ja") if cell.over else _("nee"),
            cell.unfunded,
        ]
        for team in use.teams
        for cell in team.years
    ]
    return Sheet(
        _("Capaciteit"),
        [
            Column(_("Team"), width=30),
            Column(_("Organisatie"), width=30),
            Column(_("Jaar"), "year"),
            Column(_("Beschikbare uren"), "count", total=True),
            Column(_("Geplande uren"), "count", total=True),
            Column(_("Vrije uren"), "count", total=True),
            Column(_("Te veel gepland")),
            Column(_("Uren gevraagd door niet-gedekte werken"), "count", total=True),
        ],
        rows,
        _(
            "Uren per team en jaar: beschikbaar, gepland, vrij (onder nul: te veel gepland) en "
            "wat niet-gedekte werken in hun voorkeursjaar zouden vragen. Leeg bij beschikbaar: "
            "het team heeft geen grens."
        ),
    )


@dataclass(frozen=True)
class WorkCapacity:
    """What a work's page shows of its hours and maintenance effect."""

    #: Per team: (team, ((year, hours), …)) in the work's scheduled year, else its
    #: preferred year.
    hours: tuple[tuple[Team, tuple[tuple[int, float], ...]], ...]
    maintenance: Decimal
    setting: WorkSetting | None
    #: The form to set the programme's own hours and maintenance (None: the user may not).
    form: WorkSettingForm | None


def work_capacity(work: WorkRow, user) -> WorkCapacity:
    """The stored hours per team and year of `work`, its maintenance effect, the
    programme's own setting for it and, for a programme manager on a programme that is
    not adopted, the form to change that setting."""
    programme = work.programme
    start = work.scheduled_year if work.scheduled_year is not None else work.preferred_year
    per_team: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for team, offset, hours in work.hours.order_by("team__code", "offset").values_list(
        "team_id", "offset", "hours"
    ):
        per_team[team].append((start + offset, float(hours)))
    teams = Team.objects.in_bulk(list(per_team))
    setting = WorkSetting.objects.filter(programme=programme, key=work.key).first()
    may_set = (
        user.has_perm("programming.add_worksetting")
        and user.has_perm("programming.change_worksetting")
        and not programme.is_adopted
    )
    return WorkCapacity(
        hours=tuple((teams[pk], tuple(rows)) for pk, rows in per_team.items()),
        maintenance=work.maintenance,
        setting=setting,
        form=WorkSettingForm(instance=setting) if may_set else None,
    )
