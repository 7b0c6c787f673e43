"""The plan in motion: what really happened to a work (its realisation) and what it
really cost per budget line and year.

A realisation is keyed by the work's key (`P:<code>` for a project, `M:…` for an asset
measure), not by a programme's work row: a computation replaces the rows, a new version
copies the programme, but what happened in the street stays. The planned side of
"planned versus realised" is the adopted programme's work with the same key
(`programming.realisation`).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.fields import year_field, year_in_range
from impor.visibility import for_partner


class RealisationStatus(models.TextChoices):
    PREPARING = "voorbereiding", _("in voorbereiding")
    RUNNING = "uitvoering", _("in uitvoering")
    FINISHED = "gereed", _("gereed")
    CANCELLED = "vervallen", _("vervallen")
    POSTPONED = "uitgesteld", _("uitgesteld")


class RealisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RealisationQuerySet":
        """Every realisation for a municipal user; for a partner only those of its own
        organisation's works (`owner`)."""
        return for_partner(self, user, "owner")


class Realisation(models.Model):
    """What happened to one work in reality: its status, actual start and finish, and
    why it deviates from the plan. `costs` hold the actual spend per line and year."""

    key = models.CharField(_("werksleutel"), max_length=120, unique=True)
    label = models.CharField(
        _("omschrijving"),
        max_length=300,
        help_text=_("De naam van het werk toen de realisatie werd vastgelegd."),
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="realisations",
    )
    owner = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("eigenaar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="realisations",
        help_text=_("Leeg: een werk van de gemeente."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=RealisationStatus.choices,
        default=RealisationStatus.PREPARING,
    )
    actual_start = models.DateField(_("werkelijke start"), null=True, blank=True)
    actual_finish = models.DateField(_("werkelijk gereed"), null=True, blank=True)
    reason = models.TextField(
        _("reden van afwijking"),
        blank=True,
        help_text=_("Waarom het anders loopt dan gepland: later, duurder, vervallen."),
    )
    coupling_key = models.CharField(
        _("uitgevoerd in koppeling"),
        max_length=64,
        blank=True,
        help_text=_("De sleutel van de koppelkans waarin het werk echt samen is uitgevoerd."),
    )
    register_updated_at = models.DateTimeField(
        _("beheerregister bijgewerkt op"), null=True, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("bijgewerkt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    history = HistoricalRecords()
    #: Reverse relations whose history this object's history shows too (impor.history).
    history_parts = ("costs",)

    objects = RealisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("realisatie")
        verbose_name_plural = _("realisaties")
        ordering = ["key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(actual_finish__isnull=True)
                | models.Q(actual_start__isnull=True)
                | models.Q(actual_finish__gte=models.F("actual_start")),
                name="realisation_finish_after_start",
                violation_error_message=_("Een werk is niet eerder gereed dan het begint."),
            ),
        ]
        indexes = [models.Index(fields=["status"], name="realisation_status")]

    def __str__(self) -> str:
        return self.label or self.key


class ActualCostQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ActualCostQuerySet":
        """The costs of the realisations the user may see."""
        return for_partner(self, user, "realisation__owner")


class ActualCost(models.Model):
    """What a work really cost on one budget line in one year (from the financial
    system's export or entered by hand), with the reason when it deviates from the plan."""

    realisation = models.ForeignKey(
        Realisation, verbose_name=_("realisatie"), on_delete=models.CASCADE, related_name="costs"
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.PROTECT,
        related_name="actual_costs",
    )
    year = year_field(_("jaar"))
    amount = models.DecimalField(
        _("werkelijke kosten"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.TextField(_("reden van afwijking"), blank=True)
    source = models.CharField(
        _("bron"), max_length=200, blank=True, help_text=_("Bijvoorbeeld het exportbestand.")
    )

    history = HistoricalRecords()

    objects = ActualCostQuerySet.as_manager()

    class Meta:
        verbose_name = _("werkelijke kosten")
        verbose_name_plural = _("werkelijke kosten")
        ordering = ["realisation", "year", "budget_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["realisation", "budget_line", "year"], name="actual_cost_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="actual_cost_not_negative",
                violation_error_message=_("Werkelijke kosten zijn niet negatief."),
            ),
            models.CheckConstraint(condition=year_in_range("year"), name="actual_cost_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.realisation} {self.budget_line_id} {self.year}"
