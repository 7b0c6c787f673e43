from django.db import models
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    METRE = "m", _("m")
    SQUARE_METRE = "m2", _("m²")
    PIECE = "st", _("stuks")


class GeometryKind(models.TextChoices):
    POINT = "punt", _("punt")
    LINE = "lijn", _("lijn")
    POLYGON = "vlak", _("vlak")


class Condition(models.IntegerChoices):
    """NEN 2767 condition scores (NEN 2767-1:2011, conditiemeting)."""

    UITSTEKEND = 1, _("1 – uitstekend")
    GOED = 2, _("2 – goed")
    REDELIJK = 3, _("3 – redelijk")
    MATIG = 4, _("4 – matig")
    SLECHT = 5, _("5 – slecht")
    ZEER_SLECHT = 6, _("6 – zeer slecht")


class ReportCategory(models.TextChoices):
    SCHADE = "schade", _("schade")
    VERZAKKING = "verzakking", _("verzakking of oneffenheid")
    VERSTOPPING = "verstopping", _("verstopping of wateroverlast")
    VERLICHTING = "verlichting", _("lamp defect")
    WORTELOPDRUK = "wortelopdruk", _("wortelopdruk")
    BOOM = "boom", _("boom of groen")
    SPELEN = "spelen", _("speeltoestel")
    OVERIG = "overig", _("overig")


class ReportStatus(models.TextChoices):
    NIEUW = "nieuw", _("nieuw")
    IN_BEHANDELING = "in_behandeling", _("in behandeling")
    AFGEHANDELD = "afgehandeld", _("afgehandeld")
