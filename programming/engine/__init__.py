"""The programming engine: from works and budgets to a multi-year programme (DOMAIN §5).

Pure Python (numpy, pandas, shapely, scipy); it imports nothing from Django, so it runs
on a JSON file as well as on the database's rows (``programming.services``).

    from programming.engine import run, load_instance
    result = run(load_instance("instance.json"))

The stages, each timed in ``result.stats.seconds``:

1. prepare    — the instance as frames and arrays (frames.py)
2. couplings  — neighbours in space and time, clusters with a common year (couplings.py)
3. scoring    — the 0–100 score per work with its breakdown (scoring.py)
4. schedule   — a start year per work or accepted cluster within budget (schedule.py)
5. graafrust  — openings in a reconstructed street's closed period (graafrust.py)
6. unfunded   — what does not fit, why, and the money that would fund it (unfunded.py)
7. kpis       — spend, openings, savings, ambition served, gaps (kpis.py)

and ``results``: the result objects built from the stages' frames (results.py). On a
city, unfunded and kpis run in a second process beside graafrust and results (`plan`).
"""

from __future__ import annotations

import functools
import gc
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace

import pandas as pd

from programming.engine import columns as col
from programming.engine.beside import beside
from programming.engine.capacity import hours_saved_per_work
from programming.engine.graafrust import (
    closed_years,
    find_graafrust_breaks,
    graafrust_causes,
)
from programming.engine.instance import (
    Cluster,
    Instance,
    Kpi,
    Result,
    Stats,
    UnfundedRow,
    WorkResult,
    dump_result,
    load_instance,
    load_result,
)
from programming.engine.kpis import compute_kpis, resource_kpis
from programming.engine.results import (
    Fixed,
    cluster_results,
    fixed_results,
    kpi_results,
    round_gap,
    work_results,
)
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
    "Planned",
    "Result",
    "Stopwatch",
    "dump_result",
    "gc_paused",
    "load_instance",
    "load_result",
    "plan",
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


#: From this many units on, the unfunded analysis and the KPIs are found in a forked
#: process beside the result objects and the caller's store of the plan (`plan`); below
#: it (the demo has ~2,000), starting a process costs more than it saves.
BESIDE_FROM = 20_000


@dataclass(frozen=True)
class Planned:
    """A computation whose plan is known (`plan`): the works' and the clusters' results
    as `Result` holds them, except that no work has its `unfunded_reason` yet, while the
    unfunded works and the KPIs are still being found. `result()` waits for those and
    gives the whole `Result`.

    `results()` builds the works and clusters once, on first use (`works`, `clusters`):
    a caller can start work of its own that needs neither before it asks for them (the
    services delete the previous content on the database's side meanwhile)."""

    results: Callable[[], tuple[tuple[WorkResult, ...], tuple[Cluster, ...]]]
    result: Callable[[], Result]
    #: What the plan does not change of those results (the one `meanwhile` was given).
    fixed: Fixed

    @property
    def works(self) -> tuple[WorkResult, ...]:
        return self.results()[0]

    @property
    def clusters(self) -> tuple[Cluster, ...]:
        return self.results()[1]


def run(
    instance: Instance,
    method: str | None = None,
    *,
    meanwhile: Callable[[Fixed], object] | None = None,
) -> Result:
    """Compute the programme of an instance; `method` forces "milp" or "heuristic";
    `meanwhile` as in `plan`."""
    with plan(instance, method, meanwhile=meanwhile) as planned:
        return planned.result()


@contextmanager
def plan(
    instance: Instance,
    method: str | None = None,
    *,
    meanwhile: Callable[[Fixed], object] | None = None,
) -> Iterator[Planned]:
    """Compute the programme of an instance, giving its `Planned` as soon as the plan is
    known; `method` forces "milp" or "heuristic".

    Steps: the stages of the module docstring, then the result objects (timed as
    "results"), with the garbage collector paused (`gc_paused`) until the block ends.
    Once the plan is known, the unfunded analysis and the KPIs (which need it) are found
    in a forked process (`beside`, from `BESIDE_FROM` units on) while this one builds the
    works' and clusters' results (when the block first asks for them) and the caller's
    block uses them: the services store the plan meanwhile, on a city seconds of either.
    Their stages, "unfunded" and "kpis", overlap the others; `stats.seconds["total"]` is
    the time from the start to `result()`'s answer, not a sum.

    `meanwhile`: the caller's own work that needs nothing of the plan (reading the
    database, say), called once on this thread during the schedule stage: while HiGHS
    solves the LP relaxation on another thread for the heuristic, which leaves this one
    waiting for seconds on a city, or just before the MILP. It is given the results'
    `Fixed` part, which is built just before it ("fixed"). Both times are part of the
    schedule's.
    """
    started = time.perf_counter()
    with gc_paused():
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
        fixed = functools.cache(lambda: fixed_results(works, scores, couplings))

        def aside() -> None:
            with clock("fixed"):
                settled = fixed()
            if meanwhile is not None:
                meanwhile(settled)

        with clock("schedule"):
            start = warm_start_units(units, staged.keys, instance.warm_start, params.first_year)
            chosen = schedule(
                units,
                data.budget,
                params,
                method,
                pairs,
                data.carry_over(params.carry_over),
                start=start,
                meanwhile=aside,
            )
            years = scheduled_years(units, chosen, len(works), params.first_year)
            discount = coupling_discounts(units, chosen, len(works))
        with clock("graafrust"):
            breaks = find_graafrust_breaks(pairs, years)

        def unfunded_and_kpis() -> tuple[list[UnfundedRow], tuple[Kpi, ...], dict[str, float]]:
            aside = Stopwatch()
            with aside("unfunded"):
                unfunded = find_unfunded(
                    works,
                    units,
                    chosen,
                    data.budget,
                    data.tensor,
                    data.lines,
                    params,
                    scores[col.SCHEDULING_VALUE].to_numpy(dtype=float),
                    closed=closed_years(pairs, years, params.horizon, params.first_year),
                    neighbours=couplings.neighbours,
                    teams=data.teams,
                )
            with aside("kpis"):
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
                    chosen.gap,
                )
                kpis = pd.concat(
                    [kpis, resource_kpis(data, units, chosen.start, years, params)],
                    ignore_index=True,
                )
                kpi_rows = kpi_results(kpis)
            return unfunded, kpi_rows, aside.seconds

        with beside(unfunded_and_kpis, len(units) >= BESIDE_FROM) as found:

            @functools.cache
            def results() -> tuple[tuple[WorkResult, ...], tuple[Cluster, ...]]:
                with clock("graafrust"):
                    causes = graafrust_causes(
                        pairs, years, data.feasible, chosen.blocked, data.rows, params.first_year
                    )
                with clock("results"):
                    saved = hours_saved_per_work(
                        units, chosen.start, data.tensor, data.preparation, data.teams, len(works)
                    )
                    cost = works[col.TOTAL_COST].to_numpy(dtype=float)
                    work_rows = work_results(fixed(), cost, years, discount, breaks, causes, saved)
                    return work_rows, cluster_results(fixed(), couplings, years)

            def result() -> Result:
                work_rows, cluster_rows = results()
                unfunded, kpi_rows, aside = found()
                with clock("results"):
                    reasons = {row.work: row.reason for row in unfunded}
                    work_rows = tuple(
                        replace(row, unfunded_reason=reasons[row.key])
                        if row.key in reasons
                        else row
                        for row in work_rows
                    )
                    unfunded_rows = tuple(round_gap(row) for row in unfunded)
                    value = float(
                        sum(
                            unit.value
                            for unit, year in zip(units, chosen.start, strict=True)
                            if year >= 0
                        )
                    )
                seconds = {**clock.seconds, **aside}
                seconds["total"] = round(time.perf_counter() - started, 4)
                return Result(
                    works=work_rows,
                    clusters=cluster_rows,
                    unfunded=unfunded_rows,
                    kpis=kpi_rows,
                    stats=Stats(
                        solver=chosen.solver,
                        status=chosen.status,
                        objective=chosen.objective,
                        value=value,
                        best_bound=chosen.best_bound,
                        gap=chosen.gap,
                        seconds=seconds,
                    ),
                )

            yield Planned(results, functools.cache(result), fixed())
