"""'Waarom dit jaar' with capacity: a team's hours decided the year or the absence
(programming.explain, programming.wording)."""

from dataclasses import replace
from decimal import Decimal

import pytest

from programming.engine import run
from programming.engine.instance import Team
from programming.explain import work_explanation
from programming.models import Work, WorkHours
from programming.wording import unfunded_reason
from tests.factories import (
    ProgrammeFactory,
    TeamFactory,
    TeamHoursFactory,
    UnfundedItemFactory,
    WorkFactory,
)
from tests.programming.engine.builders import budget, instance, work

pytestmark = pytest.mark.django_db


@pytest.fixture
def roads():
    """Programme 2026–2035; team Wegen has 1,200 hours in 2027, all given to the asphalt
    work the plan schedules there."""
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    team = TeamFactory(code="wegen", name="Wegen")
    TeamHoursFactory(team=team, year=2027, hours=1200)
    asphalt = WorkFactory(
        programme=programme, key="M:wegen:1", label="Asfalt Dorpsstraat", scheduled_year=2027
    )
    WorkHours.objects.create(work=asphalt, team=team, offset=0, hours=Decimal(1200))
    return programme, team, asphalt


def _explained(work: Work) -> dict:
    return work_explanation(Work.objects.select_related("programme", "coupling").get(pk=work.pk))


def test_a_work_moved_because_its_team_is_full_says_so(roads):
    """The work asks 300 hours of Wegen and prefers 2027; the other works hold all 1,200
    hours there (none free), and it has no costs, so only the hours explain the move."""
    programme, team, _asphalt = roads
    work = WorkFactory(programme=programme, preferred_year=2027, scheduled_year=2028)
    WorkHours.objects.create(work=work, team=team, offset=0, hours=Decimal(300))

    uitleg = _explained(work)

    assert uitleg["timing"]["sentence"] == (
        "Gepland in 2028 in plaats van 2027 (voorkeursjaar): team Wegen heeft in 2027 te "
        "weinig uren: 1.200 van 1.200 uur gepland, dit werk vraagt er 300."
    )
    assert [c["code"] for c in uitleg["timing"]["causes"]] == ["capaciteit"]
    (row,) = uitleg["capacity"]
    assert row["team"] == "wegen"
    assert row["years"] == [
        {
            "year": 2027,
            "available": Decimal(1200),
            "planned": Decimal(1200),
            "free": Decimal(0),
            "need_if_preferred": Decimal(300),
        }
    ]


def test_a_team_with_room_is_no_cause(roads):
    """With 1,600 hours in 2027, 400 are free: the 300-hour work fits, no capacity cause."""
    programme, team, _asphalt = roads
    team.hours.filter(year=2027).update(hours=1600)
    work = WorkFactory(programme=programme, preferred_year=2027, scheduled_year=2028)
    WorkHours.objects.create(work=work, team=team, offset=0, hours=Decimal(300))
    assert _explained(work)["timing"]["causes"] == []


def test_a_team_without_hours_in_the_horizon_sets_no_limit(roads):
    programme, _team, _asphalt = roads
    free = TeamFactory(code="groen", name="Groen")
    work = WorkFactory(programme=programme, preferred_year=2027, scheduled_year=2028)
    WorkHours.objects.create(work=work, team=free, offset=0, hours=Decimal(5000))
    uitleg = _explained(work)
    assert uitleg["capacity"] == []
    assert uitleg["timing"]["causes"] == []


def test_an_unfunded_work_kept_out_by_hours_tells_the_team_and_the_hours_short(roads):
    programme, _team, asphalt = roads
    work = WorkFactory(programme=programme, scheduled_year=None, label="Riool Kerkstraat")
    UnfundedItemFactory(
        work=work, budget_line=None, year=None, gap=Decimal(0), code="capaciteit",
        facts={"team": "wegen", "years": [2027], "hours_short": 300.0,
               "hours_available": 1200.0, "hours_planned": 1200.0, "by": [asphalt.key]},
    )  # fmt: skip

    (item,) = _explained(work)["unfunded"]

    assert item["reason"] == (
        "Team wegen heeft in 2027 te weinig uren over: 1.200 van 1.200 uur is al gepland, "
        "door werken met een hogere prioriteit: Asfalt Dorpsstraat. Dit werk komt 300 uur "
        "tekort; met meer geld lukt het niet."
    )
    assert item["code_label"] == "uren van een team vol"
    assert item["gap_sentence"] == ""
    assert [w["id"] for w in item["works"]] == [asphalt.pk]


def test_the_page_words_the_engines_capacity_reason_to_the_letter():
    """The engine writes the Dutch reason; the pages word it again from code and facts."""
    inst = replace(
        instance(
            [
                work("A", value=80, cost=("W", 10), hours={"wegen": (1200,)}),
                work("B", value=10, cost=("W", 10), hours={"wegen": (300,)}),
            ],
            [budget("W", 1000)],
            horizon=4,
        ),
        teams=(Team("wegen", {2026: 1200}),),
    )
    (row,) = run(inst).unfunded
    assert row.code == "capaciteit"
    assert unfunded_reason(row.code, row.facts, row.gap, None, {"A": "A"}) == row.reason
