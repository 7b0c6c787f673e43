"""The cost model of coupling: what combining street-opening works saves.

Every work that opens the street pays for opening it, a traffic plan, and reinstating
the paving afterwards. That part is ``opening_cost_share`` of its cost: on riool.net
(RIONED, "Kosten van rioolvervanging") paving and reinstatement are 30–60% of the cost of
replacing a sewer, and the engine's default, 0.30, is the cautious end of that range.

When street-opening works are combined into one cluster, the street is opened once. The
model keeps the opening of the most expensive opening member (the largest trench decides
the traffic plan and the reinstatement) and saves the opening part of every other one::

    savings = share × (Σ cost of opening members − max cost of an opening member)
    openings avoided = number of opening members − 1

Works that do not open the street (an asphalt renewal, lighting on the verge) save
nothing in this model; they matter for graafrust instead.
"""

from __future__ import annotations

from collections.abc import Sequence


def opening_savings(opening_costs: Sequence[float], share: float) -> float:
    """Savings of one cluster from the total costs of its street-opening members."""
    if len(opening_costs) < 2:
        return 0.0
    return share * (float(sum(opening_costs)) - float(max(opening_costs)))


def openings_avoided(opening_count: int) -> int:
    """Street openings a cluster avoids: all of its openings but one."""
    return max(opening_count - 1, 0)
