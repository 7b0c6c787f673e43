from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.fields import GeometryField, year_field, year_in_range
from projects.choices import (
    Certainty,
    ContractForm,
    DecisionLevel,
    ParticipationLevel,
    ProjectKind,
    ProjectRoleKind,
    ProjectStatus,
    RegisterKind,
    RegisterStatus,
    Scale,
)
from projects.querysets import ProjectQuerySet, ProjectRowQuerySet
from stakeholders.choices import ProcessStep

MAX_SHIFT_YEARS = 20


class Project(models.Model):
    """A project in the public space, municipal or from an external partner.

    Holds where and when it happens (with how far it may shift), who owns and leads it,
    what it contributes to (themes, ambitions), which assets it covers, what it costs and
    how that is funded. Partner works are projects owned by an external actor, with a
    certainty level saying how firm their plan is.
    """

    # Unique per organisation, not across them (the constraint and `clean` below): a
    # partner's own reference numbers are its own, and a code another organisation
    # already uses is no reason to refuse it, nor a way to learn that code exists.
    code = models.CharField(_("projectcode"), max_length=30)
    name = models.CharField(_("naam"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    kind = models.CharField(_("projecttype"), max_length=20, choices=ProjectKind.choices)
    status = models.CharField(
        _("fase"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.INITIATIEF
    )
    certainty = models.CharField(
        _("zekerheid"), max_length=20, choices=Certainty.choices, default=Certainty.VOORGENOMEN
    )
    owner = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        related_name="owned_projects",
    )
    lead = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("trekker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="led_projects",
    )
    areas = models.ManyToManyField(
        "impor.Area", verbose_name=_("gebieden"), blank=True, related_name="projects"
    )
    street = models.CharField(_("straat"), max_length=200, blank=True)
    geometry = GeometryField(_("geometrie"))
    start_year = year_field(_("startjaar"))
    end_year = year_field(_("eindjaar"))
    shift_early = models.PositiveSmallIntegerField(
        _("kan eerder (jaar)"), default=0, validators=[MaxValueValidator(MAX_SHIFT_YEARS)]
    )
    shift_late = models.PositiveSmallIntegerField(
        _("kan later (jaar)"), default=0, validators=[MaxValueValidator(MAX_SHIFT_YEARS)]
    )
    scale = models.CharField(
        _("schaal"), max_length=10, choices=Scale.choices, default=Scale.STRAAT
    )
    opens_street = models.BooleanField(_("opent de straat"), default=False)
    themes = models.ManyToManyField(
        "stakeholders.Theme", verbose_name=_("thema's"), blank=True, related_name="projects"
    )
    ambitions = models.ManyToManyField(
        "stakeholders.Ambition",
        verbose_name=_("ambities"),
        through="AmbitionContribution",
        blank=True,
        related_name="projects",
    )
    assets = models.ManyToManyField(
        "assets.Asset",
        verbose_name=_("beheerobjecten in scope"),
        blank=True,
        related_name="projects",
    )
    cost_estimate = models.DecimalField(
        _("kostenraming (€)"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    team = models.ForeignKey(
        "stakeholders.Team",
        verbose_name=_("team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text=_("Het team dat het werk voorbereidt, aanbesteedt en begeleidt."),
    )
    hours = models.PositiveIntegerField(
        _("uren"),
        null=True,
        blank=True,
        help_text=_(
            "Uren voor voorbereiding, aanbesteding en toezicht samen; leeg: de standaard "
            "naar soort en omvang."
        ),
    )
    maintenance = models.DecimalField(
        _("beheerlasten per jaar (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Verandering van de jaarlijkse beheerkosten na afronding: positief voor nieuw "
            "groen of spelen, negatief als versleten objecten worden vervangen; leeg: de "
            "standaard."
        ),
    )
    participation_level = models.CharField(
        _("participatieniveau"),
        max_length=20,
        choices=ParticipationLevel.choices,
        default=ParticipationLevel.INFORMEREN,
    )
    decision_level = models.CharField(
        _("besluitvorming"),
        max_length=20,
        choices=DecisionLevel.choices,
        default=DecisionLevel.AMBTELIJK,
    )
    contract_form = models.CharField(
        _("contractvorm"), max_length=20, choices=ContractForm.choices, blank=True
    )
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    history = HistoricalRecords()
    #: Reverse relations whose history this object's history shows too (impor.history).
    history_parts = ("fundings", "brief")

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projecten")
        ordering = ["start_year", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "code"],
                name="project_unique_code_per_owner",
                violation_error_message=_("Deze organisatie heeft al een project met deze code."),
            ),
            models.CheckConstraint(
                condition=models.Q(end_year__gte=models.F("start_year")),
                name="project_end_not_before_start",
                violation_error_message=_("Het eindjaar ligt niet vóór het startjaar."),
            ),
            models.CheckConstraint(
                condition=year_in_range("start_year") & year_in_range("end_year"),
                name="project_years_range",
            ),
            models.CheckConstraint(
                condition=models.Q(cost_estimate__gte=0), name="project_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    shift_early__lte=MAX_SHIFT_YEARS, shift_late__lte=MAX_SHIFT_YEARS
                ),
                name="project_shift_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ProjectKind.values), name="project_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProjectStatus.values), name="project_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["owner", "start_year"]),
            models.Index(fields=["start_year", "end_year"]),
            models.Index(fields=["street"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        """The municipality's departments share one series of project codes: a code one
        department uses is taken for all of them."""
        owner = self.owner if self.owner_id else None
        if owner is None or not owner.is_internal or not self.code:
            return
        taken = (
            Project.objects.filter(code=self.code, owner__is_internal=True)
            .exclude(pk=self.pk)
            .exists()
        )
        if taken:
            raise ValidationError(
                {"code": _("De gemeente heeft al een project met deze code.")}, code="unique"
            )

    @property
    def earliest_start(self) -> int:
        return self.start_year - self.shift_early

    @property
    def latest_start(self) -> int:
        return self.start_year + self.shift_late


class AmbitionContribution(models.Model):
    """How much a project contributes to an ambition (weight ≥ 0, relative)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="contributions"
    )
    ambition = models.ForeignKey(
        "stakeholders.Ambition",
        verbose_name=_("ambitie"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    weight = models.DecimalField(
        _("gewicht"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijdrage aan ambitie")
        verbose_name_plural = _("bijdragen aan ambities")
        constraints = [
            models.UniqueConstraint(fields=["project", "ambition"], name="contribution_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0),
                name="contribution_weight_not_negative",
                violation_error_message=_("Een gewicht is niet negatief."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} → {self.ambition}"


class IndicatorContribution(models.Model):
    """What a project is expected to add to an ambition's indicator once it is finished
    (in the indicator's unit), so monitoring can set the plan's expected course against
    the measured values."""

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        on_delete=models.CASCADE,
        related_name="indicator_contributions",
    )
    indicator = models.ForeignKey(
        "stakeholders.Indicator",
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="contributions",
    )
    expected = models.DecimalField(_("verwachte bijdrage"), max_digits=14, decimal_places=2)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("bijdrage aan indicator")
        verbose_name_plural = _("bijdragen aan indicatoren")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "indicator"], name="indicator_contribution_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} → {self.indicator}"


class Funding(models.Model):
    """Money for a project from one budget line in one year; secured (gedekt) or not yet."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="fundings"
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.PROTECT,
        related_name="fundings",
    )
    year = year_field(_("jaar"))
    amount = models.DecimalField(
        _("bedrag (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )
    secured = models.BooleanField(_("gedekt"), default=False)

    history = HistoricalRecords()

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("dekking")
        verbose_name_plural = _("dekking")
        ordering = ["project", "year", "budget_line"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "budget_line", "year"], name="funding_unique_line_year"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="funding_amount_not_negative",
                violation_error_message=_("Een bedrag is niet negatief."),
            ),
            models.CheckConstraint(condition=year_in_range("year"), name="funding_year_range"),
        ]
        indexes = [models.Index(fields=["budget_line", "year"])]

    def __str__(self) -> str:
        return f"{self.project.code} {self.budget_line} {self.year}"


class ProjectRole(models.Model):
    """Who plays which role on a project, and from which process step on."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="roles"
    )
    actor = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        related_name="project_roles",
    )
    person = models.CharField(_("persoon"), max_length=200, blank=True)
    role = models.CharField(_("rol"), max_length=20, choices=ProjectRoleKind.choices)
    from_step = models.CharField(
        _("betrokken vanaf"),
        max_length=20,
        choices=ProcessStep.choices,
        default=ProcessStep.PROJECTOPDRACHT,
    )

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("projectrol")
        verbose_name_plural = _("projectrollen")
        ordering = ["project", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "actor", "role", "person"], name="project_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.person or self.actor}"


class RegisterEntry(models.Model):
    """An opportunity, risk, success factor or precondition of a project, with its measure."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="register"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=RegisterKind.choices)
    description = models.TextField(_("omschrijving"))
    measure = models.TextField(_("maatregel"), blank=True)
    owner = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entries",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=RegisterStatus.choices, default=RegisterStatus.OPEN
    )
    likelihood = models.PositiveSmallIntegerField(
        _("kans van optreden"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (zeer klein) tot 5 (zeer groot); voor risico's."),
    )
    impact = models.PositiveSmallIntegerField(
        _("gevolg"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (zeer klein) tot 5 (zeer groot); voor risico's."),
    )

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("registeritem")
        verbose_name_plural = _("kansen, risico's, succesfactoren en randvoorwaarden")
        ordering = ["project", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(likelihood__isnull=True) | models.Q(likelihood__range=(1, 5)))
                & (models.Q(impact__isnull=True) | models.Q(impact__range=(1, 5))),
                name="register_scores_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.description[:60]}"


class ProjectBrief(models.Model):
    """The project brief (projectopdracht): where strategy meets execution.

    Answers the six questions of the City Deal method, has a social paragraph on every
    brief, and names scope and the competences needed. It can be tested against the
    programme: does it take in the coupling opportunities in its area and window?
    """

    QUESTIONS = (
        "leading_task",
        "priority_criteria",
        "governance",
        "frames",
        "social_paragraph",
        "participation",
    )

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="brief"
    )
    leading_task = models.TextField(_("welke opgave is leidend?"), blank=True)
    leading_theme = models.ForeignKey(
        "stakeholders.Theme",
        verbose_name=_("leidend thema"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    priority_criteria = models.TextField(_("welke criteria hebben prioriteit?"), blank=True)
    governance = models.TextField(_("wie stuurt en wie beslist?"), blank=True)
    frames = models.TextField(
        _("wat zijn de kaders, ook voor afwijken?"),
        blank=True,
        help_text=_(
            "Budget, tijd en kwaliteit, en wanneer de trekker terug moet naar de opdrachtgever."
        ),
    )
    budget_frame = models.DecimalField(
        _("budgetkader (€)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    budget_deviation_pct = models.PositiveSmallIntegerField(
        _("toegestane afwijking budget (%)"), default=10, validators=[MaxValueValidator(100)]
    )
    time_deviation_months = models.PositiveSmallIntegerField(
        _("toegestane afwijking planning (maanden)"), default=6, validators=[MaxValueValidator(60)]
    )
    social_paragraph = models.TextField(
        _("hoe verbindt het fysieke zich met het sociale?"),
        blank=True,
        help_text=_(
            "De sociale paragraaf: welke sociale opgave speelt hier en wat doet het project ermee?"
        ),
    )
    participation = models.TextField(_("welke rol heeft participatie?"), blank=True)
    scope_in = models.TextField(_("binnen de scope"), blank=True)
    scope_out = models.TextField(_("buiten de scope"), blank=True)
    competences = models.TextField(_("benodigde competenties en rollen"), blank=True)
    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    history = HistoricalRecords()

    objects = ProjectRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("projectopdracht")
        verbose_name_plural = _("projectopdrachten")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_frame__isnull=True) | models.Q(budget_frame__gte=0),
                name="brief_budget_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Projectopdracht %(code)s") % {"code": self.project.code})

    @property
    def completeness(self) -> int:
        """Share (0–100) of the six questions and the scope that have an answer."""
        parts = [getattr(self, name) for name in (*self.QUESTIONS, "scope_in", "competences")]
        return round(100 * sum(1 for part in parts if str(part).strip()) / len(parts))
