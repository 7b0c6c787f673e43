from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from impor.choices import AreaLevel, AreaType, QualityLevel
from impor.fields import GeometryField


class Area(models.Model):
    """A part of the municipality: the gemeente itself, a kern (village), a wijk or a buurt.

    Areas form a tree. Works, assets and tasks are placed in the smallest area that holds
    them; the programme is reported per area at every level. The social indicators let the
    social domain weigh in when works are prioritised.
    """

    name = models.CharField(_("naam"), max_length=200)
    level = models.CharField(_("niveau"), max_length=10, choices=AreaLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("ligt in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    cbs_code = models.CharField(
        _("CBS-code"),
        max_length=10,
        blank=True,
        help_text=_("Code uit de CBS Wijk- en buurtkaart, bijvoorbeeld BU01480000."),
    )
    area_type = models.CharField(
        _("gebiedstype"), max_length=20, choices=AreaType.choices, default=AreaType.WOONWIJK
    )
    quality_level = models.CharField(
        _("kwaliteitsniveau (CROW)"),
        max_length=2,
        choices=QualityLevel.choices,
        default=QualityLevel.B,
        help_text=_("Beeldkwaliteit volgens het IBOR-beleid voor dit gebied."),
    )
    geometry = GeometryField(_("geometrie"))
    population = models.PositiveIntegerField(_("inwoners"), null=True, blank=True)
    liveability_score = models.DecimalField(
        _("leefbaarheidsscore"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("Leefbaarometer-klasse, 1 (zeer onvoldoende) tot 9 (uitstekend)."),
    )
    social_priority = models.PositiveSmallIntegerField(
        _("sociale prioriteit"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Hoe zwaar de sociale opgave hier weegt: 1 (laag) tot 5 (hoog)."),
    )
    social_tasks = models.TextField(_("sociale opgaven"), blank=True)

    class Meta:
        verbose_name = _("gebied")
        verbose_name_plural = _("gebieden")
        ordering = ["level", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level=AreaLevel.GEMEENTE, parent__isnull=True)
                | (~models.Q(level=AreaLevel.GEMEENTE) & models.Q(parent__isnull=False)),
                name="area_only_gemeente_is_root",
                violation_error_message=_("Alleen de gemeente ligt niet in een ander gebied."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=AreaLevel.values),
                name="area_level_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(social_priority__gte=1, social_priority__lte=5),
                name="area_social_priority_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(liveability_score__isnull=True)
                | models.Q(liveability_score__gte=1, liveability_score__lte=9),
                name="area_liveability_1_9",
            ),
            models.UniqueConstraint(
                fields=["cbs_code"],
                condition=~models.Q(cbs_code=""),
                name="area_cbs_code_unique",
                violation_error_message=_("Er is al een gebied met deze CBS-code."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="area_name_unique_in_parent",
                violation_error_message=_("Dit gebied heeft al een deelgebied met deze naam."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="area_root_name_unique",
                violation_error_message=_("Er is al een gemeente met deze naam."),
            ),
        ]
        indexes = [models.Index(fields=["level", "name"])]

    def __str__(self) -> str:
        return self.name

    def subtree_ids(self) -> list[int]:
        """This area's id and those of every area inside it (one query per level: the
        tree is at most four deep)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Area.objects.filter(parent__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids

    def clean(self) -> None:
        super().clean()
        if self.level not in AreaLevel.values:
            return  # the field's own choices validation reports this
        expected = AreaLevel.parent_of(self.level)
        if self.parent_id and expected and self.parent.level != expected:
            raise ValidationError(
                {
                    "parent": _("Een %(level)s ligt in een %(expected)s.")
                    % {"level": self.get_level_display(), "expected": AreaLevel(expected).label}
                }
            )
