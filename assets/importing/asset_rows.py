"""Assets in an import file: check them (`prepare_assets`), count what they would
create and update (`plan_assets`) and write them in bulk (`write_assets`)."""

import json

import numpy as np
import pandas as pd
import shapely
from django.db import connection
from django.utils import timezone

from assets.importing.places import geometries, place
from assets.importing.rows import Rows
from assets.models import Asset, AssetClass
from impor import geometry
from impor.bulk import insert_rows
from impor.fields import YEAR_MIN
from impor.importing.columns import column_of, normalise
from impor.importing.report import ImportReport
from impor.importing.values import parse_date, parse_number, parse_text, parse_whole
from stakeholders.models import Actor

#: Quantities above these are surely a unit or typing mistake (100 km of sewer in one
#: object, a square kilometre of paving, ten thousand pieces in one point).
ABSURD_QUANTITY = {"m": 100_000, "m2": 1_000_000, "st": 10_000}


def prepare_assets(rows: Rows, report: ImportReport, declared_crs: str | None) -> pd.DataFrame:
    frame = rows.table.frame
    n = len(frame)
    today = timezone.localdate()
    out = pd.DataFrame(index=frame.index)

    rd = geometries(rows, report, declared_crs)
    ids = parse_text(rows.column("external_id"))
    rows.flag(ids.eq(""), "external_id", "het id ontbreekt")
    choice = rows.mapping["external_id"]
    if isinstance(choice, dict) and choice.get("with_location"):
        ids = _with_location(ids, rd)
    duplicate = ids.ne("") & ids.duplicated(keep=False)
    first_seen = ids[duplicate].drop_duplicates()
    first_row = dict(
        zip(
            first_seen,
            rows.table.first_row + np.flatnonzero(ids.index.isin(first_seen.index)),
            strict=True,
        )
    )
    rows.flag(
        duplicate,
        "external_id",
        lambda i: (
            f"id '{ids.iloc[i]}' komt vaker voor in het bestand "
            f"(eerst op rij {first_row[ids.iloc[i]]})"
        ),
    )
    out["external_id"] = ids

    classes = {c.code: c for c in AssetClass.objects.all()}
    names = {}
    for asset_class in classes.values():
        names[normalise(asset_class.code)] = asset_class
        names[normalise(asset_class.name)] = asset_class
    if "asset_class" in rows.mapping:
        given = parse_text(rows.column("asset_class"))
        code_of = {}
        for value in given.unique():
            found = names.get(normalise(value))
            code_of[value] = found.code if found else None
        codes = given.map(code_of)
        rows.flag(
            codes.isna(),
            "asset_class",
            "onbekend objecttype; bekend zijn: " + ", ".join(sorted(classes)),
        )
    else:
        codes = pd.Series([None] * n, index=frame.index, dtype=object)
        rows.flag(
            np.ones(n, dtype=bool), "asset_class", "geen objecttype: kies er een voor dit bestand"
        )
    out["asset_class"] = codes.map({code: c.pk for code, c in classes.items()})
    unit = codes.map({code: c.unit for code, c in classes.items()})

    year, bad = parse_whole(rows.column("construction_year"))
    rows.flag(bad, "construction_year", "geen jaartal")
    rows.flag(year.isna() & ~bad, "construction_year", "het aanlegjaar ontbreekt")
    rows.flag(year > today.year, "construction_year", "het aanlegjaar ligt in de toekomst")
    rows.flag(
        year < YEAR_MIN, "construction_year", f"een aanlegjaar vóór {YEAR_MIN} is onwaarschijnlijk"
    )
    out["construction_year"] = year

    out["geometry"] = rd

    if "quantity" in rows.mapping:
        quantity, bad = parse_number(rows.column("quantity"))
        rows.flag(bad, "quantity", "geen getal")
    else:
        quantity = pd.Series(np.nan, index=frame.index)
    measured = pd.Series(_measure(rd, unit.to_numpy()), index=frame.index)
    quantity = quantity.fillna(measured)
    rows.flag(quantity < 0, "quantity", "een hoeveelheid is niet negatief")
    limit = unit.map(ABSURD_QUANTITY).astype(float)
    rows.flag(quantity > limit, "quantity", "onwaarschijnlijk grote hoeveelheid; klopt de eenheid?")
    out["quantity"] = quantity.fillna(1.0).round(2)

    if "condition" in rows.mapping:
        condition, bad = parse_whole(rows.column("condition"))
        outside = condition.notna() & ((condition < 1) | (condition > 6))
        rows.flag(
            bad | outside, "condition", "de conditie is een NEN 2767-score van 1 tot en met 6"
        )
        out["condition"] = condition.where(~outside)
    else:
        out["condition"] = np.nan
    if "condition_date" in rows.mapping:
        dates, bad = parse_date(rows.column("condition_date"))
        rows.flag(bad, "condition_date", "geen datum (gebruik 31-12-2024 of 2024-12-31)")
        rows.flag(
            dates.map(lambda d: d is not None and d == d and d > today),
            "condition_date",
            "de datum ligt in de toekomst",
        )
        out["condition_date"] = dates
    else:
        out["condition_date"] = None

    for target in ("material", "street"):
        out[target] = parse_text(rows.column(target)) if target in rows.mapping else ""
    if "lifespan_override" in rows.mapping:
        lifespan, bad = parse_whole(rows.column("lifespan_override"))
        rows.flag(
            bad | (lifespan < 1) | (lifespan > 200),
            "lifespan_override",
            "een levensduur is 1 tot 200 jaar",
        )
        out["lifespan_override"] = lifespan
    else:
        out["lifespan_override"] = np.nan
    if "unit_cost_override" in rows.mapping:
        cost, bad = parse_number(rows.column("unit_cost_override"))
        rows.flag(bad | (cost < 0), "unit_cost_override", "kosten zijn een getal van 0 of meer")
        out["unit_cost_override"] = cost
    else:
        out["unit_cost_override"] = np.nan
    if "owner" in rows.mapping:
        owners = {name.lower(): pk for pk, name in Actor.objects.values_list("pk", "name")}
        given = parse_text(rows.column("owner"))
        owner = given.str.lower().map(owners)
        rows.flag(
            given.ne("") & owner.isna(), "owner", "onbekende eigenaar (geen actor met die naam)"
        )
        out["owner"] = owner
    else:
        out["owner"] = np.nan

    out["area"] = place(rows, rd, rows.column("area") if "area" in rows.mapping else None)

    mapped = {column_of(c) for c in rows.mapping.values()}
    extra_columns = [c for c in frame.columns if c not in mapped]
    out["extra"] = _extra(frame[extra_columns]) if extra_columns else "{}"

    existing = _ids_in_other_sources(ids, report.source)
    rows.flag(
        ids.isin(list(existing)),
        "external_id",
        lambda i: f"id '{ids.iloc[i]}' hoort al bij een object uit bron '{existing[ids.iloc[i]]}'",
    )
    return out


def _ids_in_other_sources(ids: pd.Series, source: str) -> dict[str, str]:
    """Which of `ids` already belong to an asset of another source (id → that source).

    Raw SQL in chunks: the ORM's `__in` lookup prepares every value separately, which
    costs seconds at 100,000 ids.
    """
    wanted = sorted(set(ids) - {""})
    table = connection.ops.quote_name(Asset._meta.db_table)
    found: dict[str, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: psycopg splits a query of 5,000 placeholders slowly.
            cursor.execute(
                f"SELECT external_id, source FROM {table} "
                "WHERE source <> %s AND external_id = ANY(%s)",
                [source, wanted],
            )
            found.update(cursor.fetchall())
            return found
        for start in range(0, len(wanted), 5_000):
            chunk = wanted[start : start + 5_000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT external_id, source FROM {table} "
                f"WHERE source <> %s AND external_id IN ({marks})",
                [source, *chunk],
            )
            found.update(cursor.fetchall())
    return found


def _with_location(ids: pd.Series, rd: np.ndarray) -> pd.Series:
    """'1080' at (183630.4, 579873.3) becomes '1080@183630,579873'."""
    points = np.array([None] * len(rd), dtype=object)
    present = ~shapely.is_missing(rd)
    points[present] = shapely.point_on_surface(rd[present])
    x = np.full(len(rd), np.nan)
    y = np.full(len(rd), np.nan)
    x[present], y[present] = shapely.get_x(points[present]), shapely.get_y(points[present])
    suffix = [f"@{a:.0f},{b:.0f}" if a == a else "" for a, b in zip(x, y, strict=True)]
    return ids.where(ids.eq(""), ids + pd.Series(suffix, index=ids.index))


def _measure(rd: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Quantity from geometry where the file has none: length in m, area in m², else 1."""
    result = np.full(len(rd), np.nan)
    present = ~shapely.is_missing(rd)
    length = np.zeros(len(rd))
    area = np.zeros(len(rd))
    length[present] = shapely.length(rd[present])
    area[present] = shapely.area(rd[present])
    result[present & (unit == "m")] = length[present & (unit == "m")]
    result[present & (unit == "m2")] = area[present & (unit == "m2")]
    result[unit == "st"] = 1.0
    return result


def _extra(frame: pd.DataFrame) -> pd.Series:
    """The unmapped columns of each row as JSON, empty values left out."""

    def clean(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, (np.integer, np.floating)):
            return value.item()
        if isinstance(value, (int, float, str, bool)):
            return value.strip() if isinstance(value, str) else value
        return str(value)

    records = frame.to_dict("records")
    return pd.Series(
        [
            json.dumps(
                {k: v for k, v in ((k, clean(v)) for k, v in r.items()) if v not in (None, "")},
                ensure_ascii=False,
            )
            for r in records
        ],
        index=frame.index,
    )


ASSET_COLUMNS = (
    "asset_class", "area", "street", "geometry", "bbox_xmin", "bbox_ymin", "bbox_xmax",
    "bbox_ymax", "quantity", "material", "construction_year", "lifespan_override",
    "condition", "condition_date", "unit_cost_override", "owner", "extra", "updated_at",
)  # fmt: skip


def _asset_rows(frame: pd.DataFrame, written_at) -> list[list]:
    """Column lists in database form for ASSET_COLUMNS."""
    geoms = frame["geometry"].to_numpy()
    present = ~shapely.is_missing(geoms)
    wkt = np.full(len(frame), "", dtype=object)
    bounds = np.full((len(frame), 4), np.nan)
    if present.any():
        wkt[present] = shapely.to_wkt(
            geoms[present], rounding_precision=geometry.STORAGE_PRECISION, trim=True
        )
        bounds[present] = shapely.bounds(geoms[present])
    now = written_at.isoformat()

    def nullable(values) -> list:
        return [None if v is None or v != v else v for v in values]

    def whole(series: pd.Series) -> list:
        return [None if v != v else int(v) for v in series.to_numpy(dtype=float)]

    return [
        frame["asset_class"].astype(int).tolist(),
        [None if a < 0 else int(a) for a in frame["area"]],
        frame["street"].tolist(),
        wkt.tolist(),
        *(nullable(bounds[:, i].tolist()) for i in range(4)),
        frame["quantity"].astype(float).tolist(),
        frame["material"].tolist(),
        frame["construction_year"].astype(int).tolist(),
        whole(frame["lifespan_override"]),
        whole(frame["condition"]),
        [d.isoformat() if d is not None and d == d else None for d in frame["condition_date"]],
        nullable(frame["unit_cost_override"].astype(float).tolist()),
        whole(frame["owner"]),
        frame["extra"].tolist(),
        [now] * len(frame),
    ]


def _existing_assets(frame: pd.DataFrame, source: str) -> pd.Series:
    known = dict(
        Asset.objects.filter(source=source)
        .values_list("external_id", "pk")
        .iterator(chunk_size=50_000)
    )
    return frame["external_id"].map(known)


def plan_assets(frame: pd.DataFrame, source: str) -> tuple[int, int]:
    existing = _existing_assets(frame, source)
    return int(existing.isna().sum()), int(existing.notna().sum())


def write_assets(frame: pd.DataFrame, source: str, written_at) -> tuple[int, int]:
    existing = _existing_assets(frame, source)
    columns = _asset_rows(frame, written_at)
    is_new = existing.isna().to_numpy()
    now = columns[-1][0] if columns[-1] else None
    new_rows = (
        [source, ext, *values, now]
        for ext, values, fresh in zip(
            frame["external_id"], zip(*columns, strict=True), is_new, strict=True
        )
        if fresh
    )
    created = insert_rows(Asset, ("source", "external_id", *ASSET_COLUMNS, "created_at"), new_rows)
    updates = [
        [*values, int(pk)]
        for values, pk, fresh in zip(zip(*columns, strict=True), existing, is_new, strict=True)
        if not fresh
    ]
    if updates:
        table = connection.ops.quote_name(Asset._meta.db_table)
        assignments = ", ".join(
            f"{connection.ops.quote_name(Asset._meta.get_field(name).column)} = %s"
            for name in ASSET_COLUMNS
        )
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", updates)
    return created, len(updates)
