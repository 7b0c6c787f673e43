"""The models of programming, by subdomain: the assessment framework (`framework`), the
programme with its runs and decisions (`programme`), its computed content (`content`),
what the parties add to a coupling (`couplings`), what-if (`scenario`), what really
happened (`realisation`) and the village newsletter (`newsletter`)."""

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
from programming.models.newsletter import (
    EditionStatus,
    NewsletterDelivery,
    NewsletterEdition,
    Subscriber,
    SubscriberKind,
)
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
from programming.models.realisation import ActualCost, Realisation, RealisationStatus
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
    "ActualCost",
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
    "EditionStatus",
    "FrozenWithProgramme",
    "KpiValue",
    "NewsletterDelivery",
    "NewsletterEdition",
    "Programme",
    "ProgrammeFrozen",
    "ProgrammeQuerySet",
    "ProgrammeRun",
    "Realisation",
    "RealisationStatus",
    "ReservationKind",
    "ResponseAnswer",
    "ScenarioChange",
    "Subscriber",
    "SubscriberKind",
    "UnfundedItem",
    "UnfundedReason",
    "Work",
    "WorkCost",
    "WorkHours",
    "WorkSetting",
]
