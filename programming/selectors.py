"""Reads for programming: the database turned into an engine instance.

Each table is read once into a DataFrame (no ORM work per row), so a municipality of a
million assets loads in seconds. The engine itself knows nothing of Django.
"""

from collections import defaultdict
from dataclasses import fields as dataclass_fields

import numpy as np
import pandas as pd
from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery

from assets import lifecycle
from assets.models import Asset, AssetClass
from assets.selectors import asset_records, with_lifecycle
from impor.choices import Discipline
from impor.models import Area
from programming import capacity, maintenance
from programming.choices import WorkKind
from programming.engine import Clock, Stopwatch, gc_paused
from programming.engine.instance import BudgetLine, Instance, Parameters, Work
from programming.engine.measures import MAINTENANCE, NEED_COLUMNS, Measures, group_measures
from programming.models import PROGRAMME_SETTINGS, CouplingDecision, Programme, Realisation
from programming.models import Work as WorkRow
from projects.choices import ProjectStatus
from projects.models import AmbitionContribution, Funding, Project
from stakeholders.models import BudgetAmount
from stakeholders.models import BudgetLine as BudgetLineRow

#: Budget line code for project costs that no budget line covers yet.
NO_FUNDING = "geen-dekking"
#: Disciplines whose replacement is a street reconstruction (it starts graafrust).
RECONSTRUCTING = {Discipline.VERHARDING}


def _needs(
    programme: Programme, clock: Clock, assets: QuerySet[Asset] | None = None
) -> pd.DataFrame:
    """One row per asset (of `assets`, default all) not already in a project's scope:
    its replacement need, indexed by the asset's id."""
    in_projects = Project.assets.through.objects.exclude(
        project__status__in=ProjectStatus.inactive()
    ).values_list("asset_id", flat=True)
    queryset = (Asset.objects.all() if assets is None else assets).exclude(pk__in=in_projects)
    place_columns = ("area_id", "street", "owner__name", *NEED_COLUMNS[-4:])
    with clock("load"):
        records = asset_records(queryset, place_columns)
    with clock("lifecycle"):
        frame = with_lifecycle(
            records, reference_year=programme.first_year, price_year=programme.price_year
        )
    # Turning the assets into needs is the measures' first step, and timed with them.
    with clock("measures"):
        classes = pd.DataFrame.from_records(
            AssetClass.objects.values_list(
                "pk", "discipline", "opens_street", "budget_line__code", "maintenance_saving"
            ),
            columns=["id", "discipline", "opens_street", "budget_line", "saving"],
        ).set_index("id")
        # The saving is a Decimal per class: turned into a float once per class here, not
        # once per asset after the reindex (0.35 s on the 1M-asset city).
        classes["saving"] = classes["saving"].astype(np.float64)
        cls = classes.reindex(frame[lifecycle.ASSET_CLASS_ID].to_numpy())
        needs = pd.DataFrame(
            {
                "asset": frame.index.to_numpy(),
                "discipline": cls["discipline"].to_numpy(),
                "area": _area_codes(frame["area_id"]),
                "street": frame["street"].fillna("").to_numpy(),
                "earliest": frame[lifecycle.EARLIEST].to_numpy(),
                "latest": frame[lifecycle.LATEST].to_numpy(),
                "preferred_year": frame[lifecycle.PREFERRED_YEAR].to_numpy(),
                "cost": frame[lifecycle.REPLACEMENT_VALUE].to_numpy(),
                "budget_line": cls["budget_line"].fillna(NO_FUNDING).to_numpy(),
                "condition": frame[lifecycle.CONDITION].astype("float").to_numpy(),
                "remaining_life": frame[lifecycle.REMAINING_LIFE].to_numpy(),
                "opens_street": cls["opens_street"].fillna(False).astype(bool).to_numpy(),
                "reconstructs_street": np.isin(cls["discipline"].to_numpy(), list(RECONSTRUCTING)),
                "owner": frame["owner__name"].to_numpy(),
                **{c: frame[c].to_numpy() for c in NEED_COLUMNS[-4:]},
                # Replacing a worn asset saves its class's saving per unit (docs/maintenance.md).
                MAINTENANCE: -frame[lifecycle.QUANTITY].to_numpy(np.float64)
                * cls["saving"].fillna(0).to_numpy(np.float64),
            },
            # By asset id, so a measure's assignment names its assets.
            index=frame.index,
        )
        return needs[[*NEED_COLUMNS, MAINTENANCE]]


def _area_codes(area_ids: pd.Series) -> np.ndarray:
    """Each asset's area id as the engine's area code (its str), "-1" without an area:
    one str per distinct area, not one per asset (0.2 s on the 1M-asset city)."""
    codes, areas = pd.factorize(area_ids.fillna(-1).astype(int))
    names = np.array([str(area) for area in areas.tolist()], dtype=object)
    return names[codes]


def programme_measures(
    programme: Programme, clock: Clock | None = None, assets: QuerySet[Asset] | None = None
) -> Measures:
    """The asset needs of the programme's horizon grouped into measures; `clock` times
    the stages load, lifecycle and measures; `assignment` is indexed by asset id. `assets`
    limits the needs to a subset (the assets of one place, `programming.realisation`): a
    whole place gives the same keys."""
    clock = clock or Stopwatch()
    needs = _needs(programme, clock, assets)
    with clock("load"):
        area_names = {str(pk): name for pk, name in Area.objects.values_list("pk", "name")}
    with clock("measures"):
        return group_measures(
            needs,
            first_year=programme.first_year,
            horizon=programme.horizon,
            backlog_years=programme.backlog_years,
            grouping=programme.measure_grouping,
            area_names=area_names,
        )


def _first_project_with_code() -> dict[str, int]:
    """The oldest project (lowest id), finished ones included, of each code that more
    than one organisation uses (codes are unique per organisation only); one query."""
    shared = (
        Project.objects.order_by()
        .values("code")
        .annotate(first=Min("pk"), count=Count("pk"))
        .filter(count__gt=1)
    )
    return {row["code"]: row["first"] for row in shared}


def project_work_key(project: Project, first_with_code: dict[str, int]) -> str:
    """A project's key as a work, the same in every computation: ``P:<code>``, and for a
    later project of another organisation with the same code ``P:<owner id>:<code>``.
    The oldest keeps the plain key, so decisions on its couplings outlive the newcomer."""
    if first_with_code.get(project.code, project.pk) == project.pk:
        return f"P:{project.code}"
    return f"P:{project.owner_id}:{project.code}"


def _project_works(programme: Programme) -> list[Work]:
    """Municipal projects and partner works (not finished or withdrawn) as engine works."""
    projects = list(
        Project.objects.exclude(status__in=ProjectStatus.inactive())
        .select_related("owner")
        .prefetch_related("themes", "areas")
        .order_by("code")
    )
    fundings: dict[int, dict[str, dict[int, float]]] = defaultdict(lambda: defaultdict(dict))
    for project_id, line, year, amount in Funding.objects.values_list(
        "project_id", "budget_line__code", "year", "amount"
    ):
        fundings[project_id][line][year] = float(amount)
    ambition_weight: dict[int, float] = defaultdict(float)
    for project_id, weight in AmbitionContribution.objects.values_list("project_id", "weight"):
        ambition_weight[project_id] += float(weight)
    first_with_code = _first_project_with_code()
    works = []
    for project in projects:
        areas = list(project.areas.all())
        costs = {
            line: tuple(years.get(year, 0.0) for year in range(project.start_year, max(years) + 1))
            for line, years in fundings[project.pk].items()
            if max(years) >= project.start_year
        }
        if not costs and project.cost_estimate:
            costs = {NO_FUNDING: (float(project.cost_estimate),)}
        works.append(
            Work(
                key=project_work_key(project, first_with_code),
                kind=WorkKind.PARTNER if not project.owner.is_internal else WorkKind.PROJECT,
                label=f"{project.code} {project.name}",
                window_start=project.earliest_start,
                window_end=project.latest_start,
                preferred_year=project.start_year,
                costs=costs,
                area=str(areas[0].pk) if areas else None,
                street=project.street or None,
                geometry=project.geometry or None,
                opens_street=project.opens_street,
                certainty=project.certainty,
                ambition_weight=ambition_weight[project.pk],
                themes=tuple(theme.code for theme in project.themes.all()),
                social_priority=areas[0].social_priority if areas else None,
                owner=project.owner.name,
            )
        )
    return works


def _budget_lines(programme: Programme) -> list[BudgetLine]:
    amounts: dict[str, dict[int, float]] = defaultdict(dict)
    factor = float(programme.budget_factor)
    for code, year, amount in BudgetAmount.objects.filter(
        year__gte=programme.first_year, year__lte=programme.last_year
    ).values_list("budget_line__code", "year", "amount"):
        amounts[code][year] = float(amount) * factor
    for code, year, amount in programme.budget_overrides.values_list(
        "budget_line__code", "year", "amount"
    ):
        amounts[code][year] = float(amount)
    codes = set(BudgetLineRow.objects.values_list("code", flat=True)) | {NO_FUNDING}
    return [BudgetLine(code, dict(amounts.get(code, {}))) for code in sorted(codes)]


def _decided_clusters(programme: Programme) -> tuple[list[list[str]], list[list[str]]]:
    """Member keys of the couplings the programme manager accepted and rejected, from the
    previous computation's couplings with the same key."""
    members: dict[str, list[str]] = defaultdict(list)
    for coupling_key, work_key in WorkRow.objects.filter(
        programme=programme, coupling__isnull=False
    ).values_list("coupling__key", "key"):
        members[coupling_key].append(work_key)
    accepted, rejected = [], []
    for key, status in CouplingDecision.objects.filter(programme=programme).values_list(
        "key", "status"
    ):
        if key in members:
            (accepted if status == "geaccepteerd" else rejected).append(sorted(members[key]))
        # A decision on a coupling that no longer exists waits for it to return.
    return accepted, [r for r in rejected if r]


#: The engine's parameters a programme sets, each with the type the engine reads it as
#: (its settings are Decimals and ints): every field of `Parameters` that is also a
#: programme setting; the others (weights, the exact solver's bound) are not settings.
ENGINE_SETTINGS = {
    parameter.name: {"int": int, "float": float, "bool": bool}[str(parameter.type)]
    for parameter in dataclass_fields(Parameters)
    if parameter.name in PROGRAMME_SETTINGS
}


def engine_parameters(programme: Programme, weights: dict[str, float]) -> Parameters:
    """The engine's parameters from the programme's settings and its framework's weights."""
    return Parameters(
        **{name: cast(getattr(programme, name)) for name, cast in ENGINE_SETTINGS.items()},
        weights=weights,
    )


@gc_paused()
def programme_instance(
    programme: Programme, measures: Measures | None = None, clock: Clock | None = None
) -> Instance:
    """The engine instance of a programme: measures, projects, partner works, budgets,
    parameters and weights, and the coupling decisions taken so far. Read with the
    garbage collector paused (`engine.gc_paused`): a million assets' rows are a million
    tuples it would otherwise walk again and again."""
    clock = clock or Stopwatch()
    measures = measures or programme_measures(programme, clock)
    with clock("load"):
        weights = {
            code: float(weight)
            for code, weight in programme.framework.criteria.values_list("code", "weight")
        }
        accepted, rejected = _decided_clusters(programme)
        project_works = _project_works(programme)
        budget_lines = tuple(_budget_lines(programme))
        works = capacity.with_hours(programme, (*measures.works, *project_works))
        works = maintenance.with_maintenance(programme, works)
        teams = capacity.capacity_teams(programme)
    return Instance(
        works=works,
        budget_lines=budget_lines,
        parameters=engine_parameters(programme, weights),
        accepted_clusters=tuple(tuple(m) for m in accepted),
        rejected_clusters=tuple(tuple(m) for m in rejected),
        teams=teams,
    )


def adopted_ancestor(programme: Programme) -> Programme | None:
    """The nearest adopted programme the programme is a copy of (a new version or a
    scenario of it); None for a programme that descends from no adopted one."""
    seen = {programme.pk}
    ancestor = programme.based_on
    while ancestor is not None and ancestor.pk not in seen:
        if ancestor.is_adopted:
            return ancestor
        seen.add(ancestor.pk)
        ancestor = ancestor.based_on
    return None


def adopted_baseline(programme: Programme) -> Programme | None:
    """The adopted version a programme is measured against: the nearest adopted ancestor
    (scenarios and later versions are copies), else the latest adopted programme."""
    return (
        adopted_ancestor(programme)
        or Programme.objects.filter(status="vastgesteld")
        .exclude(pk=programme.pk)
        .order_by("-adopted_on", "-pk")
        .first()
    )


def moved_works(current: Programme, other: Programme) -> QuerySet[WorkRow]:
    """Works of `current` whose year differs from the same work (by key) in `other`,
    with that year as `other_year`, and the work's realisation status and actual start as
    `realisation_status` and `realisation_start` (empty without one: the page names the
    realisation as the cause of a move, `realised.version_adjustments`); computed in the
    database, so it pages over any number of works."""
    before = WorkRow.objects.filter(programme=other, key=OuterRef("key"))
    realisation = Realisation.objects.filter(key=OuterRef("key"))
    return (
        current.works.annotate(
            in_other=Exists(before),
            other_year=Subquery(before.values("scheduled_year")[:1]),
            realisation_status=Subquery(realisation.values("status")[:1]),
            realisation_start=Subquery(realisation.values("actual_start")[:1]),
        )
        .filter(in_other=True)
        .exclude(
            Q(other_year=F("scheduled_year"))
            | Q(other_year__isnull=True, scheduled_year__isnull=True)
        )
        .select_related("area")
        .order_by("label", "pk")
    )


def works_not_in(current: Programme, other: Programme) -> QuerySet[WorkRow]:
    """Works of `current` that `other` does not have (by key)."""
    return current.works.filter(
        ~Exists(WorkRow.objects.filter(programme=other, key=OuterRef("key")))
    )


def kpi_totals(programme: Programme) -> dict[str, float]:
    """The programme-wide KPIs (no year, area, line, theme or team) by code."""
    return dict(
        programme.kpis.filter(
            year__isnull=True,
            area__isnull=True,
            budget_line__isnull=True,
            theme__isnull=True,
            team__isnull=True,
        ).values_list("code", "value")
    )


def programme_differences(current: Programme, baseline: Programme) -> dict:
    """What changed from `baseline` to `current`: works moved to another year, added,
    dropped, and the programme-wide KPIs side by side."""
    moved = [
        {"key": work.key, "label": work.name, "from": work.other_year, "to": work.scheduled_year}
        for work in moved_works(current, baseline).order_by("key")
    ]
    kpis_now, kpis_before = kpi_totals(current), kpi_totals(baseline)
    return {
        "moved": moved,
        "added": sorted(works_not_in(current, baseline).values_list("key", flat=True)),
        "dropped": sorted(works_not_in(baseline, current).values_list("key", flat=True)),
        "kpis": {
            code: {"current": kpis_now.get(code), "baseline": kpis_before.get(code)}
            for code in sorted(kpis_now.keys() | kpis_before.keys())
        },
    }
