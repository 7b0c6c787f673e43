"""The engine's frames and arrays turned into the Result objects (rounded for output)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from itertools import chain
from typing import Any, cast

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.couplings import Couplings
from programming.engine.instance import (
    ACCEPTED,
    PROPOSED,
    Cluster,
    Kpi,
    UnfundedRow,
    WorkResult,
)
from programming.engine.kpis import TEAM


@dataclass(frozen=True, eq=False)
class Fixed:
    """What the plan does not change of the works' and the clusters' results, as
    `WorkResult` and `Cluster` hold it: per work, in the works' order, its key, score,
    breakdown and cluster key; every cluster without its year. `plan` builds it while
    HiGHS solves the LP relaxation (0.34 s on the 1M-asset city, where the results
    after the plan went from 1.19 to 0.67 s) and gives it to the caller's `meanwhile`.
    Compared by identity."""

    keys: list[str]
    scores: list[float]
    breakdowns: list[dict[str, float]]
    cluster_keys: list[str | None]
    clusters: tuple[Cluster, ...]

    def scored(self) -> dict[str, tuple[float, dict[str, float]]]:
        """Each work's score and breakdown by its key."""
        return dict(zip(self.keys, zip(self.scores, self.breakdowns, strict=True), strict=True))


def fixed_results(works: pd.DataFrame, scores: pd.DataFrame, couplings: Couplings) -> Fixed:
    """The `Fixed` part of the results of `works` with their `scores` and `couplings`."""
    keys: list[str] = works[col.KEY].tolist()
    score = scores[col.SCORE].to_numpy(dtype=float)
    # pandas-stubs types record keys as Hashable; the criteria columns are str names.
    breakdowns = cast(
        "list[dict[str, float]]", scores[list(col.CRITERIA)].round(4).to_dict("records")
    )
    of = couplings.cluster_of(len(works)).tolist()
    cluster_keys = [couplings.clusters[c].key if c >= 0 else None for c in of]
    clusters = []
    for cluster in couplings.clusters:
        members = list(cluster.members)
        clusters.append(
            Cluster(
                key=cluster.key,
                members=tuple(keys[m] for m in members),
                kind=cluster.kind,
                status=ACCEPTED if cluster.accepted else PROPOSED,
                window_start=cluster.years[0] if cluster.years else None,
                window_end=cluster.years[-1] if cluster.years else None,
                year=None,
                savings=round(cluster.savings, 2),
                openings_avoided=cluster.openings_avoided,
                score=round(float(score[members].mean()), 4),
            )
        )
    scored = [round(x, 4) for x in score.tolist()]
    return Fixed(keys, scored, breakdowns, cluster_keys, tuple(clusters))


def work_results(
    fixed: Fixed,
    cost: np.ndarray,
    years: np.ndarray,
    discount: np.ndarray,
    breaks: np.ndarray,
    graafrust_causes: Mapping[int, str] | None = None,
    hours_saved: Sequence[dict[str, float]] | None = None,
) -> tuple[WorkResult, ...]:
    """One result per work: the `fixed` part with its year, what coupling saves on its
    `cost`, graafrust and, when it breaks graafrust, why (`graafrust_causes`: work index
    → cause), and the preparation hours it shares (`hours_saved`, per work). Without the
    reason it is unfunded: `engine.plan` adds that once the analysis is done."""
    causes = graafrust_causes or {}
    shared = hours_saved or [{} for _ in fixed.keys]
    saving = (discount * cost).tolist()
    return tuple(
        WorkResult(
            key=key,
            scheduled_year=None if year != year else int(year),  # NaN: not scheduled
            score=fixed.scores[i],
            breakdown=fixed.breakdowns[i],
            cluster=fixed.cluster_keys[i],
            saving=round(saving[i], 2),
            breaks_graafrust=broken,
            graafrust_cause=causes.get(i),
            hours_saved=shared[i],
        )
        for i, (key, year, broken) in enumerate(
            zip(fixed.keys, years.tolist(), breaks.astype(bool).tolist(), strict=True)
        )
    )


def cluster_results(fixed: Fixed, couplings: Couplings, years: np.ndarray) -> tuple[Cluster, ...]:
    """One result per cluster: the `fixed` one with the year all members start in, if
    they do."""
    if not couplings.clusters:
        return ()
    sizes = [len(cluster.members) for cluster in couplings.clusters]
    members = chain.from_iterable(cluster.members for cluster in couplings.clusters)
    started = years[np.fromiter(members, dtype=np.intp, count=sum(sizes))]
    firsts = np.cumsum([0, *sizes[:-1]])
    unscheduled = np.add.reduceat(np.isnan(started).astype(np.intp), firsts) > 0
    low, high = np.fmin.reduceat(started, firsts), np.fmax.reduceat(started, firsts)
    together = (~unscheduled & (low == high)).tolist()
    return tuple(
        replace(row, year=int(year)) if joint else row
        for row, joint, year in zip(fixed.clusters, together, low.tolist(), strict=True)
    )


def kpi_results(kpis: pd.DataFrame) -> tuple[Kpi, ...]:
    """The KPI frame as Kpi objects, empty dimensions as None."""

    def optional(value: Any) -> str | None:
        # The area, budget line, theme and team columns hold str codes or NaN.
        return None if pd.isna(value) else cast(str, value)

    return tuple(
        Kpi(
            code=row[col.CODE],
            value=round(float(row[col.VALUE]), 6),
            year=None if pd.isna(row[col.YEAR]) else int(row[col.YEAR]),
            area=optional(row[col.AREA]),
            budget_line=optional(row[col.BUDGET_LINE]),
            theme=optional(row[col.THEME]),
            team=optional(row[TEAM]),
        )
        for row in kpis.to_dict("records")
    )


def round_gap(row: UnfundedRow) -> UnfundedRow:
    return replace(row, gap=round(row.gap, 2))
