"""Which organisations to tell what, when the programme changes in their areas of interest.

Three moments tell (issue #17 §4):

- a computation stores new results (`programme_compute`): works that are new in the
  programme or have another scheduled year or window than before, and couplings that are
  new (proposed), each compared with a `snapshot` taken just before the store;
- a coupling is decided (`coupling_decide`): accepted, rejected or proposed again.

Matching is spatial: a work (or a member of a coupling) whose geometry intersects an
organisation's area of interest, grown by the area's buffer, concerns that organisation.
All areas go into one shapely STRtree and all changed works are queried against it in one
vectorised call, so a city's recompute with a thousand areas costs seconds, not minutes
(`benchmarks/alerts.py`). A work without geometry matches no area.

One alert per organisation and moment, listing the works or couplings (the first
`MAX_ITEMS`, and how many there were): a first computation makes every work new, and one
message about it is worth more than a thousand. What an alert says about a work depends
on who reads it (`work_item`): about its own works, and for a municipal department about
every work, everything; about another organisation's work only what a coupling partner
may see (owner, kind, window, location), never its cost, label or project.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely
from django.db.models import Q
from django.urls import reverse

from impor import geometry
from impor.models import Area
from programming.choices import CouplingDecisionStatus, CouplingKind, WorkKind
from programming.engine.instance import Instance, Result
from programming.models import Coupling, CouplingDecision, Programme, Work
from stakeholders.models import Actor, AlertKind, AreaOfInterest
from stakeholders.services import alerts_record
from stakeholders.tasks import alerts_dispatch

logger = logging.getLogger(__name__)

#: Works or couplings listed in one alert; the alert counts the rest.
MAX_ITEMS = 100


@dataclass(frozen=True)
class Snapshot:
    """A programme's stored works (key → scheduled year, window start, window end) and
    coupling keys, as they were before a computation replaces them."""

    works: dict[str, tuple[int | None, int, int]]
    couplings: frozenset[str]


def snapshot(programme: Programme) -> Snapshot:
    rows = Work.objects.filter(programme=programme).values_list(
        "key", "scheduled_year", "window_start", "window_end"
    )
    return Snapshot(
        works={key: (year, start, end) for key, year, start, end in rows.iterator(5000)},
        couplings=frozenset(
            Coupling.objects.filter(programme=programme).values_list("key", flat=True)
        ),
    )


@dataclass
class AreaIndex:
    """Areas of interest, grown by their buffers, in one STRtree."""

    organisations: np.ndarray
    names: list[str]
    tree: shapely.STRtree

    @classmethod
    def build(cls, rows: Sequence[tuple[int, str, str, int]]) -> "AreaIndex":
        """`rows`: (organisation id, name, RD New WKT, buffer in m) per area."""
        shapes = shapely.from_wkt(np.array([row[2] for row in rows], dtype=object))
        buffers = np.array([row[3] for row in rows], dtype=float)
        # A buffer of 0 m would turn a line into nothing: such an area is its shape.
        grown = np.where(buffers > 0, shapely.buffer(shapes, buffers), shapes)
        return cls(
            organisations=np.array([row[0] for row in rows], dtype=np.int64),
            names=[row[1] for row in rows],
            tree=shapely.STRtree(grown),
        )

    @classmethod
    def load(cls) -> "AreaIndex | None":
        rows = list(
            AreaOfInterest.objects.exclude(geometry="").values_list(
                "organisation_id", "name", "geometry", "buffer"
            )
        )
        return cls.build(rows) if rows else None

    def hits(self, wkts: Sequence[str | None]) -> tuple[np.ndarray, np.ndarray]:
        """(index of the geometry in `wkts`, index of the area) for every pair that
        intersects; None or "" matches nothing."""
        shapes = shapely.from_wkt(np.array([w or None for w in wkts], dtype=object))
        pairs = self.tree.query(shapes, predicate="intersects")
        return pairs[0], pairs[1]


@dataclass
class Subject:
    """A work as matching and wording need it: engine work or stored work alike."""

    key: str
    kind: str
    label: str
    owner: int | None
    owner_name: str
    window: tuple[int, int]
    year: int | None
    street: str
    area: str
    geometry: str
    cost: float
    change: str = ""
    previous_year: int | None = None
    point: list[float] = field(default_factory=list)


def work_item(subject: Subject, reader: int, reader_internal: bool) -> dict[str, Any]:
    """What an alert tells `reader` (an organisation id) about one work: everything
    about its own works and, for a municipal department, about any; else what a coupling
    partner sees."""
    own = subject.owner == reader
    item: dict[str, Any] = {
        "own": own,
        "owner": subject.owner_name,
        "kind": subject.kind,
        "kind_label": str(WorkKind(subject.kind).label) if subject.kind in WorkKind else "",
        "window": list(subject.window),
        "street": subject.street,
        "area": subject.area,
        "point": subject.point,
    }
    if subject.change:
        item["change"] = subject.change
    if own or reader_internal:
        item.update(
            key=subject.key,
            label=subject.label,
            year=subject.year,
            cost=round(subject.cost, 2),
        )
        if subject.change:
            item["previous_year"] = subject.previous_year
    return item


def _with_points(subjects: list[Subject]) -> None:
    """A point on each work (WGS84 lon/lat) to place it on a map without its shape."""
    shapes = shapely.from_wkt(np.array([s.geometry or None for s in subjects], dtype=object))
    points = geometry.transform_array(
        shapely.point_on_surface(shapes), geometry.RD_NEW, geometry.WGS84
    )
    for subject, point in zip(subjects, points, strict=True):
        if point is not None:
            subject.point = [round(point.x, 6), round(point.y, 6)]


def _readers(organisation_ids: Iterable[int]) -> dict[int, bool]:
    """Whether each organisation is a municipal one (it may see every work)."""
    return dict(Actor.objects.filter(pk__in=set(organisation_ids)).values_list("pk", "is_internal"))


def _programme_facts(programme: Programme) -> dict[str, Any]:
    return {
        "id": programme.pk,
        "name": programme.name,
        "url": reverse("programming:programme_detail", args=[programme.pk]),
    }


def _concerned(
    index: AreaIndex, subjects: list[Subject]
) -> tuple[dict[int, set[int]], dict[int, set[str]]]:
    """Per subject index, the organisations whose areas it meets; per organisation the
    names of those areas."""
    work_index, area_index = index.hits([s.geometry for s in subjects])
    organisations: dict[int, set[int]] = defaultdict(set)
    areas: dict[int, set[str]] = defaultdict(set)
    for w, a in zip(work_index.tolist(), area_index.tolist(), strict=True):
        organisation = int(index.organisations[a])
        organisations[w].add(organisation)
        areas[organisation].add(index.names[a])
    return organisations, areas


def notify_computation(
    programme: Programme, before: Snapshot, instance: Instance, result: Result
) -> int:
    """Tell the organisations concerned what a computation changed; the number of alerts.

    Never raises: the programme is stored by now, and a failure to tell about it must
    not mark the computation failed. It is logged instead.
    """
    try:
        return _notify_computation(programme, before, instance, result)
    except Exception:
        logger.exception("alerts of programme %s not sent", programme.pk)
        return 0


def _notify_computation(
    programme: Programme, before: Snapshot, instance: Instance, result: Result
) -> int:
    index = AreaIndex.load()
    if index is None:
        return 0
    outcome = {w.key: w for w in result.works}
    new_clusters = [c for c in result.clusters if c.key not in before.couplings]
    members = {key for cluster in new_clusters for key in cluster.members}
    owners = dict(Actor.objects.values_list("name", "pk"))
    area_names = dict(Area.objects.values_list("pk", "name"))
    subjects: list[Subject] = []
    for work in instance.works:
        year = outcome[work.key].scheduled_year
        previous = before.works.get(work.key)
        if previous is None:
            change = "nieuw"
        elif previous != (year, work.window_start, work.window_end):
            change = "verschoven"
        elif work.key in members:
            change = ""
        else:
            continue
        subjects.append(
            Subject(
                key=work.key,
                kind=work.kind,
                label=work.label,
                owner=owners.get(work.owner or ""),
                owner_name=work.owner or "",
                window=(work.window_start, work.window_end),
                year=year,
                street=work.street or "",
                area=area_names.get(int(work.area), "") if (work.area or "").isdigit() else "",
                geometry=work.geometry or "",
                cost=float(sum(sum(amounts) for amounts in work.costs.values())),
                change=change,
                previous_year=previous[0] if previous else None,
            )
        )
    if not subjects:
        return 0
    concerned, area_hits = _concerned(index, subjects)
    if not concerned:
        return 0
    _with_points([subjects[i] for i in concerned])
    readers = _readers(area_hits)
    by_key = {s.key: i for i, s in enumerate(subjects)}
    works: dict[int, list[int]] = defaultdict(list)
    for i in sorted(concerned):
        if subjects[i].change:
            for organisation in concerned[i]:
                works[organisation].append(i)
    couplings: dict[int, list[Any]] = defaultdict(list)
    for cluster in new_clusters:
        member_ids = [by_key[k] for k in cluster.members if k in by_key]
        for organisation in set().union(*(concerned.get(i, set()) for i in member_ids)):
            couplings[organisation].append((cluster, member_ids))
    facts = _programme_facts(programme)
    alerts: list[tuple[int, str, dict[str, Any]]] = []
    for organisation, indices in works.items():
        alerts.append(
            (
                organisation,
                AlertKind.WERKEN,
                {
                    "programme": facts,
                    "areas": sorted(area_hits[organisation]),
                    "works": [
                        work_item(subjects[i], organisation, readers[organisation])
                        for i in indices[:MAX_ITEMS]
                    ],
                    "works_total": len(indices),
                },
            )
        )
    for organisation, found in couplings.items():
        alerts.append(
            (
                organisation,
                AlertKind.KOPPELKANSEN,
                {
                    "programme": facts,
                    "areas": sorted(area_hits[organisation]),
                    "couplings": [
                        _coupling_item(
                            cluster.key,
                            cluster.kind,
                            (cluster.window_start, cluster.window_end),
                            [subjects[i] for i in member_ids],
                            organisation,
                            readers[organisation],
                        )
                        for cluster, member_ids in found[:MAX_ITEMS]
                    ],
                    "couplings_total": len(found),
                },
            )
        )
    alerts_dispatch(alerts_record(alerts))
    return len(alerts)


def _coupling_item(
    key: str,
    kind: str,
    window: tuple[int | None, int | None],
    members: list[Subject],
    reader: int,
    reader_internal: bool,
    *,
    status: str = "",
    reason: str = "",
) -> dict[str, Any]:
    """A coupling as `reader` may see it: its place, window and members (each worded by
    `work_item`); the reason of a decision only for a party to it or the municipality."""
    party = reader_internal or any(m.owner == reader for m in members)
    first = members[0] if members else None
    item: dict[str, Any] = {
        "kind": kind,
        "kind_label": str(CouplingKind(kind).label) if kind in CouplingKind else "",
        "window": list(window),
        "street": next((m.street for m in members if m.street), ""),
        "area": first.area if first else "",
        "members": [
            work_item(Subject(**{**m.__dict__, "change": ""}), reader, reader_internal)
            for m in members
        ],
    }
    if party:
        item["key"] = key
    if status:
        item["status"] = status
        item["status_label"] = str(CouplingDecisionStatus(status).label)
        if reason and party:
            item["reason"] = reason
    return item


def _stored_subjects(works: Iterable[Work]) -> list[Subject]:
    subjects = []
    for work in works:
        owner = work.owner or (work.project.owner if work.project else None)
        subjects.append(
            Subject(
                key=work.key,
                kind=work.kind,
                label=work.label,
                owner=owner.pk if owner else None,
                owner_name=owner.name if owner else "",
                window=(work.window_start, work.window_end),
                year=work.scheduled_year,
                street=work.street,
                area=work.area.name if work.area else "",
                geometry=work.geometry,
                cost=float(work.cost),
            )
        )
    return subjects


def notify_decision(programme: Programme, coupling: Coupling, decision: CouplingDecision) -> int:
    """Tell the organisations whose areas a coupling's works meet that it was decided
    (or proposed again); the number of alerts. Called inside the decision's transaction:
    the alerts are stored with it and sent once it commits."""
    index = AreaIndex.load()
    if index is None:
        return 0
    works = (
        Work.objects.filter(Q(coupling=coupling))
        .select_related("owner", "project__owner", "area")
        .order_by("key")
    )
    subjects = _stored_subjects(works)
    if not subjects:
        return 0
    concerned, area_hits = _concerned(index, subjects)
    if not concerned:
        return 0
    _with_points(subjects)
    readers = _readers(area_hits)
    facts = _programme_facts(programme)
    alerts = [
        (
            organisation,
            AlertKind.BESLUIT,
            {
                "programme": facts,
                "areas": sorted(area_hits[organisation]),
                "couplings": [
                    _coupling_item(
                        coupling.key,
                        coupling.kind,
                        (coupling.window_start, coupling.window_end),
                        subjects,
                        organisation,
                        readers[organisation],
                        status=decision.status,
                        reason=decision.reason,
                    )
                ],
                "couplings_total": 1,
            },
        )
        for organisation in sorted(area_hits)
    ]
    alerts_dispatch(alerts_record(alerts))
    return len(alerts)
