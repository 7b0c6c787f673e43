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

A need may carry the optional column ``maintenance``: the change in annual maintenance
cost its replacement brings (negative: a worn asset replaced saves repairs). A measure's
``maintenance`` is the sum over its needs; frames without the column give 0.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

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
#: Optional column: the need's change in annual maintenance cost (€ per year).
MAINTENANCE = "maintenance"
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


def _codes(values: np.ndarray) -> np.ndarray:
    """Integer codes that sort like the strings (missing values last), so the grouping
    sorts and compares numbers instead of a million strings."""
    codes, uniques = pd.factorize(values, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def _first_present(values: np.ndarray, starts: np.ndarray) -> list[Any]:
    """Per measure (rows from each start to the next), its first value that is not
    missing, else None: pandas' "first" of a group."""
    present = ~pd.isna(values)
    rows = np.arange(len(values))
    first = np.minimum.reduceat(np.where(present, rows, len(values)), starts)
    ends = np.append(starts[1:], len(values))
    return [values[i] if i < end else None for i, end in zip(first.tolist(), ends, strict=True)]


def _missing_as_none(values: np.ndarray) -> list[Any]:
    return [None if np.isnan(value) else value for value in values.tolist()]


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
    place and window; sweep the common windows; aggregate per measure. A city has a
    million needs, so this works on numpy arrays: the places become integer codes that
    sort like their strings, and a measure's needs are consecutive rows after the sort,
    so each aggregate is one reduction over row ranges.
    """
    if grouping not in GROUPINGS:
        raise ValueError(f"onbekende groepering {grouping!r}; kies uit {', '.join(GROUPINGS)}")
    last_year = first_year + horizon - 1
    kept = np.flatnonzero(needs[EARLIEST].to_numpy() <= last_year)
    if not len(kept):
        return Measures([], pd.Series(np.nan, index=needs.index, name=MEASURE))

    def column(name: str, dtype: Any = None) -> np.ndarray:
        return needs[name].to_numpy(dtype=dtype)[kept]

    earliest = column(EARLIEST, np.int64)
    latest = column(LATEST, np.int64)
    preferred = column(PREFERRED)
    overdue = latest < first_year
    earliest[overdue] = first_year
    latest[overdue] = first_year + backlog_years - 1
    preferred[overdue] = first_year
    # What could have been done before the programme starts can be done in its first year.
    earliest = np.maximum(earliest, first_year)
    preferred = np.minimum(np.maximum(preferred, earliest), latest)
    street = needs[STREET].fillna("").to_numpy(dtype=object)[kept]
    if grouping == "gebied":
        street = np.full(len(kept), "", dtype=object)
    place = (
        needs[ASSET].astype(str).to_numpy(dtype=object)[kept]
        if grouping == "object"
        else np.full(len(kept), "", dtype=object)
    )
    discipline = column(DISCIPLINE, object)
    area = column(AREA, object)
    keys = [_codes(discipline), _codes(area), _codes(street), _codes(place)]
    # lexsort is stable and takes its last key first: the order of a stable sort by
    # discipline, area, street, place, earliest, latest.
    order = np.lexsort((latest, earliest, *reversed(keys)))
    rows = kept[order]
    earliest, latest, preferred = earliest[order], latest[order], preferred[order]
    group_start = np.ones(len(order), dtype=bool)
    for codes in keys:
        sorted_codes = codes[order]
        group_start[1:] &= sorted_codes[1:] == sorted_codes[:-1]
    group_start = ~group_start
    group_start[:1] = True
    measure = _sweep(group_start, earliest, latest)
    starts = np.flatnonzero(np.diff(measure, prepend=-1))
    counts = np.diff(np.append(starts, len(order)))
    # A measure's ordinal in its place: its number since the place's first measure.
    place_first = measure[group_start][np.cumsum(group_start) - 1]
    ordinal = (measure - place_first + 1)[starts]

    def first(values: np.ndarray) -> np.ndarray:
        return values[order[starts]]

    def in_order(name: str, dtype: Any = None) -> np.ndarray:
        return needs[name].to_numpy(dtype=dtype)[rows]

    def reduce(ufunc: np.ufunc, name: str) -> np.ndarray:
        return ufunc.reduceat(in_order(name, np.float64), starts)

    start = np.maximum.reduceat(earliest, starts)
    end = np.minimum.reduceat(latest, starts)
    median = pd.Series(preferred.astype(np.float64)).groupby(measure).median().to_numpy()
    preferred_year = np.clip(np.round(median), start, end)
    condition = _missing_as_none(reduce(np.fmax, CONDITION))
    remaining_life = _missing_as_none(reduce(np.fmin, REMAINING_LIFE))
    opens = np.logical_or.reduceat(in_order(OPENS_STREET, bool), starts)
    reconstructs = np.logical_or.reduceat(in_order(RECONSTRUCTS_STREET, bool), starts)
    owners = _first_present(in_order(OWNER, object), starts)
    maintenance = (
        np.add.reduceat(np.nan_to_num(in_order(MAINTENANCE, np.float64)), starts).tolist()
        if MAINTENANCE in needs.columns
        else [0.0] * len(starts)
    )

    line_codes, lines = pd.factorize(in_order(BUDGET_LINE, object), sort=True)
    priced = line_codes >= 0
    costs = (
        pd.Series(in_order(COST, np.float64)[priced])
        .groupby([measure[priced], line_codes[priced]])
        .sum()
    )
    cost_by_measure: dict[int, dict[str, tuple[float, ...]]] = {}
    for (number, line), amount in zip(costs.index.tolist(), costs.tolist(), strict=True):
        cost_by_measure.setdefault(number, {})[lines[line]] = (round(float(amount), 2),)
    # Where the measure is: the centres of its assets. A bounding box of a whole street or
    # buurt would make every work in it a neighbour of every other.
    x = (in_order(BBOX[0], np.float64) + in_order(BBOX[2], np.float64)) / 2
    y = (in_order(BBOX[1], np.float64) + in_order(BBOX[3], np.float64)) / 2
    located = ~(np.isnan(x) | np.isnan(y))
    points = shapely.multipoints(
        # asarray: shapely's stubs type points() of arrays as "one point or an array".
        np.asarray(shapely.points(x[located], y[located])),
        indices=measure[located],
    )
    shapes = pd.Series(
        shapely.to_wkt(points, rounding_precision=3, trim=True),
        index=np.unique(measure[located]),
    )
    boxes = shapes.reindex(np.arange(len(starts))).to_numpy(dtype=object)
    names = area_names or {}
    columns = zip(
        first(discipline).tolist(),
        first(area).tolist(),
        first(street).tolist(),
        first(place).tolist(),
        ordinal.tolist(),
        start.tolist(),
        end.tolist(),
        preferred_year.tolist(),
        condition,
        remaining_life,
        opens.tolist(),
        reconstructs.tolist(),
        owners,
        counts.tolist(),
        boxes,
        maintenance,
        strict=True,
    )
    works = []
    for number, row in enumerate(columns):
        (disc, where_area, where_street, where_place, nth, *years, worst, least) = row[:10]
        (opens_street, reconstructs_street, owner, count, box, upkeep) = row[10:]
        where = where_street or names.get(where_area, where_area)
        works.append(
            Work(
                key=_key(disc, where_area, where_street, where_place, nth),
                kind=KIND_MEASURE,
                label=f"{disc}: {where} ({count} {'object' if count == 1 else 'objecten'})",
                label_parts={"discipline": disc, "place": where, "count": count},
                window_start=int(years[0]),
                window_end=int(years[1]),
                preferred_year=int(years[2]),
                costs=cost_by_measure.get(number, {}),
                area=where_area,
                street=where_street or None,
                geometry=box if isinstance(box, str) else None,
                opens_street=bool(opens_street),
                reconstructs_street=bool(reconstructs_street),
                certainty=FIRM,
                condition=None if worst is None else int(worst),
                remaining_life=None if least is None else float(least),
                owner=owner,
                maintenance=round(float(upkeep), 2),
            )
        )
    work_keys = np.asarray([work.key for work in works], dtype=object)
    assignment = pd.Series(work_keys[measure], index=needs.index[rows], name=MEASURE)
    return Measures(works, assignment.reindex(needs.index))
