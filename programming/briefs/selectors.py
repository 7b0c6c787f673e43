"""Read-only query for the brief check."""

from dataclasses import dataclass, field

from programming.models import Programme
from programming.nearby import NearbyWork, nearby_works
from projects.models import Project


@dataclass
class BriefCheck:
    """The outcome of testing a project brief against the programme.

    `missing` are the works near the project in place and time that the brief does not
    take in: the coupling opportunities it would miss. None missing is the verdict
    "geen gemiste koppelkansen".
    """

    programme: Programme | None
    window: tuple[int, int]
    distance: float = 0
    missing: list[NearbyWork] = field(default_factory=list)
    has_geometry: bool = True


def brief_programme_check(project: Project, user, distance: float | None = None) -> BriefCheck:
    """Test a project (brief) against the current programme, as far as `user` may see
    it (a partner: its own organisation's works and their couplings).

    The project's window runs from its start year minus what it may shift early to its
    end year plus what it may shift late. The works it misses are the programme's works
    of other projects and owners within `distance` metres of the project's geometry
    (default: the programme's coupling distance) whose window overlaps that window
    (`programming.nearby`). Place is geometry only, never the street name: a street of
    the same name in another village is no missed opportunity. Works that already share
    a coupling come first, then the nearest.
    """
    window = (project.earliest_start, project.end_year + project.shift_late)
    programme = Programme.objects.current()
    check = BriefCheck(programme=programme, window=window, has_geometry=bool(project.geometry))
    if programme is None:
        return check
    check.distance = programme.coupling_distance if distance is None else distance
    missing = nearby_works(
        project.geometry, window, user, programme, check.distance, exclude_project=project.pk
    )
    missing.sort(key=lambda n: (n.work.coupling_id is None, n.distance))
    check.missing = missing
    return check
