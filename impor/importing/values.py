"""Vectorised parsing of the values in import files, as Dutch exports write them.

Each parser takes a pandas Series of raw values (text from CSV, typed values from Excel
or GIS files) and returns the parsed values plus a boolean mask of the cells that held
something that could not be read, so the caller can name those rows. Numbers are read by
`parse_decimal` (Dutch and English notation), which the services call `parse_number`.
"""

import datetime as dt
import re

import numpy as np
import pandas as pd

#: The ways of writing a number that parse_decimal accepts, tried in this order.
_NUMBER = re.compile(
    r"""\s*(?:
    (?P<plain>[+-]?\d+)
    |(?P<dot>[+-]?\d*\.\d+)                             # 12.5  .5  1.234 (ambiguous)
    |(?P<comma>[+-]?\d*,\d+)                             # 12,5  ,5  1,234
    |(?P<dutch>[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?)         # 1.234,5  1.234.567
    |(?P<english>[+-]?\d{1,3}(?:,\d{3})+\.\d+|[+-]?\d{1,3}(?:,\d{3}){2,})  # 1,234.5
    )\s*""",
    re.X,
)
#: One dot followed by three digits: 1.234 is 1234 among Dutch numbers, else 1.234.
_ONE_THOUSANDS_DOT = re.compile(r"\s*[+-]?\d{1,3}\.\d{3}\s*")


def parse_decimal(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written the Dutch or the English way as floats, plus a mask of bad values.

    Accepts ``12,5``, ``1.234,5``, ``12.5``, ``1234``, ``-3`` and ``1,234.5``, and numbers
    that are numbers already. Empty cells give NaN and are not bad; any other value (text,
    ``1e5``, a date) gives NaN and is bad.

    ``1.234`` is ambiguous. It reads as 1234 when the column also holds decimal commas
    (then the dot separates thousands) and as 1.234 otherwise; ``1.234.567`` is always
    1234567. ``1,234`` is 1.234 (a decimal comma) and ``1,234,567`` is 1234567.

    One compiled regex per value, in a plain loop: without pyarrow, pandas' ``.str``
    methods loop in Python as well, and a chain of them is several times slower.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index, name=series.name)
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    if len(uniques) < len(series) // 2:
        # Years, scores, classes: parse each distinct text once.
        numbers, bad = _parse_decimal_values(np.asarray(uniques, dtype=object))
        # An empty cell has code -1, which takes the NaN and False appended at the end;
        # a column empty in every row has no distinct values but these.
        numbers, bad = np.append(numbers, np.nan), np.append(bad, False)
        return (
            pd.Series(numbers[codes], index=series.index, name=series.name),
            pd.Series(bad[codes], index=series.index, name=series.name),
        )
    numbers, bad = _parse_decimal_values(series.to_numpy(dtype=object))
    return (
        pd.Series(numbers, index=series.index, name=series.name, dtype=float),
        pd.Series(bad, index=series.index, name=series.name, dtype=bool),
    )


def _parse_decimal_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """parse_decimal on plain values; returns float and bool arrays."""
    matches = [_NUMBER.fullmatch(value) if type(value) is str else None for value in values]
    kinds = [match.lastgroup if match else None for match in matches]
    dutch_column = "comma" in kinds or any(
        kind == "dutch" and match is not None and "," in match.group()
        for kind, match in zip(kinds, matches, strict=True)
    )
    numbers = [np.nan] * len(values)
    bad = [False] * len(values)
    for i, (value, match, kind) in enumerate(zip(values, matches, kinds, strict=True)):
        # The number as matched, without the white space around it: float() accepts
        # fewer kinds of white space than the pattern's \s (a unit separator, say).
        text = match.group(kind) if match and kind else ""
        if kind == "comma":
            numbers[i] = float(text.replace(",", "."))
        elif kind == "plain" or (kind == "dot" and not dutch_column):
            numbers[i] = float(text)
        elif kind == "dot":  # among decimal commas, 1.234 is a thousand (2.5 stays 2.5)
            thousands = _ONE_THOUSANDS_DOT.fullmatch(text)
            numbers[i] = float(text.replace(".", "") if thousands else text)
        elif kind == "dutch":
            numbers[i] = float(text.replace(".", "").replace(",", "."))
        elif kind == "english":
            numbers[i] = float(text.replace(",", ""))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            numbers[i] = value
        elif type(value) is str:
            bad[i] = value.strip() != ""
        else:
            bad[i] = not (value is None or value is pd.NA or value is pd.NaT)
    return np.asarray(numbers, dtype=float), np.asarray(bad, dtype=bool)


#: The name the import services use.
parse_number = parse_decimal


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
    timestamps: pd.Series = pd.to_datetime(days, unit="D", origin=EXCEL_EPOCH)
    return timestamps


def parse_text(series: pd.Series) -> pd.Series:
    """Text, stripped; empty cells become ''. Numbers like 1234.0 lose their '.0'."""

    def text(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    uniques = series.unique()
    if len(uniques) < len(series) // 2:
        return series.map({value: text(value) for value in uniques})
    return series.map(text)
