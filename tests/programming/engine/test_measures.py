"""Grouping asset needs into measures."""

import pandas as pd
import pytest

from programming.engine.measures import NEED_COLUMNS, group_measures


def needs(*rows) -> pd.DataFrame:
    """Rows of (asset, discipline, street, earliest, latest, preferred, cost, condition)."""
    records = [
        (asset, discipline, "buurt-1", street, earliest, latest, preferred, cost, "grp",
         condition, preferred - 2026, discipline == "riolering", discipline == "verharding",
         "gemeente", 100.0 * asset, 0.0, 100.0 * asset + 50, 10.0)
        for asset, discipline, street, earliest, latest, preferred, cost, condition in rows
    ]  # fmt: skip
    return pd.DataFrame.from_records(records, columns=list(NEED_COLUMNS))


def test_needs_in_one_street_share_a_measure_while_their_windows_share_a_year():
    """Windows 2027–2031, 2029–2034 and 2030–2035 have 2030–2031 in common: one measure
    with that window. 2033–2040 starts after 2031, so it opens a second measure."""
    result = group_measures(
        needs(
            (1, "riolering", "Kerkstraat", 2027, 2031, 2029, 1000.0, 4),
            (2, "riolering", "Kerkstraat", 2029, 2034, 2031, 2000.0, 5),
            (3, "riolering", "Kerkstraat", 2030, 2035, 2032, 500.0, 3),
            (4, "riolering", "Kerkstraat", 2033, 2040, 2035, 800.0, 2),
        ),
        first_year=2026,
        horizon=10,
    )
    first, second = result.works
    assert (first.window_start, first.window_end) == (2030, 2031)
    assert first.preferred_year == 2031, "median 2031 lies in the common window"
    assert first.costs == {"grp": (3500.0,)}
    assert first.condition == 5, "the worst condition of the measure"
    assert first.opens_street
    assert (second.window_start, second.window_end, second.costs) == (2033, 2040, {"grp": (800.0,)})
    assert result.assignment.tolist() == [first.key, first.key, first.key, second.key]
    assert first.geometry == "MULTIPOINT ((125 5), (225 5), (325 5))", "centres of assets 1–3"


def test_other_streets_and_disciplines_are_other_measures():
    result = group_measures(
        needs(
            (1, "riolering", "Kerkstraat", 2027, 2031, 2029, 1.0, None),
            (2, "riolering", "Molenweg", 2027, 2031, 2029, 1.0, None),
            (3, "verharding", "Kerkstraat", 2027, 2031, 2029, 1.0, None),
        ),
        first_year=2026,
        horizon=10,
    )
    assert len(result.works) == 3
    assert len({w.key for w in result.works}) == 3


def test_backlog_moves_into_the_first_years_and_needs_beyond_the_horizon_are_left_out():
    """An asset overdue since 2020 must go in the first three years (2026–2028); one whose
    window opens in 2040 lies beyond a horizon ending in 2035."""
    result = group_measures(
        needs(
            (1, "groen", "Eikenlaan", 2015, 2020, 2018, 10.0, 6),
            (2, "groen", "Beukenlaan", 2040, 2050, 2045, 10.0, 1),
        ),
        first_year=2026,
        horizon=10,
    )
    (work,) = result.works
    assert (work.window_start, work.window_end, work.preferred_year) == (2026, 2028, 2026)
    assert pd.isna(result.assignment.iloc[1])


def test_keys_are_stable_when_the_same_needs_are_grouped_again():
    rows = needs((1, "riolering", "Kerkstraat", 2027, 2031, 2029, 1.0, None))
    first = group_measures(rows, first_year=2026, horizon=10)
    again = group_measures(rows, first_year=2026, horizon=10)
    assert [w.key for w in first.works] == [w.key for w in again.works]


def test_a_window_that_opened_before_the_programme_opens_in_its_first_year():
    """Preferred 2024, window 2022–2029: in a programme from 2026 it becomes 2026–2029,
    preferring 2026."""
    result = group_measures(
        needs((1, "groen", "Eikenlaan", 2022, 2029, 2024, 10.0, 3)), first_year=2026, horizon=10
    )
    (work,) = result.works
    assert (work.window_start, work.window_end, work.preferred_year) == (2026, 2029, 2026)


def test_grouping_rule_per_area_joins_streets_and_per_object_splits_them():
    """Three sewer needs in two streets of one buurt with a common window: per street two
    measures, per area one, per object three."""
    rows = needs(
        (1, "riolering", "Kerkstraat", 2027, 2031, 2029, 1.0, None),
        (2, "riolering", "Kerkstraat", 2027, 2031, 2029, 1.0, None),
        (3, "riolering", "Molenweg", 2027, 2031, 2029, 1.0, None),
    )
    counts = {
        grouping: len(group_measures(rows, first_year=2026, horizon=10, grouping=grouping).works)
        for grouping in ("straat", "gebied", "object")
    }
    assert counts == {"straat": 2, "gebied": 1, "object": 3}


def test_an_unknown_grouping_rule_is_refused():
    rows = needs((1, "riolering", "Kerkstraat", 2027, 2031, 2029, 1.0, None))
    with pytest.raises(ValueError, match="groepering 'huis'"):
        group_measures(rows, first_year=2026, horizon=10, grouping="huis")
