"""Rules of actors, ambitions and their indicators, area tasks and budgets."""

from decimal import Decimal
from functools import partial

import pytest
from django.core.exceptions import NON_FIELD_ERRORS

from stakeholders.choices import ActorKind
from tests.constraints import (
    ConstraintRules,
)
from tests.factories import (
    ActorFactory,
    AmbitionFactory,
    AreaTaskFactory,
    BudgetAmountFactory,
    BudgetLineFactory,
    ContactPersonFactory,
    IndicatorFactory,
    IndicatorMeasurementFactory,
    ProcessPositionFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PartnerFactory = partial(ActorFactory, partner=True)
INTERNAL_IS_DEPARTMENT = "Een gemeentelijke actor is een afdeling of team; een externe actor niet."

# (factory, bad values, constraint that refuses them, key of the full_clean error, message)
CHECKS = [
    pytest.param(
        PartnerFactory,
        {"kind": "koepel"},
        "actor_kind_valid",
        "kind",
        None,
        id="actor of an unknown kind",
    ),
    pytest.param(
        ActorFactory,
        {"kind": ActorKind.NETBEHEERDER},
        "actor_internal_is_department",
        NON_FIELD_ERRORS,
        INTERNAL_IS_DEPARTMENT,
        id="internal actor that is a grid operator",
    ),
    pytest.param(
        PartnerFactory,
        {"kind": ActorKind.AFDELING},
        "actor_internal_is_department",
        NON_FIELD_ERRORS,
        INTERNAL_IS_DEPARTMENT,
        id="external actor that is a department",
    ),
    pytest.param(
        ProcessPositionFactory,
        {"step": "vergaderen"},
        "process_step_valid",
        "step",
        None,
        id="unknown process step",
    ),
    pytest.param(
        AmbitionFactory,
        {"horizon_year": 1799},
        "ambition_horizon_year_range",
        "horizon_year",
        None,
        id="ambition horizon before 1800",
    ),
    pytest.param(
        AmbitionFactory,
        {"horizon_year": 2201},
        "ambition_horizon_year_range",
        "horizon_year",
        None,
        id="ambition horizon after 2200",
    ),
    pytest.param(
        IndicatorFactory,
        {"target_year": 2021},
        "indicator_target_after_baseline",
        NON_FIELD_ERRORS,
        "Het streefjaar ligt niet vóór het jaar van de nulmeting.",
        id="indicator target year before its baseline",
    ),
    pytest.param(
        IndicatorFactory,
        {"baseline_year": 1799},
        "indicator_years_range",
        "baseline_year",
        None,
        id="indicator baseline before 1800",
    ),
    pytest.param(
        IndicatorFactory,
        {"target_year": 2201},
        "indicator_years_range",
        "target_year",
        None,
        id="indicator target after 2200",
    ),
    pytest.param(
        IndicatorMeasurementFactory,
        {"year": 1799},
        "measurement_year_range",
        "year",
        None,
        id="measurement before 1800",
    ),
    pytest.param(
        AreaTaskFactory,
        {"priority": 0},
        "area_task_priority_1_5",
        "priority",
        None,
        id="area task priority below 1",
    ),
    pytest.param(
        AreaTaskFactory,
        {"priority": 6},
        "area_task_priority_1_5",
        "priority",
        None,
        id="area task priority above 5",
    ),
    pytest.param(
        BudgetAmountFactory,
        {"amount": Decimal("-0.01")},
        "budget_amount_not_negative",
        "amount",
        None,
        id="negative budget",
    ),
    pytest.param(
        BudgetAmountFactory,
        {"year": 2201},
        "budget_amount_year_range",
        "year",
        None,
        id="budget after 2200",
    ),
]

# (factory, fields that together are unique, key of the full_clean error, message)
UNIQUES = [
    pytest.param(
        ProcessPositionFactory, ["actor", "step"], NON_FIELD_ERRORS, None, id="actor step"
    ),
    pytest.param(
        IndicatorMeasurementFactory,
        ["indicator", "year"],
        NON_FIELD_ERRORS,
        None,
        id="measurement per year",
    ),
    pytest.param(
        BudgetAmountFactory, ["budget_line", "year"], NON_FIELD_ERRORS, None, id="budget per year"
    ),
]

GOOD_ROWS = [
    pytest.param(ActorFactory, id="department"),
    pytest.param(PartnerFactory, id="partner"),
    pytest.param(UserFactory, id="user"),
    pytest.param(partial(UserFactory, partner=True), id="partner user"),
    pytest.param(ContactPersonFactory, id="contact person"),
    pytest.param(ProcessPositionFactory, id="process position"),
    pytest.param(ThemeFactory, id="theme"),
    pytest.param(AmbitionFactory, id="ambition"),
    pytest.param(IndicatorFactory, id="indicator"),
    pytest.param(IndicatorMeasurementFactory, id="measurement"),
    pytest.param(AreaTaskFactory, id="area task"),
    pytest.param(BudgetLineFactory, id="budget line"),
    pytest.param(BudgetAmountFactory, id="budget amount"),
]


class TestConstraints(ConstraintRules):
    checks = CHECKS
    uniques = UNIQUES
    good_rows = GOOD_ROWS


@pytest.mark.parametrize("kind", [ActorKind.AFDELING, ActorKind.OVERIG])
def test_an_internal_actor_may_be_a_department_or_other(kind):
    ActorFactory(kind=kind).full_clean()


def test_an_indicator_may_reach_its_target_in_the_baseline_year():
    IndicatorFactory(baseline_year=2024, target_year=2024).full_clean()


def test_a_budget_of_zero_is_accepted():
    BudgetAmountFactory(amount=Decimal("0")).full_clean()
