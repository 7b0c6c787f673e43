"""The assessment framework (afwegingskader): the weighted criteria works are scored by."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programming.choices import CriterionCode


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
