"""The models of programming, by subdomain: the assessment framework (`framework`), the
programme with its runs and decisions (`programme`), its computed content (`content`)
and what the parties add to a coupling (`couplings`)."""

from programming.models.content import (
    Coupling,
    KpiValue,
    UnfundedItem,
    UnfundedReason,
    Work,
    WorkCost,
    WorkHours,
)
from programming.models.couplings import (
    MUNICIPAL_PARTY,
    CostRule,
    CouplingCostSharing,
    CouplingReservation,
    CouplingResponse,
    ReservationKind,
    ResponseAnswer,
)
from programming.models.framework import AssessmentFramework, Criterion
from programming.models.programme import (
    HORIZON_MAX,
    HORIZON_MIN,
    PROGRAMME_SETTINGS,
    SCENARIO_SETTINGS,
    BudgetOverride,
    CouplingDecision,
    FrozenWithProgramme,
    Programme,
    ProgrammeFrozen,
    ProgrammeQuerySet,
    ProgrammeRun,
)
from programming.models.scenario import (
    ChangeKind,
    ChangeOperation,
    ScenarioChange,
    WorkSetting,
)

__all__ = [
    "HORIZON_MAX",
    "HORIZON_MIN",
    "MUNICIPAL_PARTY",
    "PROGRAMME_SETTINGS",
    "SCENARIO_SETTINGS",
    "AssessmentFramework",
    "BudgetOverride",
    "ChangeKind",
    "ChangeOperation",
    "CostRule",
    "Coupling",
    "CouplingCostSharing",
    "CouplingDecision",
    "CouplingReservation",
    "CouplingResponse",
    "Criterion",
    "FrozenWithProgramme",
    "KpiValue",
    "Programme",
    "ProgrammeFrozen",
    "ProgrammeQuerySet",
    "ProgrammeRun",
    "ReservationKind",
    "ResponseAnswer",
    "ScenarioChange",
    "UnfundedItem",
    "UnfundedReason",
    "Work",
    "WorkCost",
    "WorkHours",
    "WorkSetting",
]
