"""Read-only queries for the area page and the villages overview."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from impor.choices import AreaLevel
from impor.models import Area
from programming.models import Coupling, Programme, Work
from projects.models import Project

#: At most this many works on an area's timeline, the first by year; the page says how many
#: there are in all, and the programme's Gantt shows every one.
TIMELINE_LIMIT = 100


def area_ancestors(area: Area) -> list[Area]:
    """From the gemeente down to the area's parent (at most three queries)."""
    chain = []
    parent_id = area.parent_id
    while parent_id:
        parent = Area.objects.only("pk", "name", "level", "parent_id").get(pk=parent_id)
        chain.insert(0, parent)
        parent_id = parent.parent_id
    return chain


def kern_of_areas() -> dict[int, int]:
    """Map every area id to the id of the kern it lies in (one query for the whole tree)."""
    rows = {
        pk: (parent, level)
        for pk, parent, level in Area.objects.values_list("pk", "parent_id", "level")
    }
    result = {}
    for pk in rows:
        node = pk
        while node is not None and rows[node][1] != AreaLevel.KERN:
            node = rows[node][0]
        if node is not None:
            result[pk] = node
    return result


def area_works(programme: Programme, area_ids: list[int]) -> QuerySet[Work]:
    """Works of a computed programme within some areas; callers join what their table
    shows."""
    return Work.objects.filter(programme=programme, area_id__in=area_ids)


def area_couplings(programme: Programme, area_ids: list[int]) -> QuerySet[Coupling]:
    return (
        Coupling.objects.filter(programme=programme, area_id__in=area_ids)
        .select_related("area")
        .order_by("-score")
    )


def villages_overview(programme: Programme | None) -> list[dict]:
    """Per kern and year: the works of the programme and the projects that run then.

    Returns one dict per kern, in name order: ``{"kern": Area, "years": [(year, works,
    projects), ...]}``. Three queries whatever the number of kernen.
    """
    kern_by_area = kern_of_areas()
    kernen = {a.pk: a for a in Area.objects.filter(level=AreaLevel.KERN).order_by("name")}
    works_by = defaultdict(lambda: defaultdict(list))
    if programme is not None:
        rows = (
            Work.objects.filter(programme=programme, scheduled_year__isnull=False)
            .select_related("asset_class", "owner")
            .only(
                "label",
                "discipline",
                "place",
                "asset_count",
                "street",
                "kind",
                "scheduled_year",
                "area_id",
                "asset_class__name",
                "owner__name",
            )
            .order_by("scheduled_year", "street", "label")
        )
        for work in rows:
            kern = kern_by_area.get(work.area_id)
            if kern is not None:
                works_by[kern][work.scheduled_year].append(work)
    projects_by = defaultdict(lambda: defaultdict(list))
    through = Project.areas.through.objects.select_related("project").order_by(
        "project__start_year", "project__code"
    )
    placed = set()
    for link in through:
        kern = kern_by_area.get(link.area_id)
        project = link.project
        if kern is None or (kern, project.pk) in placed:
            continue
        placed.add((kern, project.pk))
        for year in range(project.start_year, project.end_year + 1):
            if programme is None or programme.first_year <= year <= programme.last_year:
                projects_by[kern][year].append(project)
    result = []
    for pk, kern in kernen.items():
        years = sorted(set(works_by[pk]) | set(projects_by[pk]))
        result.append(
            {
                "kern": kern,
                "years": [(y, works_by[pk][y], projects_by[pk][y]) for y in years],
            }
        )
    return result


def villages_index(programme: Programme | None) -> list[dict]:
    """The kernen with their key figures, for the index of the villages pages: one dict per
    kern in name order, ``{"kern": Area, "works": n, "cost": Decimal | None, "projects": n,
    "first": year | None, "last": year | None}`` (the programme's planned works in the kern
    and the projects that touch it). Four queries whatever the number of kernen."""
    kern_by_area = kern_of_areas()
    kernen = Area.objects.filter(level=AreaLevel.KERN).defer("geometry").order_by("name")
    works: dict[int, int] = defaultdict(int)
    costs: dict[int, Decimal] = {}
    years: dict[int, set[int]] = defaultdict(set)
    if programme is not None:
        rows = (
            Work.objects.filter(programme=programme, scheduled_year__isnull=False)
            .values("area_id", "scheduled_year")
            .annotate(n=Count("pk"), cost=Sum("cost"))
            .order_by()
        )
        for row in rows:
            kern = kern_by_area.get(row["area_id"])
            if kern is not None:
                works[kern] += row["n"]
                costs[kern] = costs.get(kern, Decimal(0)) + (row["cost"] or Decimal(0))
                years[kern].add(row["scheduled_year"])
    projects: dict[int, set[int]] = defaultdict(set)
    for area_id, project_id in Project.areas.through.objects.values_list("area_id", "project_id"):
        kern = kern_by_area.get(area_id)
        if kern is not None:
            projects[kern].add(project_id)
    return [
        {
            "kern": kern,
            "works": works[kern.pk],
            "cost": costs.get(kern.pk),
            "projects": len(projects[kern.pk]),
            "first": min(years[kern.pk], default=None),
            "last": max(years[kern.pk], default=None),
        }
        for kern in kernen
    ]
