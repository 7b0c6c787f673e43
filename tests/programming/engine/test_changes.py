"""A scenario's changes on an instance, one kind at a time, computed by hand."""

from dataclasses import replace

import pytest

from programming.engine import columns as col
from programming.engine import run
from programming.engine.changes import Change, apply_changes
from programming.engine.instance import InstanceError, Team
from tests.programming.engine.builders import budget, instance, work


def _base():
    return instance(
        [
            work("riool", cost=("riolering", 100.0), window=(2026, 2028), preferred_year=2027),
            work("weg", cost=("wegen", 50.0), window=(2027, 2029)),
            work("net", kind="partner", window=(2026, 2027), certainty="voorgenomen"),
        ],
        [budget("riolering", 100.0), budget("wegen", 80.0)],
        accepted=[("riool", "weg", "net")],
    )


def test_a_budget_change_adds_or_sets_one_year_of_one_line():
    base = _base()
    more = apply_changes(
        base, [Change("budget", line="riolering", year=2028, operation="erbij", amount=25.0)]
    )
    lines = {line.code: line.amounts for line in more.budget_lines}
    assert lines["riolering"][2028] == 125.0
    assert lines["riolering"][2027] == 100.0
    assert lines["wegen"] == dict(base.budget_lines[1].amounts)
    assert dict(base.budget_lines[0].amounts)[2028] == 100.0, "the base is unchanged"
    cut = apply_changes(
        base, [Change("budget", line="wegen", year=2026, operation="wordt", amount=10.0)]
    )
    assert {line.code: line.amounts for line in cut.budget_lines}["wegen"][2026] == 10.0


def test_a_budget_change_below_zero_names_the_change_and_field():
    with pytest.raises(InstanceError, match=r"wijziging 2 \(budget\), veld amount: .*negatief"):
        apply_changes(
            _base(),
            [
                Change("budget", line="riolering", year=2026, operation="erbij", amount=1.0),
                Change("budget", line="wegen", year=2026, operation="erbij", amount=-80.5),
            ],
        )


def test_an_unknown_line_team_or_year_is_refused():
    with pytest.raises(InstanceError, match="veld line: onbekende budgetregel 'groen'"):
        apply_changes(_base(), [Change("budget", line="groen", year=2026, operation="erbij")])
    with pytest.raises(InstanceError, match="veld team: onbekend team 'wegen'"):
        apply_changes(_base(), [Change("capaciteit", team="wegen", year=2026, amount=1.0)])
    with pytest.raises(InstanceError, match="veld year"):
        apply_changes(
            _base(), [Change("budget", line="wegen", year=2040, operation="erbij", amount=1.0)]
        )


def test_a_pin_allows_only_its_year_inside_the_window_and_horizon():
    pinned = apply_changes(_base(), [Change("vastzetten", work_key="riool", year=2028)])
    assert pinned.works[0].allowed_years == (2028,)
    with pytest.raises(InstanceError, match=r"veld year: 2029 ligt niet in het venster"):
        apply_changes(_base(), [Change("vastzetten", work_key="riool", year=2029)])
    with pytest.raises(InstanceError, match="veld work_key: onbekend werk 'x'"):
        apply_changes(_base(), [Change("vastzetten", work_key="x", year=2026)])


def test_a_pin_moves_the_work_to_its_year():
    base = instance(
        [work("a", cost=("r", 10.0), window=(2026, 2029), preferred_year=2026)],
        [budget("r", 10.0)],
    )
    pinned = apply_changes(base, [Change("vastzetten", work_key="a", year=2028)])
    assert run(pinned).works[0].scheduled_year == 2028


def test_exclusion_drops_the_work_and_it_leaves_its_coupling():
    out = apply_changes(_base(), [Change("uitsluiten", work_key="net")])
    assert [w.key for w in out.works] == ["riool", "weg"]
    assert out.accepted_clusters == (("riool", "weg"),)
    alone = apply_changes(out, [Change("uitsluiten", work_key="weg")])
    assert alone.accepted_clusters == (), "one member is no coupling"


def test_must_do_and_a_partners_certainty():
    out = apply_changes(
        _base(),
        [Change("moet", work_key="weg"), Change("zekerheid", work_key="net", certainty="idee")],
    )
    assert out.works[1].must_do
    assert out.works[2].certainty == "idee"
    with pytest.raises(InstanceError, match="geen werk van een partner"):
        apply_changes(_base(), [Change("zekerheid", work_key="riool", certainty="idee")])


def test_a_new_window_clamps_the_preferred_year():
    later = apply_changes(
        _base(), [Change("venster", work_key="riool", window_start=2028, window_end=2030)]
    )
    riool = later.works[0]
    assert (riool.window_start, riool.window_end, riool.preferred_year) == (2028, 2030, 2028)
    earlier = apply_changes(
        _base(), [Change("venster", work_key="riool", window_start=2024, window_end=2025)]
    )
    assert earlier.works[0].preferred_year == 2025


def test_parameters_and_weights():
    out = apply_changes(
        _base(),
        [
            Change("parameter", parameter="graafrust_years", value=5),
            Change("parameter", parameter="carry_over", value=1),
            Change("gewicht", parameter=col.COST, value=40),
        ],
    )
    assert (out.parameters.graafrust_years, out.parameters.carry_over) == (5, True)
    assert out.parameters.weights[col.COST] == 40.0
    with pytest.raises(InstanceError, match="veld parameter: onbekende instelling 'horizon'"):
        apply_changes(_base(), [Change("parameter", parameter="horizon", value=5)])
    with pytest.raises(InstanceError, match="veld value"):
        apply_changes(_base(), [Change("parameter", parameter="coupling_overlap", value=2)])
    with pytest.raises(InstanceError, match="veld parameter: onbekend criterium"):
        apply_changes(_base(), [Change("gewicht", parameter="mooi", value=1)])


def test_capacity_adds_or_sets_a_teams_hours():
    base = _base()
    with_team = replace(base, teams=(Team("wegen", {2026: 1000.0}),))
    out = apply_changes(
        with_team,
        [
            Change("capaciteit", team="wegen", year=2026, operation="erbij", amount=-200),
            Change("capaciteit", team="wegen", year=2027, operation="wordt", amount=1200),
        ],
    )
    assert out.teams[0].hours == {2026: 800.0, 2027: 1200.0}
    with pytest.raises(InstanceError, match="veld amount: het resultaat is negatief"):
        apply_changes(
            with_team,
            [Change("capaciteit", team="wegen", year=2026, operation="erbij", amount=-1001)],
        )


def test_more_budget_funds_exactly_the_work_that_did_not_fit():
    base = instance(
        [
            work("a", cost=("r", 60.0), value=10.0),
            work("b", cost=("r", 50.0), value=8.0),
        ],
        [budget("r", 100.0)],
    )
    before = {w.key: w.scheduled_year for w in run(base).works}
    assert before == {"a": 2026, "b": None}
    more = apply_changes(
        base, [Change("budget", line="r", year=2026, operation="erbij", amount=10.0)]
    )
    assert {w.key: w.scheduled_year for w in run(more).works} == {"a": 2026, "b": 2026}
