"""The columns of the partners' works workbook (issue #6), which the template writes
(`projects.partner_template`) and the import reads (`projects.partner_import`): one
`TemplateColumn` per field a partner fills in, with its header, help and whether it is
required, and the words a cell may hold for a choice or ja/nee.
"""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from projects.choices import Certainty, ProjectKind, ProjectStatus

#: The sheet that holds the works, in the template and in an uploaded file.
SHEET = "Werken"
#: Years a work may start or end in: works that already run, up to beyond the tactical
#: frame of 4–10 years. A year that stays as stored is never refused.
YEARS_BACK = 5
YEARS_AHEAD = 15
#: Separator between several areas in the "gebied" cell.
AREA_SEPARATOR = ";"


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the template: the project field, its header and how to fill it."""

    field: str
    header: Promise
    help: Promise
    required: bool = False
    width: int = 16


COLUMNS = (
    TemplateColumn(
        "code",
        _("code"),
        _("Uw eigen code van het werk. Met de code herkent IMPOR een werk dat al bestaat."),
        required=True,
        width=14,
    ),
    TemplateColumn("name", _("naam"), _("De naam van het werk."), required=True, width=36),
    TemplateColumn("description", _("omschrijving"), _("Wat gaat u doen?"), width=40),
    TemplateColumn("kind", _("projecttype"), _("Kies uit de lijst."), required=True, width=22),
    TemplateColumn(
        "certainty",
        _("zekerheid"),
        _("Hoe zeker is het werk? Kies uit de lijst. Leeg: voorgenomen."),
        width=14,
    ),
    TemplateColumn(
        "status",
        _("status"),
        _("De fase van het werk. Kies ingetrokken als het werk niet doorgaat."),
        width=16,
    ),
    TemplateColumn(
        "start_year", _("startjaar"), _("Het jaar waarin het werk begint."), required=True
    ),
    TemplateColumn(
        "end_year", _("eindjaar"), _("Het jaar waarin het werk klaar is."), required=True
    ),
    TemplateColumn(
        "shift_early", _("mag eerder"), _("Hoeveel jaar mag het werk eerder beginnen? 0 tot 20.")
    ),
    TemplateColumn(
        "shift_late", _("mag later"), _("Hoeveel jaar mag het werk later beginnen? 0 tot 20.")
    ),
    TemplateColumn("street", _("straat"), _("De straat van het werk."), width=24),
    TemplateColumn(
        "opens_street", _("opent straat"), _("Gaat de straat open? Kies ja of nee."), width=12
    ),
    TemplateColumn(
        "cost_estimate", _("kostenraming"), _("De kosten in euro, zonder punt of €-teken.")
    ),
    TemplateColumn(
        "areas",
        _("gebied"),
        _("De naam of CBS-code van een kern, wijk of buurt. Meer gebieden: zet ; ertussen."),
        width=24,
    ),
    TemplateColumn(
        "geometry",
        _("geometrie"),
        _("Mag leeg blijven. Anders WKT in RD New (EPSG:28992), in meter."),
        width=40,
    ),
)
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
#: Fields a file's columns write to a project (areas are a relation, written apart).
PROJECT_FIELDS = tuple(c.field for c in COLUMNS if c.field != "areas")
CHOICES = {"kind": ProjectKind, "certainty": Certainty, "status": ProjectStatus}
YES = (_("ja"), "ja", "j", "yes", "y", "waar", "true", "1")
NO = (_("nee"), "nee", "n", "no", "onwaar", "false", "0")


def plan_years(today=None) -> tuple[int, int]:
    """The first and last year a changed start or end year may have."""
    year = (today or timezone.localdate()).year
    return year - YEARS_BACK, year + YEARS_AHEAD
