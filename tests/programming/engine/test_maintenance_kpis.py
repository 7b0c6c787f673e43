"""beheerlasten: the change in annual maintenance cost the programme brings (kpis.py),
and the JSON of instances with teams, hours and maintenance."""

from dataclasses import replace

from programming.engine import run
from programming.engine.instance import Instance, Team
from tests.programming.engine.builders import budget, instance, work


def three_works() -> Instance:
    """2026–2029. A (€100 on W in 2026, area Noord) adds €100 a year from 2027, the year
    after its last cost year. B (2027–2028: €10 on W, €20 + €20 on G, so its main line is
    G; area Zuid) lowers it by €30 from 2029. C has no budget (line X), is not
    scheduled, and its €500 never counts."""
    return instance(
        [
            work("A", cost=("W", 100), area="Noord", maintenance=100.0),
            work(
                "B",
                window=(2027, 2027),
                costs={"W": (10.0,), "G": (20.0, 20.0)},
                area="Zuid",
                maintenance=-30.0,
            ),
            work("C", cost=("X", 50), maintenance=500.0),
        ],
        [budget("W", 1000), budget("G", 1000)],
        horizon=4,
    )


def figures(result, **where) -> dict:
    found = {}
    for k in result.kpis:
        if k.code != "beheerlasten":
            continue
        if all(getattr(k, name) == value for name, value in where.items()):
            found[k.year] = k.value
    return found


def test_beheerlasten_per_year_line_and_area():
    result = run(three_works())
    assert {w.key: w.scheduled_year for w in result.works} == {"A": 2026, "B": 2027, "C": None}
    totals = figures(result, area=None, budget_line=None)
    assert totals == {2026: 0, 2027: 100, 2028: 100, 2029: 70, None: 70}
    assert figures(result, budget_line="W") == {2027: 100, 2028: 100, 2029: 100}
    assert figures(result, budget_line="G") == {2029: -30}
    assert figures(result, area="Noord") == {2027: 100, 2028: 100, 2029: 100}
    assert figures(result, area="Zuid") == {2029: -30}
    # Money figures are untouched by maintenance: spend is the scheduled works' costs.
    assert sum(k.value for k in result.kpis if k.code == "besteding" and k.year) == 150


def test_no_maintenance_no_rows():
    result = run(instance([work("A", cost=("W", 100))], [budget("W", 1000)], horizon=4))
    assert not [k for k in result.kpis if k.code == "beheerlasten"]


def test_an_instance_with_teams_and_hours_round_trips_as_json():
    inst = replace(
        instance(
            [
                work(
                    "A",
                    cost=("W", 100),
                    hours={"wegen": (80.0, 20.0)},
                    preparation_hours={"wegen": 30.0},
                    maintenance=-12.5,
                )
            ],
            [budget("W", 1000)],
            horizon=4,
        ),
        teams=(Team("wegen", {2026: 100.0, 2027: 50.0}),),
    )
    again = Instance.from_dict(inst.to_dict())
    assert again == inst
    assert run(again).kpis == run(inst).kpis


def test_an_older_instance_without_teams_hours_or_maintenance_loads():
    data = instance([work("A", cost=("W", 100))], [budget("W", 1000)], horizon=4).to_dict()
    del data["teams"]
    del data["warm_start"]
    for name in ("hours", "preparation_hours", "maintenance"):
        del data["works"][0][name]
    inst = Instance.from_dict(data)
    assert inst.teams == ()
    assert inst.works[0].hours == {}
    assert inst.works[0].maintenance == 0.0
    assert run(inst).works[0].scheduled_year == 2026
