"""Instance and Result: frozen types with a JSON form."""

import json
from dataclasses import replace

import pytest

from programming.engine import run
from programming.engine.instance import (
    Instance,
    InstanceError,
    Parameters,
    Result,
    Work,
    dump_instance,
    dump_result,
    load_instance,
    load_result,
)
from tests.programming.engine.builders import budget, instance, line, point, work


def full_instance():
    return instance(
        [
            work(
                "riool",
                opens_street=True,
                window=(2027, 2030),
                preferred_year=2028,
                cost=("riolering", [400_000, 100_000]),
                geometry=line(0, 100),
                street="Kerkstraat",
                area="Dalfsen",
                must_do=True,
                condition=5,
                remaining_life=1.5,
                risk=0.8,
                ambition_weight=2,
                themes=("rioolvervanging",),
                social_priority=3,
                owner="gemeente",
            ),
            work(
                "kabel",
                kind="partner",
                opens_street=True,
                window=(2026, 2028),
                preferred_year=2027,
                allowed_years=(2026, 2028),
                certainty="idee",
                value=12.5,
                cost=("enexis", 100_000),
                geometry=point(5),
            ),
            work("asfalt", reconstructs_street=True, window=(2028, 2031), preferred_year=2030),
        ],
        [budget("riolering", 1e6), budget("enexis", {2026: 1e5, 2028: 2e5})],
        carry_over=True,
        weights={"urgentie": 2, "kosten": 1},
        accepted=[("riool", "kabel")],
        rejected=[("asfalt", "riool")],
    )


def test_instance_round_trips_through_json(tmp_path):
    inst = full_instance()
    path = tmp_path / "instance.json"
    dump_instance(inst, path)

    assert load_instance(path) == inst
    assert Instance.from_dict(json.loads(json.dumps(inst.to_dict()))) == inst


def test_result_round_trips_through_json(tmp_path):
    result = run(full_instance())
    path = tmp_path / "result.json"
    dump_result(result, path)

    assert load_result(path) == result
    assert Result.from_dict(json.loads(path.read_text())) == result


def test_unknown_field_is_an_error():
    data = work("a").to_dict() | {"opens_stret": True}
    with pytest.raises(InstanceError, match="opens_stret"):
        Work.from_dict(data)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"preferred_year": 2030}, "voorkeursjaar"),
        ({"kind": "klus"}, "soort"),
        ({"condition": 7}, "conditie"),
        ({"certainty": "misschien"}, "zekerheid"),
        ({"costs": {"wegen": (-1.0,)}}, "negatieve"),
    ],
)
def test_invalid_work_is_refused(fields, message):
    with pytest.raises(InstanceError, match=message):
        work("a", **fields)


def test_horizon_is_four_to_ten_years():
    with pytest.raises(InstanceError, match="looptijd"):
        Parameters(first_year=2026, horizon=11)


def test_duplicate_keys_are_refused():
    with pytest.raises(InstanceError, match="dubbele sleutels: a"):
        instance([work("a"), work("a")], [])


def test_a_work_in_two_accepted_clusters_is_refused():
    with pytest.raises(InstanceError, match="twee geaccepteerde"):
        instance([work("a"), work("b"), work("c")], [], accepted=[("a", "b"), ("b", "c")])


def test_with_hours_is_replace_with_the_hours_checked():
    base = work("w1", costs={"RIO": (100.0, 50.0)}, opens_street=True)
    given = base.with_hours({"T": (8.0, 2.0)}, {"T": 3.0})
    assert given == replace(base, hours={"T": (8.0, 2.0)}, preparation_hours={"T": 3.0})
    assert base.hours == {}  # the work it came from is unchanged
    with pytest.raises(InstanceError, match="negatieve uren voor team T"):
        base.with_hours({"T": (-1.0,)}, {})
    with pytest.raises(InstanceError, match="voorbereidingsuren voor team T"):
        base.with_hours({"T": (2.0,)}, {"T": 3.0})
