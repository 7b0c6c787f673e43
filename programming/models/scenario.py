"""What-if: a scenario's changes on its base programme, and a programme's own settings per
work (hours, maintenance) that its defaults do not know.

A scenario is a `Programme` with `based_on` set; its `changes` say how it differs from
the base. Computing it applies them to the base's instance (`programming.scenarios`).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.fields import year_field, year_in_range
from programming.models.programme import FrozenWithProgramme, Programme
from projects.choices import Certainty


class ChangeKind(models.TextChoices):
    BUDGET = "budget", _("budget van een regel in een jaar")
    PIN = "vastzetten", _("werk vastzetten in een jaar")
    EXCLUDE = "uitsluiten", _("werk niet uitvoeren")
    MUST_DO = "moet", _("werk moet")
    CERTAINTY = "zekerheid", _("zekerheid van een partnerwerk")
    WINDOW = "venster", _("venster van een werk")
    PARAMETER = "parameter", _("instelling")
    WEIGHT = "gewicht", _("gewicht van een criterium")
    CAPACITY = "capaciteit", _("uren van een team in een jaar")


class ChangeOperation(models.TextChoices):
    ADD = "erbij", _("erbij of eraf")
    SET = "wordt", _("wordt")


class ScenarioChange(FrozenWithProgramme):
    """One change a scenario makes to its base programme.

    Which fields a change uses depends on its kind: a budget change names a line, a year,
    an operation and an amount; a capacity change a team, a year, an operation and hours
    (in `amount`); a work change the work's key (and a year, a window or a certainty);
    a parameter or weight change its name and `value`.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("soort wijziging"), max_length=20, choices=ChangeKind.choices)
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    team = models.ForeignKey(
        "stakeholders.Team",
        verbose_name=_("team"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    year = year_field(_("jaar"), null=True, blank=True)
    operation = models.CharField(
        _("bewerking"), max_length=10, choices=ChangeOperation.choices, blank=True
    )
    amount = models.DecimalField(
        _("bedrag of uren"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    work_key = models.CharField(_("werk (sleutel)"), max_length=120, blank=True)
    certainty = models.CharField(
        _("zekerheid"), max_length=20, choices=Certainty.choices, blank=True
    )
    window_start = year_field(_("venster van"), null=True, blank=True)
    window_end = year_field(_("venster tot en met"), null=True, blank=True)
    parameter = models.CharField(_("instelling of criterium"), max_length=40, blank=True)
    value = models.DecimalField(
        _("waarde"),
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    #: Also tells when a scenario's changes changed after it was computed (a deletion too).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("wijziging in een scenario")
        verbose_name_plural = _("wijzigingen in een scenario")
        ordering = ["programme", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=year_in_range("year", nullable=True)
                & year_in_range("window_start", nullable=True)
                & year_in_range("window_end", nullable=True),
                name="scenario_change_years_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.get_kind_display()}"


class WorkSetting(FrozenWithProgramme):
    """A programme's own hours or maintenance effect for one work (by key, so it outlives
    recomputation), instead of the default by kind, size and asset class."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        related_name="work_settings",
    )
    key = models.CharField(_("werk (sleutel)"), max_length=120)
    hours = models.PositiveIntegerField(
        _("uren"),
        null=True,
        blank=True,
        help_text=_("Uren voor voorbereiding, aanbesteding en toezicht samen; leeg: standaard."),
    )
    maintenance = models.DecimalField(
        _("beheerlasten per jaar (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Verandering van de jaarlijkse beheerkosten na afronding; leeg: standaard."),
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instelling van een werk")
        verbose_name_plural = _("instellingen van werken")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="work_setting_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.key}"
