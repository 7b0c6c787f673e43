"""Read-only queries for the project and area pages.

The programme's computed content (works, couplings) lives in the `programming` app, a
layer above this one. Its models are looked up by label through `django.apps` so this
layer keeps no import of the one above; the queries only read rows the programme stored.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q, QuerySet

from impor.choices import AreaLevel
from impor.models import Area
from projects.models import Project

#: At most this many works on an area's timeline, the first by year; the page says how many
#: there are in all, and the programme's Gantt shows every one.
TIMELINE_LIMIT = 100


def _programming(model: str):
    return apps.get_model("programming", model)


def projects_visible_to(user) -> QuerySet[Project]:
    """The projects a user may see (the rule: `ProjectQuerySet.visible_to`)."""
    return Project.objects.visible_to(user)


def current_programme():
    """The programme the pages report on (`Programme.objects.current()`)."""
    return _programming("Programme").objects.current()


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


def programme_works(programme, area_ids: list[int] | None = None) -> QuerySet:
    """Works of a computed programme, optionally within some areas; callers join what
    their table shows."""
    works = _programming("Work").objects.filter(programme=programme)
    if area_ids is not None:
        works = works.filter(area_id__in=area_ids)
    return works


def programme_couplings(programme, area_ids: list[int]) -> QuerySet:
    return (
        _programming("Coupling")
        .objects.filter(programme=programme, area_id__in=area_ids)
        .select_related("area")
        .order_by("-score")
    )


@dataclass
class BriefCheck:
    """The outcome of testing a project brief against the programme."""

    programme: object | None
    window: tuple[int, int]
    missing: list = field(default_factory=list)
    couplings: list = field(default_factory=list)
    own_works: list = field(default_factory=list)


def brief_programme_check(project: Project, user) -> BriefCheck:
    """Test a project (brief) against the current programme, as far as `user` may see
    it (a partner: its own organisation's works and their couplings).

    Steps:
    1. Take the project's window: its start year minus what it may shift early to its end
       year plus what it may shift late.
    2. Find the programme's works in the project's areas (and everything below them) or in
       its street, whose window overlaps the project's window.
    3. Leave out the project's own works; what remains are works the brief does not take
       in. Works sharing a coupling opportunity with the project's own works come first.
    """
    window = (project.earliest_start, project.end_year + project.shift_late)
    programme = current_programme()
    check = BriefCheck(programme=programme, window=window)
    if programme is None:
        return check
    area_ids: list[int] = []
    for area in project.areas.all():
        area_ids.extend(area.subtree_ids())
    place = Q(area_id__in=area_ids)
    if project.street:
        place |= Q(street__iexact=project.street)
    works = list(
        programme_works(programme)
        .visible_to(user)
        .select_related("owner", "area", "coupling")
        .filter(place, window_start__lte=window[1], window_end__gte=window[0])
        .order_by("window_start", "label")
    )
    check.own_works = [w for w in works if w.project_id == project.pk]
    own_couplings = {w.coupling_id for w in check.own_works if w.coupling_id}
    others = [w for w in works if w.project_id != project.pk]
    others.sort(key=lambda w: (w.coupling_id not in own_couplings, w.window_start))
    check.missing = others
    seen = {}
    for work in others:
        if work.coupling_id and work.coupling_id not in seen:
            seen[work.coupling_id] = work.coupling
    check.couplings = sorted(seen.values(), key=lambda c: -c.score)
    return check


def villages_overview(programme) -> list[dict]:
    """Per kern and year: the works of the programme and the projects that run then.

    Returns one dict per kern, in name order: ``{"kern": Area, "years": [(year, works,
    projects), ...]}``. Three queries whatever the number of kernen.
    """
    kern_by_area = kern_of_areas()
    kernen = {a.pk: a for a in Area.objects.filter(level=AreaLevel.KERN).order_by("name")}
    works_by = defaultdict(lambda: defaultdict(list))
    if programme is not None:
        rows = (
            _programming("Work")
            .objects.filter(programme=programme, scheduled_year__isnull=False)
            .select_related("asset_class", "owner")
            .only(
                "label",
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
