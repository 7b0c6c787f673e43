"""Inspections in an import file: check, count and write them; an asset's condition
follows its newest inspection."""

import pandas as pd
from django.db import connection
from django.utils import timezone

from assets.importing.rows import Rows, asset_ids
from assets.models import Asset, Inspection
from impor.bulk import insert_rows
from impor.importing.report import ImportReport
from impor.importing.values import parse_date, parse_text, parse_whole


def prepare_inspections(rows: Rows, report: ImportReport, _crs: str | None) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.table.frame.index)
    given = parse_text(rows.column("asset"))
    rows.flag(given.eq(""), "asset", "het id van het object ontbreekt")
    out["asset"] = asset_ids(rows, report.source)
    dates, bad = parse_date(rows.column("date"))
    rows.flag(bad | dates.isna(), "date", "geen datum (gebruik 31-12-2024 of 2024-12-31)")
    # Once, not per row: at 50,000 rows asking for the date cost as much as writing
    # the history rows of the conditions the import moves.
    today = timezone.localdate()
    rows.flag(
        dates.map(lambda d: d is not None and d == d and d > today),
        "date",
        "de datum ligt in de toekomst",
    )
    out["date"] = dates
    condition, bad = parse_whole(rows.column("condition"))
    rows.flag(
        bad | condition.isna() | (condition < 1) | (condition > 6),
        "condition",
        "de conditie is een NEN 2767-score van 1 tot en met 6",
    )
    out["condition"] = condition
    for target in ("inspector", "notes"):
        out[target] = parse_text(rows.column(target)) if target in rows.mapping else ""
    return out


def plan_inspections(frame: pd.DataFrame, _source: str) -> tuple[int, int]:
    return len(frame), 0


def write_inspections(frame: pd.DataFrame, _source: str, written_at) -> tuple[int, int]:
    """Add the inspections; an asset's condition follows its newest inspection.

    The assets it moves get `updated_at` = `written_at`, by which the service's
    `_record_asset_history` finds them.
    """
    created = insert_rows(
        Inspection,
        ("asset", "date", "condition", "inspector", "notes"),
        zip(
            frame["asset"].astype(int).tolist(),
            [d.isoformat() for d in frame["date"]],
            frame["condition"].astype(int).tolist(),
            frame["inspector"].tolist(),
            frame["notes"].tolist(),
            strict=True,
        ),
    )
    newest = frame.sort_values("date").groupby("asset").tail(1)
    table = connection.ops.quote_name(Asset._meta.db_table)
    marker = written_at.isoformat()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET condition = %s, condition_date = %s, updated_at = %s "
            "WHERE id = %s AND (condition_date IS NULL OR condition_date <= %s)",
            [
                (int(c), d.isoformat(), marker, int(a), d.isoformat())
                for a, d, c in zip(
                    newest["asset"], newest["date"], newest["condition"], strict=True
                )
            ],
        )
    return created, 0
