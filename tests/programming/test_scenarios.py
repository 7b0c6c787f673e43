"""Scenarios as sets of changes: storing and checking changes, computing a scenario on
its base, promoting it, and the comparison's newly funded works."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from programming import scenarios
from programming.freshness import stale_reasons
from programming.models import ChangeKind, Programme, ProgrammeFrozen, ScenarioChange
from programming.selectors import programme_instance
from programming.services import programme_compute
from projects.choices import Certainty, ProjectKind
from stakeholders.models import BudgetAmount, BudgetLine
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
    TeamFactory,
    TeamHoursFactory,
)

pytestmark = pytest.mark.django_db


def _line(y: float) -> str:
    return f"LINESTRING (214000 {502000 + y}, 214100 {502000 + y})"


@pytest.fixture
def base():
    """Riolering has € 100.000 a year. Project A (€ 80.000, only 2026) scores higher
    than B (€ 60.000, only 2026): A fits, B does not. A partner's cable work C (no
    municipal money) may start 2026–2028. Far apart: nothing couples."""
    municipality = ActorFactory(name="Gemeente")
    grid = ActorFactory(partner=True, name="Netbeheerder")
    line = BudgetLineFactory(code="riolering", name="Riolering", owner=municipality)
    BudgetAmount.objects.bulk_create(
        BudgetAmount(budget_line=line, year=year, amount=Decimal(100_000))
        for year in range(2026, 2030)
    )
    for code, cost, y in (("A", 80_000, 0), ("B", 60_000, 1000)):
        project = ProjectFactory(
            code=code, name=f"Riool {code}", kind=ProjectKind.BEHEER, owner=municipality,
            start_year=2026, end_year=2026, shift_early=0, shift_late=0, opens_street=False,
            geometry=_line(y), street=f"Straat {code}", certainty=Certainty.VASTGESTELD,
        )  # fmt: skip
        FundingFactory(project=project, budget_line=line, year=2026, amount=Decimal(cost))
    ProjectFactory(
        code="C", name="Kabel", kind=ProjectKind.TRANSITIE, owner=grid, start_year=2027,
        end_year=2027, shift_early=1, shift_late=1, opens_street=False, geometry=_line(2000),
        street="Straat C", cost_estimate=Decimal(0), certainty=Certainty.VOORGENOMEN,
    )  # fmt: skip
    programme = ProgrammeFactory(first_year=2026, horizon=4, price_year=2025, time_limit=5)
    CriterionFactory(framework=programme.framework, code="kosten", weight=Decimal(10))
    return programme


def _years(programme: Programme) -> dict[str, int | None]:
    return dict(programme.works.values_list("key", "scheduled_year"))


def test_more_money_funds_the_work_that_did_not_fit_and_compare_shows_it(base):
    programme_compute(base)
    assert _years(base) == {"P:A": None, "P:B": 2026, "P:C": 2027}
    line = BudgetLine.objects.get(code="riolering")
    scenario = scenarios.scenario_create(
        base,
        "Meer riolering",
        None,
        changes=[
            {
                "kind": ChangeKind.BUDGET,
                "budget_line": line,
                "year": 2026,
                "operation": "erbij",
                "amount": Decimal(40_000),
            }
        ],
    )
    programme_compute(scenario)
    assert _years(scenario)["P:A"] == _years(scenario)["P:B"] == 2026

    columns = scenarios.comparison(base, [scenario])
    assert [c.is_base for c in columns] == [True, False]
    assert [w["key"] for w in columns[1].newly_funded] == ["P:A"]
    assert columns[1].newly_funded_count == 1
    assert columns[1].newly_unfunded_count == columns[1].moved_count == 0
    assert columns[1].money.cell("riolering", 2026).budget == Decimal(140_000)


def test_the_chain_applies_the_bases_changes_first_and_solves_cold(base):
    programme_compute(base)
    line = BudgetLine.objects.get(code="riolering")
    scenarios.change_add(
        base, None, kind="budget", budget_line=line, year=2027, operation="wordt", amount=5
    )
    scenario = scenarios.scenario_create(base, "S", None)
    scenarios.change_add(
        scenario, None, kind="budget", budget_line=line, year=2027, operation="erbij", amount=10
    )
    instance = scenarios.scenario_instance(scenario, programme_instance(scenario))
    amounts = {b.code: b.amounts for b in instance.budget_lines}["riolering"]
    assert amounts[2027] == 15.0, "set to 5 on the base, then 10 more"
    assert instance.warm_start == {}, "cold: measured faster than from the base's plan"


def test_a_pin_outside_the_window_is_refused_and_nothing_stored(base):
    programme_compute(base)
    scenario = scenarios.scenario_create(base, "S", None)
    with pytest.raises(ValidationError) as caught:
        scenarios.change_add(scenario, None, kind="vastzetten", work_key="P:C", year=2029)
    assert set(caught.value.message_dict) == {"year"}
    assert "2026–2028" in caught.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as caught:
        scenarios.change_add(scenario, None, kind="vastzetten", work_key="P:X", year=2027)
    assert set(caught.value.message_dict) == {"work_key"}
    assert not ScenarioChange.objects.exists()
    pinned = scenarios.change_add(scenario, None, kind="vastzetten", work_key="P:C", year=2028)
    assert scenarios.change_text(pinned) == "C Kabel vast in 2028"
    programme_compute(scenario)
    assert _years(scenario)["P:C"] == 2028


def test_a_negative_budget_or_hours_result_is_refused(base):
    line = BudgetLine.objects.get(code="riolering")
    team = TeamFactory(name="Wegen")
    TeamHoursFactory(team=team, year=2027, hours=1000)
    scenario = scenarios.scenario_create(base, "S", None)
    with pytest.raises(ValidationError) as caught:
        scenarios.change_add(
            scenario, None, kind="budget", budget_line=line, year=2026, operation="erbij",
            amount=Decimal(-100_001),
        )  # fmt: skip
    assert set(caught.value.message_dict) == {"amount"}
    with pytest.raises(ValidationError) as caught:
        scenarios.change_add(
            scenario, None, kind="capaciteit", team=team, year=2027, operation="wordt", amount=-1
        )
    assert set(caught.value.message_dict) == {"amount"}
    with pytest.raises(ValidationError) as caught:
        scenarios.change_add(
            scenario, None, kind="budget", budget_line=line, year=2031, operation="erbij", amount=1
        )
    assert set(caught.value.message_dict) == {"year"}
    assert not ScenarioChange.objects.exists()
    idle = TeamFactory(name="Groen")
    with pytest.raises(ValidationError) as caught:
        scenarios.change_add(
            scenario, None, kind="capaciteit", team=idle, year=2027, operation="wordt", amount=1
        )
    assert set(caught.value.message_dict) == {"team"}, "a team without hours sets no limit"
    change = scenarios.change_add(
        scenario, None, kind="capaciteit", team=team, year=2027, operation="wordt", amount=1200
    )
    assert scenarios.change_text(change) == "Team Wegen 2027: wordt 1.200 uur"
    cut = scenarios.change_add(
        scenario, None, kind="budget", budget_line=line, year=2028, operation="erbij",
        amount=Decimal(-100_000),
    )  # fmt: skip
    assert scenarios.change_text(cut) == "Riolering 2028: € 100.000 eraf"


def test_a_change_on_a_frozen_programme_is_refused(base):
    scenario = scenarios.scenario_create(base, "S", None)
    Programme.objects.filter(pk=scenario.pk).update(
        status="vastgesteld", adopted_on="2026-01-01", adopted_by="raad"
    )
    with pytest.raises(ProgrammeFrozen):
        scenarios.change_add(scenario, None, kind="uitsluiten", work_key="P:A")
    assert not ScenarioChange.objects.exists()


def test_changes_are_checked_before_the_base_is_computed_for_projects(base):
    scenario = scenarios.scenario_create(base, "S", None)
    window = scenarios.change_add(
        scenario, None, kind="venster", work_key="P:C", window_start=2028, window_end=2029
    )
    assert scenarios.change_text(window) == "C Kabel: venster wordt 2028–2029"
    with pytest.raises(ValidationError):
        scenarios.change_add(scenario, None, kind="zekerheid", work_key="P:A", certainty="idee")


def test_promoting_moves_the_changes_and_settings_onto_the_base(base):
    programme_compute(base)
    scenario = scenarios.scenario_create(base, "S", None, time_tolerance=3)
    scenarios.change_add(scenario, None, kind="uitsluiten", work_key="P:A")
    promoted = scenarios.scenario_promote(scenario, None)
    assert promoted == base
    base.refresh_from_db()
    assert base.time_tolerance == 3
    assert list(base.changes.values_list("kind", "work_key")) == [("uitsluiten", "P:A")]
    assert not scenario.changes.exists()
    assert stale_reasons(base), "the base must be computed again"


def test_promoting_onto_an_adopted_base_is_refused(base):
    scenario = scenarios.scenario_create(base, "S", None)
    scenarios.change_add(scenario, None, kind="moet", work_key="P:B")
    Programme.objects.filter(pk=base.pk).update(
        status="vastgesteld", adopted_on="2026-01-01", adopted_by="raad"
    )
    scenario.refresh_from_db()
    with pytest.raises(ValueError, match="nieuwe versie"):
        scenarios.scenario_promote(scenario, None)
    assert scenario.changes.count() == 1


def test_a_change_after_computing_makes_the_results_stale(base):
    scenario = scenarios.scenario_create(base, "S", None)
    programme_compute(scenario)
    scenario.refresh_from_db()
    assert stale_reasons(scenario) == []
    change = scenarios.change_add(scenario, None, kind="moet", work_key="P:B")
    assert [str(r) for r in stale_reasons(scenario)] == [
        "een wijziging in dit scenario of zijn basisprogramma"
    ]
    programme_compute(scenario)
    scenario.refresh_from_db()
    scenarios.change_delete(change, None)
    assert stale_reasons(scenario), "a deletion counts too"


def test_a_scenario_not_computed_yet_shows_no_differences(base):
    programme_compute(base)
    scenario = scenarios.scenario_create(base, "S", None)
    scenarios.change_add(scenario, None, kind="uitsluiten", work_key="P:B")
    base_column, column = scenarios.comparison(base, [scenario])
    assert (column.newly_funded_count, column.newly_unfunded_count, column.moved_count) == (
        None,
        None,
        None,
    )
    assert base_column.newly_funded_count is None


def test_the_pages_report_on_the_base_not_on_a_scenario_computed_later(base):
    programme_compute(base)
    version = scenarios.scenario_create(base, "Versie 2", None)
    programme_compute(version)
    assert Programme.objects.current() == version, "a copy without changes: a new version"
    line = BudgetLine.objects.first()
    scenario = scenarios.scenario_create(
        base,
        "S",
        None,
        changes=[
            {
                "kind": "budget",
                "budget_line": line,
                "year": base.first_year,
                "operation": "erbij",
                "amount": Decimal("1000"),
            }
        ],
    )
    programme_compute(scenario)
    assert Programme.objects.current() == version, "a copy with changes is a what-if"
