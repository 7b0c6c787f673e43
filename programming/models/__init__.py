"""The models of programming, by subdomain: the assessment framework (`framework`), the
programme with its runs and decisions (`programme`) and its computed content
(`content`)."""

from programming.models.content import (
    Coupling,
    KpiValue,
    UnfundedItem,
    UnfundedReason,
    Work,
    WorkCost,
)
from programming.models.framework import AssessmentFramework, Criterion
from programming.models.programme import (
    HORIZON_MAX,
    HORIZON_MIN,
    PROGRAMME_SETTINGS,
    SCENARIO_SETTINGS,
    BudgetOverride,
    CouplingDecision,
    Programme,
    ProgrammeFrozen,
    ProgrammeQuerySet,
    ProgrammeRun,
)

__all__ = [
    "HORIZON_MAX",
    "HORIZON_MIN",
    "PROGRAMME_SETTINGS",
    "SCENARIO_SETTINGS",
    "AssessmentFramework",
    "BudgetOverride",
    "Coupling",
    "CouplingDecision",
    "Criterion",
    "KpiValue",
    "Programme",
    "ProgrammeFrozen",
    "ProgrammeQuerySet",
    "ProgrammeRun",
    "UnfundedItem",
    "UnfundedReason",
    "Work",
    "WorkCost",
]
