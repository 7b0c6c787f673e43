"""Model fields shared by all apps: geometry (RD New WKT, see impor.geometry) and years."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from impor import geometry


def validate_geometry(value: str) -> None:
    if not value:
        return
    try:
        geom = geometry.parse(value)
        geometry.check_extent(geom)
    except geometry.GeometryError as exc:
        raise ValidationError(str(exc), code="invalid_geometry") from exc


class GeometryField(models.TextField):
    """WKT in RD New (EPSG:28992), millimetre precision; blank means 'no geometry known'."""

    description = _("Geometrie (WKT in RD New)")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("validators", [validate_geometry])
        kwargs.setdefault("help_text", _("WKT in RD New (EPSG:28992), in meters."))
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("validators") == [validate_geometry]:
            del kwargs["validators"]
        return name, path, args, kwargs


YEAR_MIN = 1800
YEAR_MAX = 2200


def year_field(verbose_name, **kwargs) -> models.PositiveSmallIntegerField:
    """A calendar year within the sane range IMPOR plans in."""
    return models.PositiveSmallIntegerField(
        verbose_name,
        validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
        **kwargs,
    )


def year_in_range(field: str, *, nullable: bool = False) -> models.Q:
    condition = models.Q(**{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX})
    if nullable:
        condition |= models.Q(**{f"{field}__isnull": True})
    return condition
