"""A programme: its parameters, scenarios' budget overrides, its computations (runs) and
the coupling decisions taken on it, with the guard that freezes it once adopted."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, ExpressionWrapper, OuterRef
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.fields import year_field, year_in_range
from programming.choices import CouplingDecisionStatus, MeasureGrouping, ProgrammeStatus, RunStatus
from programming.models.framework import AssessmentFramework
from projects.choices import DecisionLevel

HORIZON_MIN = 4
HORIZON_MAX = 10

#: The settings a user chooses for a programme, in the order the form and the API show
#: them: the one list the programme form, its serializer and the scenario copy derive
#: from (status, adoption and results are computed, not chosen). The engine's parameters
#: are those of them that `engine.instance.Parameters` names (`selectors`).
PROGRAMME_SETTINGS = (
    "name",
    "description",
    "first_year",
    "horizon",
    "framework",
    "price_year",
    "coupling_distance",
    "coupling_overlap",
    "measure_grouping",
    "backlog_years",
    "time_tolerance",
    "graafrust_years",
    "graafrust_weight",
    "opening_cost_share",
    "budget_factor",
    "carry_over",
    "time_limit",
)
#: The settings a scenario changes (on the scenario page and in the API); a scenario
#: copies all the others from its source.
SCENARIO_SETTINGS = (
    "budget_factor",
    "horizon",
    "framework",
    "coupling_distance",
    "time_tolerance",
    "carry_over",
    "time_limit",
)


class ProgrammeFrozen(ValueError):
    """An adopted (vastgesteld) programme is frozen: its settings, coupling decisions,
    budget overrides and computed content no longer change. A ValueError, as the other
    conflicts of the services: the pages show it as a message, the API as 409, the
    commands as their error."""

    def __init__(self) -> None:
        super().__init__(gettext("Een vastgesteld programma verandert niet meer."))


class ProgrammeQuerySet(models.QuerySet):
    def ensure_changeable(self, pk: int | None) -> None:
        """The one guard of "an adopted programme is frozen": raise ProgrammeFrozen when
        the stored programme `pk` is adopted.

        Every write passes it: the saves of a programme and a new run, the saves and
        deletes of the rows that are frozen with it (`FrozenWithProgramme`), so the admin,
        the pages, the API, the commands and the worker alike, and `services.store_result`,
        whose bulk writes skip `save()`. It
        reads the stored status, so neither a stale instance nor an edited one slips by.
        """
        if pk is not None and self.filter(pk=pk, status=ProgrammeStatus.VASTGESTELD).exists():
            raise ProgrammeFrozen

    def current(self) -> "Programme | None":
        """The programme the pages report on: the most recently adopted one, because that
        is the plan the organisation works to; without any, the most recently computed
        concept that is not a what-if (a copy of another programme with changes of its
        own: a scenario is a question, not the plan; a later version is a copy without
        them), else the most recently computed what-if; None while nothing has been
        computed."""
        adopted = self.filter(status=ProgrammeStatus.VASTGESTELD).order_by("-adopted_on", "-pk")
        changes = self.model.changes.rel.related_model.objects.filter(programme=OuterRef("pk"))
        computed = (
            self.filter(computed_at__isnull=False)
            .annotate(
                what_if=ExpressionWrapper(
                    models.Q(based_on__isnull=False) & Exists(changes),
                    output_field=models.BooleanField(),
                )
            )
            .order_by("what_if", "-computed_at", "-pk")
        )
        return adopted.first() or computed.first()


class Programme(models.Model):
    """A tactical multi-year programme (4–10 years) composed at the programmeertafel.

    Holds its parameters and, once computed, its content (works, couplings, unfunded items,
    KPIs). A scenario is a programme copied from another with other parameters. An adopted
    (vastgesteld) programme is frozen; later versions report their differences from it.
    """

    name = models.CharField(_("naam"), max_length=200, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    first_year = year_field(_("eerste jaar"))
    horizon = models.PositiveSmallIntegerField(
        _("looptijd (jaar)"),
        default=HORIZON_MAX,
        validators=[MinValueValidator(HORIZON_MIN), MaxValueValidator(HORIZON_MAX)],
    )
    framework = models.ForeignKey(
        AssessmentFramework,
        verbose_name=_("afwegingskader"),
        on_delete=models.PROTECT,
        related_name="programmes",
    )
    price_year = year_field(_("prijspeil"))
    coupling_distance = models.PositiveIntegerField(
        _("koppelafstand (m)"),
        default=25,
        validators=[MaxValueValidator(1000)],
        help_text=_("Werken binnen deze afstand van elkaar kunnen koppelen."),
    )
    coupling_overlap = models.DecimalField(
        _("deel langs het andere werk"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)],
        help_text=_(
            "Zo'n deel van een werk moet binnen de koppelafstand van een ander werk liggen om "
            "ermee te koppelen; zo koppelen zijstraten niet via het kruispunt."
        ),
    )
    measure_grouping = models.CharField(
        _("groepering tot maatregelen"),
        max_length=10,
        choices=MeasureGrouping.choices,
        default=MeasureGrouping.STREET,
        help_text=_("Welke vervangingen van objecten samen één maatregel vormen."),
    )
    backlog_years = models.PositiveSmallIntegerField(
        _("achterstand inlopen in (jaar)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(HORIZON_MAX)],
        help_text=_("Achterstallige vervangingen krijgen een venster van zoveel eerste jaren."),
    )
    time_tolerance = models.PositiveSmallIntegerField(
        _("tijdstolerantie (jaar)"),
        default=1,
        validators=[MaxValueValidator(10)],
        help_text=_("Zoveel jaar mogen de vensters uit elkaar liggen en toch koppelen."),
    )
    graafrust_years = models.PositiveSmallIntegerField(
        _("graafrust (jaar)"),
        default=3,
        validators=[MaxValueValidator(15)],
        help_text=_("Na herinrichting blijft de straat zoveel jaar dicht voor nieuw graafwerk."),
    )
    graafrust_weight = models.PositiveSmallIntegerField(
        _("gewicht graafrustdoorbreking (punten)"),
        default=10,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "Zoveel punten prioriteit kost het als een werk de graafrust doorbreekt. "
            "De planning kiest alleen een doorbreking als vermijden meer kost."
        ),
    )
    opening_cost_share = models.DecimalField(
        _("aandeel openen en herstraten"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_(
            "Deel van de kosten van een gravend werk dat opbreken, verkeersmaatregelen en "
            "herstraten is, en dus gedeeld wordt bij koppelen (riool.net: 30–60%)."
        ),
    )
    budget_factor = models.DecimalField(
        _("budgetfactor"),
        max_digits=5,
        decimal_places=3,
        default=Decimal("1.000"),
        validators=[MinValueValidator(0)],
        help_text=_("Scenario: vermenigvuldig alle jaarbudgetten hiermee."),
    )
    carry_over = models.BooleanField(
        _("overhevelen toegestaan"),
        default=False,
        help_text=_("Niet besteed budget schuift door naar het volgende jaar."),
    )
    time_limit = models.PositiveIntegerField(
        _("rekentijd (seconden)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3600)],
        help_text=_(
            "Zo lang zoekt de rekenkern naar het beste programma; daarna geldt het beste "
            "gevonden programma, met de afstand tot het optimum erbij."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.CONCEPT
    )
    adopted_on = models.DateField(_("vastgesteld op"), null=True, blank=True)
    adopted_by = models.CharField(
        _("vastgesteld door"), max_length=20, choices=DecisionLevel.choices, blank=True
    )
    based_on = models.ForeignKey(
        "self",
        verbose_name=_("gebaseerd op"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    computed_at = models.DateTimeField(_("berekend op"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    objects = ProgrammeQuerySet.as_manager()

    history = HistoricalRecords()
    #: Reverse relations whose history this object's history shows too (impor.history).
    history_parts = ("decisions", "budget_overrides")

    class Meta:
        verbose_name = _("programma")
        verbose_name_plural = _("programma's")
        ordering = ["-first_year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(horizon__gte=HORIZON_MIN, horizon__lte=HORIZON_MAX),
                name="programme_horizon_4_10",
                violation_error_message=_("De looptijd is 4 tot en met 10 jaar."),
            ),
            models.CheckConstraint(
                condition=year_in_range("first_year") & year_in_range("price_year"),
                name="programme_years_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opening_cost_share__gte=0, opening_cost_share__lte=1),
                name="programme_opening_share_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_factor__gte=0),
                name="programme_budget_factor_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProgrammeStatus.VASTGESTELD)
                | (models.Q(adopted_on__isnull=False) & ~models.Q(adopted_by="")),
                name="programme_adopted_has_date_and_body",
                violation_error_message=_(
                    "Een vastgesteld programma heeft een datum en een besluitvormend orgaan."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        Programme.objects.ensure_changeable(self.pk)
        super().save(*args, **kwargs)

    @property
    def last_year(self) -> int:
        return self.first_year + self.horizon - 1

    @property
    def is_adopted(self) -> bool:
        return self.status == ProgrammeStatus.VASTGESTELD


class FrozenWithProgramme(models.Model):
    """A row that belongs to a programme and is frozen with it: an adopted programme's
    children (its budget overrides, coupling decisions, scenario changes, work settings and
    what the parties add to a coupling) never change, so saving or deleting one of an
    adopted programme raises ProgrammeFrozen. Each concrete model declares its own
    `programme` foreign key: their reverse names and labels differ."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        Programme.objects.ensure_changeable(self.programme_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        Programme.objects.ensure_changeable(self.programme_id)
        return super().delete(*args, **kwargs)


class BudgetOverride(FrozenWithProgramme):
    """A scenario's own amount for a budget line in a year, instead of the line's amount."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        related_name="budget_overrides",
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = year_field(_("jaar"))
    amount = models.DecimalField(
        _("bedrag (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    #: Also tells when the scenario's budgets changed after it was computed (a deletion
    #: too), see `programming.freshness`.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("afwijkend budget")
        verbose_name_plural = _("afwijkende budgetten")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "budget_line", "year"], name="budget_override_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="budget_override_not_negative",
                violation_error_message=_("Een budget is niet negatief."),
            ),
            models.CheckConstraint(
                condition=year_in_range("year"), name="budget_override_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} {self.budget_line} {self.year}"


class ProgrammeRun(models.Model):
    """One computation of a programme, with the progress a user can follow."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="runs"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(
        _("voortgang (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("stap"), max_length=200, blank=True)
    message = models.TextField(_("melding"), blank=True)
    task_id = models.CharField(_("taak-id"), max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gestart door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangevraagd"), auto_now_add=True)
    started_at = models.DateTimeField(_("gestart"), null=True, blank=True)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("laatste teken van leven"),
        null=True,
        blank=True,
        help_text=_("De worker zet dit tijdens het rekenen; blijft het uit, dan is hij gestopt."),
    )
    stats = models.JSONField(_("kengetallen van de berekening"), default=dict, blank=True)

    class Meta:
        verbose_name = _("berekening")
        verbose_name_plural = _("berekeningen")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="run_progress_0_100"
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.programme} {self.created_at:%d-%m-%Y %H:%M}"

    def save(self, *args, **kwargs) -> None:
        if self._state.adding:  # a new computation; an old run's progress still lands
            Programme.objects.ensure_changeable(self.programme_id)
        super().save(*args, **kwargs)


class CouplingDecision(FrozenWithProgramme):
    """The programme manager's decision on a coupling (by key, so it outlives recomputation)."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="decisions"
    )
    key = models.CharField(_("sleutel"), max_length=64)
    status = models.CharField(_("besluit"), max_length=20, choices=CouplingDecisionStatus.choices)
    reason = models.TextField(_("reden"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besloten door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("besloten op"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("besluit over koppelkans")
        verbose_name_plural = _("besluiten over koppelkansen")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="decision_unique_key"),
            models.CheckConstraint(
                condition=~models.Q(status=CouplingDecisionStatus.REJECTED) | ~models.Q(reason=""),
                name="decision_rejection_has_reason",
                violation_error_message=_("Geef een reden waarom de koppelkans is afgewezen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} {self.key[:8]}"

    def clean(self) -> None:
        super().clean()
        if self.status == CouplingDecisionStatus.REJECTED and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Geef een reden waarom de koppelkans is afgewezen.")}
            )
