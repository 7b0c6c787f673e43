"""What happens near a place and in its time: the programme's works within a distance whose
window overlaps, and the graafrust periods of reconstructions nearby.

One selector for the project page ("In de buurt") and the brief check
(`programming.briefs.selectors`), so both find the same works the same way: by geometry
in RD New (metres, as stored) and by years, never by street name, since two villages of
one municipality each have their own "Kerkstraat".

Works carry no bounding-box columns, and parsing the WKT of a city's works is most of
the cost (80,000 works: 0.2–0.3 s). So a programme's geometries are parsed once, with
their bounding boxes, and kept per process (`_geometries`) under a key that changes
whenever the works do: a computation stores new works (new ids) and a new
`computed_at`; the programme's creation time, and the count and highest id of its works
are in the key too. Per request numpy cuts all works by their bounding box grown by the
distance, shapely measures only what remains, and the database reads those few works
with the window and the user's visibility (`visible_to`) applied.
"""

from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max

from programming.models import Programme, Work

#: How many programmes' geometries a process keeps (the current one and a few others).
CACHED_PROGRAMMES = 4
_cache: dict[tuple, "_Geometries"] = {}


@dataclass(frozen=True)
class NearbyWork:
    """A work near the place: how far it lies (m) and the years both windows share."""

    work: Work
    distance: float
    overlap: tuple[int, int]


@dataclass(frozen=True)
class GraafrustPeriod:
    """A reconstruction nearby and the years after it in which its street stays closed
    to new digging (`Programme.graafrust_years`), as far as they touch the window."""

    work: Work
    distance: float
    closed: tuple[int, int]


def overlap(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int] | None:
    """The years two inclusive windows share; None when they share none."""
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if start <= end else None


@dataclass(frozen=True)
class _Geometries:
    """A programme's work geometries, parsed: ids ascending, geometries and bounds."""

    ids: np.ndarray
    geoms: np.ndarray
    bounds: np.ndarray


def _geometries(programme: Programme) -> _Geometries:
    """The parsed geometries of `programme`'s works, from the process cache when the
    works are still those it was built from."""
    works = Work.objects.filter(programme=programme)
    # Over all the programme's works, not only those with a geometry: the count and the
    # highest id come from an index then, without reading a geometry (1M-asset city:
    # ~10 ms instead of 84 ms, twice on a project page), and change just the same.
    stats = works.aggregate(n=Count("pk"), last=Max("pk"))
    key = (programme.pk, programme.created_at, programme.computed_at, stats["n"], stats["last"])
    cached = _cache.get(key)
    if cached is None:
        rows = list(works.exclude(geometry="").order_by("pk").values_list("pk", "geometry"))
        geoms = shapely.from_wkt(np.asarray([wkt for _, wkt in rows], dtype=object))
        cached = _Geometries(
            ids=np.fromiter((pk for pk, _ in rows), dtype=np.int64, count=len(rows)),
            geoms=geoms,
            bounds=shapely.bounds(geoms).reshape(-1, 4),
        )
        while len(_cache) >= CACHED_PROGRAMMES:
            _cache.pop(next(iter(_cache)))
        _cache[key] = cached
    return cached


def _within(geometry: str, programme: Programme, distance: float) -> dict[int, float]:
    """Distance (m) per id of `programme`'s works within `distance` of `geometry`: a
    bounding-box cut over all of them first, the exact distance only for what passes."""
    known = _geometries(programme)
    target = shapely.from_wkt(geometry)
    xmin, ymin, xmax, ymax = target.bounds
    box = known.bounds
    (at,) = np.nonzero(
        (box[:, 0] <= xmax + distance)
        & (box[:, 2] >= xmin - distance)
        & (box[:, 1] <= ymax + distance)
        & (box[:, 3] >= ymin - distance)
    )
    gaps = shapely.distance(known.geoms[at], target)
    keep = gaps <= distance
    return dict(zip(known.ids[at][keep].tolist(), gaps[keep].tolist(), strict=True))


def nearby_works(
    geometry: str,
    window: tuple[int, int],
    user,
    programme: Programme | None,
    distance: float | None = None,
    exclude_project: int | None = None,
) -> list[NearbyWork]:
    """The works of `programme` that `user` may see within `distance` metres of
    `geometry` (stored WKT in RD New) whose window overlaps `window` (inclusive years),
    nearest first; without a distance, the programme's coupling distance.

    `exclude_project` leaves out the works of that project (its own works are not "near"
    it). No geometry or no programme: nothing is near.
    """
    if not geometry or programme is None:
        return []
    if distance is None:
        distance = programme.coupling_distance
    gaps = _within(geometry, programme, distance)
    found = (
        Work.objects.filter(programme=programme, pk__in=gaps)
        .visible_to(user)
        .filter(window_start__lte=window[1], window_end__gte=window[0])
    )
    if exclude_project is not None:
        found = found.exclude(project_id=exclude_project)
    found = found.select_related("owner", "area", "coupling", "project")
    result = [
        NearbyWork(
            work=work,
            distance=gaps[work.pk],
            overlap=overlap(window, (work.window_start, work.window_end)) or window,
        )
        for work in found
    ]
    result.sort(key=lambda n: (n.distance, n.work.window_start, n.work.label))
    return result


def graafrust_periods(
    geometry: str,
    window: tuple[int, int],
    user,
    programme: Programme | None,
    distance: float | None = None,
    exclude_project: int | None = None,
) -> list[GraafrustPeriod]:
    """Reconstructions of `programme` within `distance` of `geometry` whose closed period
    overlaps `window`, leaving out those of project `exclude_project`.

    A reconstruction planned in year Y keeps its street closed from Y + 1 to
    Y + `graafrust_years` (`programming.engine.graafrust`: digging in Y itself runs
    together with it). A reconstruction not planned in any year closes nothing yet.
    """
    if not geometry or programme is None or programme.graafrust_years == 0:
        return []
    if distance is None:
        distance = programme.coupling_distance
    years = programme.graafrust_years
    gaps = _within(geometry, programme, distance)
    found = (
        Work.objects.filter(programme=programme, reconstructs_street=True, pk__in=gaps)
        .visible_to(user)
        .filter(
            scheduled_year__isnull=False,
            scheduled_year__lte=window[1] - 1,
            scheduled_year__gte=window[0] - years,
        )
    )
    if exclude_project is not None:
        found = found.exclude(project_id=exclude_project)
    found = found.select_related("owner")
    periods = [
        GraafrustPeriod(
            work=work,
            distance=gaps[work.pk],
            closed=(work.scheduled_year + 1, work.scheduled_year + years),
        )
        for work in found
    ]
    periods.sort(key=lambda p: (p.closed, p.distance))
    return periods
