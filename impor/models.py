import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from impor.choices import AreaLevel, AreaType, ImportKind, ImportStatus, QualityLevel
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
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name, with the level when another level has an area of the same name:
        "Dalfsen (kern)" beside "Dalfsen (wijk)", so lists, selects, maps and exports
        tell them apart; a name used at one level only stays as it is."""
        if self.name in shared_area_names():
            return f"{self.name} ({self.get_level_display()})"
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


#: How long a process trusts its list of shared names when no area changed in it: another
#: process (a worker, a second web process) may have changed the areas meanwhile.
SHARED_NAMES_SECONDS = 300.0
_shared_names: tuple[float, frozenset[str]] | None = None


def shared_area_names() -> frozenset[str]:
    """Names that areas of more than one level have.

    An area's name is shown in lists of hundreds, which must not cost a query each, nor
    one per page: the names are kept per process, read again when an area is saved or
    deleted in this process (at that moment, not when a page next shows one) and after
    `SHARED_NAMES_SECONDS` for changes made by another process.
    """
    if _shared_names is None or time.monotonic() - _shared_names[0] > SHARED_NAMES_SECONDS:
        return _read_shared_area_names()
    return _shared_names[1]


def _read_shared_area_names(**_signal: object) -> frozenset[str]:
    global _shared_names
    names = frozenset(
        Area.objects.values("name")
        .annotate(levels=models.Count("level", distinct=True))
        .filter(levels__gt=1)
        .values_list("name", flat=True)
    )
    _shared_names = (time.monotonic(), names)
    return names


post_save.connect(_read_shared_area_names, sender=Area, dispatch_uid="area_shared_names_save")
post_delete.connect(_read_shared_area_names, sender=Area, dispatch_uid="area_shared_names_delete")


class ImportRun(models.Model):
    """The record of one import: who, when, which file, with what mapping, and the outcome.

    Every import writes one, dry run or not, whatever it imports (assets, inspections,
    reports, partners' works): it is the municipality's log of what came in. The table
    keeps the name it had in the assets app, where the log began.
    """

    kind = models.CharField(_("soort"), max_length=20, choices=ImportKind.choices)
    source = models.CharField(_("bron"), max_length=60)
    status = models.CharField(_("status"), max_length=20, choices=ImportStatus.choices)
    file_name = models.CharField(_("bestandsnaam"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 van het bestand"), max_length=64)
    mapping = models.JSONField(_("kolomtoewijzing"), default=dict)
    crs = models.CharField(_("coördinatenstelsel"), max_length=20, blank=True)
    rows = models.PositiveIntegerField(_("rijen"), default=0)
    created = models.PositiveIntegerField(_("nieuw"), default=0)
    updated = models.PositiveIntegerField(_("bijgewerkt"), default=0)
    skipped = models.PositiveIntegerField(_("overgeslagen"), default=0)
    error_count = models.PositiveIntegerField(_("fouten"), default=0)
    warning_count = models.PositiveIntegerField(_("waarschuwingen"), default=0)
    messages = models.JSONField(
        _("meldingen"), default=list, blank=True, help_text=_("De eerste fouten en waarschuwingen.")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("gestart"), auto_now_add=True)
    seconds = models.FloatField(_("duur (s)"), default=0)
    #: A background import's progress (0–100) and the step it is in, which its page
    #: polls; an import in the request is done before anyone could look.
    progress = models.PositiveSmallIntegerField(
        _("voortgang (%)"), default=0, validators=[MaxValueValidator(100)]
    )
    step = models.CharField(_("stap"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-started_at"]
        db_table = "assets_importrun"
        indexes = [
            models.Index(
                fields=["source", "kind", "started_at"], name="assets_impo_source_297f54_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
