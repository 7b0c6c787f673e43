"""Priority (afwegingskader): a transparent 0–100 score per work with its breakdown.

Every criterion is first brought to 0–1, then weighted by the framework's relative
weights (divided by their sum). The score is 100 × the weighted sum; the breakdown holds
each criterion's points, so the points add up to the score. A criterion without input
for a work scores 0 for that work: the framework rewards what is substantiated.

==========  ===============================================================================
criterion   0–1 value
==========  ===============================================================================
urgentie    the worse of condition ((NEN 2767 score − 1) / 5) and remaining life
            (1 − remaining life / horizon, clipped to 0–1: no life left is 1)
risico      the risk as given (0–1)
ambitie     ambition weight / the largest ambition weight among the works
sociaal     (social priority of the area − 1) / 4, from the 1–5 scale
koppeling   the share of its cluster's street-opening costs the coupling saves:
            savings / (opening cost share × Σ cost of opening members)
kosten      1 for the cheapest work, 0 for the most expensive, linear in log(cost) in
            between (a work ten times as expensive loses the same anywhere on the scale)
zekerheid   idee 0.3, voorgenomen 0.7, vastgesteld 1.0
==========  ===============================================================================

A work's explicit `value` replaces its score as its value in the schedule; the score
and breakdown are still reported. The koppeling points are earned only by doing the
work in its cluster: placed on its own, a work is worth its score without them
(`SOLO_VALUE`, used by units.py), so the schedule weighs coupling as the framework does.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.couplings import Couplings
from programming.engine.instance import FIRM, IDEA, INTENDED, Parameters

CERTAINTY_VALUE = {IDEA: 0.3, INTENDED: 0.7, FIRM: 1.0}


def score_works(works: pd.DataFrame, couplings: Couplings, params: Parameters) -> pd.DataFrame:
    """Points per criterion, the score and the scheduling value of every work.

    Steps:
    1. Each criterion's 0–1 value (see the module docstring).
    2. Weights divided by their sum (all zero: every score is 0).
    3. Points = 100 × normalised weight × value; score = Σ points.
    4. Scheduling value = the explicit value where given, else the score; on its own,
       without the koppeling points.
    """
    values = criterion_values(works, couplings, params)
    weights = pd.Series({code: params.weights.get(code, 0.0) for code in col.CRITERIA})
    total = float(weights.sum())
    normalised = weights / total if total > 0 else weights * 0.0
    points = values.mul(100.0 * normalised, axis=1)
    points[col.SCORE] = points[list(col.CRITERIA)].sum(axis=1)
    points[col.SCHEDULING_VALUE] = works[col.VALUE].fillna(points[col.SCORE])
    points[col.SOLO_VALUE] = works[col.VALUE].fillna(points[col.SCORE] - points[col.COUPLING])
    return points


def criterion_values(works: pd.DataFrame, couplings: Couplings, params: Parameters) -> pd.DataFrame:
    """Each criterion's 0–1 value per work (one column per criterion code)."""
    return pd.DataFrame(
        {
            col.URGENCY: urgency(works, params.horizon),
            col.RISK_CRITERION: works[col.RISK].fillna(0.0).clip(0.0, 1.0),
            col.AMBITION: relative_to_largest(works[col.AMBITION_WEIGHT]),
            col.SOCIAL: ((works[col.SOCIAL_PRIORITY] - 1.0) / 4.0).fillna(0.0),
            col.COUPLING: coupling_value(works, couplings, params.opening_cost_share),
            col.COST: cost_efficiency(works[col.TOTAL_COST]),
            col.CERTAINTY_CRITERION: works[col.CERTAINTY].map(CERTAINTY_VALUE).astype(float),
        },
        index=works.index,
    )


def urgency(works: pd.DataFrame, horizon: int) -> pd.Series:
    """The worse (higher) of the condition and the remaining-life signal; 0 without either."""
    by_condition = (works[col.CONDITION] - 1.0) / 5.0
    by_life = 1.0 - works[col.REMAINING_LIFE].clip(0.0, float(horizon)) / horizon
    return pd.Series(np.fmax(by_condition, by_life), index=works.index).fillna(0.0)


def relative_to_largest(values: pd.Series) -> pd.Series:
    largest = float(values.max()) if len(values) else 0.0
    return values / largest if largest > 0 else values * 0.0


def coupling_value(works: pd.DataFrame, couplings: Couplings, share: float) -> pd.Series:
    """Share of the cluster's street-opening costs saved, for every member of the cluster."""
    value = np.zeros(len(works))
    cost = works[col.TOTAL_COST].to_numpy(dtype=float)
    opens = works[col.OPENS_STREET].to_numpy(dtype=bool)
    for cluster in couplings.clusters:
        members = list(cluster.members)
        opening_cost = float(cost[members][opens[members]].sum())
        if cluster.savings > 0 and share > 0 and opening_cost > 0:
            value[members] = cluster.savings / (share * opening_cost)
    return pd.Series(value, index=works.index)


def cost_efficiency(cost: pd.Series) -> pd.Series:
    """1 for the cheapest, 0 for the most expensive, linear in log(cost); free works score 1."""
    positive = cost[cost > 0]
    if positive.empty or positive.min() == positive.max():
        return pd.Series(1.0, index=cost.index)
    low, high = np.log(positive.min()), np.log(positive.max())
    logs = np.log(cost.where(cost > 0, positive.min()))
    efficiency: pd.Series = ((high - logs) / (high - low)).clip(0.0, 1.0)
    return efficiency
