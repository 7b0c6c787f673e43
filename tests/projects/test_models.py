"""Rules of projects, their funding, roles, register and project brief."""

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS

from projects.models import ProjectBrief
from tests.constraints import (
    ConstraintRules,
)
from tests.factories import (
    AmbitionContributionFactory,
    FundingFactory,
    ProjectBriefFactory,
    ProjectFactory,
    ProjectRoleFactory,
    RegisterEntryFactory,
)

pytestmark = pytest.mark.django_db

# (factory, bad values, constraint that refuses them, key of the full_clean error, message)
CHECKS = [
    pytest.param(
        ProjectFactory,
        {"end_year": 2025},
        "project_end_not_before_start",
        NON_FIELD_ERRORS,
        "Het eindjaar ligt niet vóór het startjaar.",
        id="project ending before it starts",
    ),
    pytest.param(
        ProjectFactory,
        {"start_year": 1799},
        "project_years_range",
        "start_year",
        None,
        id="project starting before 1800",
    ),
    pytest.param(
        ProjectFactory,
        {"end_year": 2201},
        "project_years_range",
        "end_year",
        None,
        id="project ending after 2200",
    ),
    pytest.param(
        ProjectFactory,
        {"cost_estimate": Decimal("-1")},
        "project_cost_not_negative",
        "cost_estimate",
        None,
        id="project with a negative cost estimate",
    ),
    pytest.param(
        ProjectFactory,
        {"shift_early": 21},
        "project_shift_bounded",
        "shift_early",
        None,
        id="project that may start more than 20 years earlier",
    ),
    pytest.param(
        ProjectFactory,
        {"shift_late": 21},
        "project_shift_bounded",
        "shift_late",
        None,
        id="project that may start more than 20 years later",
    ),
    pytest.param(
        ProjectFactory,
        {"kind": "overig"},
        "project_kind_valid",
        "kind",
        None,
        id="project of an unknown kind",
    ),
    pytest.param(
        ProjectFactory,
        {"status": "gepland"},
        "project_status_valid",
        "status",
        None,
        id="project in an unknown phase",
    ),
    pytest.param(
        AmbitionContributionFactory,
        {"weight": Decimal("-0.5")},
        "contribution_weight_not_negative",
        "weight",
        None,
        id="contribution with a negative weight",
    ),
    pytest.param(
        FundingFactory,
        {"amount": Decimal("-1")},
        "funding_amount_not_negative",
        "amount",
        None,
        id="negative funding",
    ),
    pytest.param(
        FundingFactory,
        {"year": 1799},
        "funding_year_range",
        "year",
        None,
        id="funding before 1800",
    ),
    pytest.param(
        RegisterEntryFactory,
        {"likelihood": 0},
        "register_scores_1_5",
        "likelihood",
        None,
        id="risk likelihood below 1",
    ),
    pytest.param(
        RegisterEntryFactory,
        {"likelihood": 6},
        "register_scores_1_5",
        "likelihood",
        None,
        id="risk likelihood above 5",
    ),
    pytest.param(
        RegisterEntryFactory,
        {"impact": 6},
        "register_scores_1_5",
        "impact",
        None,
        id="risk impact above 5",
    ),
    pytest.param(
        ProjectBriefFactory,
        {"budget_frame": Decimal("-1")},
        "brief_budget_not_negative",
        "budget_frame",
        None,
        id="brief with a negative budget frame",
    ),
]

# (factory, fields that together are unique, key of the full_clean error, message)
UNIQUES = [
    pytest.param(
        AmbitionContributionFactory,
        ["project", "ambition"],
        NON_FIELD_ERRORS,
        None,
        id="contribution per ambition",
    ),
    pytest.param(
        FundingFactory,
        ["project", "budget_line", "year"],
        NON_FIELD_ERRORS,
        None,
        id="funding per line and year",
    ),
    pytest.param(
        ProjectRoleFactory,
        ["project", "actor", "role", "person"],
        NON_FIELD_ERRORS,
        None,
        id="role per person",
    ),
    pytest.param(ProjectBriefFactory, ["project"], "project", None, id="one brief per project"),
]

GOOD_ROWS = [
    pytest.param(ProjectFactory, id="project"),
    pytest.param(AmbitionContributionFactory, id="contribution"),
    pytest.param(FundingFactory, id="funding"),
    pytest.param(ProjectRoleFactory, id="role"),
    pytest.param(RegisterEntryFactory, id="register entry"),
    pytest.param(ProjectBriefFactory, id="empty brief"),
    pytest.param(lambda: ProjectBriefFactory(answered=True), id="answered brief"),
]


class TestConstraints(ConstraintRules):
    checks = CHECKS
    uniques = UNIQUES
    good_rows = GOOD_ROWS


def test_a_project_may_start_and_end_in_the_same_year():
    ProjectFactory(start_year=2027, end_year=2027).full_clean()


def test_a_project_knows_its_start_window():
    project = ProjectFactory.build(start_year=2028, shift_early=1, shift_late=2)
    assert (project.earliest_start, project.latest_start) == (2027, 2030)


def test_the_brief_completeness_goes_from_0_to_100_as_the_questions_are_answered():
    """Six questions plus scope and competences: each answer adds an eighth (12.5 %)."""
    brief = ProjectBriefFactory.build()
    answers = ProjectBriefFactory.build(answered=True)
    parts = [*ProjectBrief.QUESTIONS, "scope_in", "competences"]
    shares = [brief.completeness]
    for part in parts:
        setattr(brief, part, getattr(answers, part))
        shares.append(brief.completeness)
    assert shares == [round(100 * n / len(parts)) for n in range(len(parts) + 1)]
    assert (shares[0], shares[-1]) == (0, 100)


def test_an_answer_of_only_spaces_does_not_count_towards_completeness():
    brief = ProjectBriefFactory.build(leading_task="   \n")
    assert brief.completeness == 0
