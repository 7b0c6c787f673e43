"""Words for why a work moved since the adopted version, when its realisation is the
cause (`selectors.moved_works` annotates the realisation; `realised.version_adjustments`
applies it when a version is computed)."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext as _

from programming.models import RealisationStatus

register = template.Library()


@register.filter
def move_cause(work) -> str:
    """The realisation behind a moved work in words ("gestart in 2026", "uitgesteld",
    "niet gestart in 2026"), or "" when the realisation does not explain it."""
    status = getattr(work, "realisation_status", None)
    start = getattr(work, "realisation_start", None)
    if start is not None and status != RealisationStatus.FINISHED:
        return _("realisatie: gestart in %(year)s") % {"year": start.year}
    if status == RealisationStatus.POSTPONED:
        return _("realisatie: uitgesteld")
    planned = getattr(work, "other_year", None)
    if start is None and planned is not None and planned < timezone.localdate().year:
        return _("realisatie: niet gestart in %(year)s") % {"year": planned}
    return ""
