"""The engine's frames and arrays turned into the Result objects (rounded for output)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
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


def work_results(
    works: pd.DataFrame,
    scores: pd.DataFrame,
    years: np.ndarray,
    discount: np.ndarray,
    couplings: Couplings,
    breaks: np.ndarray,
    graafrust_causes: Mapping[int, str] | None = None,
    hours_saved: Sequence[dict[str, float]] | None = None,
) -> tuple[WorkResult, ...]:
    """One result per work: year, score and breakdown, cluster, what coupling saves on
    it, graafrust and, when it breaks graafrust, why (`graafrust_causes`: work index →
    cause), and the preparation hours it shares (`hours_saved`, per work). Without the
    reason it is unfunded: `engine.plan` adds that once the analysis is done."""
    causes = graafrust_causes or {}
    shared = hours_saved or [{} for _ in range(len(works))]
    cluster = couplings.cluster_of(len(works))
    saving = discount * works[col.TOTAL_COST].to_numpy(dtype=float)
    # pandas-stubs types record keys as Hashable; the criteria columns are str names.
    breakdown = cast(
        "list[dict[str, float]]", scores[list(col.CRITERIA)].round(4).to_dict("records")
    )
    score = scores[col.SCORE].to_numpy(dtype=float)
    return tuple(
        WorkResult(
            key=key,
            scheduled_year=None if np.isnan(years[i]) else int(years[i]),
            score=round(float(score[i]), 4),
            breakdown=breakdown[i],
            cluster=couplings.clusters[cluster[i]].key if cluster[i] >= 0 else None,
            saving=round(float(saving[i]), 2),
            breaks_graafrust=bool(breaks[i]),
            graafrust_cause=causes.get(i),
            hours_saved=shared[i],
        )
        for i, key in enumerate(works[col.KEY])
    )


def cluster_results(
    works: pd.DataFrame, scores: pd.DataFrame, years: np.ndarray, couplings: Couplings
) -> tuple[Cluster, ...]:
    """One result per cluster; its year is the one all members start in, if they do."""
    keys = works[col.KEY].to_numpy()
    score = scores[col.SCORE].to_numpy()
    results = []
    for cluster in couplings.clusters:
        members = list(cluster.members)
        started = years[members]
        together = not np.isnan(started).any() and (started == started[0]).all()
        results.append(
            Cluster(
                key=cluster.key,
                members=tuple(str(k) for k in keys[members]),
                kind=cluster.kind,
                status=ACCEPTED if cluster.accepted else PROPOSED,
                window_start=cluster.years[0] if cluster.years else None,
                window_end=cluster.years[-1] if cluster.years else None,
                year=int(started[0]) if together else None,
                savings=round(cluster.savings, 2),
                openings_avoided=cluster.openings_avoided,
                score=round(float(score[members].mean()), 4),
            )
        )
    return tuple(results)


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
