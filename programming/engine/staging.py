"""The stages before the schedule: prepare, couple, score, and build the units and the
graafrust pairs. They do not depend on the budgets, so `run` computes them once and what
extra money buys (whatif.py) reuses them for every re-solve of the schedule."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass

import pandas as pd

from programming.engine import columns as col
from programming.engine.couplings import Couplings, along_pairs, find_couplings
from programming.engine.frames import Prepared, prepare
from programming.engine.graafrust import ClosedPairs, closed_pairs
from programming.engine.instance import Instance
from programming.engine.scoring import score_works
from programming.engine.units import Unit, build_units


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
    geometric pairs of the couplings are found in a thread while the frames are
    prepared, so "couplings" holds only what is left of them when prepare ends."""
    params = instance.parameters
    with ThreadPoolExecutor(1) as pool:
        # The works along each other by geometry need only the geometries, and shapely,
        # scipy's k-d tree and numpy's sorts let go of the GIL: so they are found beside
        # the frames (1M-asset city: 4.5 s and 1.8 s apart, 4.2 s together).
        geometry = pd.Series([work.geometry for work in instance.works], dtype=object)
        geometric = pool.submit(
            along_pairs, geometry, params.coupling_distance, params.coupling_overlap
        )
        with clock("prepare"):
            data = prepare(instance)
            works = data.works
            position = {key: i for i, key in enumerate(works[col.KEY])}
            accepted = [[position[k] for k in members] for members in instance.accepted_clusters]
            rejected = [[position[k] for k in members] for members in instance.rejected_clusters]
        with clock("couplings"):
            couplings = find_couplings(
                works, data.feasible, params, accepted, rejected, geometric.result()
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
