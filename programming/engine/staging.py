"""The stages before the schedule: prepare, couple, score, and build the units and the
graafrust pairs. They do not depend on the budgets, so `run` computes them once and what
extra money buys (whatif.py) reuses them for every re-solve of the schedule."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import pandas as pd

from programming.engine import columns as col
from programming.engine.beside import beside
from programming.engine.couplings import Couplings, along_pairs, find_couplings
from programming.engine.frames import Prepared, prepare
from programming.engine.graafrust import ClosedPairs, closed_pairs
from programming.engine.instance import Instance
from programming.engine.scoring import score_works
from programming.engine.units import Unit, build_units

#: From this many works on, the geometric pairs are found in a forked process beside the
#: frames (`stage`); below it (the demo has ~1,700) they take less than a process costs.
ALONG_BESIDE_FROM = 20_000


@dataclass(frozen=True)
class Staged:
    """The stages before the schedule, as `run` builds them."""

    instance: Instance
    data: Prepared
    couplings: Couplings
    scores: pd.DataFrame
    units: list[Unit]
    pairs: ClosedPairs

    @property
    def keys(self) -> list[str]:
        keys: list[str] = self.data.works[col.KEY].tolist()
        return keys


def _untimed(_stage: str) -> AbstractContextManager[None]:
    return nullcontext()


def stage(
    instance: Instance, clock: Callable[[str], AbstractContextManager[None]] = _untimed
) -> Staged:
    """Prepare, couple and score an instance, and build its units and graafrust pairs;
    `clock` times the stages prepare, couplings, scoring and schedule (the units). The
    geometric pairs of the couplings are found beside the frames from
    `ALONG_BESIDE_FROM` works on, so "couplings" holds only what is left of them when
    prepare ends."""
    params = instance.parameters
    geometry = pd.Series([work.geometry for work in instance.works], dtype=object)
    along = functools.partial(
        along_pairs, geometry, params.coupling_distance, params.coupling_overlap
    )
    # The works along each other by geometry need only the geometries: on a city they are
    # found in a forked process beside the frames (`beside`). A thread shared the GIL
    # with the frames' Python: each of its numpy and shapely calls waited for it, and the
    # pairs took 2.5 s instead of 1.8 s (1M-asset city).
    with beside(along, len(instance.works) >= ALONG_BESIDE_FROM) as geometric:
        with clock("prepare"):
            data = prepare(instance)
            works = data.works
            position = {key: i for i, key in enumerate(works[col.KEY])}
            accepted = [[position[k] for k in members] for members in instance.accepted_clusters]
            rejected = [[position[k] for k in members] for members in instance.rejected_clusters]
        with clock("couplings"):
            couplings = find_couplings(
                works, data.feasible, params, accepted, rejected, geometric()
            )
    with clock("scoring"):
        scores = score_works(works, couplings, params)
    with clock("schedule"):
        units = build_units(
            works,
            scores[col.SCHEDULING_VALUE],
            scores[col.SOLO_VALUE],
            data.feasible,
            data.tensor,
            couplings,
            params.first_year,
            params.opening_cost_share,
            data.preparation,
        )
        pairs = closed_pairs(
            works, couplings.neighbours, params.graafrust_years, params.graafrust_weight
        )
    return Staged(instance, data, couplings, scores, units, pairs)
