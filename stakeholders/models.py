import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.choices import Discipline
from impor.fields import GeometryField, year_field, year_in_range
from stakeholders.choices import ActorKind, Domain, Involvement, ProcessStep, TaskDomain
from stakeholders.querysets import (
    ActorQuerySet,
    AreaOfInterestQuerySet,
    BudgetAmountQuerySet,
    BudgetLineQuerySet,
    NotificationQuerySet,
    TeamHoursQuerySet,
    TeamQuerySet,
    WebhookDeliveryQuerySet,
    WebhookEndpointQuerySet,
)
from stakeholders.webhook_address import validate_webhook_url


class Actor(models.Model):
    """A department or team of the municipality, or an outside organisation.

    Actors own assets, projects and budget lines, take roles on projects and take part in
    the steps of the public-space process. External actors (grid operators, the water
    board, housing corporations, village associations) deliver their own planned works.
    """

    name = models.CharField(_("naam"), max_length=200, unique=True)
    short_name = models.CharField(_("afkorting"), max_length=30, blank=True)
    is_internal = models.BooleanField(
        _("gemeentelijk"), default=True, help_text=_("Onderdeel van de gemeentelijke organisatie.")
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ActorKind.choices)
    domain = models.CharField(_("domein"), max_length=20, choices=Domain.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("onderdeel van"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="units",
    )
    description = models.TextField(_("omschrijving"), blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    areas_of_interest = models.ManyToManyField(
        "impor.Area", verbose_name=_("interessegebieden"), blank=True, related_name="actors"
    )

    objects = ActorQuerySet.as_manager()

    class Meta:
        verbose_name = _("actor")
        verbose_name_plural = _("actoren")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ActorKind.values), name="actor_kind_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    is_internal=True,
                    kind__in=[ActorKind.GEMEENTE, ActorKind.AFDELING, ActorKind.OVERIG],
                )
                | (
                    models.Q(is_internal=False)
                    & ~models.Q(kind__in=[ActorKind.GEMEENTE, ActorKind.AFDELING])
                ),
                name="actor_internal_is_department",
                violation_error_message=_(
                    "Een gemeentelijke actor is een afdeling of team; een externe actor niet."
                ),
            ),
        ]
        indexes = [models.Index(fields=["is_internal", "kind"])]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. Partner users belong to an external organisation (an actor)."""

    organisation = models.ForeignKey(
        Actor,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )

    disciplines = models.JSONField(
        _("disciplines"),
        default=list,
        blank=True,
        help_text=_(
            "Leeg: de gebruiker bewerkt alle disciplines. Anders alleen beheerobjecten van "
            "deze disciplines (codes, zoals riolering)."
        ),
    )

    def clean(self) -> None:
        super().clean()
        unknown = sorted(set(self.disciplines or []) - set(Discipline.values))
        if unknown:
            raise ValidationError(
                {
                    "disciplines": _("Onbekende discipline: %(codes)s.")
                    % {"codes": ", ".join(unknown)}
                }
            )

    @property
    def partner_organisation(self) -> Actor | None:
        """The external organisation a partner user works for; None for a municipal user.

        The one rule behind every partner restriction in pages, API, imports and exports.
        """
        organisation = self.organisation
        if organisation is not None and not organisation.is_internal:
            return organisation
        return None

    def may_edit_discipline(self, code: str) -> bool:
        """Whether the user may write assets (and their inspections and reports) of the
        discipline `code`, given the model permission. Empty `disciplines`: every one.

        The one rule behind the discipline limit in pages, API and imports; reading is
        never limited by discipline.
        """
        return self.is_superuser or not self.disciplines or code in self.disciplines

    class Meta(AbstractUser.Meta):
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")


class SingleSignOnIdentity(models.Model):
    """A municipal account at the identity provider that logs in as this user.

    The provider names an account by its issuer and subject (`iss` and `sub`), which never
    change; an e-mail address can change hands, so a login is never matched by it
    (stakeholders/oidc.py). A login creates this link for the account it creates; linking
    an existing user is an administrator's step (`manage.py link_sso_account` or the
    admin), kept in the history.
    """

    user = models.ForeignKey(
        User,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="sso_identities",
    )
    issuer = models.CharField(
        _("identiteitsprovider"), max_length=255, help_text=_("De `iss` van de provider.")
    )
    subject = models.CharField(
        _("kenmerk bij de provider"),
        max_length=255,
        help_text=_("De `sub` van het account: vast, anders dan het e-mailadres."),
    )
    created_at = models.DateTimeField(_("gekoppeld op"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("gekoppeld gemeente-account")
        verbose_name_plural = _("gekoppelde gemeente-accounts")
        ordering = ["issuer", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"],
                name="sso_identity_unique_subject",
                violation_error_message=_(
                    "Dit gemeente-account is al aan een gebruiker gekoppeld."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} @ {self.issuer}"

    def clean(self) -> None:
        super().clean()
        # The provider's roles are municipal roles (stakeholders/oidc.py).
        if self.user_id is not None and self.user.partner_organisation is not None:
            raise ValidationError(
                {
                    "user": _(
                        "Een partnergebruiker hoort bij een externe organisatie en krijgt geen "
                        "gemeente-account."
                    )
                }
            )


class ContactPerson(models.Model):
    """A named contact at an actor."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("naam"), max_length=200)
    function = models.CharField(_("functie"), max_length=200, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)
    phone = models.CharField(_("telefoon"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["actor", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.actor})"


class ProcessPosition(models.Model):
    """Where an actor stands in one step of the process: now, and where it wants to be."""

    actor = models.ForeignKey(
        Actor, verbose_name=_("actor"), on_delete=models.CASCADE, related_name="process_positions"
    )
    step = models.CharField(_("processtap"), max_length=20, choices=ProcessStep.choices)
    now = models.CharField(
        _("positie nu"), max_length=20, choices=Involvement.choices, default=Involvement.GEEN
    )
    desired = models.CharField(
        _("gewenste positie"),
        max_length=20,
        choices=Involvement.choices,
        default=Involvement.GEEN,
    )
    notes = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("procespositie")
        verbose_name_plural = _("procesposities")
        ordering = ["actor", "step"]
        constraints = [
            models.UniqueConstraint(fields=["actor", "step"], name="process_position_unique"),
            models.CheckConstraint(
                condition=models.Q(step__in=ProcessStep.values), name="process_step_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.actor}: {self.get_step_display()}"


class Theme(models.Model):
    """A societal task (opgave) such as energietransitie or klimaatadaptatie."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=100, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    colour = models.CharField(
        _("kleur"),
        max_length=7,
        default="#00689e",
        help_text=_("Kleur in kaarten en grafieken, als #rrggbb."),
    )
    ambitions = models.ManyToManyField(
        "Ambition", verbose_name=_("ambities"), blank=True, related_name="themes"
    )

    class Meta:
        verbose_name = _("thema")
        verbose_name_plural = _("thema's")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Ambition(models.Model):
    """A strategic ambition from the omgevingsvisie, with indicators to monitor it."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=300, unique=True)
    description = models.TextField(_("omschrijving"), blank=True)
    source = models.CharField(
        _("bron"), max_length=200, blank=True, help_text=_("Bijvoorbeeld: Omgevingsvisie 1.0.")
    )
    owner = models.ForeignKey(
        Actor,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ambitions",
    )
    horizon_year = year_field(_("horizonjaar"), null=True, blank=True)

    class Meta:
        verbose_name = _("ambitie")
        verbose_name_plural = _("ambities")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=year_in_range("horizon_year", nullable=True),
                name="ambition_horizon_year_range",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Indicator(models.Model):
    """A measurable indicator of an ambition: baseline and target, for monitoring."""

    ambition = models.ForeignKey(
        Ambition, verbose_name=_("ambitie"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("naam"), max_length=300)
    unit = models.CharField(_("eenheid"), max_length=40)
    baseline_value = models.DecimalField(_("nulmeting"), max_digits=14, decimal_places=2)
    baseline_year = year_field(_("jaar nulmeting"))
    target_value = models.DecimalField(_("streefwaarde"), max_digits=14, decimal_places=2)
    target_year = year_field(_("streefjaar"))

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicatoren")
        ordering = ["ambition", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(target_year__gte=models.F("baseline_year")),
                name="indicator_target_after_baseline",
                violation_error_message=_(
                    "Het streefjaar ligt niet vóór het jaar van de nulmeting."
                ),
            ),
            models.CheckConstraint(
                condition=year_in_range("baseline_year") & year_in_range("target_year"),
                name="indicator_years_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorTarget(models.Model):
    """The value an indicator should have reached in a year: its target path from the
    baseline to the target, so monitoring can tell whether it is on course."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    year = year_field(_("jaar"))
    value = models.DecimalField(_("streefwaarde"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("tussendoel")
        verbose_name_plural = _("tussendoelen")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="indicator_target_unique"),
            models.CheckConstraint(
                condition=year_in_range("year"), name="indicator_target_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class IndicatorMeasurement(models.Model):
    """A measured value of an indicator (monitoring and evaluation): in a year, on a
    date, from a source, for the whole municipality or for one area."""

    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.CASCADE,
        related_name="measurements",
    )
    year = year_field(_("jaar"))
    value = models.DecimalField(_("waarde"), max_digits=14, decimal_places=2)
    date = models.DateField(_("datum"), null=True, blank=True)
    source = models.CharField(
        _("bron"), max_length=200, blank=True, help_text=_("Bijvoorbeeld: Klimaatmonitor.")
    )
    area = models.ForeignKey(
        "impor.Area",
        verbose_name=_("gebied"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
        help_text=_("Leeg: de hele gemeente."),
    )

    class Meta:
        verbose_name = _("meting")
        verbose_name_plural = _("metingen")
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=models.Q(area__isnull=True),
                name="measurement_unique_year",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "area"],
                condition=models.Q(area__isnull=False),
                name="measurement_unique_year_area",
            ),
            models.CheckConstraint(condition=year_in_range("year"), name="measurement_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.year}"


class AreaTask(models.Model):
    """A physical, social or technical task in an area: the situation now and the one desired."""

    area = models.ForeignKey(
        "impor.Area", verbose_name=_("gebied"), on_delete=models.CASCADE, related_name="tasks"
    )
    domain = models.CharField(_("soort opgave"), max_length=20, choices=TaskDomain.choices)
    title = models.CharField(_("titel"), max_length=200)
    theme = models.ForeignKey(
        Theme,
        verbose_name=_("thema"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="area_tasks",
    )
    owner = models.ForeignKey(
        Actor,
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="area_tasks",
    )
    situation_now = models.TextField(_("situatie nu"), blank=True)
    situation_desired = models.TextField(_("gewenste situatie"), blank=True)
    priority = models.PositiveSmallIntegerField(
        _("prioriteit"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (laag) tot 5 (hoog)."),
    )
    has_budget = models.BooleanField(_("budget beschikbaar"), default=False)

    class Meta:
        verbose_name = _("gebiedsopgave")
        verbose_name_plural = _("gebiedsopgaven")
        ordering = ["area", "domain", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=5), name="area_task_priority_1_5"
            ),
        ]
        indexes = [models.Index(fields=["area", "domain"])]

    def __str__(self) -> str:
        return self.title


class BudgetLine(models.Model):
    """A budget line (budgetregel): money an actor can spend on the public space, per year.

    Lives here, beside the actors that own it, because asset classes (a lower layer than
    projects and programming) name the line that pays for their replacement.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    owner = models.ForeignKey(
        Actor, verbose_name=_("eigenaar"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    description = models.TextField(_("omschrijving"), blank=True)
    closed_through = year_field(
        _("afgesloten tot en met"),
        null=True,
        blank=True,
        help_text=_(
            "De jaren tot en met dit jaar zijn verantwoord (jaarrekening): er komen geen "
            "werkelijke kosten meer bij."
        ),
    )

    history = HistoricalRecords()
    #: Reverse relations whose history this object's history shows too (impor.history).
    history_parts = ("amounts",)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("budgetregel")
        verbose_name_plural = _("budgetregels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class BudgetAmount(models.Model):
    """The amount available on a budget line in one year (euros, price level of that year)."""

    budget_line = models.ForeignKey(
        BudgetLine, verbose_name=_("budgetregel"), on_delete=models.CASCADE, related_name="amounts"
    )
    year = year_field(_("jaar"))
    amount = models.DecimalField(
        _("bedrag (€)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)]
    )

    history = HistoricalRecords()

    objects = BudgetAmountQuerySet.as_manager()

    class Meta:
        verbose_name = _("jaarbedrag")
        verbose_name_plural = _("jaarbedragen")
        ordering = ["budget_line", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget_line", "year"], name="budget_amount_unique_year"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0),
                name="budget_amount_not_negative",
                violation_error_message=_("Een budget is niet negatief."),
            ),
            models.CheckConstraint(
                condition=year_in_range("year"), name="budget_amount_year_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_line} {self.year}"


def hash_token_key(key: str) -> str:
    """The stored form of a token key: only its SHA-256 is kept, so a stolen database
    gives no working keys."""
    return hashlib.sha256(key.encode()).hexdigest()


class Team(models.Model):
    """A team whose hours works need: preparation, tender and supervision (capacity).

    Belongs to a department of the municipality or to a partner; a team with a discipline
    takes the works of that discipline by default. The schedule keeps every year's hours
    within what the team has, like a budget line's money.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("naam"), max_length=200)
    actor = models.ForeignKey(
        Actor,
        verbose_name=_("organisatie of afdeling"),
        on_delete=models.PROTECT,
        related_name="teams",
    )
    discipline = models.CharField(
        _("vakdiscipline"),
        max_length=20,
        choices=Discipline.choices,
        blank=True,
        help_text=_("Werken van deze discipline vragen standaard uren van dit team."),
    )

    history = HistoricalRecords()
    #: Reverse relations whose history this object's history shows too (impor.history).
    history_parts = ("hours",)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TeamHours(models.Model):
    """The hours a team has available for works in one year."""

    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="hours"
    )
    year = year_field(_("jaar"))
    hours = models.PositiveIntegerField(_("beschikbare uren"))

    history = HistoricalRecords()

    objects = TeamHoursQuerySet.as_manager()

    class Meta:
        verbose_name = _("beschikbare uren")
        verbose_name_plural = _("beschikbare uren")
        ordering = ["team", "year"]
        constraints = [
            models.UniqueConstraint(fields=["team", "year"], name="team_hours_unique_year"),
            models.CheckConstraint(condition=year_in_range("year"), name="team_hours_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.team} {self.year}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> "ApiTokenQuerySet":
        return self.filter(revoked_at__isnull=True)

    def issue(self, *, user: User, name: str) -> tuple["ApiToken", str]:
        """Create a token for `user` and its organisation; returns the token and its key,
        which is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = self.model(
            user=user,
            organisation=user.organisation,
            name=name,
            key_hash=hash_token_key(key),
            prefix=key[:8],
        )
        token.full_clean()
        token.save()
        return token, key


class ApiToken(models.Model):
    """A key with which an integration (a partner's planning system, another municipal
    system) calls the API on behalf of a user.

    Bound to the user and to the organisation the user belonged to when it was made: when
    the user moves to another organisation the token stops working, so it never grants
    the data of the organisation the user left.
    """

    user = models.ForeignKey(
        User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    organisation = models.ForeignKey(
        Actor,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("naam"), max_length=100, help_text=_("Waarvoor de sleutel is, bijv. 'planningssysteem'.")
    )
    key_hash = models.CharField(_("SHA-256 van de sleutel"), max_length=64, unique=True)
    prefix = models.CharField(_("begin van de sleutel"), max_length=8)
    created = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    last_used = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])


# --- areas of interest and alerts (issue #17) ----------------------------------------


#: The widest buffer around an area of interest (m): a municipality is about 20 km across.
MAX_INTEREST_BUFFER = 5_000


class AreaOfInterestSource(models.TextChoices):
    GETEKEND = "getekend", _("getekend of ingetypt")
    BESTAND = "bestand", _("uit een bestand")
    API = "api", _("via de API")


class AreaOfInterest(models.Model):
    """A place an organisation wants to hear about (GIPOD's synergie-interessezone):
    a polygon drawn or uploaded, or the network of the organisation with a buffer.

    A work or coupling whose geometry meets the area grown by `buffer` m tells the
    organisation's users (programming/alerts.py); the geometry itself is kept as given,
    so changing the buffer later needs no new file.
    """

    organisation = models.ForeignKey(
        Actor,
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="interest_areas",
    )
    name = models.CharField(_("naam"), max_length=200)
    geometry = GeometryField(_("geometrie"), blank=False)
    buffer = models.PositiveIntegerField(
        _("buffer (m)"),
        default=0,
        validators=[MaxValueValidator(MAX_INTEREST_BUFFER)],
        help_text=_("Zo ver rond de geometrie telt een werk ook mee. 0: alleen de vorm zelf."),
    )
    source = models.CharField(
        _("herkomst"),
        max_length=10,
        choices=AreaOfInterestSource.choices,
        default=AreaOfInterestSource.GETEKEND,
    )
    file_name = models.CharField(_("bestand"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords()

    objects = AreaOfInterestQuerySet.as_manager()

    class Meta:
        verbose_name = _("interessegebied")
        verbose_name_plural = _("interessegebieden")
        ordering = ["organisation__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(buffer__lte=MAX_INTEREST_BUFFER),
                name="interest_area_buffer_range",
            ),
            models.CheckConstraint(
                condition=~models.Q(geometry=""), name="interest_area_has_geometry"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class AlertKind(models.TextChoices):
    WERKEN = "werken", _("werken nieuw of verschoven")
    KOPPELKANSEN = "koppelkansen", _("nieuwe koppelkansen")
    BESLUIT = "besluit", _("besluit over een koppelkans")
    REACTIE = "reactie", _("reactie van een partner op een koppelkans")


class Alert(models.Model):
    """One event told to one organisation: what changed in its areas of interest.

    `data` holds the facts (programme, works, couplings, which areas), not sentences, so
    each reader gets them in their own language (stakeholders/alert_text.py). What it
    holds about another organisation's work is only what a coupling partner may see
    (programming/alerts.py, `shared_item`).
    """

    organisation = models.ForeignKey(
        Actor, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("soort"), max_length=20, choices=AlertKind.choices)
    data = models.JSONField(_("gegevens"), default=dict)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.organisation})"


class Notification(models.Model):
    """An alert in one user's inbox: read or not, and whether an e-mail carried it."""

    alert = models.ForeignKey(
        Alert, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="notifications"
    )
    user = models.ForeignKey(
        User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="notifications"
    )
    read_at = models.DateTimeField(_("gelezen op"), null=True, blank=True)
    mailed_at = models.DateTimeField(_("gemaild op"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-alert__created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "user"], name="notification_unique_user"),
        ]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return f"{self.alert} → {self.user}"


class AlertFrequency(models.TextChoices):
    DIRECT = "direct", _("direct per e-mail")
    DAGELIJKS = "dagelijks", _("één e-mail per dag")
    WEKELIJKS = "wekelijks", _("één e-mail per week")
    GEEN = "geen", _("geen e-mail, alleen in IMPOR")


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class AlertSettings(models.Model):
    """How one user wants to hear about alerts: e-mail now, a digest, or none; and the
    secret of the user's Atom feed, which a feed reader sends in the URL because it has
    no session. Rotating the token makes the old feed URL stop working."""

    user = models.OneToOneField(
        User, verbose_name=_("gebruiker"), on_delete=models.CASCADE, related_name="alert_settings"
    )
    frequency = models.CharField(
        _("e-mail"),
        max_length=10,
        choices=AlertFrequency.choices,
        default=AlertFrequency.DIRECT,
    )
    feed_token = models.CharField(
        _("sleutel van de feed"), max_length=64, unique=True, default=new_feed_token
    )
    last_digest_at = models.DateTimeField(_("laatste samenvatting"), null=True, blank=True)

    class Meta:
        verbose_name = _("meldingsinstelling")
        verbose_name_plural = _("meldingsinstellingen")

    def __str__(self) -> str:
        return str(self.user)

    def rotate_feed_token(self) -> None:
        self.feed_token = new_feed_token()
        self.save(update_fields=["feed_token"])


def new_webhook_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """Where IMPOR posts an organisation's alerts as JSON, signed with `secret`
    (HMAC-SHA256 in `X-IMPOR-Signature`), for its own planning or GIS system."""

    organisation = models.ForeignKey(
        Actor, verbose_name=_("organisatie"), on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(
        _("adres (URL)"),
        max_length=500,
        validators=[validate_webhook_url],
        help_text=_("Een http- of https-adres dat de meldingen als JSON ontvangt."),
    )
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    secret = models.CharField(_("geheim"), max_length=64, default=new_webhook_secret)
    is_active = models.BooleanField(_("actief"), default=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("aangemaakt door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["secret"])

    objects = WebhookEndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["organisation__name", "url"]

    def __str__(self) -> str:
        return self.url


class DeliveryStatus(models.TextChoices):
    WACHTEND = "wachtend", _("wacht op (nieuwe) poging")
    AFGELEVERD = "afgeleverd", _("afgeleverd")
    MISLUKT = "mislukt", _("mislukt, geen nieuwe poging")


class WebhookDelivery(models.Model):
    """One alert posted to one webhook: the log the organisation sees."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name=_("webhook"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    alert = models.ForeignKey(
        Alert, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="deliveries"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.WACHTEND
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    response_code = models.PositiveSmallIntegerField(_("antwoordcode"), null=True, blank=True)
    error = models.CharField(_("fout"), max_length=300, blank=True)
    next_attempt_at = models.DateTimeField(_("volgende poging"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("afgeleverd op"), null=True, blank=True)
    created_at = models.DateTimeField(_("gemaakt op"), auto_now_add=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("aflevering")
        verbose_name_plural = _("afleveringen")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.endpoint} #{self.alert_id}"
