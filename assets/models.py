from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assets import lifecycle
from assets.choices import Condition, GeometryKind, ReportCategory, ReportStatus, Unit
from impor import geometry
from impor.choices import Discipline, ImportKind
from impor.fields import GeometryField, year_field, year_in_range


def default_condition_rule() -> dict[str, int]:
    """A fresh copy of `lifecycle.DEFAULT_CONDITION_RULE`, where the rule is explained."""
    return dict(lifecycle.DEFAULT_CONDITION_RULE)


def validate_condition_rule(value) -> None:
    """Refuse a condition rule that cannot be read or that rewards a poorer condition.

    The rule maps NEN 2767 scores "1"–"6" to a maximum remaining life in whole years (no
    entry or None: no maximum). It must be monotone, so that a poorer condition never gives
    a later preferred year (`assets.lifecycle`).
    """
    if not isinstance(value, dict):
        raise ValidationError(_("De conditieregel is een tabel van score naar jaren."))
    for key, years in value.items():
        if key not in {"1", "2", "3", "4", "5", "6"}:
            raise ValidationError(
                _("Onbekende conditiescore %(key)s: gebruik 1 tot en met 6."), params={"key": key}
            )
        if years is not None and (not isinstance(years, int) or years < 0):
            raise ValidationError(
                _("Restlevensduur bij score %(key)s moet een geheel aantal jaren ≥ 0 zijn."),
                params={"key": key},
            )
    # A poorer score may never allow more remaining life than a better one: otherwise a
    # worse inspection could postpone a replacement. No entry means no maximum, which is
    # more than any number of years.
    strictest, strictest_score = None, None
    for score in ("1", "2", "3", "4", "5", "6"):
        years = value.get(score)
        if years is None and strictest is not None:
            raise ValidationError(
                _(
                    "Score %(poorer)s heeft geen maximale restlevensduur, de betere score "
                    "%(better)s wel (%(years)s jaar): geef score %(poorer)s hoogstens "
                    "%(years)s jaar."
                ),
                code="not_monotone",
                params={"poorer": score, "better": strictest_score, "years": strictest},
            )
        if years is not None and strictest is not None and years > strictest:
            raise ValidationError(
                _(
                    "Score %(poorer)s geeft meer restlevensduur (%(more)s jaar) dan de betere "
                    "score %(better)s (%(years)s jaar): een slechtere conditie mag nooit later "
                    "vervangen betekenen."
                ),
                code="not_monotone",
                params={
                    "poorer": score,
                    "more": years,
                    "better": strictest_score,
                    "years": strictest,
                },
            )
        if years is not None:
            strictest, strictest_score = years, score


class AssetClass(models.Model):
    """A kind of asset (objecttype) with its lifecycle defaults.

    The defaults — lifespan, replacement window, unit cost — come from public Dutch
    references; `source` names the reference so that anyone can check the number.
    """

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    discipline = models.CharField(_("beheerdiscipline"), max_length=20, choices=Discipline.choices)
    unit = models.CharField(_("eenheid"), max_length=2, choices=Unit.choices)
    geometry_kind = models.CharField(_("geometrietype"), max_length=4, choices=GeometryKind.choices)
    lifespan = models.PositiveSmallIntegerField(
        _("levensduur (jaar)"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    window_early = models.PositiveSmallIntegerField(
        _("bandbreedte eerder (jaar)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_("Zoveel jaar eerder vervangen kan zonder kapitaalvernietiging van betekenis."),
    )
    window_late = models.PositiveSmallIntegerField(
        _("bandbreedte later (jaar)"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_("Zoveel jaar later vervangen kan zonder onaanvaardbaar risico."),
    )
    unit_cost = models.DecimalField(
        _("vervangingskosten per eenheid (€)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(0)],
    )
    price_year = year_field(_("prijspeil"))
    opens_street = models.BooleanField(
        _("opent de straat"),
        default=False,
        help_text=_("Vervanging betekent graven in de straat (graafmoment)."),
    )
    condition_rule = models.JSONField(
        _("conditieregel"),
        default=default_condition_rule,
        validators=[validate_condition_rule],
        help_text=_('Maximale restlevensduur in jaren per NEN 2767-score, bijv. {"5": 5}.'),
    )
    budget_line = models.ForeignKey(
        "stakeholders.BudgetLine",
        verbose_name=_("budgetregel"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="asset_classes",
        help_text=_("De budgetregel waaruit vervanging betaald wordt."),
    )
    source = models.TextField(_("bron van de standaardwaarden"))
    maintenance_cost = models.DecimalField(
        _("beheerkosten per eenheid per jaar (€)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_("Wat een nieuw object van dit type per eenheid per jaar aan beheer kost."),
    )
    maintenance_saving = models.DecimalField(
        _("besparing op beheer bij vervanging per eenheid per jaar (€)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
        help_text=_(
            "Wat vervanging van een versleten object per eenheid per jaar aan beheer "
            "(reparaties, klachten) bespaart."
        ),
    )
    maintenance_source = models.TextField(_("bron van de beheerkosten"), blank=True)
    fitted_lifespan = models.DecimalField(
        _("levensduur uit eigen inspecties"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("Overgenomen uit een verouderingsmodel; leeg: de standaardlevensduur geldt."),
    )

    class Meta:
        verbose_name = _("objecttype")
        verbose_name_plural = _("objecttypen")
        ordering = ["discipline", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifespan__gte=1), name="asset_class_lifespan_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="asset_class_unit_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(discipline__in=Discipline.values),
                name="asset_class_discipline_valid",
            ),
            models.CheckConstraint(
                condition=year_in_range("price_year"), name="asset_class_price_year_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Asset(models.Model):
    """One managed object in the public space (beheerobject): a sewer pipe, a road section,
    a tree, a lamp post, a bridge.

    Identified by the system it came from and its id there, so re-imports update rather
    than duplicate. Per-asset overrides (lifespan, unit cost) win over the class defaults.
    The bounding box columns are kept in step with `geometry` so map and API queries can
    select by extent with an index.
    """

    source = models.CharField(
        _("bron"), max_length=60, help_text=_("Systeem of bestand waar het object vandaan komt.")
    )
    external_id = models.CharField(_("id in de bron"), max_length=100)
    asset_class = models.ForeignKey(
        AssetClass, verbose_name=_("objecttype"), on_delete=models.PROTECT, related_name="assets"
    )
    area = models.ForeignKey(
        "impor.Area",
        verbose_name=_("gebied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
    )
    street = models.CharField(_("straat"), max_length=200, blank=True)
    geometry = GeometryField(_("geometrie"))
    bbox_xmin = models.FloatField(null=True, blank=True, editable=False)
    bbox_ymin = models.FloatField(null=True, blank=True, editable=False)
    bbox_xmax = models.FloatField(null=True, blank=True, editable=False)
    bbox_ymax = models.FloatField(null=True, blank=True, editable=False)
    quantity = models.DecimalField(
        _("hoeveelheid"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    material = models.CharField(_("materiaal"), max_length=100, blank=True)
    construction_year = year_field(_("aanlegjaar"))
    lifespan_override = models.PositiveSmallIntegerField(
        _("afwijkende levensduur (jaar)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
    )
    condition = models.PositiveSmallIntegerField(
        _("conditie (NEN 2767)"), choices=Condition.choices, null=True, blank=True
    )
    condition_date = models.DateField(_("datum conditiemeting"), null=True, blank=True)
    unit_cost_override = models.DecimalField(
        _("afwijkende kosten per eenheid (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    owner = models.ForeignKey(
        "stakeholders.Actor",
        verbose_name=_("eigenaar"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assets",
    )
    extra = models.JSONField(_("overige kenmerken"), default=dict, blank=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beheerobject")
        verbose_name_plural = _("beheerobjecten")
        ordering = ["asset_class", "street", "external_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                name="asset_unique_source_id",
                violation_error_message=_("Deze bron heeft al een object met dit id."),
            ),
            models.CheckConstraint(
                condition=models.Q(condition__isnull=True)
                | models.Q(condition__gte=1, condition__lte=6),
                name="asset_condition_1_6",
                violation_error_message=_("De conditie is een NEN 2767-score van 1 tot en met 6."),
            ),
            models.CheckConstraint(
                condition=year_in_range("construction_year"),
                name="asset_construction_year_range",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="asset_quantity_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(lifespan_override__isnull=True)
                | models.Q(lifespan_override__gte=1),
                name="asset_lifespan_override_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_cost_override__isnull=True)
                | models.Q(unit_cost_override__gte=0),
                name="asset_unit_cost_override_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(bbox_xmin__isnull=True)
                | models.Q(
                    bbox_xmin__lte=models.F("bbox_xmax"), bbox_ymin__lte=models.F("bbox_ymax")
                ),
                name="asset_bbox_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["asset_class", "area"]),
            models.Index(fields=["area", "construction_year"]),
            models.Index(fields=["construction_year", "id"], name="asset_year_order"),
            models.Index(fields=["street"]),
            # A bbox (map, API, OGC API Features) is answered from the index alone: all
            # four sides, so a count of the assets in a box reads no table row.
            models.Index(
                fields=["bbox_xmin", "bbox_ymin", "bbox_xmax", "bbox_ymax"], name="asset_bbox"
            ),
            # The asset list's orders: by id, and by type in catalogue order (the default).
            # The second serves a page of a discipline or type straight from the index.
            models.Index(fields=["external_id", "id"], name="asset_list_order"),
            models.Index(fields=["asset_class", "external_id", "id"], name="asset_list_type_order"),
        ]

    def __str__(self) -> str:
        return f"{self.asset_class} {self.external_id}"

    def save(self, *args, **kwargs) -> None:
        self.set_bbox()
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        # Today as the municipality's clock has it, as the importer checks
        # (`assets.importing`): just after midnight it is already tomorrow in UTC.
        today = timezone.localdate()
        if self.construction_year and self.construction_year > today.year:
            raise ValidationError({"construction_year": _("Het aanlegjaar ligt in de toekomst.")})
        if self.condition_date and self.condition_date > today:
            raise ValidationError({"condition_date": _("De meetdatum ligt in de toekomst.")})

    def set_bbox(self) -> None:
        """Keep the bounding-box columns in step with the geometry."""
        if self.geometry:
            self.bbox_xmin, self.bbox_ymin, self.bbox_xmax, self.bbox_ymax = geometry.bounds(
                self.geometry
            )
        else:
            self.bbox_xmin = self.bbox_ymin = self.bbox_xmax = self.bbox_ymax = None


class DeteriorationMethod(models.TextChoices):
    MARKOV = "markov", _("Markov-overgangen tussen conditiescores")
    REGRESSION = "regressie", _("regressie van conditie op leeftijd")


class DeteriorationModel(models.Model):
    """How an asset class really ages, fitted on the municipality's own inspections
    (NEN 2767 scores over time, `assets.deterioration`): the expected condition per age
    with its uncertainty, and the lifespan that follows from it. Once the functional
    administrator adopts it, the class's lifecycle uses its lifespan
    (`AssetClass.fitted_lifespan`) and says so in its explanation."""

    asset_class = models.ForeignKey(
        AssetClass,
        verbose_name=_("objecttype"),
        on_delete=models.CASCADE,
        related_name="deterioration_models",
    )
    method = models.CharField(_("methode"), max_length=20, choices=DeteriorationMethod.choices)
    fitted_at = models.DateTimeField(_("berekend op"), auto_now_add=True)
    inspections = models.PositiveIntegerField(_("aantal inspecties"))
    assets = models.PositiveIntegerField(_("aantal objecten"))
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    curve = models.JSONField(
        _("verloop"),
        default=list,
        blank=True,
        help_text=_("Per leeftijd de verwachte conditie met de onder- en bovengrens."),
    )
    lifespan = models.DecimalField(_("levensduur (jaar)"), max_digits=6, decimal_places=1)
    lifespan_low = models.DecimalField(
        _("levensduur ondergrens"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    lifespan_high = models.DecimalField(
        _("levensduur bovengrens"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    adopted_at = models.DateTimeField(_("overgenomen op"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("overgenomen door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("verouderingsmodel")
        verbose_name_plural = _("verouderingsmodellen")
        ordering = ["asset_class", "-fitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifespan__gt=0),
                name="deterioration_lifespan_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asset_class} {self.get_method_display()}"


class Inspection(models.Model):
    """A condition inspection of an asset (NEN 2767 score on a date)."""

    asset = models.ForeignKey(
        Asset, verbose_name=_("beheerobject"), on_delete=models.CASCADE, related_name="inspections"
    )
    date = models.DateField(_("datum"))
    condition = models.PositiveSmallIntegerField(
        _("conditie (NEN 2767)"), choices=Condition.choices
    )
    inspector = models.CharField(_("inspecteur"), max_length=200, blank=True)
    notes = models.TextField(_("opmerkingen"), blank=True)

    class Meta:
        verbose_name = _("inspectie")
        verbose_name_plural = _("inspecties")
        ordering = ["asset", "-date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(condition__gte=1, condition__lte=6),
                name="inspection_condition_1_6",
                violation_error_message=_("De conditie is een NEN 2767-score van 1 tot en met 6."),
            ),
        ]
        indexes = [models.Index(fields=["asset", "date"])]

    def __str__(self) -> str:
        return f"{self.asset} {self.date:%d-%m-%Y}"


class Report(models.Model):
    """A public report (melding openbare ruimte) about an asset or a place."""

    source = models.CharField(_("bron"), max_length=60, default="meldingen")
    external_id = models.CharField(_("meldingnummer"), max_length=100)
    asset = models.ForeignKey(
        Asset,
        verbose_name=_("beheerobject"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
    )
    area = models.ForeignKey(
        "impor.Area",
        verbose_name=_("gebied"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
    )
    street = models.CharField(_("straat"), max_length=200, blank=True)
    reported_on = models.DateField(_("datum melding"))
    category = models.CharField(_("categorie"), max_length=20, choices=ReportCategory.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.NIEUW
    )
    description = models.TextField(_("omschrijving"), blank=True)
    closed_on = models.DateField(_("datum afgehandeld"), null=True, blank=True)

    class Meta:
        verbose_name = _("melding")
        verbose_name_plural = _("meldingen")
        ordering = ["-reported_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="report_unique_source_id"
            ),
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(closed_on__gte=models.F("reported_on")),
                name="report_closed_after_reported",
                violation_error_message=_("Een melding wordt niet afgehandeld vóór ze binnenkwam."),
            ),
        ]
        indexes = [
            models.Index(fields=["asset", "reported_on"]),
            models.Index(fields=["area", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} ({self.get_category_display()})"


class ImportMapping(models.Model):
    """The column mapping a source was last imported with, proposed again next time."""

    source = models.CharField(_("bron"), max_length=60)
    kind = models.CharField(_("soort"), max_length=20, choices=ImportKind.choices)
    mapping = models.JSONField(_("kolomtoewijzing"), default=dict)
    crs = models.CharField(_("coördinatenstelsel"), max_length=20, blank=True)
    updated_at = models.DateTimeField(_("gewijzigd"), auto_now=True)

    class Meta:
        verbose_name = _("importtoewijzing")
        verbose_name_plural = _("importtoewijzingen")
        constraints = [
            models.UniqueConstraint(fields=["source", "kind"], name="import_mapping_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source} ({self.get_kind_display()})"
