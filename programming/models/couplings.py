"""What the parties add to a coupling: how they share the cost of its one opening
(`CouplingCostSharing`), what they lay in the open trench (`CouplingReservation`) and
how a partner answers the proposal (`CouplingResponse`).

A computation deletes and recreates the couplings, so these rows hang on the programme
and the coupling's `key` (derived from its members), like `CouplingDecision`: they
outlive every recomputation that keeps the same members. An adopted programme is frozen:
none of them changes any more (`Programme.objects.ensure_changeable`).
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from impor.visibility import for_partner
from programming.models.programme import FrozenWithProgramme, Programme


def _cost_item(verbose_name) -> models.DecimalField:
    """One item of an opening's shared cost; empty means "the default from the members'
    costs" (`programming.couplings.default_shared_cost`)."""
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


class CostRule(models.TextChoices):
    """How the shared cost of one opening is split between the parties (CDOR
    "kostenverdeling"); `programming.couplings.cost_split` computes each."""

    EQUAL = "gelijk", _("gelijk per partij")
    TRENCH_LENGTH = "sleuflengte", _("naar sleuflengte")
    COST_SHARE = "aandeel_kosten", _("naar aandeel in de eigen kosten")
    AGREED = "afspraak", _("afgesproken bedragen")


class ReservationKind(models.TextChoices):
    EMPTY_DUCT = "lege_buis", _("lege buis")
    SLEEVE = "mantelbuis", _("mantelbuis")
    CABLE_ROUTE = "kabeltrace", _("kabeltracé")
    OTHER = "overig", _("overig")


class ResponseAnswer(models.TextChoices):
    AGREE = "akkoord", _("akkoord")
    CANNOT = "kan_niet", _("kan niet")
    REMARK = "opmerking", _("opmerking")


#: The key of the municipality's own asset measures (works without an owning organisation)
#: in `CouplingCostSharing.agreed`; every other party is keyed by its organisation's id.
MUNICIPAL_PARTY = "gemeente"


class ByOrganisationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ByOrganisationQuerySet":
        """Every row for a municipal user; for a partner only its own organisation's: what
        another partner lays or answers is that partner's business."""
        return for_partner(self, user, "organisation")


class CouplingCostSharing(FrozenWithProgramme):
    """The rule that splits a coupling's shared opening cost, and the cost items when a
    party sets them itself (empty: the default derived from the members, see
    docs/couplings.md). `agreed` holds the agreed amount per organisation id (or
    `MUNICIPAL_PARTY`) for the rule `afspraak`."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        related_name="cost_sharings",
    )
    key = models.CharField(_("sleutel"), max_length=64)
    rule = models.CharField(
        _("verdeelregel"), max_length=20, choices=CostRule.choices, default=CostRule.EQUAL
    )
    traffic_plan = _cost_item(_("verkeersplan (€)"))
    excavation = _cost_item(_("ontgraven (€)"))
    reinstatement = _cost_item(_("aanvullen en herstel (€)"))
    surface = _cost_item(_("verharding (€)"))
    agreed = models.JSONField(
        _("afgesproken bedragen"),
        default=dict,
        blank=True,
        help_text=_("Bedrag per organisatie (id) bij de regel 'afgesproken bedragen'."),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gewijzigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kostenverdeling van een koppelkans")
        verbose_name_plural = _("kostenverdelingen van koppelkansen")
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="cost_sharing_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.get_rule_display()} {self.key[:8]}"

    def clean(self) -> None:
        super().clean()
        if not isinstance(self.agreed, dict):
            raise ValidationError({"agreed": _("Geef per organisatie een bedrag.")})
        for organisation, amount in self.agreed.items():
            try:
                known = str(organisation).isdigit() or organisation == MUNICIPAL_PARTY
                valid = known and Decimal(str(amount)) >= 0
            except ArithmeticError:
                valid = False
            if not valid:
                raise ValidationError(
                    {"agreed": _("Elk afgesproken bedrag is een getal van 0 of meer.")}
                )


class CouplingReservation(FrozenWithProgramme):
    """A party rides along: it lays something in the coupling's open trench (a duct, a
    sleeve, a cable route), saving the separate opening it would otherwise need."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        related_name="reservations",
    )
    key = models.CharField(_("sleutel"), max_length=64)
    organisation = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("soort"), max_length=20, choices=ReservationKind.choices)
    length = models.DecimalField(
        _("lengte (m)"),
        max_digits=8,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    note = models.TextField(_("toelichting"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("toegevoegd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)

    objects = ByOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reservering in een koppelkans")
        verbose_name_plural = _("reserveringen in koppelkansen")
        ordering = ["programme", "key", "created_at"]
        indexes = [models.Index(fields=["programme", "key"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(length__gt=0), name="reservation_length_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.length} m"


class CouplingResponse(FrozenWithProgramme):
    """A partner's answer to a proposed coupling for its own part. Every answer is kept,
    so the decision history shows who said what and when."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programma"),
        on_delete=models.CASCADE,
        related_name="coupling_responses",
    )
    key = models.CharField(_("sleutel"), max_length=64)
    organisation = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("organisatie"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    answer = models.CharField(_("reactie"), max_length=20, choices=ResponseAnswer.choices)
    comment = models.TextField(_("toelichting"), blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("op"), auto_now_add=True)

    objects = ByOrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("reactie op een koppelkans")
        verbose_name_plural = _("reacties op koppelkansen")
        ordering = ["programme", "key", "responded_at"]
        indexes = [models.Index(fields=["programme", "key"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer=ResponseAnswer.AGREE) | ~models.Q(comment=""),
                name="response_needs_comment",
                violation_error_message=_("Licht toe waarom het niet kan of wat u opmerkt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_answer_display()} {self.key[:8]}"

    def clean(self) -> None:
        super().clean()
        if self.answer != ResponseAnswer.AGREE and not self.comment.strip():
            raise ValidationError({"comment": _("Licht toe waarom het niet kan of wat u opmerkt.")})
