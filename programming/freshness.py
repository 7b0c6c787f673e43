"""Whether a programme's computed results still follow from its inputs.

The rule: results are stale when the programme was never computed, or when any input
the engine reads (`selectors.programme_instance`) changed after the computation began.
"After" means later than `Programme.computed_at`, which `services.programme_compute`
sets to the moment it started loading, so a change made while the engine ran counts too.

Which changes count, and how they are seen:

- assets (their condition and lifecycle), projects and partner works with their windows,
  their funding, budget lines and their amounts, the framework's weights and the
  programme's decisions, budget overrides and scenario changes (its own and its base's,
  `programming.scenarios`): each of these models keeps a
  django-simple-history table (also written by the imports, see docs/history.md), so a
  newer `history_date` than `computed_at` is a change, a deletion included;
- the programme's own parameters: its `updated_at` (storing results saves only
  `computed_at`, which leaves `updated_at` alone);
- for a copy of an adopted programme (a new version or a scenario of it), what really
  happened: realisations and actual costs (`REALITY`), which such a copy is computed
  from (`programming.realised.with_realisations`). Other programmes do not read them.

The check runs on every programme page, so it is one query of EXISTS lookups, each an
index range scan on `history_date` (simple-history indexes it) that stops at the first
row. An adopted programme is never stale: it is frozen as it was adopted, and a new
version is computed from the inputs of that day.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assets.models import Asset
from programming.choices import RunStatus
from programming.models import (
    ActualCost,
    AssessmentFramework,
    BudgetOverride,
    CouplingDecision,
    Criterion,
    Programme,
    ProgrammeRun,
    Realisation,
    ScenarioChange,
    WorkSetting,
)
from programming.selectors import adopted_ancestor
from projects.models import Funding, Project
from stakeholders.models import BudgetAmount, BudgetLine, Team, TeamHours

NEVER_COMPUTED = _("het programma is nog niet berekend")

#: Each input, how a page names it, and the rows of its history that concern a
#: programme (OuterRef: the programme's row).
INPUTS = (
    ("objecten", _("het areaal (objecten)"), Asset, Q()),
    ("projecten", _("een project of werk van een partner"), Project, Q()),
    ("financiering", _("de financiering van een project"), Funding, Q()),
    ("budgetregels", _("een budgetregel"), BudgetLine, Q()),
    ("budgetten", _("een budget"), BudgetAmount, Q()),
    ("teams", _("een team"), Team, Q()),
    ("uren", _("de beschikbare uren van een team"), TeamHours, Q()),
    (
        "werkinstellingen",
        _("de uren of beheerlasten van een werk in dit programma"),
        WorkSetting,
        Q(programme_id=OuterRef("pk")),
    ),
    (
        "afwijkende_budgetten",
        _("een afwijkend budget van dit programma"),
        BudgetOverride,
        Q(programme_id=OuterRef("pk")),
    ),
    (
        "besluiten",
        _("een besluit over een koppelkans"),
        CouplingDecision,
        Q(programme_id=OuterRef("pk")),
    ),
    (
        "wijzigingen",
        _("een wijziging in dit scenario of zijn basisprogramma"),
        ScenarioChange,
        Q(programme_id=OuterRef("pk")) | Q(programme_id=OuterRef("based_on_id")),
    ),
    ("kader", _("het afwegingskader"), AssessmentFramework, Q(id=OuterRef("framework_id"))),
    (
        "wegingen",
        _("een weging in het afwegingskader"),
        Criterion,
        Q(framework_id=OuterRef("framework_id")),
    ),
)


#: The inputs only a copy of an adopted programme reads (`realised.version_adjustments`).
REALITY = (
    ("realisaties", _("de realisatie van een werk"), Realisation, Q()),
    ("werkelijke_kosten", _("de werkelijke kosten van een werk"), ActualCost, Q()),
)


def stale_reasons(programme: Programme) -> list[Promise]:
    """What changed since the programme was computed, as the banner names it; empty
    when its results are up to date (or it is adopted). One query."""
    return stale_state(programme)[0]


def stale_state(programme: Programme) -> tuple[list[Promise], bool]:
    """`stale_reasons`, and whether a computation of the programme is queued or running
    (the banner then offers no second one), in the same one query. A programme never
    computed needs no query; its running computation is not looked up."""
    if programme.is_adopted:
        return [], False
    if programme.computed_at is None:
        return [NEVER_COMPUTED], False
    reasons: list[Promise] = []
    if programme.updated_at > programme.computed_at:
        reasons.append(_("de instellingen van het programma"))
    inputs = INPUTS
    if programme.based_on_id is not None and adopted_ancestor(programme) is not None:
        inputs += REALITY
    later = Q(history_date__gt=OuterRef("computed_at"))
    running = ProgrammeRun.objects.filter(
        programme=OuterRef("pk"), status__in=[RunStatus.QUEUED, RunStatus.RUNNING]
    )
    flags = (
        Programme.objects.filter(pk=programme.pk)
        .annotate(
            computing=Exists(running),
            **{
                code: Exists(model.history.filter(later & rows).order_by())
                for code, _label, model, rows in inputs
            },
        )
        .values("computing", *(code for code, *_rest in inputs))
        .first()
    ) or {}
    reasons += [label for code, label, *_rest in inputs if flags.get(code)]
    return reasons, bool(flags.get("computing"))


def stale_message(reasons: list[Promise]) -> str:
    """The banner's sentence (and the refusal's): what changed after the computation."""
    if reasons == [NEVER_COMPUTED]:
        return gettext("Het programma is nog niet berekend.")
    return gettext("De uitkomsten zijn verouderd: %(what)s is gewijzigd na de berekening.") % {
        "what": ", ".join(str(reason) for reason in reasons)
    }


def is_stale(programme: Programme) -> bool:
    return bool(stale_reasons(programme))
