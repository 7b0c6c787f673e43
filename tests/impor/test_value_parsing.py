"""The number and date parsers of the imports, over every kind of cell (issue #14).

Each parser takes a column of raw cells and returns the values and a mask of cells it
could not read; the import turns that mask into row errors. The properties: a parser never
raises, an empty cell stays empty and is no error, any other cell is either read or an
error, a well-formed number comes back as its value. No database.
"""

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from impor.importing.values import parse_date, parse_number, parse_whole

PARSERS = [parse_number, parse_whole, parse_date]

EMPTY = st.sampled_from([None, np.nan, float("nan"), "", " ", "\t", pd.NA, pd.NaT])
TEXT_NUMBERS = st.sampled_from(
    ["1.234,56", "1,234.56", "€ 1.000", "12 m", "12,5", "1.234", "1,234", "-3", "+3", "1e5"]
)
NUMBERS = st.one_of(
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
)
DATES = st.one_of(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 1, 1), dt.datetime(2100, 12, 31)),
    st.dates().map(lambda day: day.isoformat()),
    st.dates().map(lambda day: day.strftime("%d-%m-%Y")),
    st.dates().map(lambda day: f"{day.day}/{day.month}/{day.year}"),
    st.integers(1, 2_958_465),  # Excel serial days
    st.floats(1, 2_958_465).map(str),
)
CELLS = st.one_of(EMPTY, TEXT_NUMBERS, NUMBERS, DATES, st.text(max_size=12))


def columns(cells=CELLS) -> st.SearchStrategy[pd.Series]:
    """Columns of cells; drawn from a small pool, so values repeat as years and classes do
    and the parsers' path for columns with few distinct values is taken too. Half of them
    get the dtype pandas infers, as GIS files give (float64, datetime64), the other half
    stay objects, as CSV and Excel give."""
    return st.tuples(
        st.lists(cells, max_size=6).flatmap(
            lambda pool: st.lists(st.sampled_from(pool), max_size=40) if pool else st.just([])
        ),
        st.booleans(),
    ).map(lambda drawn: pd.Series(drawn[0], dtype=None if drawn[1] else object))


def empty(series: pd.Series) -> np.ndarray:
    return np.array(
        [
            value is None
            or value is pd.NA
            or value is pd.NaT
            or (isinstance(value, float) and math.isnan(value))
            or (isinstance(value, str) and not value.strip())
            for value in series
        ],
        dtype=bool,
    )


@pytest.mark.parametrize("size", [2, 3, 10])
@pytest.mark.parametrize("parse", PARSERS)
def test_a_column_empty_in_every_row_stays_empty(parse, size):
    """The crash of #14: with no values, the few-distinct-values path indexed nothing."""
    for cell in (None, np.nan, ""):
        values, bad = parse(pd.Series([cell] * size, dtype=object))

        assert values.isna().all()
        assert not bad.any()


@pytest.mark.parametrize("parse", PARSERS)
@given(series=columns())
def test_a_parser_never_raises_and_errs_exactly_on_the_cells_it_cannot_read(parse, series):
    values, bad = parse(series)

    assert len(values) == len(bad) == len(series)
    assert values.index.equals(series.index)
    assert bad.index.equals(series.index)
    missing = pd.isna(values).to_numpy(dtype=bool)
    blank = empty(series)
    assert not bad.to_numpy()[blank].any(), "an empty cell is no error"
    assert missing[blank].all(), "an empty cell stays empty"
    np.testing.assert_array_equal(bad.to_numpy(), ~blank & missing)


AMOUNTS = st.decimals(min_value=-(10**9), max_value=10**9, places=2, allow_nan=False)


def dutch(amount: Decimal) -> str:
    return f"{amount:,.2f}".translate(str.maketrans(",.", ".,"))


def english(amount: Decimal) -> str:
    return f"{amount:,.2f}"


@pytest.mark.parametrize("write", [dutch, english, lambda amount: f"{amount:.2f}", float])
@given(amounts=st.lists(AMOUNTS, min_size=1, max_size=20), blanks=st.integers(0, 3))
def test_a_well_formed_number_comes_back_as_its_value(write, amounts, blanks):
    series = pd.Series([write(amount) for amount in amounts] + [None] * blanks, dtype=object)

    values, bad = parse_number(series)

    assert not bad.any(), series[bad].tolist()
    assert values[: len(amounts)].tolist() == [float(amount) for amount in amounts]
    assert values[len(amounts) :].isna().all()


@given(years=st.lists(st.integers(1800, 2100), min_size=1, max_size=20))
def test_a_whole_number_comes_back_as_its_value_as_text_or_number(years):
    for series in (pd.Series(years, dtype=object), pd.Series([str(y) for y in years])):
        values, bad = parse_whole(series)

        assert not bad.any()
        assert values.tolist() == [float(year) for year in years]


@pytest.mark.parametrize(
    ("cell", "value"), [("0\x1f", 0.0), ("\x1c12,5", 12.5), ("1.234,5\u3000", 1234.5)]
)
def test_a_number_beside_unusual_white_space_is_read(cell, value):
    """White space that the pattern allows but float() does not (a unit separator, an
    ideographic space) made the parser raise; hypothesis found "0\\x1f"."""
    values, bad = parse_number(pd.Series([cell, "7"], dtype=object))

    assert not bad.any()
    assert values.tolist() == [value, 7.0]


@pytest.mark.parametrize(
    "text", ["€ 1.000", "12 m", "twaalf", "NaN", "1e5", "12,5 m2", "1.2.3,4,5"]
)
@pytest.mark.parametrize("parse", [parse_number, parse_whole])
def test_a_number_with_a_unit_or_in_words_is_an_error(parse, text):
    values, bad = parse(pd.Series(["7", text, None, text], dtype=object))

    assert bad.tolist() == [False, True, False, True]
    assert values[0] == 7
    assert values[1:].isna().all()


@given(day=st.dates(dt.date(1950, 1, 1), dt.date(2100, 12, 31)))
def test_a_date_comes_back_as_that_day_in_every_way_it_is_written(day):
    serial = (day - dt.date(1899, 12, 30)).days
    written = [
        day,
        dt.datetime.combine(day, dt.time(14, 30)),
        pd.Timestamp(day),
        day.isoformat(),
        day.strftime("%d-%m-%Y"),
        f"{day.day}/{day.month}/{day.year}",
        serial,
        serial + 0.5,
        str(serial),
    ]

    values, bad = parse_date(pd.Series(written, dtype=object))

    assert not bad.any(), [w for w, b in zip(written, bad, strict=True) if b]
    assert values.tolist() == [day] * len(written)


@pytest.mark.parametrize(
    "cell", ["31-02-2024", "gisteren", True, 3_000_000, -5, "-5", 80_000, "1.5"]
)
def test_a_cell_that_is_no_date_is_an_error(cell):
    values, bad = parse_date(pd.Series(["2024-03-31", cell], dtype=object))

    assert bad.tolist() == [False, True]
    assert values[0] == dt.date(2024, 3, 31)
    assert pd.isna(values[1])
