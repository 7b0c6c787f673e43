"""Read-only query for the brief check."""

from dataclasses import dataclass, field

from django.db.models import Q

from programming.models import Coupling, Programme, Work
from projects.models import Project


@dataclass
class BriefCheck:
    """The outcome of testing a project brief against the programme."""

    programme: Programme | None
    window: tuple[int, int]
    missing: list[Work] = field(default_factory=list)
    couplings: list[Coupling] = field(default_factory=list)
    own_works: list[Work] = field(default_factory=list)


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
    programme = Programme.objects.current()
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
        Work.objects.filter(programme=programme)
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
