"""Group asset needs into measures (maatregelen): nobody programmes single paving stones.

A *need* is one asset's replacement: its window [earliest, latest], preferred year, cost
on a budget line. The grouping rule (a programme parameter) says which needs may form a
measure together:

- ``straat`` (default): the same discipline in the same street of the same area (needs
  without a street: the same area);
- ``gebied``: the same discipline in the same area, whatever the street;
- ``object``: every asset is a measure of its own.

Needs of one group become one measure while their windows still share a year; a need
whose window starts after the measure's common window ends starts the next measure. The measure
gets that common window, the median preferred year (clipped into it), the summed costs
per budget line and the worst condition of its assets.

Needs already overdue when the programme starts (latest < first year) are backlog: they
get the window [first year, first year + backlog_years − 1] and prefer the first year.
Other windows that open before the first year open in it instead.
Needs that only start after the horizon are left out.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, cast

import numpy as np
import pandas as pd
import shapely

from programming.engine.instance import FIRM, KIND_MEASURE, Work

# Columns of the needs frame (one row per asset).
ASSET = "asset"
DISCIPLINE = "discipline"
AREA = "area"
STREET = "street"
EARLIEST = "earliest"
LATEST = "latest"
PREFERRED = "preferred_year"
COST = "cost"
BUDGET_LINE = "budget_line"
CONDITION = "condition"
REMAINING_LIFE = "remaining_life"
OPENS_STREET = "opens_street"
RECONSTRUCTS_STREET = "reconstructs_street"
OWNER = "owner"
BBOX = ("bbox_xmin", "bbox_ymin", "bbox_xmax", "bbox_ymax")
NEED_COLUMNS = (
    ASSET, DISCIPLINE, AREA, STREET, EARLIEST, LATEST, PREFERRED, COST, BUDGET_LINE,
    CONDITION, REMAINING_LIFE, OPENS_STREET, RECONSTRUCTS_STREET, OWNER, *BBOX,
)  # fmt: skip
MEASURE = "measure"
PLACE = "place"
#: The grouping rules, see the module docstring.
GROUPINGS = ("straat", "gebied", "object")


@dataclass(frozen=True)
class Measures:
    works: list[Work]
    #: The measure key of every need that made it into the programme, indexed like the needs.
    assignment: pd.Series


def _sweep(group_start: np.ndarray, earliest: np.ndarray, latest: np.ndarray) -> np.ndarray:
    """Measure number per sorted need: a new measure where a group starts or where the need's
    window begins after the running common window has closed."""
    number = np.empty(len(earliest), dtype=np.int64)
    current = -1
    high = 0
    for i in range(len(earliest)):
        if group_start[i] or earliest[i] > high:
            current += 1
            high = latest[i]
        else:
            high = min(high, latest[i])
        number[i] = current
    return number


def _key(discipline: str, area: str, street: str, asset: str, ordinal: int) -> str:
    where = "|".join([discipline, area, street, *([asset] if asset else [])])
    place = hashlib.sha1(where.encode()).hexdigest()[:12]
    return f"M:{discipline}:{place}:{ordinal}"


def group_measures(
    needs: pd.DataFrame,
    *,
    first_year: int,
    horizon: int,
    backlog_years: int = 3,
    grouping: str = "straat",
    area_names: dict[str, str] | None = None,
) -> Measures:
    """Turn needs into measure works; see the module docstring for the rule.

    Steps: shift backlog into the first years; drop needs beyond the horizon; sort by
    place and window; sweep the common windows; aggregate per measure.
    """
    last_year = first_year + horizon - 1
    frame = needs.loc[needs[EARLIEST] <= last_year].copy()
    overdue = frame[LATEST] < first_year
    frame.loc[overdue, EARLIEST] = first_year
    frame.loc[overdue, LATEST] = first_year + backlog_years - 1
    frame.loc[overdue, PREFERRED] = first_year
    # What could have been done before the programme starts can be done in its first year.
    frame[EARLIEST] = frame[EARLIEST].clip(lower=first_year)
    frame[PREFERRED] = frame[PREFERRED].clip(lower=frame[EARLIEST], upper=frame[LATEST])
    if grouping not in GROUPINGS:
        raise ValueError(f"onbekende groepering {grouping!r}; kies uit {', '.join(GROUPINGS)}")
    frame[STREET] = frame[STREET].fillna("")
    if grouping == "gebied":
        frame[STREET] = ""
    frame[PLACE] = frame[ASSET].astype(str) if grouping == "object" else ""
    frame = frame.sort_values([DISCIPLINE, AREA, STREET, PLACE, EARLIEST, LATEST], kind="stable")

    place = frame[[DISCIPLINE, AREA, STREET, PLACE]]
    group_start = (place != place.shift()).any(axis=1).to_numpy()
    frame[MEASURE] = _sweep(
        group_start, frame[EARLIEST].to_numpy(np.int64), frame[LATEST].to_numpy(np.int64)
    )
    ordinal = frame.groupby([DISCIPLINE, AREA, STREET, PLACE], sort=False)[MEASURE].rank(
        method="dense"
    )

    grouped = frame.groupby(MEASURE, sort=True)
    summary = grouped.agg(
        discipline=(DISCIPLINE, "first"),
        area=(AREA, "first"),
        street=(STREET, "first"),
        place=(PLACE, "first"),
        start=(EARLIEST, "max"),
        end=(LATEST, "min"),
        preferred=(PREFERRED, "median"),
        condition=(CONDITION, "max"),
        remaining_life=(REMAINING_LIFE, "min"),
        opens=(OPENS_STREET, "any"),
        reconstructs=(RECONSTRUCTS_STREET, "any"),
        owner=(OWNER, "first"),
        count=(ASSET, "size"),
    )
    summary["ordinal"] = ordinal.groupby(frame[MEASURE]).first().astype(int)
    summary["preferred"] = np.clip(np.round(summary["preferred"]), summary["start"], summary["end"])
    costs = frame.groupby([MEASURE, BUDGET_LINE])[COST].sum()
    cost_by_measure: dict[int, dict[str, tuple[float, ...]]] = {}
    # pandas-stubs types a MultiIndex label as Hashable; here it is a (measure, line) pair.
    for (measure, line), amount in cast("Iterable[tuple[tuple[int, str], float]]", costs.items()):
        cost_by_measure.setdefault(measure, {})[line] = (round(float(amount), 2),)
    # Where the measure is: the centres of its assets. A bounding box of a whole street or
    # buurt would make every work in it a neighbour of every other.
    centres = frame.assign(
        x=(frame[BBOX[0]] + frame[BBOX[2]]) / 2, y=(frame[BBOX[1]] + frame[BBOX[3]]) / 2
    ).dropna(subset=["x", "y"])
    points = shapely.multipoints(
        # asarray: shapely's stubs type points() of arrays as "one point or an array".
        np.asarray(shapely.points(centres["x"].to_numpy(), centres["y"].to_numpy())),
        indices=centres[MEASURE].to_numpy(),
    )
    shapes = pd.Series(
        shapely.to_wkt(points, rounding_precision=3, trim=True),
        index=np.unique(centres[MEASURE].to_numpy()),
    )
    boxes = shapes.reindex(summary.index).to_numpy(dtype=object)
    names = area_names or {}
    keys = {}
    works = []
    # Plain dicts: pandas' per-row access (iterrows) costs more than building the works.
    # pandas-stubs types record keys as Hashable; summary's columns are str names.
    records = cast(
        "list[dict[str, Any]]",
        summary.astype(object).where(summary.notna(), None).to_dict("records"),
    )
    for measure, record, box in zip(summary.index, records, boxes, strict=True):
        row = SimpleNamespace(**record)
        key = _key(row.discipline, row.area, row.street, row.place, row.ordinal)
        keys[measure] = key
        where = row.street or names.get(row.area, row.area)
        works.append(
            Work(
                key=key,
                kind=KIND_MEASURE,
                label=f"{row.discipline}: {where} ({row.count} objecten)",
                window_start=int(row.start),
                window_end=int(row.end),
                preferred_year=int(row.preferred),
                costs=cost_by_measure.get(measure, {}),
                area=row.area,
                street=row.street or None,
                geometry=box if isinstance(box, str) else None,
                opens_street=bool(row.opens),
                reconstructs_street=bool(row.reconstructs),
                certainty=FIRM,
                condition=None if row.condition is None else int(row.condition),
                remaining_life=None if row.remaining_life is None else float(row.remaining_life),
                owner=row.owner,
            )
        )
    return Measures(works, frame[MEASURE].map(keys).reindex(needs.index))
