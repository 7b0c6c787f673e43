from django.db import models
from django.utils.translation import gettext_lazy as _


class CriterionCode(models.TextChoices):
    """The criteria the engine knows how to score (DOMAIN §5.4)."""

    URGENCY = "urgentie", _("technische urgentie")
    RISK = "risico", _("risico")
    AMBITION = "ambitie", _("bijdrage aan ambities en thema's")
    SOCIAL = "sociaal", _("sociale prioriteit van het gebied")
    COUPLING = "koppeling", _("koppelwaarde")
    COST = "kosten", _("kostenefficiëntie")
    CERTAINTY = "zekerheid", _("zekerheid")


class MeasureGrouping(models.TextChoices):
    """Which asset needs may form one measure (programming.engine.measures)."""

    STREET = "straat", _("per straat en discipline")
    AREA = "gebied", _("per gebied en discipline")
    OBJECT = "object", _("elk object apart")


class ProgrammeStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    VASTGESTELD = "vastgesteld", _("vastgesteld")


class RunStatus(models.TextChoices):
    QUEUED = "wachtrij", _("in de wachtrij")
    RUNNING = "bezig", _("bezig")
    DONE = "klaar", _("klaar")
    FAILED = "mislukt", _("mislukt")


class WorkKind(models.TextChoices):
    MEASURE = "maatregel", _("maatregel uit het areaal")
    PROJECT = "project", _("gemeentelijk project")
    PARTNER = "partner", _("werk van een partner")


class CouplingKind(models.TextChoices):
    """MISS DIG's distinction: aligned windows are an opportunity, overlapping works a conflict."""

    OPPORTUNITY = "kans", _("koppelkans")
    CONFLICT = "conflict", _("conflict")


class CouplingDecisionStatus(models.TextChoices):
    PROPOSED = "voorgesteld", _("voorgesteld")
    ACCEPTED = "geaccepteerd", _("geaccepteerd")
    REJECTED = "afgewezen", _("afgewezen")
