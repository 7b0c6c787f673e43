"""Small hand-made instances for the engine tests."""

from typing import Any

from programming.engine import columns as col
from programming.engine.couplings import find_couplings
from programming.engine.frames import prepare
from programming.engine.instance import BudgetLine, Instance, Parameters, Work
from programming.engine.scoring import score_works
from programming.engine.units import build_units

FIRST_YEAR = 2026


def work(key: str, **fields: Any) -> Work:
    """A work with a one-year window in 2026 and no cost unless told otherwise."""
    fields.setdefault("kind", "maatregel")
    fields.setdefault("label", key)
    if "window" in fields:
        fields["window_start"], fields["window_end"] = fields.pop("window")
    fields.setdefault("window_start", FIRST_YEAR)
    fields.setdefault("window_end", fields["window_start"])
    fields.setdefault("preferred_year", fields["window_start"])
    if "cost" in fields:
        line, amounts = fields.pop("cost")
        fields["costs"] = {line: tuple(amounts) if isinstance(amounts, list) else (amounts,)}
    return Work(key=key, **fields)


def budget(code: str, per_year: float | dict[int, float], years: int = 10) -> BudgetLine:
    """A budget line with the same amount every year, or the amounts given."""
    if isinstance(per_year, dict):
        return BudgetLine(code, per_year)
    return BudgetLine(code, {FIRST_YEAR + i: float(per_year) for i in range(years)})


def instance(works: list[Work], lines: list[BudgetLine], **parameters: Any) -> Instance:
    accepted = parameters.pop("accepted", ())
    rejected = parameters.pop("rejected", ())
    parameters.setdefault("first_year", FIRST_YEAR)
    parameters.setdefault("horizon", 6)
    return Instance(
        works=tuple(works),
        budget_lines=tuple(lines),
        parameters=Parameters(**parameters),
        accepted_clusters=tuple(tuple(c) for c in accepted),
        rejected_clusters=tuple(tuple(c) for c in rejected),
    )


def point(x: float, y: float = 0.0) -> str:
    """WKT of a point in RD New, offset from a spot in Dalfsen."""
    return f"POINT ({205000 + x} {503000 + y})"


def line(x0: float, x1: float, y: float = 0.0) -> str:
    return f"LINESTRING ({205000 + x0} {503000 + y}, {205000 + x1} {503000 + y})"


def by_key(result: Any) -> dict[str, Any]:
    return {w.key: w for w in result.works}


def staged(inst: Instance) -> tuple[Any, Any, Any, Any]:
    """The engine's stages up to the units, as `run()` takes them: the prepared data, the
    couplings, the scores and the units (for tests that look inside the schedule)."""
    params = inst.parameters
    data = prepare(inst)
    couplings = find_couplings(data.works, data.feasible, params)
    scores = score_works(data.works, couplings, params)
    units = build_units(
        data.works,
        scores[col.SCHEDULING_VALUE],
        scores[col.SOLO_VALUE],
        data.feasible,
        data.tensor,
        couplings,
        params.first_year,
        params.opening_cost_share,
    )
    return data, couplings, scores, units
