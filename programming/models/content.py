"""The computed content of a programme: its works with their costs, the couplings between
them, what does not fit the budgets (unfunded items) and its KPIs. A computation replaces
all of it (`services.store_result`)."""

from collections.abc import Mapping
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from impor.choices import Discipline
from impor.fields import GeometryField, year_field, year_in_range
from programming.choices import CouplingKind, WorkKind
from programming.models.programme import Programme
from programming.querysets import CouplingQuerySet, WorkQuerySet, WorkRowQuerySet
from programming.wording import unfunded_reason, work_name
from projects.choices import Certainty


class UnfundedReason(models.TextChoices):
    """Why the engine left a work out of the programme (`UnfundedRow.code`)."""

    OUTSIDE_HORIZON = "buiten_looptijd", _("venster ligt buiten de looptijd")
    NO_BUDGET = "geen_budget", _("geen budget op de budgetregel")
    LARGER_THAN_BUDGET = "groter_dan_jaarbudget", _("groter dan het jaarbudget")
    BUDGET_FULL = "budget_vol", _("budget vol door werken met meer prioriteit")
    COUPLING = "koppeling", _("koppelkans past niet samen")
    GRAAFRUST = "graafrust", _("graafrust sluit het venster af")
    CAPACITY = "capaciteit", _("uren van een team vol")


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
    reconstructs_street = models.BooleanField(
        _("legt de straat opnieuw aan"),
        default=False,
        help_text=_("Na dit werk geldt graafrust: de straat gaat een paar jaar niet open."),
    )
    certainty = models.CharField(
        _("zekerheid"), max_length=20, choices=Certainty.choices, default=Certainty.VASTGESTELD
    )
    must_do = models.BooleanField(_("moet"), default=False)
    asset_count = models.PositiveIntegerField(_("aantal objecten"), default=0)
    # What the engine wrote `label` from (a measure's discipline, street or area, and
    # asset_count), so `name` words it in the reader's language; empty for projects.
    discipline = models.CharField(
        _("beheerdiscipline"), max_length=20, choices=Discipline.choices, blank=True
    )
    place = models.CharField(_("plaats"), max_length=200, blank=True)
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
    maintenance = models.DecimalField(
        _("beheerlasten per jaar (€)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_(
            "Wat het werk na afronding jaarlijks aan beheerkosten toevoegt (positief) of "
            "bespaart (negatief)."
        ),
    )
    breaks_graafrust = models.BooleanField(_("doorbreekt graafrust"), default=False)
    graafrust_cause = models.CharField(
        _("reden doorbreken graafrust"),
        max_length=300,
        blank=True,
        help_text=_("Waarom het werk de graafrust niet kon ontzien."),
    )

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
        return self.name

    @property
    def name(self) -> str:
        """How pages, the API, exports and alerts name the work, in the active language
        (`label` is the engine's Dutch wording, kept for its JSON and older results)."""
        return work_name(self.label, self.discipline, self.place, self.asset_count)


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
    # Text: the engine's sentence names the works that fill the line, often over 300 chars.
    reason = models.TextField(_("reden"))
    code = models.CharField(
        _("soort reden"), max_length=30, choices=UnfundedReason.choices, blank=True
    )
    facts = models.JSONField(
        _("feiten"),
        default=dict,
        blank=True,
        help_text=_("Waarop de reden rust: budgetregel, jaren, werken die voorgaan."),
    )

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

    def sentence(self, names: Mapping[str, str], line_gap: Decimal | None = None) -> str:
        """Why, in the active language, from the code and facts (`reason` is the engine's
        Dutch); `names` maps the keys of the works the facts name to their names and
        `line_gap` is the work's whole gap on this row's line, all years together, which
        the sentence tells (`programming.explain.unfunded_sentences` reads both). Rows
        stored without a code keep `reason`."""
        if not self.code:
            return self.reason
        line = self.budget_line.code if self.budget_line_id else None
        if line is None and self.year is not None:
            # Cost no budget line pays (selectors.NO_FUNDING) is stored without a line.
            line = _("geen-dekking")
        gap = self.gap if line_gap is None else line_gap
        return unfunded_reason(self.code, self.facts, gap, line, names)


class WorkHours(models.Model):
    """Hours a work asks of one team, `offset` years after it starts (capacity)."""

    work = models.ForeignKey(
        Work, verbose_name=_("werk"), on_delete=models.CASCADE, related_name="hours"
    )
    team = models.ForeignKey(
        "stakeholders.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+"
    )
    offset = models.PositiveSmallIntegerField(_("jaar na start"), default=0)
    hours = models.DecimalField(
        _("uren"), max_digits=10, decimal_places=1, validators=[MinValueValidator(0)]
    )

    objects = WorkRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("uren van een werk")
        verbose_name_plural = _("uren van werken")
        constraints = [
            models.UniqueConstraint(fields=["work", "team", "offset"], name="work_hours_unique"),
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="work_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.work} {self.team} +{self.offset}"


class KpiValue(models.Model):
    """One KPI figure of a computed programme, optionally per year, area, line, theme or
    team."""

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
    team = models.ForeignKey(
        "stakeholders.Team",
        verbose_name=_("team"),
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
