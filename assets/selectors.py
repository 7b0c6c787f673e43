"""Reads on the asset base, as DataFrames for the lifecycle rule in `assets.lifecycle`."""

import os
import pickle
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.db import connections
from django.db.models import Max, Min, QuerySet
from django.utils import timezone

from assets import deterioration, lifecycle
from assets.models import Asset, AssetClass

PRICE_INDEX_FILE = Path(__file__).parent / "data" / "price_index.csv"

#: Decimals become floats (euros and metres need no exact arithmetic in a plan), nullable
#: integers stay integers.
ASSET_DTYPES = {
    lifecycle.ID: "int64",
    lifecycle.ASSET_CLASS_ID: "int64",
    lifecycle.CONSTRUCTION_YEAR: "int64",
    lifecycle.LIFESPAN_OVERRIDE: "Int64",
    lifecycle.CONDITION: "Int64",
    lifecycle.QUANTITY: "float64",
    lifecycle.UNIT_COST_OVERRIDE: "float64",
    # The bounding box, read as an extra by the programme's measures, which take it as
    # floats: declared, it skips inferring a dtype from a million values per column.
    "bbox_xmin": "float64",
    "bbox_ymin": "float64",
    "bbox_xmax": "float64",
    "bbox_ymax": "float64",
}


@cache
def _read_price_index(path: Path) -> pd.Series:
    table = pd.read_csv(path, usecols=["year", "index"], dtype={"year": "int64"})
    return table.set_index("year")["index"].astype("float64").sort_index()


def price_index() -> pd.Series:
    """The construction price index (GWW, 2015 = 100) by year, read from the data file once.

    Each row of the file names its source. Years outside the table take the nearest year's
    index (see `assets.lifecycle.price_index_at`). A copy, so callers cannot change the cache.
    """
    return _read_price_index(PRICE_INDEX_FILE).copy()


def _default_years(reference_year: int | None, price_year: int | None) -> tuple[int, int]:
    reference_year = timezone.localdate().year if reference_year is None else reference_year
    return reference_year, reference_year if price_year is None else price_year


@dataclass(frozen=True)
class AssetRecords:
    """The rows the lifecycle rule needs, loaded in two queries: assets and classes."""

    assets: pd.DataFrame
    classes: pd.DataFrame


#: Rows fetched and turned into columns at a time by `_read_columns`.
READ_CHUNK = 50_000


def _column(parts: list[Any], dtype: str | None) -> Any:
    """One column from what `_read_columns` gathered: with a dtype, its converted chunks,
    joined; without one, all its values, inferred at once (a chunk of all None would
    otherwise be inferred apart from the others)."""
    if dtype is None:
        return pd.Series(parts)
    if dtype.islower():
        return np.concatenate(parts) if parts else np.array([], dtype=dtype)
    if not parts:
        return pd.array([], dtype=dtype)
    return pd.concat([pd.Series(chunk) for chunk in parts], ignore_index=True)


def _read_columns(queryset: QuerySet, columns: list[str], dtypes: dict[str, str]) -> pd.DataFrame:
    """The rows of `queryset.values_list(*columns)` as a DataFrame: a column with a dtype
    in `dtypes` is converted to it (None becomes NaN, or NA for the nullable integers),
    the others are inferred as `DataFrame.from_records` would.

    The SQL is still Django's, but the rows skip its per-value converters (a Decimal
    and a date object for each of a million assets cost seconds). They are fetched
    `READ_CHUNK` at a time and each chunk's typed values become arrays at once: the
    city's million rows held all together lifted the read's peak from 723 to 850 MiB,
    and memory new to the process costs page faults on a virtual machine
    (docs/benchmarks.md, round 8).
    """
    sql, params = queryset.values_list(*columns).query.sql_with_params()
    parts: dict[str, list[Any]] = {column: [] for column in columns}
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_CHUNK):
            for column, values in zip(columns, zip(*rows, strict=True), strict=True):
                dtype = dtypes.get(column)
                if dtype is None:
                    parts[column].extend(values)
                elif dtype.islower():
                    parts[column].append(np.array(values, dtype=dtype))
                else:
                    parts[column].append(pd.array(values, dtype=dtype))
    data = {column: _column(parts.pop(column), dtypes.get(column)) for column in columns}
    return pd.DataFrame(data, columns=columns)


def _read_assets(queryset: QuerySet[Asset], columns: list[str]) -> pd.DataFrame:
    """The assets of `queryset` in id order as a frame of `columns` with their dtypes."""
    frame = _read_columns(queryset.order_by("pk"), columns, ASSET_DTYPES)
    frame[lifecycle.CONDITION_DATE] = pd.to_datetime(frame[lifecycle.CONDITION_DATE])
    return frame


#: From this many asset ids on, `asset_records` reads the upper half of the ids in a
#: second process while this one reads the lower half (`_read_in_two`).
SPLIT_FROM = 200_000


def _in_child(read: Callable[[], pd.DataFrame], alias: str) -> Callable[[], pd.DataFrame]:
    """Run `read` in a forked process on a database connection of its own, and return a
    function that waits for its frame (pickled through a pipe, drained by a thread so
    the child never blocks on a full pipe).

    The child leaves with `os._exit`: it never closes, nor uses, the connection it
    inherited, which still belongs to this process.
    """
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        try:
            connections[alias] = connections.create_connection(alias)
            payload = pickle.dumps((True, read()), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:  # any failure at all is reported to the parent
            payload = pickle.dumps((False, f"{type(exc).__name__}: {exc}"))
        with os.fdopen(writer, "wb") as out:
            out.write(payload)
        os._exit(0)
    os.close(writer)
    received: list[bytes] = []

    def drain() -> None:
        with os.fdopen(reader, "rb") as source:
            received.append(source.read())

    thread = threading.Thread(target=drain, name="asset-reader", daemon=True)
    thread.start()

    def result() -> pd.DataFrame:
        thread.join()
        os.waitpid(pid, 0)
        if not received or not received[0]:
            raise RuntimeError("The second process reading the assets ended without a result.")
        done, value = pickle.loads(received[0])
        if not done:
            raise RuntimeError(f"The second process reading the assets failed: {value}")
        frame: pd.DataFrame = value
        return frame

    return result


def _joined(lower: pd.DataFrame, upper: pd.DataFrame) -> pd.DataFrame:
    """The two halves as one frame, with the dtypes one read of all rows gives: a column
    without a fixed dtype whose halves were inferred apart (one half all None, say) is
    inferred again from all its values."""
    frame = pd.concat([lower, upper], ignore_index=True)
    for column in frame.columns:
        if lower[column].dtype != upper[column].dtype:
            frame[column] = pd.Series(frame[column].tolist())
    return frame


def _read_in_two(queryset: QuerySet[Asset], columns: list[str]) -> pd.DataFrame | None:
    """The assets of `queryset` read in two processes at once, or None where one read is
    the better (or the only correct) way.

    A million assets take seconds of Python to turn from rows into a frame, on one core;
    a second process reads and converts the upper half of the ids on the other. Only for
    `SPLIT_FROM` ids or more, where `os.fork` exists, and outside a transaction: the
    child's own connection would not see this one's uncommitted rows.
    """
    alias = queryset.db
    if not hasattr(os, "fork") or connections[alias].in_atomic_block:
        return None
    bounds = Asset.objects.using(alias).aggregate(low=Min("pk"), high=Max("pk"))
    if bounds["low"] is None or bounds["high"] - bounds["low"] < SPLIT_FROM:
        return None
    middle = (bounds["low"] + bounds["high"]) // 2
    upper = _in_child(lambda: _read_assets(queryset.filter(pk__gt=middle), columns), alias)
    try:
        lower = _read_assets(queryset.filter(pk__lte=middle), columns)
    finally:
        # Reaped even when this half fails, so no finished child is left behind.
        upper_frame = upper()
    return _joined(lower, upper_frame)


def asset_records(
    queryset: QuerySet[Asset] | None = None, extra: tuple[str, ...] = ()
) -> AssetRecords:
    """Every asset of `queryset` (default: all) with `lifecycle.ASSET_COLUMNS` and the
    `extra` fields, in id order, and every asset class. Two queries, however many assets;
    the assets are read as plain rows (`_read_columns`), no model or converter per value,
    and from `SPLIT_FROM` ids on in two processes at once (`_read_in_two`)."""
    queryset = Asset.objects.all() if queryset is None else queryset
    # order_by("pk") replaces the model's ordering, which would join the class table.
    columns = [*lifecycle.ASSET_COLUMNS, *extra]
    assets = _read_in_two(queryset, columns)
    if assets is None:
        assets = _read_assets(queryset, columns)
    classes = pd.DataFrame.from_records(
        list(AssetClass.objects.order_by("pk").values_list(*lifecycle.CLASS_COLUMNS)),
        columns=list(lifecycle.CLASS_COLUMNS),
    )
    return AssetRecords(assets, classes)


def with_lifecycle(
    records: AssetRecords, *, reference_year: int | None = None, price_year: int | None = None
) -> pd.DataFrame:
    """The loaded assets with their lifecycle columns, indexed by asset id (no queries)."""
    reference_year, price_year = _default_years(reference_year, price_year)
    result = lifecycle.compute_lifecycle(
        records.assets,
        records.classes,
        reference_year=reference_year,
        price_year=price_year,
        price_index=price_index(),
    )
    return pd.concat([records.assets, result], axis=1).set_index(lifecycle.ID)


def asset_lifecycle_frame(
    *,
    queryset: QuerySet[Asset] | None = None,
    reference_year: int | None = None,
    price_year: int | None = None,
    extra: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Every asset of `queryset` (default: all) with its lifecycle, indexed by asset id.

    The columns are `lifecycle.ASSET_COLUMNS` (without the id), the `extra` asset fields
    (loaded in the same query, for callers that need more of each asset), then
    `lifecycle.OUTPUT_COLUMNS`; rows are in id order. Two queries, however many assets
    (`asset_records`, then `with_lifecycle`). The reference year defaults to this year,
    the price year to the reference year.
    """
    return with_lifecycle(
        asset_records(queryset, extra), reference_year=reference_year, price_year=price_year
    )


def asset_lifecycle_explained(
    asset: Asset, *, reference_year: int | None = None, price_year: int | None = None
) -> list[lifecycle.Step]:
    """The steps that give `asset` its years and value, for the asset page and the API.

    Same defaults and same numbers as `asset_lifecycle_frame`.
    """
    reference_year, price_year = _default_years(reference_year, price_year)
    asset_class = asset.asset_class
    return lifecycle.explain(
        {column: getattr(asset, column) for column in lifecycle.ASSET_COLUMNS},
        {column: getattr(asset_class, column) for column in lifecycle.CLASS_COLUMNS},
        reference_year=reference_year,
        price_year=price_year,
        price_index=price_index(),
        fitted_from=deterioration.lifespan_source(asset_class),
    )
