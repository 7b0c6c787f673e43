"""Citizens' reports (meldingen) in an import file: check, count and write them; a
report of a source replaces the stored one with the same number."""

import numpy as np
import pandas as pd

from assets.choices import ReportCategory, ReportStatus
from assets.importing.places import geometries, place
from assets.importing.rows import Rows, asset_ids
from assets.models import Report
from impor.bulk import insert_rows, read_pairs
from impor.importing.report import ImportReport
from impor.importing.values import parse_date, parse_text

CATEGORY_WORDS = {
    "riool": ReportCategory.VERSTOPPING, "verstop": ReportCategory.VERSTOPPING,
    "water": ReportCategory.VERSTOPPING, "verzak": ReportCategory.VERZAKKING,
    "gat": ReportCategory.VERZAKKING, "tegel": ReportCategory.VERZAKKING,
    "lamp": ReportCategory.VERLICHTING, "verlicht": ReportCategory.VERLICHTING,
    "wortel": ReportCategory.WORTELOPDRUK, "boom": ReportCategory.BOOM,
    "groen": ReportCategory.BOOM, "speel": ReportCategory.SPELEN,
    "schade": ReportCategory.SCHADE,
}  # fmt: skip
STATUS_WORDS = {
    "nieuw": ReportStatus.NIEUW,
    "open": ReportStatus.NIEUW,
    "behandel": ReportStatus.IN_BEHANDELING,
    "afgehandeld": ReportStatus.AFGEHANDELD,
    "gesloten": ReportStatus.AFGEHANDELD,
    "afgesloten": ReportStatus.AFGEHANDELD,
}


def _word_map(series: pd.Series, words: dict, default: str) -> pd.Series:
    def pick(text: str) -> str:
        low = text.lower()
        return next((value for word, value in words.items() if word in low), default)

    return series.map(pick)


def prepare_reports(rows: Rows, report: ImportReport, declared_crs: str | None) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.table.frame.index)
    ids = parse_text(rows.column("external_id"))
    rows.flag(ids.eq(""), "external_id", "het meldingnummer ontbreekt")
    rows.flag(
        ids.ne("") & ids.duplicated(keep=False),
        "external_id",
        "meldingnummer komt vaker voor in het bestand",
    )
    out["external_id"] = ids
    dates, bad = parse_date(rows.column("reported_on"))
    rows.flag(bad | dates.isna(), "reported_on", "geen datum (gebruik 31-12-2024 of 2024-12-31)")
    out["reported_on"] = dates
    if "closed_on" in rows.mapping:
        closed, bad = parse_date(rows.column("closed_on"))
        rows.flag(bad, "closed_on", "geen datum")
        rows.flag(
            [
                c is not None and r is not None and c == c and r == r and c < r
                for c, r in zip(closed, dates, strict=True)
            ],
            "closed_on",
            "afgehandeld vóór de melding binnenkwam",
        )
        out["closed_on"] = closed
    else:
        out["closed_on"] = None
    out["category"] = (
        _word_map(parse_text(rows.column("category")), CATEGORY_WORDS, ReportCategory.OVERIG)
        if "category" in rows.mapping
        else ReportCategory.OVERIG
    )
    out["status"] = (
        _word_map(parse_text(rows.column("status")), STATUS_WORDS, ReportStatus.NIEUW)
        if "status" in rows.mapping
        else ReportStatus.NIEUW
    )
    for target in ("description", "street"):
        out[target] = parse_text(rows.column(target)) if target in rows.mapping else ""
    out["asset"] = asset_ids(rows, None) if "asset" in rows.mapping else np.nan
    rd = geometries(rows, report, declared_crs)
    out["area"] = place(rows, rd, None)
    return out


#: Report columns in the order the bulk writers give them.
REPORT_FIELDS = (
    "source", "external_id", "asset", "area", "street", "reported_on", "category", "status",
    "description", "closed_on",
)  # fmt: skip


def _existing_reports(frame: pd.DataFrame, source: str) -> pd.Series:
    known = read_pairs(Report.objects.filter(source=source), "external_id", "pk")
    return frame["external_id"].map(known)


def plan_reports(frame: pd.DataFrame, source: str) -> tuple[int, int]:
    existing = _existing_reports(frame, source)
    return int(existing.isna().sum()), int(existing.notna().sum())


def write_reports(frame: pd.DataFrame, source: str, _written_at) -> tuple[int, int]:
    existing = _existing_reports(frame, source)
    Report.objects.filter(pk__in=existing.dropna().astype(int).tolist()).delete()
    rows = zip(
        [source] * len(frame),
        frame["external_id"],
        [None if a != a else int(a) for a in frame["asset"]],
        [None if a < 0 else int(a) for a in frame["area"]],
        frame["street"],
        [d.isoformat() for d in frame["reported_on"]],
        frame["category"],
        frame["status"],
        frame["description"],
        [d.isoformat() if d is not None and d == d else None for d in frame["closed_on"]],
        strict=True,
    )
    insert_rows(Report, REPORT_FIELDS, rows)
    updated = int(existing.notna().sum())
    return len(frame) - updated, updated
