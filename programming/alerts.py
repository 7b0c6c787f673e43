"""Which organisations to tell what, when the programme changes in their areas of interest.

Three moments tell (issue #17 §4):

- a computation stores new results (`programme_compute`): works that are new in the
  programme or have another scheduled year or window than before, and couplings that are
  new (proposed), each compared with a `snapshot` taken just before the store;
- a coupling is decided (`coupling_decide`): accepted, rejected or proposed again;
- a partner answers a coupling (`coupling_respond`): agrees, cannot, or remarks.

Matching is spatial: a work (or a member of a coupling) whose geometry intersects an
organisation's area of interest, grown by the area's buffer, concerns that organisation.
All areas go into one shapely STRtree and all changed works are queried against it in one
vectorised call, so a city's recompute with a thousand areas costs seconds, not minutes
(`benchmarks/alerts.py`). A work without geometry matches no area.

A scenario (a programme copied to try something out) alerts nobody (`is_scenario`).

One alert per organisation and moment, listing the works or couplings (the first
`MAX_ITEMS`, and how many there were): a first computation makes every work new, and one
message about it is worth more than a thousand. What an alert says about a work depends
on who reads it (`work_item`): about its own works, and for a municipal department about
every work, everything; about another organisation's work only what a coupling partner
may see (owner, kind, window, location), never its cost, label or project.
"""

import functools
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import shapely
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import translation

from impor import geometry
from impor.models import Area
from programming.choices import CouplingDecisionStatus, CouplingKind, WorkKind
from programming.engine.instance import Cluster, Instance, Result
from programming.models import (
    Coupling,
    CouplingDecision,
    CouplingResponse,
    Programme,
    ResponseAnswer,
    Work,
)
from stakeholders.models import Actor, AlertKind, AreaOfInterest
from stakeholders.services import AlertDraft, alerts_record
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

    def hits(self, shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index of the shape in `shapes`, index of the area) for every pair that
        intersects; a missing shape (None) matches nothing."""
        pairs = self.tree.query(shapes, predicate="intersects")
        return pairs[0], pairs[1]


@dataclass(frozen=True)
class Matches:
    """Works matched to an `AreaIndex` ahead of the alerts (`audience`): each work's
    shape, by its key's position, and the pairs (work position, area index) that meet.
    A first computation makes every work new: parsing a city's shapes and querying the
    index for them takes seconds, done while the engine solves instead of after."""

    positions: dict[str, int]
    shapes: np.ndarray
    works: np.ndarray
    areas: np.ndarray

    @classmethod
    def match(cls, index: AreaIndex, instance: Instance) -> "Matches":
        shapes = parse(instance.works)
        pair_works, pair_areas = index.hits(shapes)
        positions = {w.key: i for i, w in enumerate(instance.works)}
        return cls(positions, shapes, pair_works, pair_areas)

    def knows(self, subjects: Sequence["Subject"]) -> bool:
        return all(s.key in self.positions for s in subjects)

    def of(self, subjects: Sequence["Subject"]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The subjects' shapes and the pairs (subject index, area index) that meet, as
        `parse` and `AreaIndex.hits` give them."""
        position = np.array([self.positions[s.key] for s in subjects], dtype=np.int64)
        subject_of = np.full(len(self.shapes), -1, dtype=np.int64)
        subject_of[position] = np.arange(len(subjects))
        mine = subject_of[self.works]
        kept = mine >= 0
        return self.shapes[position], mine[kept], self.areas[kept]


class Located(Protocol):
    """A work as `parse` reads it: a subject, or an engine work."""

    @property
    def geometry(self) -> str | None: ...


def parse(subjects: Sequence[Located]) -> np.ndarray:
    """The subjects' shapes in one vectorised parse; None where a work has none."""
    return shapely.from_wkt(np.array([s.geometry or None for s in subjects], dtype=object))


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
    #: Amounts per budget line and year; summed only for a reader who may see them.
    costs: dict[str, Any]
    change: str = ""
    previous_year: int | None = None
    point: list[float] = field(default_factory=list)
    #: What a measure's label is written from, so the alert words it in the reader's
    #: language (`stakeholders.alert_text.work_name`); None for projects and partner works.
    name_parts: dict[str, Any] | None = None

    @property
    def cost(self) -> float:
        return float(sum(float(np.sum(amounts)) for amounts in self.costs.values()))


@functools.cache
def _kind_labels() -> dict[str, str]:
    """The Dutch names of the kinds of work, stored with each alert (the facts are
    Dutch; the sentences around them follow the reader's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in WorkKind.choices}


def work_item(subject: Subject, reader: int, reader_internal: bool) -> dict[str, Any]:
    """What an alert tells `reader` (an organisation id) about one work: everything
    about its own works and, for a municipal department, about any; else what a coupling
    partner sees."""
    own = subject.owner == reader
    item: dict[str, Any] = {
        "own": own,
        "owner": subject.owner_name,
        "kind": subject.kind,
        "kind_label": _kind_labels().get(subject.kind, ""),
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
        if subject.name_parts:
            item["name_parts"] = subject.name_parts
        if subject.change:
            item["previous_year"] = subject.previous_year
    return item


def _with_points(subjects: list[Subject], shapes: np.ndarray) -> None:
    """A point on each work (WGS84 lon/lat) to place it on a map without its shape."""
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
    index: AreaIndex, work_index: np.ndarray, area_index: np.ndarray
) -> tuple[dict[int, set[int]], dict[int, set[str]]]:
    """From the pairs (subject index, area index) that meet (`AreaIndex.hits`): per
    subject index, the organisations whose areas it meets; per organisation the names
    of those areas."""
    organisations: dict[int, set[int]] = defaultdict(set)
    pairs = np.unique(np.column_stack([work_index, index.organisations[area_index]]), axis=0)
    for w, organisation in pairs.tolist():
        organisations[w].add(organisation)
    areas: dict[int, set[str]] = defaultdict(set)
    for a in np.unique(area_index).tolist():
        areas[int(index.organisations[a])].add(index.names[a])
    return organisations, areas


@dataclass(frozen=True)
class Audience:
    """What telling about a computation reads besides its results: the areas of interest
    in one index (None: nobody to tell, a scenario or no areas), the organisations by
    name, the areas' names and the programme's facts with its link. None of it depends
    on the results, so the services read it while the engine solves."""

    index: AreaIndex | None
    owners: dict[str, int] = field(default_factory=dict)
    area_names: dict[int, str] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    #: The instance's works matched to `index` (None: matched when told).
    matches: Matches | None = None


def audience(programme: Programme, instance: Instance | None = None) -> Audience:
    """The `Audience` of a computation of `programme`, with the works of `instance`
    matched to the areas (one query per table; resolving the programme's link loads the
    URLconf, once per process)."""
    index = None if is_scenario(programme) else AreaIndex.load()
    if index is None:
        return Audience(None)
    return Audience(
        index,
        owners=dict(Actor.objects.values_list("name", "pk")),
        area_names=dict(Area.objects.values_list("pk", "name")),
        facts=_programme_facts(programme),
        matches=None if instance is None else Matches.match(index, instance),
    )


def notify_computation(
    programme: Programme,
    before: Snapshot,
    instance: Instance,
    result: Result,
    told: Audience | None = None,
) -> int:
    """Tell the organisations concerned what a computation changed; the number of alerts.
    `told`: the computation's `audience`, read now when not given.

    Never raises: the programme is stored by now, and a failure to tell about it must
    not mark the computation failed. It is logged instead.
    """
    try:
        return _notify_computation(before, instance, result, told or audience(programme))
    except Exception:
        logger.exception("alerts of programme %s not sent", programme.pk)
        return 0


def _notify_computation(
    before: Snapshot, instance: Instance, result: Result, told: Audience
) -> int:
    if told.index is None:
        return 0
    subjects, new_clusters = changed_subjects(
        before, instance, result, owners=told.owners, area_names=told.area_names
    )
    drafts = plan_alerts(told.index, subjects, new_clusters, told.facts, _readers, told.matches)
    alerts_dispatch(alerts_record(drafts))
    return len(drafts)


def changed_subjects(
    before: Snapshot,
    instance: Instance,
    result: Result,
    *,
    owners: dict[str, int],
    area_names: dict[int, str],
) -> tuple[list[Subject], list[Cluster]]:
    """The works a computation changed (new, or another year or window than in
    `before`), the members of its new couplings, and those new couplings."""
    outcome = {w.key: w for w in result.works}
    new_clusters = [c for c in result.clusters if c.key not in before.couplings]
    members = {key for cluster in new_clusters for key in cluster.members}
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
                costs=work.costs,
                name_parts=work.label_parts,
                change=change,
                previous_year=previous[0] if previous else None,
            )
        )
    return subjects, new_clusters


def plan_alerts(
    index: AreaIndex,
    subjects: list[Subject],
    new_clusters: list[Cluster],
    facts: dict[str, Any],
    readers_of: Callable[[Iterable[int]], dict[int, bool]],
    matches: Matches | None = None,
) -> list[AlertDraft]:
    """The alerts to record: per organisation whose areas the changed works meet, one
    about those works and one about the new couplings they are in. `readers_of` tells
    per organisation id whether it is a municipal one (it reads every work in full).
    `matches`: the works matched to `index` beforehand (`Matches`), else matched here."""
    if not subjects:
        return []
    if matches is not None and matches.knows(subjects):
        shapes, work_index, area_index = matches.of(subjects)
    else:
        shapes = parse(subjects)
        work_index, area_index = index.hits(shapes)
    concerned, area_hits = _concerned(index, work_index, area_index)
    if not concerned:
        return []
    matched = sorted(concerned)
    _with_points([subjects[i] for i in matched], shapes[matched])
    readers = readers_of(area_hits)
    by_key = {s.key: i for i, s in enumerate(subjects)}
    works: dict[int, list[int]] = defaultdict(list)
    for i in sorted(concerned):
        if subjects[i].change:
            for organisation in concerned[i]:
                works[organisation].append(i)
    couplings: dict[int, list[tuple[Cluster, list[int]]]] = defaultdict(list)
    for cluster in new_clusters:
        member_ids = [by_key[k] for k in cluster.members if k in by_key]
        for organisation in set().union(*(concerned.get(i, set()) for i in member_ids)):
            couplings[organisation].append((cluster, member_ids))
    drafts: list[AlertDraft] = []
    for organisation, indices in works.items():
        drafts.append(
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
        drafts.append(
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
    return drafts


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
                costs={"": (float(work.cost),)},
                name_parts=(
                    {"discipline": work.discipline, "place": work.place, "count": work.asset_count}
                    if work.discipline
                    else None
                ),
            )
        )
    return subjects


def notify_decision(programme: Programme, coupling: Coupling, decision: CouplingDecision) -> int:
    """Tell the organisations whose areas a coupling's works meet that it was decided
    (or proposed again); the number of alerts. Called inside the decision's transaction:
    the alerts are stored with it and sent once it commits."""
    return _notify_coupling(
        programme,
        coupling,
        AlertKind.BESLUIT,
        lambda item, party: item,
        status=decision.status,
        reason=decision.reason,
    )


def notify_response(programme: Programme, coupling: Coupling, response: CouplingResponse) -> int:
    """Tell the organisations whose areas a coupling's works meet how a partner answered
    it (agrees, cannot, remark), except the partner itself; its comment only to a party
    of the coupling or the municipality. Inside the response's transaction, like a
    decision."""

    def with_response(item: dict[str, Any], party: bool) -> dict[str, Any]:
        item["response"] = {
            "organisation": response.organisation.name,
            "answer": response.answer,
            "answer_label": _answer_labels().get(response.answer, ""),
        }
        if party and response.comment:
            item["response"]["comment"] = response.comment
        return item

    return _notify_coupling(
        programme,
        coupling,
        AlertKind.REACTIE,
        with_response,
        skip=response.organisation_id,
    )


@functools.cache
def _answer_labels() -> dict[str, str]:
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in ResponseAnswer.choices}


def is_scenario(programme: Programme) -> bool:
    """A scenario (a copy to try budgets or a framework out) alerts nobody: what changes
    in it is a what-if at the programmeertafel, not a plan a partner should act on."""
    return programme.based_on_id is not None


def _notify_coupling(
    programme: Programme,
    coupling: Coupling,
    kind: str,
    extend: Callable[[dict[str, Any], bool], dict[str, Any]],
    *,
    status: str = "",
    reason: str = "",
    skip: int | None = None,
) -> int:
    if is_scenario(programme):
        return 0
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
    shapes = parse(subjects)
    _pairs, area_hits = _concerned(index, *index.hits(shapes))
    area_hits.pop(skip or 0, None)
    if not area_hits:
        return 0
    _with_points(subjects, shapes)
    readers = _readers(area_hits)
    facts = _programme_facts(programme)
    alerts: list[AlertDraft] = []
    for organisation in sorted(area_hits):
        item = _coupling_item(
            coupling.key,
            coupling.kind,
            (coupling.window_start, coupling.window_end),
            subjects,
            organisation,
            readers[organisation],
            status=status,
            reason=reason,
        )
        party = readers[organisation] or any(m.owner == organisation for m in subjects)
        alerts.append(
            (
                organisation,
                kind,
                {
                    "programme": facts,
                    "areas": sorted(area_hits[organisation]),
                    "couplings": [extend(item, party)],
                    "couplings_total": 1,
                },
            )
        )
    alerts_dispatch(alerts_record(alerts))
    return len(alerts)
