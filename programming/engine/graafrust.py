"""Graafrust: after a street is reconstructed it stays closed to new digging for a while.

A work that reconstructs the street (new asphalt or paving) in year Y closes its place
until Y + graafrust_years. A street-opening work in the same place (a neighbour pair:
within the coupling distance, or the same street or area without geometry) scheduled
in a year after Y up to and including Y + graafrust_years breaks the graafrust and is
flagged. Digging in year Y itself is not a break: the works can run together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from programming.engine import columns as col


def find_graafrust_breaks(
    works: pd.DataFrame, neighbours: np.ndarray, years: np.ndarray, graafrust_years: int
) -> np.ndarray:
    """Per work, True when it opens the street in a neighbour's graafrust period.

    Steps:
    1. Take every neighbour pair in both directions (reconstruction, opening).
    2. Keep the pairs where the first reconstructs and the second opens the street,
       both are scheduled, and the opening falls in (Y, Y + graafrust_years].
    3. Flag the opening works.
    """
    breaks = np.zeros(len(works), dtype=bool)
    if len(neighbours) == 0 or graafrust_years == 0:
        return breaks
    reconstructs = works[col.RECONSTRUCTS_STREET].to_numpy(dtype=bool)
    opens = works[col.OPENS_STREET].to_numpy(dtype=bool)
    closed, digging = np.concatenate([neighbours, neighbours[:, ::-1]]).T
    after = years[digging] - years[closed]  # NaN when either is not scheduled
    hit = reconstructs[closed] & opens[digging] & (after > 0) & (after <= graafrust_years)
    breaks[digging[hit]] = True
    return breaks
