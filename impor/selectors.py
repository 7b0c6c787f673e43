"""Read-only queries on the municipality as a whole."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

#: What the start page counts, in the order it shows them.
SUMMARY_MODELS = (
    ("impor.Area", _("gebieden")),
    ("stakeholders.Actor", _("actoren")),
    ("stakeholders.Ambition", _("ambities")),
    ("assets.Asset", _("beheerobjecten")),
    ("projects.Project", _("projecten")),
    ("programming.Programme", _("programma's")),
)


def municipality_summary() -> list[tuple[str, int]]:
    """Counts of the main registers. Models are looked up by label so this bottom layer
    does not import the apps above it."""
    return [(label, apps.get_model(name).objects.count()) for name, label in SUMMARY_MODELS]
