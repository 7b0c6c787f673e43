"""What the engine reads and what it returns: frozen dataclasses with a JSON form.

An :class:`Instance` is everything one computation needs (works, budget lines,
parameters, the programme manager's coupling decisions); a :class:`Result` is everything
it produces. Both convert to and from plain dicts (``to_dict``/``from_dict``) so they can
travel as JSON files (``load_instance``/``dump_result``) or be built from database rows by
``programming.services`` without the engine knowing about Django.

Sequences are tuples so the objects stay immutable; in JSON they are lists.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from programming.engine import columns as col

KIND_MEASURE, KIND_PROJECT, KIND_PARTNER = "maatregel", "project", "partner"
WORK_KINDS = (KIND_MEASURE, KIND_PROJECT, KIND_PARTNER)
IDEA, INTENDED, FIRM = "idee", "voorgenomen", "vastgesteld"
CERTAINTIES = (IDEA, INTENDED, FIRM)
CLUSTER_KINDS = ("kans", "conflict")
PROPOSED = "voorgesteld"
ACCEPTED = "geaccepteerd"

HORIZON_MIN = 4
HORIZON_MAX = 10

#: Paving, traffic measures and reinstatement are 30–60% of the cost of replacing a sewer
#: (riool.net, "Kosten van rioolvervanging", RIONED); 0.30 is the cautious end of that range.
DEFAULT_OPENING_COST_SHARE = 0.30

#: The demo framework's relative weights (programming/demo.py), modelled on Utrecht's
#: PRIOR ranking (technical need, use of the space, societal preference) plus coupling
#: value, cost and certainty. Weights are relative: they are divided by their sum.
DEFAULT_WEIGHTS: dict[str, float] = {
    col.URGENCY: 30.0,
    col.RISK_CRITERION: 15.0,
    col.AMBITION: 20.0,
    col.SOCIAL: 10.0,
    col.COUPLING: 15.0,
    col.COST: 5.0,
    col.CERTAINTY_CRITERION: 5.0,
}


class InstanceError(ValueError):
    """An instance the engine cannot compute; the message names the offending item."""


def _check_keys(data: Mapping[str, Any], cls: type, what: str) -> None:
    """Refuse unknown keys so a typo in a JSON file is an error, not a silent default."""
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InstanceError(f"{what}: onbekende velden {', '.join(unknown)}")


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _optional_int(value: Any) -> int | None:
    return None if value is None else int(value)


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Work:
    """One thing that may be done in the public space: an asset measure (maatregel),
    a municipal project or a partner's work.

    `costs` maps a budget line code to the amounts charged in consecutive years from
    the start year (offset 0, 1, 2, …). `allowed_years`, when given, replaces the window
    as the set of permitted start years. `value`, when given, replaces the computed score
    as the work's value in the schedule.
    """

    key: str
    kind: str
    label: str
    window_start: int
    window_end: int
    preferred_year: int
    costs: dict[str, tuple[float, ...]] = field(default_factory=dict)
    area: str | None = None
    street: str | None = None
    geometry: str | None = None
    allowed_years: tuple[int, ...] | None = None
    must_do: bool = False
    opens_street: bool = False
    reconstructs_street: bool = False
    certainty: str = FIRM
    value: float | None = None
    condition: int | None = None
    remaining_life: float | None = None
    risk: float | None = None
    ambition_weight: float = 0.0
    themes: tuple[str, ...] = ()
    social_priority: int | None = None
    owner: str | None = None
    #: What `label` is written from, so pages can word it in the reader's language: a
    #: measure's ``{"discipline": code, "place": street or area name, "count": assets}``.
    #: None for projects and partner works (their label is their name) and in older files.
    label_parts: dict[str, Any] | None = None
    #: Hours the work asks of each team (`Instance.teams`), per year from its start (offset
    #: 0, 1, …) like `costs`; a team the instance does not declare has unlimited hours.
    hours: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: The part of `hours` per team that is preparation and tender (one design, one
    #: tender): works coupled in one unit share it (capacity.py).
    preparation_hours: dict[str, float] = field(default_factory=dict)
    #: The change in annual maintenance cost (beheerlasten, € per year) from the year after
    #: the work's last cost year: positive adds cost (new green), negative lowers it
    #: (old assets replaced).
    maintenance: float = 0.0

    def __post_init__(self) -> None:
        where = f"werk {self.key!r}"
        if not self.key:
            raise InstanceError("een werk zonder sleutel")
        if self.kind not in WORK_KINDS:
            raise InstanceError(f"{where}: soort {self.kind!r} is niet {'/'.join(WORK_KINDS)}")
        if self.certainty not in CERTAINTIES:
            raise InstanceError(f"{where}: zekerheid {self.certainty!r} is onbekend")
        if not self.window_start <= self.preferred_year <= self.window_end:
            raise InstanceError(f"{where}: het voorkeursjaar ligt niet in het venster")
        if self.allowed_years is not None and not self.allowed_years:
            raise InstanceError(f"{where}: een lege lijst toegestane jaren")
        if self.condition is not None and not 1 <= self.condition <= 6:
            raise InstanceError(f"{where}: conditie (NEN 2767) is 1 tot en met 6")
        if self.risk is not None and not 0 <= self.risk <= 1:
            raise InstanceError(f"{where}: risico ligt tussen 0 en 1")
        if self.social_priority is not None and not 1 <= self.social_priority <= 5:
            raise InstanceError(f"{where}: sociale prioriteit is 1 tot en met 5")
        if self.ambition_weight < 0:
            raise InstanceError(f"{where}: het ambitiegewicht is negatief")
        for line, amounts in self.costs.items():
            if any(amount < 0 for amount in amounts):
                raise InstanceError(f"{where}: negatieve kosten op {line}")
        self._check_hours()

    def _check_hours(self) -> None:
        where = f"werk {self.key!r}"
        for team, hours in self.hours.items():
            if any(hour < 0 for hour in hours):
                raise InstanceError(f"{where}: negatieve uren voor team {team}")
        for team, preparation in self.preparation_hours.items():
            if preparation < 0 or preparation > sum(self.hours.get(team, ())):
                raise InstanceError(
                    f"{where}: voorbereidingsuren voor team {team} liggen niet tussen 0 en "
                    "de uren van het werk"
                )

    def with_hours(
        self, hours: dict[str, tuple[float, ...]], preparation_hours: dict[str, float]
    ) -> Work:
        """This work asking `hours` (and `preparation_hours` of them) of its teams.

        `dataclasses.replace` with only the hours checked again: the other fields were
        checked when this work was made, and a city's 80,000 measures get their hours
        this way (replace's whole `__post_init__` cost ~2.5 s of the 1M-asset load)."""
        work = object.__new__(Work)
        work.__dict__.update(self.__dict__, hours=hours, preparation_hours=preparation_hours)
        work._check_hours()
        return work

    @property
    def years(self) -> tuple[int, ...]:
        """The permitted start years, ignoring the horizon."""
        if self.allowed_years is not None:
            return tuple(sorted(self.allowed_years))
        return tuple(range(self.window_start, self.window_end + 1))

    @property
    def total_cost(self) -> float:
        return float(sum(sum(amounts) for amounts in self.costs.values()))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["costs"] = {line: list(amounts) for line, amounts in self.costs.items()}
        data["allowed_years"] = None if self.allowed_years is None else list(self.allowed_years)
        data["themes"] = list(self.themes)
        data["hours"] = {team: list(hours) for team, hours in self.hours.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Work:
        _check_keys(data, cls, f"werk {data.get('key')!r}")
        allowed = data.get("allowed_years")
        return cls(
            key=str(data["key"]),
            kind=data["kind"],
            label=data.get("label", str(data["key"])),
            window_start=int(data["window_start"]),
            window_end=int(data["window_end"]),
            preferred_year=int(data["preferred_year"]),
            costs={
                str(line): tuple(float(a) for a in amounts)
                for line, amounts in data.get("costs", {}).items()
            },
            area=data.get("area"),
            street=data.get("street"),
            geometry=data.get("geometry"),
            allowed_years=None if allowed is None else tuple(int(y) for y in allowed),
            must_do=bool(data.get("must_do", False)),
            opens_street=bool(data.get("opens_street", False)),
            reconstructs_street=bool(data.get("reconstructs_street", False)),
            certainty=data.get("certainty", FIRM),
            value=_optional_float(data.get("value")),
            condition=_optional_int(data.get("condition")),
            remaining_life=_optional_float(data.get("remaining_life")),
            risk=_optional_float(data.get("risk")),
            ambition_weight=float(data.get("ambition_weight", 0.0)),
            themes=tuple(data.get("themes", ())),
            social_priority=_optional_int(data.get("social_priority")),
            owner=data.get("owner"),
            label_parts=data.get("label_parts"),
            hours={
                str(team): tuple(float(h) for h in hours)
                for team, hours in data.get("hours", {}).items()
            },
            preparation_hours={
                str(team): float(hours) for team, hours in data.get("preparation_hours", {}).items()
            },
            maintenance=float(data.get("maintenance", 0.0)),
        )


@dataclass(frozen=True)
class BudgetLine:
    """A funding source (budgetregel) with an amount per year; a missing year has none."""

    code: str
    amounts: dict[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "amounts": {str(y): a for y, a in self.amounts.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BudgetLine:
        _check_keys(data, cls, f"budgetregel {data.get('code')!r}")
        amounts = {int(year): float(amount) for year, amount in data["amounts"].items()}
        if any(amount < 0 for amount in amounts.values()):
            raise InstanceError(f"budgetregel {data['code']!r}: een negatief budget")
        return cls(code=str(data["code"]), amounts=amounts)


@dataclass(frozen=True)
class Team:
    """A team whose hours works need (capacity), with the hours available per year; a
    missing year has none. Works name it in their `hours`."""

    code: str
    hours: dict[int, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "hours": {str(y): h for y, h in self.hours.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Team:
        _check_keys(data, cls, f"team {data.get('code')!r}")
        hours = {int(year): float(h) for year, h in data["hours"].items()}
        if any(h < 0 for h in hours.values()):
            raise InstanceError(f"team {data['code']!r}: negatieve uren")
        return cls(code=str(data["code"]), hours=hours)


@dataclass(frozen=True)
class Parameters:
    """The programme's settings for one computation.

    `coupling_distance` is in metres (geometry is RD New); `coupling_overlap` is the part
    of a work that must lie within that distance of another to lie along it;
    `time_tolerance` is how many years apart two windows may lie and still be linked;
    `graafrust_years` is how long a reconstructed street stays closed to new digging;
    `opening_cost_share` is the part of a street-opening work's cost that coupling shares
    (opening, traffic plan, reinstatement).
    `max_exact_works` is the largest number of works solved by the exact MILP; above it the
    greedy heuristic is used. `mip_gap` is how close to the best possible value the MILP
    must prove its plan before it stops (relative: 0.003 is 0.3%; small instances are
    always solved to the last tie-break, milp.py). `graafrust_weight` is what one
    graafrust break costs in the schedule, in points of value (a work's score is 0–100):
    a break is only chosen where avoiding it would cost more than that (graafrust.py).
    """

    first_year: int
    horizon: int = HORIZON_MAX
    coupling_distance: float = 25.0
    coupling_overlap: float = 0.5
    time_tolerance: int = 1
    graafrust_years: int = 3
    opening_cost_share: float = DEFAULT_OPENING_COST_SHARE
    carry_over: bool = False
    time_limit: float = 30.0
    max_exact_works: int = 2000
    mip_gap: float = 0.003
    graafrust_weight: float = 10.0
    weights: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    def __post_init__(self) -> None:
        if not HORIZON_MIN <= self.horizon <= HORIZON_MAX:
            raise InstanceError(f"de looptijd is {HORIZON_MIN} tot en met {HORIZON_MAX} jaar")
        if self.coupling_distance < 0 or self.time_tolerance < 0 or self.graafrust_years < 0:
            raise InstanceError("koppelafstand, tijdstolerantie en graafrust zijn niet negatief")
        if not 0 < self.coupling_overlap <= 1:
            raise InstanceError(
                "het deel dat langs een ander werk ligt is groter dan 0 en hoogstens 1"
            )
        if not 0 <= self.opening_cost_share <= 1:
            raise InstanceError("het aandeel openen en herstraten ligt tussen 0 en 1")
        if self.time_limit <= 0:
            raise InstanceError("de tijdslimiet is positief")
        if not 0 <= self.mip_gap < 1:
            raise InstanceError("de toegestane afstand tot het optimum ligt tussen 0 en 1")
        if self.graafrust_weight < 0:
            raise InstanceError("het gewicht van een graafrustdoorbreking is niet negatief")
        unknown = sorted(set(self.weights) - set(col.CRITERIA))
        if unknown:
            raise InstanceError(f"onbekende criteria: {', '.join(unknown)}")
        if any(weight < 0 for weight in self.weights.values()):
            raise InstanceError("een gewicht is niet negatief")

    @property
    def years(self) -> range:
        """The years of the programme: first_year … first_year + horizon − 1."""
        return range(self.first_year, self.first_year + self.horizon)

    @property
    def last_year(self) -> int:
        return self.first_year + self.horizon - 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Parameters:
        _check_keys(data, cls, "parameters")
        values = dict(data)
        if "weights" in values:
            values["weights"] = {str(k): float(v) for k, v in values["weights"].items()}
        return cls(**values)


@dataclass(frozen=True)
class Instance:
    """One computation's input: works, budget lines, parameters and coupling decisions.

    `accepted_clusters` and `rejected_clusters` are the member keys of couplings the
    programme manager accepted (scheduled together, in one year) or rejected (never
    proposed again).
    """

    works: tuple[Work, ...]
    budget_lines: tuple[BudgetLine, ...]
    parameters: Parameters
    accepted_clusters: tuple[tuple[str, ...], ...] = ()
    rejected_clusters: tuple[tuple[str, ...], ...] = ()
    #: Capacity: the teams whose hours bind the schedule like budget lines (capacity.py).
    teams: tuple[Team, ...] = ()
    #: A base plan to start from (warm start): work key → start year. Only a hint for the
    #: solver; keys the instance does not have are ignored.
    warm_start: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        keys = [work.key for work in self.works]
        doubles = sorted(key for key, count in Counter(keys).items() if count > 1)
        if doubles:
            raise InstanceError(f"dubbele sleutels: {', '.join(doubles[:10])}")
        codes = [line.code for line in self.budget_lines]
        if len(set(codes)) < len(codes):
            raise InstanceError("dubbele budgetregels")
        teams = [team.code for team in self.teams]
        if len(set(teams)) < len(teams):
            raise InstanceError("dubbele teams")
        known = set(keys)
        for members in (*self.accepted_clusters, *self.rejected_clusters):
            missing = sorted(set(members) - known)
            if missing:
                raise InstanceError(f"koppeling met onbekende werken: {', '.join(missing)}")
        taken: set[str] = set()
        for members in self.accepted_clusters:
            if taken & set(members):
                raise InstanceError("een werk zit in twee geaccepteerde koppelingen")
            taken |= set(members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "works": [work.to_dict() for work in self.works],
            "budget_lines": [line.to_dict() for line in self.budget_lines],
            "parameters": self.parameters.to_dict(),
            "accepted_clusters": [list(members) for members in self.accepted_clusters],
            "rejected_clusters": [list(members) for members in self.rejected_clusters],
            "teams": [team.to_dict() for team in self.teams],
            "warm_start": dict(self.warm_start),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Instance:
        _check_keys(data, cls, "instantie")
        return cls(
            works=tuple(Work.from_dict(w) for w in data["works"]),
            budget_lines=tuple(BudgetLine.from_dict(b) for b in data["budget_lines"]),
            parameters=Parameters.from_dict(data["parameters"]),
            accepted_clusters=_member_lists(data.get("accepted_clusters", ())),
            rejected_clusters=_member_lists(data.get("rejected_clusters", ())),
            teams=tuple(Team.from_dict(t) for t in data.get("teams", ())),
            warm_start={str(k): int(y) for k, y in data.get("warm_start", {}).items()},
        )


def _member_lists(lists: Iterable[Iterable[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(key) for key in members) for members in lists)


# -------------------------------------------------------------------------- output


@dataclass(frozen=True)
class WorkResult:
    """One work in the computed programme: its year (None when not scheduled), its score
    with the points per criterion, its cluster, what doing it in its cluster saves on its
    cost (the opening part it shares), and whether it breaks graafrust."""

    key: str
    scheduled_year: int | None
    score: float
    breakdown: dict[str, float]
    cluster: str | None = None
    saving: float = 0.0
    breaks_graafrust: bool = False
    unfunded_reason: str | None = None
    #: Why a graafrust break could not be avoided (None when it does not break graafrust).
    graafrust_cause: str | None = None
    #: Per team, the preparation hours the work saves by being placed in one unit with
    #: other works (one design, one tender; engine/capacity.py). Empty without teams.
    hours_saved: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> WorkResult:
        _check_keys(data, cls, "werkresultaat")
        return cls(
            **{
                **data,
                "breakdown": dict(data["breakdown"]),
                "hours_saved": dict(data.get("hours_saved", {})),
            }
        )


@dataclass(frozen=True)
class Cluster:
    """A coupling: works that meet in place and time, with their common window.

    `kind` is "conflict" when two street-opening members would dig at the same time if
    each followed its own plan, "kans" when the windows merely allow aligning them.
    `year` is the year in which all members are scheduled, None when they are not.
    """

    key: str
    members: tuple[str, ...]
    kind: str
    status: str
    window_start: int | None
    window_end: int | None
    year: int | None
    savings: float
    openings_avoided: int
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["members"] = list(self.members)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Cluster:
        _check_keys(data, cls, "koppeling")
        return cls(**{**data, "members": tuple(data["members"])})


@dataclass(frozen=True)
class UnfundedRow:
    """Why a work is not in the programme and, for budget reasons, the gap: the least
    extra money on this line in this year that lets the work be funded, with the rest of
    the plan fixed (unfunded.py). A work's rows add up to its whole gap.

    `code` is one of the fixed reasons of unfunded.py and `facts` the numbers and keys
    the Dutch `reason` is written from (JSON values only); files written before they
    existed read as None and {}.
    """

    work: str
    budget_line: str | None
    year: int | None
    gap: float
    reason: str
    code: str | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> UnfundedRow:
        _check_keys(data, cls, "niet gedekt werk")
        return cls(**{**data, "facts": dict(data.get("facts") or {})})


@dataclass(frozen=True)
class Kpi:
    """One KPI figure, optionally per year, area, budget line, theme or team."""

    code: str
    value: float
    year: int | None = None
    area: str | None = None
    budget_line: str | None = None
    theme: str | None = None
    team: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Kpi:
        _check_keys(data, cls, "kengetal")
        return cls(**data)


@dataclass(frozen=True)
class Stats:
    """How the schedule was found: solver, status, objective, bound, gap, seconds per stage."""

    solver: str
    status: str
    objective: float
    value: float
    best_bound: float | None = None
    gap: float | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Stats:
        _check_keys(data, cls, "kengetallen van de berekening")
        return cls(**{**data, "seconds": dict(data.get("seconds", {}))})


@dataclass(frozen=True)
class Result:
    """One computation's output."""

    works: tuple[WorkResult, ...]
    clusters: tuple[Cluster, ...]
    unfunded: tuple[UnfundedRow, ...]
    kpis: tuple[Kpi, ...]
    stats: Stats

    def to_dict(self) -> dict[str, Any]:
        return {
            "works": [w.to_dict() for w in self.works],
            "clusters": [c.to_dict() for c in self.clusters],
            "unfunded": [u.to_dict() for u in self.unfunded],
            "kpis": [k.to_dict() for k in self.kpis],
            "stats": self.stats.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Result:
        _check_keys(data, cls, "resultaat")
        return cls(
            works=tuple(WorkResult.from_dict(w) for w in data["works"]),
            clusters=tuple(Cluster.from_dict(c) for c in data["clusters"]),
            unfunded=tuple(UnfundedRow.from_dict(u) for u in data["unfunded"]),
            kpis=tuple(Kpi.from_dict(k) for k in data["kpis"]),
            stats=Stats.from_dict(data["stats"]),
        )


# ---------------------------------------------------------------------------- files


def load_instance(path: str | Path) -> Instance:
    """Read an instance from a JSON file (UTF-8)."""
    with Path(path).open(encoding="utf-8") as handle:
        return Instance.from_dict(json.load(handle))


def dump_instance(instance: Instance, path: str | Path) -> None:
    """Write an instance as JSON (UTF-8)."""
    _dump(instance.to_dict(), path)


def load_result(path: str | Path) -> Result:
    """Read a result from a JSON file (UTF-8)."""
    with Path(path).open(encoding="utf-8") as handle:
        return Result.from_dict(json.load(handle))


def dump_result(result: Result, path: str | Path) -> None:
    """Write a result as JSON (UTF-8)."""
    _dump(result.to_dict(), path)


def _dump(data: dict[str, Any], path: str | Path) -> None:
    with Path(path).open("w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
