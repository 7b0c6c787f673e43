"""The programming engine: from works and budgets to a multi-year programme (DOMAIN §5).

Pure Python (numpy, pandas, shapely, scipy); it imports nothing from Django, so it runs
on a JSON file as well as on the database's rows (``programming.services``).

    from programming.engine import run, load_instance
    result = run(load_instance("instance.json"))

The stages, each timed in ``result.stats.seconds``:

1. prepare    — the instance as frames and arrays (frames.py)
2. couplings  — neighbours in space and time, clusters with a common year (couplings.py)
3. scoring    — the 0–100 score per work with its breakdown (scoring.py)
4. schedule   — a start year per work or accepted cluster within budget (schedule.py),
                and what does not fit with the money that would fund it (unfunded.py)
5. graafrust  — openings in a reconstructed street's closed period (graafrust.py)
6. kpis       — spend, openings, savings, ambition served, gaps (kpis.py)

and ``results``: the result objects built from the stages' frames (results.py).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pandas as pd

from programming.engine import columns as col
from programming.engine.capacity import hours_saved_per_work
from programming.engine.graafrust import (
    closed_years,
    find_graafrust_breaks,
    graafrust_causes,
)
from programming.engine.instance import (
    Instance,
    Result,
    Stats,
    dump_result,
    load_instance,
    load_result,
)
from programming.engine.kpis import compute_kpis, resource_kpis
from programming.engine.results import cluster_results, kpi_results, round_gap, work_results
from programming.engine.schedule import (
    coupling_discounts,
    schedule,
    scheduled_years,
    warm_start_units,
)
from programming.engine.staging import stage
from programming.engine.unfunded import find_unfunded

__all__ = [
    "Clock",
    "Instance",
    "Result",
    "Stopwatch",
    "dump_result",
    "gc_paused",
    "load_instance",
    "load_result",
    "run",
]


#: Times a stage: ``with clock("couplings"): ...``.
Clock = Callable[[str], AbstractContextManager[None]]


class Stopwatch:
    """Seconds per stage: ``with clock("couplings"): ...``; a stage timed twice adds up."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            self.seconds[stage] = round(self.seconds.get(stage, 0.0) + elapsed, 4)


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run a block without Python's cyclic garbage collector, and turn it back on after.

    A city's instance holds millions of small objects (works, their cost tuples, rows
    read from the database) that live until the end; each automatic collection walks
    all of them again, which cost the 1M-asset city about a third of its CPU time. The
    engine makes little cyclic garbage, and reference counting still frees the rest, so
    memory stays the same. Another thread's block that ends first turns the collector
    back on: that costs speed, never a result. Also a decorator: ``@gc_paused()``.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@gc_paused()
def run(
    instance: Instance,
    method: str | None = None,
    *,
    meanwhile: Callable[[], object] | None = None,
) -> Result:
    """Compute the programme of an instance; `method` forces "milp" or "heuristic".

    Steps: the six stages of the module docstring, then the result objects (timed as
    "results"), with the garbage collector paused (`gc_paused`).

    `meanwhile`: the caller's own work that needs nothing of the result (reading the
    database, say), called once on this thread during the schedule stage: while HiGHS
    solves the LP relaxation on another thread for the heuristic, which leaves this one
    waiting for seconds on a city, or just before the MILP. Its time is part of the
    schedule's.
    """
    params = instance.parameters
    clock = Stopwatch()
    staged = stage(instance, clock)
    data, couplings, scores, units, pairs = (
        staged.data,
        staged.couplings,
        staged.scores,
        staged.units,
        staged.pairs,
    )
    works = data.works
    with clock("schedule"):
        keys = staged.keys
        start = warm_start_units(units, keys, instance.warm_start, params.first_year)
        plan = schedule(
            units,
            data.budget,
            params,
            method,
            pairs,
            data.carry_over(params.carry_over),
            start=start,
            meanwhile=meanwhile,
        )
        years = scheduled_years(units, plan, len(works), params.first_year)
        discount = coupling_discounts(units, plan, len(works))
        unfunded = find_unfunded(
            works,
            units,
            plan,
            data.budget,
            data.tensor,
            data.lines,
            params,
            scores[col.SCHEDULING_VALUE].to_numpy(dtype=float),
            closed=closed_years(pairs, years, params.horizon, params.first_year),
            neighbours=couplings.neighbours,
            teams=data.teams,
        )
    with clock("graafrust"):
        breaks = find_graafrust_breaks(pairs, years)
        causes = graafrust_causes(
            pairs, years, data.feasible, plan.blocked, data.rows, params.first_year
        )
    with clock("kpis"):
        kpis = compute_kpis(
            works,
            data.costs,
            years,
            discount,
            couplings,
            data.money_budget,
            data.lines,
            params,
            unfunded,
            data.feasible,
            breaks,
            plan.gap,
        )
        kpis = pd.concat(
            [kpis, resource_kpis(data, units, plan.start, years, params)], ignore_index=True
        )
    with clock("results"):
        value = float(
            sum(unit.value for unit, start in zip(units, plan.start, strict=True) if start >= 0)
        )
        work_rows = work_results(
            works,
            scores,
            years,
            discount,
            couplings,
            breaks,
            unfunded,
            causes,
            hours_saved_per_work(
                units, plan.start, data.tensor, data.preparation, data.teams, len(works)
            ),
        )
        cluster_rows = cluster_results(works, scores, years, couplings)
        unfunded_rows = tuple(round_gap(row) for row in unfunded)
        kpi_rows = kpi_results(kpis)
    seconds = {**clock.seconds, "total": round(sum(clock.seconds.values()), 4)}
    stats = Stats(
        solver=plan.solver,
        status=plan.status,
        objective=plan.objective,
        value=value,
        best_bound=plan.best_bound,
        gap=plan.gap,
        seconds=seconds,
    )
    return Result(
        works=work_rows,
        clusters=cluster_rows,
        unfunded=unfunded_rows,
        kpis=kpi_rows,
        stats=stats,
    )
