"""Rules of assessment frameworks, programmes and what a computation stores in them."""

from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from programming.choices import CouplingDecisionStatus, ProgrammeStatus
from tests.constraints import (
    ConstraintRules,
    assert_full_clean_refuses,
)
from tests.factories import (
    AssessmentFrameworkFactory,
    BudgetOverrideFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    CriterionFactory,
    KpiValueFactory,
    ProgrammeFactory,
    ProgrammeRunFactory,
    UnfundedItemFactory,
    WorkCostFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

AdoptedProgrammeFactory = partial(ProgrammeFactory, adopted=True)
HORIZON = "De looptijd is 4 tot en met 10 jaar."
ADOPTED_NEEDS_DATE_AND_BODY = (
    "Een vastgesteld programma heeft een datum en een besluitvormend orgaan."
)
REJECTION_NEEDS_REASON = "Geef een reden waarom de koppelkans is afgewezen."

# (factory, bad values, constraint that refuses them, key of the full_clean error, message)
CHECKS = [
    pytest.param(
        WorkFactory,
        {"window_start": 1700, "preferred_year": 1700},
        "work_years_range",
        "window_start",
        None,
        id="work window before 1800",
    ),
    pytest.param(
        CouplingFactory,
        {"year": 2300},
        "coupling_years_range",
        "year",
        None,
        id="coupling planned after 2200",
    ),
    pytest.param(
        BudgetOverrideFactory,
        {"year": 1500},
        "budget_override_year_range",
        "year",
        None,
        id="budget override in 1500",
    ),
    pytest.param(
        UnfundedItemFactory,
        {"year": 3000},
        "unfunded_year_range",
        "year",
        None,
        id="unfunded gap in 3000",
    ),
    pytest.param(
        KpiValueFactory,
        {"year": 1200},
        "kpi_year_range",
        "year",
        None,
        id="kpi in 1200",
    ),
    pytest.param(
        CriterionFactory,
        {"weight": Decimal("-1")},
        "criterion_weight_not_negative",
        "weight",
        None,
        id="criterion with a negative weight",
    ),
    pytest.param(
        CriterionFactory,
        {"code": "prijs"},
        "criterion_code_valid",
        "code",
        None,
        id="criterion the engine cannot score",
    ),
    pytest.param(
        ProgrammeFactory,
        {"horizon": 3},
        "programme_horizon_4_10",
        "horizon",
        None,
        id="programme shorter than 4 years",
    ),
    pytest.param(
        ProgrammeFactory,
        {"horizon": 11},
        "programme_horizon_4_10",
        "horizon",
        None,
        id="programme longer than 10 years",
    ),
    pytest.param(
        ProgrammeFactory,
        {"first_year": 1799},
        "programme_years_range",
        "first_year",
        None,
        id="programme starting before 1800",
    ),
    pytest.param(
        ProgrammeFactory,
        {"price_year": 2201},
        "programme_years_range",
        "price_year",
        None,
        id="programme priced after 2200",
    ),
    pytest.param(
        ProgrammeFactory,
        {"opening_cost_share": Decimal("1.5")},
        "programme_opening_share_0_1",
        "opening_cost_share",
        None,
        id="opening cost share above 1",
    ),
    pytest.param(
        ProgrammeFactory,
        {"opening_cost_share": Decimal("-0.1")},
        "programme_opening_share_0_1",
        "opening_cost_share",
        None,
        id="negative opening cost share",
    ),
    pytest.param(
        ProgrammeFactory,
        {"budget_factor": Decimal("-1")},
        "programme_budget_factor_not_negative",
        "budget_factor",
        None,
        id="negative budget factor",
    ),
    pytest.param(
        ProgrammeFactory,
        {"status": ProgrammeStatus.VASTGESTELD},
        "programme_adopted_has_date_and_body",
        NON_FIELD_ERRORS,
        ADOPTED_NEEDS_DATE_AND_BODY,
        id="programme adopted without date or body",
    ),
    pytest.param(
        AdoptedProgrammeFactory,
        {"adopted_on": None},
        "programme_adopted_has_date_and_body",
        NON_FIELD_ERRORS,
        ADOPTED_NEEDS_DATE_AND_BODY,
        id="programme adopted without a date",
    ),
    pytest.param(
        AdoptedProgrammeFactory,
        {"adopted_by": ""},
        "programme_adopted_has_date_and_body",
        NON_FIELD_ERRORS,
        ADOPTED_NEEDS_DATE_AND_BODY,
        id="programme adopted without a body",
    ),
    pytest.param(
        BudgetOverrideFactory,
        {"amount": Decimal("-1")},
        "budget_override_not_negative",
        "amount",
        None,
        id="negative budget override",
    ),
    pytest.param(
        ProgrammeRunFactory,
        {"progress": 101},
        "run_progress_0_100",
        "progress",
        None,
        id="run progress above 100",
    ),
    pytest.param(
        CouplingFactory,
        {"window_end": 2026},
        "coupling_window_ordered",
        NON_FIELD_ERRORS,
        None,
        id="coupling window ending before it starts",
    ),
    pytest.param(
        CouplingFactory,
        {"savings": Decimal("-1")},
        "coupling_savings_not_negative",
        "savings",
        None,
        id="coupling with negative savings",
    ),
    pytest.param(
        CouplingDecisionFactory,
        {"status": CouplingDecisionStatus.REJECTED, "reason": ""},
        "decision_rejection_has_reason",
        "reason",
        REJECTION_NEEDS_REASON,
        id="rejection without a reason",
    ),
    # A preferred year inside the window implies an ordered window.
    pytest.param(
        WorkFactory,
        {"window_end": 2026},
        "work_preferred_in_window",
        NON_FIELD_ERRORS,
        None,
        id="work window ending before it starts",
    ),
    pytest.param(
        WorkFactory,
        {"preferred_year": 2032},
        "work_preferred_in_window",
        NON_FIELD_ERRORS,
        None,
        id="work preferred outside its window",
    ),
    pytest.param(
        WorkFactory,
        {"scheduled_year": 2026},
        "work_scheduled_in_window",
        NON_FIELD_ERRORS,
        None,
        id="work scheduled outside its window",
    ),
    pytest.param(
        WorkFactory,
        {"cost": Decimal("-1")},
        "work_cost_not_negative",
        "cost",
        None,
        id="work with a negative cost",
    ),
    pytest.param(
        WorkCostFactory,
        {"amount": Decimal("-1")},
        "work_cost_amount_not_negative",
        "amount",
        None,
        id="negative cost item",
    ),
    pytest.param(
        UnfundedItemFactory,
        {"gap": Decimal("-1")},
        "unfunded_gap_not_negative",
        "gap",
        None,
        id="negative funding gap",
    ),
]

# (factory, fields that together are unique, key of the full_clean error, message)
UNIQUES = [
    pytest.param(
        CriterionFactory, ["framework", "code"], NON_FIELD_ERRORS, None, id="criterion code"
    ),
    pytest.param(
        BudgetOverrideFactory,
        ["programme", "budget_line", "year"],
        NON_FIELD_ERRORS,
        None,
        id="budget override per line and year",
    ),
    pytest.param(CouplingFactory, ["programme", "key"], NON_FIELD_ERRORS, None, id="coupling key"),
    pytest.param(
        CouplingDecisionFactory, ["programme", "key"], NON_FIELD_ERRORS, None, id="decision key"
    ),
    pytest.param(WorkFactory, ["programme", "key"], NON_FIELD_ERRORS, None, id="work key"),
    pytest.param(
        WorkCostFactory,
        ["work", "budget_line", "offset"],
        NON_FIELD_ERRORS,
        None,
        id="cost item per line and offset",
    ),
]

GOOD_ROWS = [
    pytest.param(AssessmentFrameworkFactory, id="framework"),
    pytest.param(CriterionFactory, id="criterion"),
    pytest.param(ProgrammeFactory, id="draft programme"),
    pytest.param(AdoptedProgrammeFactory, id="adopted programme"),
    pytest.param(BudgetOverrideFactory, id="budget override"),
    pytest.param(ProgrammeRunFactory, id="run"),
    pytest.param(CouplingFactory, id="coupling"),
    pytest.param(CouplingDecisionFactory, id="accepted decision"),
    pytest.param(partial(CouplingDecisionFactory, rejected=True), id="rejected decision"),
    pytest.param(WorkFactory, id="work"),
    pytest.param(partial(WorkFactory, scheduled_year=None), id="unscheduled work"),
    pytest.param(WorkCostFactory, id="cost item"),
    pytest.param(UnfundedItemFactory, id="unfunded item"),
    pytest.param(KpiValueFactory, id="kpi"),
]


class TestConstraints(ConstraintRules):
    checks = CHECKS
    uniques = UNIQUES
    good_rows = GOOD_ROWS


@pytest.mark.parametrize("horizon", [4, 10])
def test_a_programme_of_4_or_10_years_is_accepted(horizon):
    ProgrammeFactory(horizon=horizon).full_clean()


def test_a_ten_year_programme_ends_nine_years_after_its_first_year():
    assert ProgrammeFactory.build(first_year=2026, horizon=10).last_year == 2035


def test_the_horizon_rule_carries_the_dutch_message_when_only_the_constraint_checks_it():
    """The field validators run first; the constraint's own message shows when they are
    skipped, as in a form that leaves the horizon out."""
    programme = ProgrammeFactory()
    programme.horizon = 12
    with pytest.raises(ValidationError) as refused:
        programme.validate_constraints()
    assert refused.value.messages == [HORIZON]


def test_a_rejection_whose_reason_is_only_spaces_is_refused():
    decision = CouplingDecisionFactory()
    decision.status = CouplingDecisionStatus.REJECTED
    decision.reason = "   "
    assert_full_clean_refuses(decision, "reason", REJECTION_NEEDS_REASON)
