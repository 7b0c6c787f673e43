"""One coupling as its parties see it: the shared cost of its one opening and how the
parties split it (`cost_split`), what riding along saves (`reservation_saving`), and
everything the coupling page and the API's coupling detail show (`coupling_detail`).

The defaults and rules are documented in docs/couplings.md. Amounts are Decimals in euros;
every split is rounded to cents by the largest remainder, so the parties' amounts add up
to the shared cost exactly, whatever the rule.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import shapely
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from impor.visibility import partner_of
from programming.models import (
    MUNICIPAL_PARTY,
    CostRule,
    Coupling,
    CouplingCostSharing,
    CouplingDecision,
    CouplingReservation,
    CouplingResponse,
    Programme,
    Work,
)
from programming.nearby import GraafrustPeriod, NearbyWork, graafrust_periods, nearby_works

CENT = Decimal("0.01")

#: How the shared cost of one opening divides over its items. An IMPOR assumption, not a
#: published figure: the CROW Standaard Systematiek Kostenramingen names the items but
#: gives no shares; a municipality replaces these with its own estimates per coupling.
#: Opening and reinstating the paving weigh most, as riool.net (RIONED) says paving is
#: 30–60% of the cost of replacing a sewer.
COST_ITEMS = (
    ("traffic_plan", Decimal("0.10")),
    ("excavation", Decimal("0.35")),
    ("reinstatement", Decimal("0.20")),
    ("surface", Decimal("0.35")),
)

#: What a party saves per metre when it lays a duct or cable in the coupling's open
#: trench instead of digging a narrow trench of its own later: opening, a small traffic
#: measure and reinstating a strip of paving. An IMPOR assumption of the order of
#: magnitude (docs/couplings.md), to be set by the municipality.
SEPARATE_TRENCH_COST_PER_M = Decimal("75")


def largest_remainder(total: Decimal, weights: Sequence[Decimal | int | float]) -> list[Decimal]:
    """`total` split in proportion to `weights`, to the cent, adding up to `total`
    exactly: every share gets its whole cents, then the cents left over go one each to
    the largest remainders (ties to the first). All weights zero: equal shares."""
    if not weights:
        return []
    cents = int((total / CENT).to_integral_value())
    exact = [Fraction(str(w)) for w in weights]
    if sum(exact) <= 0:
        exact = [Fraction(1)] * len(weights)
    whole = sum(exact)
    quotas = [Fraction(cents) * w / whole for w in exact]
    floors = [q.numerator // q.denominator for q in quotas]
    left = cents - sum(floors)
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += 1
    return [Decimal(c) * CENT for c in floors]


@dataclass(frozen=True)
class Member:
    """What the split needs of one member work."""

    organisation_id: int | None
    organisation: str
    cost: Decimal
    opens_street: bool
    geometry: str


@dataclass(frozen=True)
class SharedCost:
    """The cost of the one opening the parties share, per item (euros)."""

    traffic_plan: Decimal
    excavation: Decimal
    reinstatement: Decimal
    surface: Decimal

    @property
    def total(self) -> Decimal:
        return self.traffic_plan + self.excavation + self.reinstatement + self.surface

    def items(self) -> list[tuple[str, Decimal]]:
        return [(name, getattr(self, name)) for name, _share in COST_ITEMS]


@dataclass(frozen=True)
class PartyShare:
    organisation_id: int | None
    organisation: str
    basis: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CostSplit:
    rule: str
    shared: SharedCost
    defaults: SharedCost
    parties: list[PartyShare]

    @property
    def rule_label(self) -> str:
        return str(CostRule(self.rule).label)


def default_shared_cost(members: Sequence[Member], opening_cost_share: Decimal) -> SharedCost:
    """The engine's cost model (`programming.engine.savings`): a coupling opens the street
    once, the opening of its most expensive street-opening member, which costs
    `opening_cost_share` of that member's cost. Split into items by `COST_ITEMS`. No
    member opens the street: there is no opening to share."""
    opening = [m.cost for m in members if m.opens_street]
    total = (max(opening) * opening_cost_share).quantize(CENT) if opening else Decimal(0)
    amounts = largest_remainder(total, [share for _name, share in COST_ITEMS])
    return SharedCost(*amounts)


def _parties(members: Sequence[Member]) -> list[tuple[int | None, str]]:
    """The organisations of the members, in order of appearance."""
    seen: dict[int | None, str] = {}
    for member in members:
        seen.setdefault(member.organisation_id, member.organisation)
    return list(seen.items())


def _lengths(members: Sequence[Member], distance: float) -> dict[int | None, Decimal]:
    """Per party the length (m) of its members' lines within `distance` of another
    party's member: the stretch they dig together. A coupling of one party, or without
    such a stretch, counts the whole length of each party's lines. Points and areas have
    no trench length."""
    geoms = {i: shapely.from_wkt(m.geometry) for i, m in enumerate(members) if m.geometry.strip()}
    lines = {i: g for i, g in geoms.items() if g.geom_type in ("LineString", "MultiLineString")}

    def total(inside: bool) -> dict[int | None, Decimal]:
        lengths: dict[int | None, Decimal] = {}
        for i, member in enumerate(members):
            length = 0.0
            if i in lines:
                geometry = lines[i]
                if inside:
                    others = [
                        g
                        for j, g in geoms.items()
                        if members[j].organisation_id != member.organisation_id
                    ]
                    near = shapely.union_all(others).buffer(distance) if others else None
                    geometry = geometry.intersection(near) if near is not None else None
                length = geometry.length if geometry is not None else 0.0
            key = member.organisation_id
            lengths[key] = lengths.get(key, Decimal(0)) + Decimal(str(round(length, 1)))
        return lengths

    shared = total(inside=True)
    return shared if any(shared.values()) else total(inside=False)


def cost_split(
    members: Sequence[Member],
    *,
    sharing: CouplingCostSharing | None,
    opening_cost_share: Decimal,
    distance: float,
) -> CostSplit:
    """The shared cost of a coupling's opening and each party's part of it: the one
    definition the page, the API and the exports use.

    Rules (docs/couplings.md): `gelijk` the same for every party; `sleuflengte` by the
    length each party digs in the shared stretch; `aandeel_kosten` by the sum of each
    party's own costs; `afspraak` by the agreed amounts (exactly those when they add up
    to the shared cost, else in their proportion). No basis at all: equal parts."""
    defaults = default_shared_cost(members, opening_cost_share)
    if sharing is None:
        shared, rule, agreed = defaults, CostRule.EQUAL, {}
    else:
        shared = SharedCost(
            *(
                getattr(defaults, name)
                if getattr(sharing, name) is None
                else getattr(sharing, name)
                for name, _share in COST_ITEMS
            )
        )
        rule, agreed = sharing.rule, sharing.agreed or {}
    parties = _parties(members)
    if rule == CostRule.TRENCH_LENGTH:
        lengths = _lengths(members, distance)
        basis = [lengths.get(pk, Decimal(0)) for pk, _name in parties]
    elif rule == CostRule.COST_SHARE:
        basis = [
            sum((m.cost for m in members if m.organisation_id == pk), Decimal(0))
            for pk, _n in parties
        ]
    elif rule == CostRule.AGREED:
        basis = [Decimal(str(agreed.get(party_key(pk), 0))) for pk, _name in parties]
    else:
        basis = [Decimal(1)] * len(parties)
    amounts = largest_remainder(shared.total, basis)
    return CostSplit(
        rule=str(rule),
        shared=shared,
        defaults=defaults,
        parties=[
            PartyShare(pk, name, b, a)
            for (pk, name), b, a in zip(parties, basis, amounts, strict=True)
        ],
    )


def reservation_saving(reservation: CouplingReservation) -> Decimal:
    """What a reservation saves its party: the separate narrow trench it does not dig
    (length × `SEPARATE_TRENCH_COST_PER_M`)."""
    return (reservation.length * SEPARATE_TRENCH_COST_PER_M).quantize(CENT)


def party(work: Work) -> tuple[int | None, str]:
    """The organisation a work belongs to: its owner, else its project's owner. A work
    with neither is an asset measure of the municipality's own (None, "gemeente")."""
    owner = work.owner if work.owner_id is not None else None
    if owner is None and work.project_id is not None:
        owner = work.project.owner
    if owner is None:
        return None, _("gemeente")
    return owner.pk, owner.name


def party_key(organisation_id: int | None) -> str:
    """A party's key in the agreed amounts: its organisation's id, or `MUNICIPAL_PARTY`."""
    return MUNICIPAL_PARTY if organisation_id is None else str(organisation_id)


def parties_of(works: Iterable[Work]) -> list[tuple[int | None, str]]:
    """The parties of `works` in order of appearance, each once."""
    seen: dict[int | None, str] = {}
    for work in works:
        pk, name = party(work)
        seen.setdefault(pk, name)
    return list(seen.items())


def member_works(coupling: Coupling) -> QuerySet[Work]:
    """A coupling's works in the order its page, the API and the split list them (and
    so its parties): the largest cost first."""
    return (
        Work.objects.filter(coupling=coupling)
        .select_related("owner", "project__owner", "asset_class", "area")
        .order_by("-cost", "pk")
    )


def members_of(works: Sequence[Work]) -> list[Member]:
    return [
        Member(
            *party(w),
            cost=w.cost,
            opens_street=w.opens_street,
            geometry=w.geometry or "",
        )
        for w in works
    ]


def coupling_split(coupling: Coupling, works: Sequence[Work]) -> CostSplit:
    """`cost_split` of one coupling, its sharing rule read by key (one query)."""
    programme = coupling.programme
    sharing = CouplingCostSharing.objects.filter(programme=programme, key=coupling.key).first()
    return cost_split(
        members_of(works),
        sharing=sharing,
        opening_cost_share=programme.opening_cost_share,
        distance=float(programme.coupling_distance),
    )


def splits(
    programme: Programme, couplings: Sequence[tuple[int, str]], user=None
) -> dict[int, CostSplit]:
    """`cost_split` of many couplings (id, key) of `programme` at once, in two queries:
    for the exports, a chunk of couplings at a time. With a partner `user`, each split as
    that partner sees it (`partner_split`)."""
    members: dict[int, list[Work]] = {pk: [] for pk, _key in couplings}
    works = (
        Work.objects.filter(coupling_id__in=members)
        .select_related("owner", "project__owner")
        .only(
            "coupling_id",
            "owner__name",
            "project__owner__name",
            "project__owner",
            "cost",
            "opens_street",
            "geometry",
        )
        .order_by("-cost", "pk")
    )
    for work in works:
        members[work.coupling_id].append(work)
    sharings = {
        s.key: s
        for s in CouplingCostSharing.objects.filter(
            programme=programme, key__in=[key for _pk, key in couplings]
        )
    }
    partner = partner_of(user)
    result = {}
    for pk, key in couplings:
        split = cost_split(
            members_of(members[pk]),
            sharing=sharings.get(key),
            opening_cost_share=programme.opening_cost_share,
            distance=float(programme.coupling_distance),
        )
        if partner is not None:
            split = replace(split, parties=partner_split(split, partner.pk))
        result[pk] = split
    return result


def split_text(split: CostSplit) -> str:
    """The parties' parts in one cell: "Gemeente Dalfsen: 20000,00; Enexis: 4000,00"."""
    return "; ".join(f"{p.organisation}: {p.amount:.2f}".replace(".", ",") for p in split.parties)


@dataclass
class MemberRow:
    """A member as the user may see it: `limited` for another party's work shown to a
    partner (owner, kind, window and location only, see docs/couplings.md)."""

    work: Work
    limited: bool
    kind: str
    owner: str


@dataclass(frozen=True)
class HistoryEntry:
    """One line of the decision history: a decision or a partner's response."""

    at: datetime
    who: str
    what: str
    detail: str
    organisation: str = ""


@dataclass
class CouplingDetail:
    coupling: Coupling
    members: list[MemberRow]
    split: CostSplit
    visible_split: list[PartyShare]
    reservations: list[CouplingReservation]
    reservation_savings: Decimal
    savings_total: Decimal
    openings_avoided_total: int
    nearby: list[NearbyWork]
    graafrust: list[GraafrustPeriod]
    history: list[HistoryEntry]
    responses: list[CouplingResponse]
    decision: CouplingDecision | None
    sharing: CouplingCostSharing | None = None
    parties: list[tuple[int | None, str]] = field(default_factory=list)


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def partner_split(split: CostSplit, organisation_id: int | None) -> list[PartyShare]:
    """The split as a partner sees it: its own part, and the other parties together (their
    names and costs are theirs to share, not the municipality's)."""
    if organisation_id is None:
        return split.parties
    own = [p for p in split.parties if p.organisation_id == organisation_id]
    rest = [p for p in split.parties if p.organisation_id != organisation_id]
    if rest:
        own.append(
            PartyShare(
                None,
                _("andere partijen samen"),
                Decimal(0),
                sum((p.amount for p in rest), Decimal(0)),
            )
        )
    return own


def visible_couplings(user, programme: Programme) -> QuerySet[Coupling]:
    """The couplings of `programme` that `user` may open (`Coupling.visible_to`)."""
    return Coupling.objects.filter(programme=programme).visible_to(user)


def coupling_detail(coupling: Coupling, user) -> CouplingDetail:
    """Everything the coupling page shows, in a fixed number of queries whatever the
    number of members. Another party's work reaches a partner with its owner, kind,
    window and location only (the template and the GeoJSON leave out the rest)."""
    programme = coupling.programme
    partner = partner_of(user)
    works = list(member_works(coupling))
    own = (
        {w.pk for w in Work.objects.filter(coupling=coupling).visible_to(user)} if partner else None
    )
    members = [
        MemberRow(
            work=w,
            limited=own is not None and w.pk not in own,
            kind=w.asset_class.name if w.asset_class is not None else w.get_kind_display(),
            owner=party(w)[1],
        )
        for w in works
    ]
    sharing = CouplingCostSharing.objects.filter(programme=programme, key=coupling.key).first()
    split = cost_split(
        members_of(works),
        sharing=sharing,
        opening_cost_share=programme.opening_cost_share,
        distance=float(programme.coupling_distance),
    )
    reservations = list(
        CouplingReservation.objects.filter(programme=programme, key=coupling.key).select_related(
            "organisation", "created_by"
        )
    )
    # Every reservation counts in the savings; a partner sees only its own rows.
    all_saved = sum((reservation_saving(r) for r in reservations), Decimal(0))
    # Each reservation is a separate opening its party does not dig.
    ridden = len(reservations)
    if partner is not None:
        reservations = [r for r in reservations if r.organisation_id == partner.pk]
    responses = list(
        CouplingResponse.objects.filter(programme=programme, key=coupling.key)
        .visible_to(user)
        .select_related("organisation", "responded_by")
    )
    decision = (
        CouplingDecision.objects.filter(programme=programme, key=coupling.key)
        .select_related("decided_by")
        .first()
    )
    decisions = CouplingDecision.history.filter(programme_id=programme.pk, key=coupling.key)
    history = [
        HistoryEntry(
            at=h.history_date,
            who=_name(h.decided_by) if h.decided_by_id else "",
            what=h.get_status_display(),
            detail=h.reason,
        )
        for h in decisions.select_related("decided_by")
        if h.history_type != "-"
    ] + [
        HistoryEntry(
            at=r.responded_at,
            who=_name(r.responded_by),
            what=r.get_answer_display(),
            detail=r.comment,
            organisation=r.organisation.name,
        )
        for r in responses
    ]
    history.sort(key=lambda e: e.at, reverse=True)
    geometries = [w.geometry for w in works if w.geometry]
    union = (
        shapely.to_wkt(shapely.union_all(shapely.from_wkt(geometries)), rounding_precision=3)
        if geometries
        else ""
    )
    window = (coupling.window_start, coupling.window_end)
    member_ids = {w.pk for w in works}
    nearby = [
        n for n in nearby_works(union, window, user, programme) if n.work.pk not in member_ids
    ]
    graafrust = [
        g for g in graafrust_periods(union, window, user, programme) if g.work.pk not in member_ids
    ]
    # The nearby works' parties (owner or project owner) in one query.
    owners = {
        w.pk: party(w)[1]
        for w in Work.objects.filter(pk__in=[n.work.pk for n in nearby]).select_related(
            "owner", "project__owner"
        )
    }
    for n in nearby:
        n.work.party_name = owners[n.work.pk]
    return CouplingDetail(
        coupling=coupling,
        members=members,
        split=split,
        visible_split=partner_split(split, partner.pk if partner is not None else None),
        reservations=reservations,
        reservation_savings=all_saved,
        savings_total=coupling.savings + all_saved,
        openings_avoided_total=coupling.openings_avoided + ridden,
        nearby=nearby,
        graafrust=graafrust,
        history=history,
        responses=responses,
        decision=decision,
        sharing=sharing,
        parties=_parties(members_of(works)),
    )
