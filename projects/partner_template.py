"""The template partners fill in with their works (issue #6).

A partner organisation (grid operator, water board, housing corporation) delivers its
planned works as projects it owns. It downloads a template, fills it in and uploads it
(`projects.partner_import`).

`write_template` writes the workbook: a sheet "Werken" with one column per field a
partner fills in (`projects.partner_columns`), drop-down lists for projecttype,
zekerheid, status and ja/nee, whole-number rules for the years, prefilled with the
organisation's current works; and a sheet "Toelichting" that explains it in plain Dutch.

Text goes into the template through `impor.spreadsheet.neutralise`, as in every download,
so a work named ``=HYPERLINK(…)`` is text in the partner's Excel (#14); the import undoes
it with `restore`, so a work comes back with the name it went out with.
"""

from collections.abc import Iterator

import xlsxwriter
from django.db.models import Count
from django.utils.translation import gettext

from impor.models import Area
from impor.spreadsheet import neutralise
from projects.choices import ProjectStatus
from projects.models import MAX_SHIFT_YEARS, Project
from projects.partner_columns import (
    AREA_SEPARATOR,
    CHOICES,
    COLUMN_BY_FIELD,
    COLUMNS,
    NO,
    PROJECT_FIELDS,
    SHEET,
    YES,
    plan_years,
)
from stakeholders.models import Actor

INSTRUCTIONS_SHEET = "Toelichting"
#: Excel keeps at most this many characters in a cell; longer geometry stays out.
EXCEL_CELL_LIMIT = 32_767
#: The last row a validation rule covers (Excel's last row, zero-based).
LAST_ROW = 1_048_575


def write_template(target, organisation: Actor | None) -> int:
    """Write the template to `target` (a path or binary file); return the prefilled rows.

    The workbook is written in XlsxWriter's constant-memory mode and the works are read
    with a streaming cursor, so an organisation with many works stays in bounded memory.
    """
    first, last = plan_years()
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top"}
    )
    required = workbook.add_format(
        {"bold": True, "bg_color": "#F8CBAD", "text_wrap": True, "valign": "top"}
    )
    formats = {
        "code": workbook.add_format({"num_format": "@"}),
        "start_year": workbook.add_format({"num_format": "0"}),
        "end_year": workbook.add_format({"num_format": "0"}),
        "cost_estimate": workbook.add_format({"num_format": "#,##0.00"}),
    }
    sheet = workbook.add_worksheet(SHEET)
    for index, column in enumerate(COLUMNS):
        sheet.set_column(index, index, column.width, formats.get(column.field))
    sheet.freeze_panes(1, 1)
    for index, column in enumerate(COLUMNS):
        sheet.write_string(0, index, str(column.header), required if column.required else header)
    _add_validations(sheet, first, last)
    count = 0
    for count, row in enumerate(_template_rows(organisation), start=1):
        for index, value in enumerate(row):
            # write_string, not write: write would read "=…" as a formula and "http…" as a link.
            if isinstance(value, str):
                sheet.write_string(count, index, neutralise(value))
            elif value is not None:
                sheet.write_number(count, index, value)
    sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
    _write_instructions(workbook, first, last)
    workbook.close()
    return count


def _index(field_name: str) -> int:
    return next(i for i, c in enumerate(COLUMNS) if c.field == field_name)


def _add_validations(sheet, first: int, last: int) -> None:
    """Drop-down lists and whole-number rules, from the row under the header to the end."""

    def validate(field_name: str, options: dict) -> None:
        column = _index(field_name)
        sheet.data_validation(
            1,
            column,
            LAST_ROW,
            column,
            {
                "error_title": str(COLUMN_BY_FIELD[field_name].header),
                "input_title": str(COLUMN_BY_FIELD[field_name].header),
                "input_message": str(COLUMN_BY_FIELD[field_name].help)[:255],
                **options,
            },
        )

    for field_name, choices in CHOICES.items():
        labels = [str(label) for label in choices.labels]
        validate(
            field_name,
            {
                "validate": "list",
                "source": labels,
                "error_message": gettext("Kies een waarde uit de lijst."),
            },
        )
    validate(
        "opens_street",
        {
            "validate": "list",
            "source": [str(YES[0]), str(NO[0])],
            "error_message": gettext("Kies ja of nee."),
        },
    )
    for field_name in ("start_year", "end_year"):
        validate(
            field_name,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": first,
                "maximum": last,
                "error_message": gettext("Vul een jaar in van %(first)s tot en met %(last)s.")
                % {"first": first, "last": last},
            },
        )
    for field_name in ("shift_early", "shift_late"):
        validate(
            field_name,
            {
                "validate": "integer",
                "criteria": "between",
                "minimum": 0,
                "maximum": MAX_SHIFT_YEARS,
                "error_message": gettext("Vul een heel getal in van 0 tot en met %(max)s.")
                % {"max": MAX_SHIFT_YEARS},
            },
        )
    validate(
        "cost_estimate",
        {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_message": gettext("Vul een bedrag in van 0 of meer."),
        },
    )


def _template_rows(organisation: Actor | None) -> Iterator[list]:
    """The organisation's works as template rows, in code order, streamed."""
    if organisation is None:
        return
    labels = {name: dict(choices.choices) for name, choices in CHOICES.items()}
    ambiguous = set(
        Area.objects.values("name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .values_list("name", flat=True)
    )
    works = (
        Project.objects.filter(owner=organisation)
        .only(*PROJECT_FIELDS)
        .prefetch_related("areas")
        .order_by("code")
    )
    for project in works.iterator(chunk_size=1000):
        areas = [
            area.cbs_code if area.name in ambiguous and area.cbs_code else area.name
            for area in project.areas.all()
        ]
        values = {
            "code": project.code,
            "name": project.name,
            "description": project.description or None,
            "kind": str(labels["kind"].get(project.kind, project.kind)),
            "certainty": str(labels["certainty"].get(project.certainty, project.certainty)),
            "status": str(labels["status"].get(project.status, project.status)),
            "start_year": project.start_year,
            "end_year": project.end_year,
            "shift_early": project.shift_early,
            "shift_late": project.shift_late,
            "street": project.street or None,
            "opens_street": str(YES[0] if project.opens_street else NO[0]),
            "cost_estimate": float(project.cost_estimate),
            "areas": f"{AREA_SEPARATOR} ".join(sorted(areas)) or None,
            "geometry": project.geometry
            if project.geometry and len(project.geometry) <= EXCEL_CELL_LIMIT
            else None,
        }
        yield [values[column.field] for column in COLUMNS]


def _write_instructions(workbook, first: int, last: int) -> None:
    sheet = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 90)
    lines = [
        gettext("Zo vult u het blad %(sheet)s in") % {"sheet": SHEET},
        "",
        gettext("1. Elke regel is één werk van uw organisatie."),
        gettext(
            "2. De code is uw eigen code voor het werk. Staat de code al in IMPOR? Dan past "
            "IMPOR dat werk aan. Is de code nieuw? Dan maakt IMPOR een nieuw werk."
        ),
        gettext(
            "3. De kolommen met een oranje kop moeten gevuld zijn: code, naam, projecttype, "
            "startjaar en eindjaar."
        ),
        gettext("4. Bij projecttype, zekerheid, status en opent straat kiest u uit een lijst."),
        gettext("5. Een jaar ligt tussen %(first)s en %(last)s.") % {"first": first, "last": last},
        gettext(
            "6. Laat u een cel leeg? Dan blijft wat in IMPOR staat. Bij een nieuw werk vult "
            "IMPOR dan zelf een waarde in."
        ),
        gettext(
            "7. Gaat een werk niet door? Kies bij status: %(withdrawn)s. Haal de regel niet "
            "weg: een regel die ontbreekt, verandert niets."
        )
        % {"withdrawn": ProjectStatus.INGETROKKEN.label},
        gettext(
            "8. Upload het bestand in IMPOR bij Projecten, Werken uploaden. IMPOR controleert "
            "eerst alles en laat zien wat er verandert. Pas als u op Verwerken klikt, slaat "
            "IMPOR het op. Staat er een fout in het bestand? Dan slaat IMPOR niets op."
        ),
        "",
    ]
    row = 0
    for row, line in enumerate(lines):
        sheet.write_string(row, 0, line, title if row == 0 else None)
    row += 1
    sheet.write_row(
        row, 0, [gettext("kolom"), gettext("verplicht"), gettext("wat vult u in?")], bold
    )
    for column in COLUMNS:
        row += 1
        sheet.write_string(row, 0, str(column.header), bold)
        sheet.write_string(row, 1, gettext("ja") if column.required else gettext("nee"), wrap)
        sheet.write_string(row, 2, str(column.help), wrap)
