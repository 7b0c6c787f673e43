"""Vectorised parsing of the values in import files, as Dutch exports write them.

Each parser takes a pandas Series of raw values (text from CSV, typed values from Excel
or GIS files) and returns the parsed values plus a boolean mask of the cells that held
something that could not be read, so the caller can name those rows. Numbers are read by
the readers' `parse_decimal` (Dutch and English notation), re-exported as `parse_number`.
"""

import datetime as dt

import numpy as np
import pandas as pd

from assets.importing.readers import parse_decimal as parse_number


def blank(series: pd.Series) -> pd.Series:
    """True where a cell is empty (None, NaN or only spaces)."""
    return series.isna() | series.astype(str).str.strip().eq("")


def parse_whole(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole numbers (years, scores); 1925.0 counts as whole, 1925.5 does not."""
    values, bad = parse_number(series)
    fractional = values.notna() & (values != np.floor(values))
    return values.where(~fractional), bad | fractional


def parse_date(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates as ISO (2024-03-31), Dutch (31-03-2024 or 31/03/2024), Excel date cells or
    Excel day numbers (45382, a date cell formatted as a number)."""
    empty = blank(series)
    if pd.api.types.is_datetime64_any_dtype(series):
        return series.dt.date.where(~empty), pd.Series(False, index=series.index)
    as_text = series.map(lambda v: v.isoformat()[:10] if isinstance(v, dt.date) else v)
    text = as_text.astype(str).str.strip().str.replace("/", "-", regex=False)
    # ISO only for text that starts with a year: pandas raises on some other text ("-5")
    # even with errors="coerce".
    iso = pd.to_datetime(
        text.where(~empty & text.str.match(r"\d{4}")), format="ISO8601", errors="coerce"
    )
    dutch = pd.to_datetime(text.where(~empty & iso.isna()), format="%d-%m-%Y", errors="coerce")
    parsed = iso.fillna(dutch)
    parsed = parsed.fillna(_excel_days(series.where(~empty & parsed.isna())))
    return parsed.dt.date.where(parsed.notna()), parsed.isna() & ~empty


#: Excel counts dates in days from 1899-12-30 (from March 1900 on; it takes 1900 for a
#: leap year).
EXCEL_EPOCH = pd.Timestamp(1899, 12, 30)
#: Day numbers read as dates: 1950 to 2100. Outside that, a number in a date column is
#: more likely a year or a typing mistake than an inspection or report date.
EXCEL_DAYS = (
    (pd.Timestamp(1950, 1, 1) - EXCEL_EPOCH).days,
    (pd.Timestamp(2100, 12, 31) - EXCEL_EPOCH).days,
)


def _excel_days(series: pd.Series) -> pd.Series:
    """Excel day numbers as timestamps (the time of day dropped); NaT for other cells."""
    numbers, _ = parse_number(series.astype(object))
    days = np.floor(numbers.where(numbers.between(*EXCEL_DAYS)))
    return pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH)


def parse_text(series: pd.Series) -> pd.Series:
    """Text, stripped; empty cells become ''. Numbers like 1234.0 lose their '.0'."""

    def text(value) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    uniques = series.unique()
    if len(uniques) < len(series) // 2:
        return series.map({value: text(value) for value in uniques})
    return series.map(text)
