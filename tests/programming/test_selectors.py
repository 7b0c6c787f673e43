"""The instance's reads (programming.selectors) that turn columns into engine values."""

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from programming.selectors import _area_codes


def test_an_assets_area_is_its_areas_id_as_text_and_minus_one_without_one():
    codes = _area_codes(pd.Series([3.0, None, 3.0, 1771.0]))
    assert codes.tolist() == ["3", "-1", "3", "1771"]


@given(st.lists(st.one_of(st.none(), st.integers(min_value=1, max_value=10**9)), max_size=30))
def test_area_codes_are_each_ids_own_text(ids):
    """One str per distinct area gives what a str per asset gave (the former reading)."""
    column = pd.Series(ids, dtype="float64")
    expected = column.fillna(-1).astype(int).astype(str).to_numpy()
    assert np.array_equal(_area_codes(column), expected)
