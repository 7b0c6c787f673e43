from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.fields import GeometryField, year_field, year_in_range
from programming.choices import (
    CouplingDecisionStatus,
    CouplingKind,
    CriterionCode,
    MeasureGrouping,
    ProgrammeStatus,
    RunStatus,
    WorkKind,
)
from programming.querysets import CouplingQuerySet, WorkQuerySet, WorkRowQuerySet
from projects.choices import Certainty, DecisionLevel

HORIZON_MIN = 4
HORIZON_MAX = 10


class AssessmentFramework(models.Model):
    """The assessment framework (afwegingskader): weighted criteria to prioritise works."""

    name = models.CharField(_("naam"), max_length=200, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)

    history = HistoricalRecords()
    #: Reverse relations whose history this object's history shows too (impor.history).
    history_parts = ("criteria",)

    class Meta:
        verbose_name = _("afwegingskader")
        verbose_name_plural = _("afwegingskaders")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    """One weighted criterion of a framework. Weights are relative; they need not sum to 1."""

    framework = models.ForeignKey(
        AssessmentFramework,
        verbose_name=_("afwegingskader"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.CharField(_("criterium"), max_length=20, choices=CriterionCode.choices)
    weight = models.DecimalField(
        _("gewicht"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    description = models.TextField(_("toelichting"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "-weight"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="criterion_unique_code"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0),
                name="criterion_weight_not_negative",
                violation_error_message=_("Een gewicht is niet negatief."),
            ),
            models.CheckConstraint(
                condition=models.Q(code__in=CriterionCode.values), name="criterion_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()} ({self.weight})"


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

        Every write passes it: the saves of a programme, a coupling decision, a budget
        override and a new run (so the admin, the pages, the API, the commands and the
        worker alike), and `services.store_result`, whose bulk writes skip `save()`. It
        reads the stored status, so neither a stale instance nor an edited one slips by.
        """
        if pk is not None and self.filter(pk=pk, status=ProgrammeStatus.VASTGESTELD).exists():
            raise ProgrammeFrozen

    def current(self) -> "Programme | None":
        """The programme the pages report on: the most recently adopted one, because that
        is the plan the organisation works to; without any, the most recently computed
        concept; None while nothing has been computed."""
        adopted = self.filter(status=ProgrammeStatus.VASTGESTELD).order_by("-adopted_on", "-pk")
        return (
            adopted.first()
            or self.filter(computed_at__isnull=False).order_by("-computed_at", "-pk").first()
        )


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
    history_parts = ("decisions",)

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


class BudgetOverride(models.Model):
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

    def save(self, *args, **kwargs) -> None:
        Programme.objects.ensure_changeable(self.programme_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        Programme.objects.ensure_changeable(self.programme_id)
        return super().delete(*args, **kwargs)


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


class Coupling(models.Model):
    """A coupling opportunity or conflict: works that meet in place and time.

    Its `key` is derived from its members so a decision on it survives recomputation.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="couplings"
    )
    key = models.CharField(_("sleutel"), max_length=64)
    kind = models.CharField(_("soort"), max_length=10, choices=CouplingKind.choices)
    area = models.ForeignKey(
        "impor.Area",
        verbose_name=_("gebied"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    street = models.CharField(_("straat"), max_length=200, blank=True)
    window_start = year_field(_("gezamenlijk venster vanaf"))
    window_end = year_field(_("gezamenlijk venster tot en met"))
    year = year_field(_("gepland jaar"), null=True, blank=True)
    savings = models.DecimalField(
        _("besparing (€)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    openings_avoided = models.PositiveIntegerField(_("vermeden graafmomenten"), default=0)
    score = models.FloatField(_("score"), default=0)

    objects = CouplingQuerySet.as_manager()

    class Meta:
        verbose_name = _("koppelkans")
        verbose_name_plural = _("koppelkansen")
        ordering = ["programme", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="coupling_unique_key"),
            models.CheckConstraint(
                condition=models.Q(window_end__gte=models.F("window_start")),
                name="coupling_window_ordered",
            ),
            models.CheckConstraint(
                condition=year_in_range("window_start")
                & year_in_range("window_end")
                & year_in_range("year", nullable=True),
                name="coupling_years_range",
            ),
            models.CheckConstraint(
                condition=models.Q(savings__gte=0), name="coupling_savings_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.street or self.area or self.key[:8]}"


class CouplingDecision(models.Model):
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

    def save(self, *args, **kwargs) -> None:
        Programme.objects.ensure_changeable(self.programme_id)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        Programme.objects.ensure_changeable(self.programme_id)
        return super().delete(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.status == CouplingDecisionStatus.REJECTED and not self.reason.strip():
            raise ValidationError(
                {"reason": _("Geef een reden waarom de koppelkans is afgewezen.")}
            )


class Work(models.Model):
    """A work in a computed programme: an asset measure, a municipal project or a partner work.

    `scheduled_year` is empty when the work could not be fitted (see UnfundedItem).
    `key` identifies the same work across computations and versions of a programme.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="works"
    )
    key = models.CharField(_("sleutel"), max_length=120)
    kind = models.CharField(_("soort"), max_length=10, choices=WorkKind.choices)
    label = models.CharField(_("omschrijving"), max_length=300)
    project = models.ForeignKey(
        "projects.Project",
        verbose_name=_("project"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="works",
    )
    asset_class = models.ForeignKey(
        "assets.AssetClass",
        verbose_name=_("objecttype"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    owner = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("eigenaar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    area = models.ForeignKey(
        "impor.Area",
        verbose_name=_("gebied"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    street = models.CharField(_("straat"), max_length=200, blank=True)
    geometry = GeometryField(_("geometrie"))
    window_start = year_field(_("venster vanaf"))
    window_end = year_field(_("venster tot en met"))
    preferred_year = year_field(_("voorkeursjaar"))
    scheduled_year = year_field(_("gepland jaar"), null=True, blank=True)
    cost = models.DecimalField(
        _("kosten (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    saving = models.DecimalField(
        _("besparing door koppelen (€)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0)],
        help_text=_("Wat het werk goedkoper is doordat het samen met zijn koppelkans gebeurt."),
    )
    opens_street = models.BooleanField(_("opent de straat"), default=False)
    certainty = models.CharField(
        _("zekerheid"), max_length=20, choices=Certainty.choices, default=Certainty.VASTGESTELD
    )
    must_do = models.BooleanField(_("moet"), default=False)
    asset_count = models.PositiveIntegerField(_("aantal objecten"), default=0)
    score = models.FloatField(_("score"), default=0)
    score_breakdown = models.JSONField(_("score per criterium"), default=dict, blank=True)
    coupling = models.ForeignKey(
        Coupling,
        verbose_name=_("koppelkans"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="works",
    )
    breaks_graafrust = models.BooleanField(_("doorbreekt graafrust"), default=False)

    objects = WorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("werk")
        verbose_name_plural = _("werken")
        ordering = ["programme", "scheduled_year", "-score"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="work_unique_key"),
            models.CheckConstraint(
                condition=models.Q(
                    preferred_year__gte=models.F("window_start"),
                    preferred_year__lte=models.F("window_end"),
                ),
                name="work_preferred_in_window",
            ),
            models.CheckConstraint(
                condition=models.Q(scheduled_year__isnull=True)
                | models.Q(
                    scheduled_year__gte=models.F("window_start"),
                    scheduled_year__lte=models.F("window_end"),
                ),
                name="work_scheduled_in_window",
            ),
            models.CheckConstraint(
                condition=year_in_range("window_start")
                & year_in_range("window_end")
                & year_in_range("preferred_year"),
                name="work_years_range",
            ),
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="work_cost_not_negative"),
        ]
        indexes = [
            models.Index(fields=["programme", "scheduled_year"]),
            models.Index(fields=["programme", "area"]),
            models.Index(fields=["programme", "kind"]),
            # The map's works: the highest scored first.
            models.Index(fields=["programme", "-score", "id"], name="work_map_order"),
        ]

    def __str__(self) -> str:
        return self.label


class WorkCost(models.Model):
    """Part of a work's cost charged to one budget line, `offset` years after it starts."""

    work = models.ForeignKey(
        Work, verbose_name=_("werk"), on_delete=models.CASCADE, related_name="costs"
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    offset = models.PositiveSmallIntegerField(_("jaar na start"), default=0)
    amount = models.DecimalField(
        _("bedrag (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    objects = WorkRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("kostenpost")
        verbose_name_plural = _("kostenposten")
        constraints = [
            models.UniqueConstraint(
                fields=["work", "budget_line", "offset"], name="work_cost_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="work_cost_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work} {self.budget_line} +{self.offset}"


class UnfundedItem(models.Model):
    """A work (or part of it) that does not fit the budgets: the gap per line and year."""

    work = models.ForeignKey(
        Work, verbose_name=_("werk"), on_delete=models.CASCADE, related_name="unfunded"
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    year = year_field(_("jaar"), null=True, blank=True)
    gap = models.DecimalField(
        _("tekort (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    reason = models.CharField(_("reden"), max_length=300)

    objects = WorkRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("niet gedekt werk")
        verbose_name_plural = _("niet gedekte werken")
        ordering = ["work__programme", "year", "-gap"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gap__gte=0), name="unfunded_gap_not_negative"
            ),
            models.CheckConstraint(
                condition=year_in_range("year", nullable=True), name="unfunded_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work} ({self.gap})"


class KpiValue(models.Model):
    """One KPI figure of a computed programme, optionally per year, area, line or theme."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("programma"), on_delete=models.CASCADE, related_name="kpis"
    )
    code = models.CharField(_("kengetal"), max_length=60)
    year = year_field(_("jaar"), null=True, blank=True)
    area = models.ForeignKey(
        "impor.Area",
        verbose_name=_("gebied"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    theme = models.ForeignKey(
        "stakeholders.Theme",
        verbose_name=_("thema"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    value = models.FloatField(_("waarde"))

    class Meta:
        verbose_name = _("kengetal")
        verbose_name_plural = _("kengetallen")
        indexes = [models.Index(fields=["programme", "code", "year"])]
        constraints = [
            models.CheckConstraint(
                condition=year_in_range("year", nullable=True), name="kpi_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year or ''}: {self.value}"
