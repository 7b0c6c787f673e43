"""Writing a workbook's sheets with XlsxWriter: the table layout every sheet shares.

A `Sheet` is a name, a note, its `Column`s and rows; `write_sheets` writes sheets one
after the other into a ``constant_memory`` workbook, each with a title block about the
programme, a header row, number formats, column widths, a frozen header, an autofilter
and ``=SUM()`` totals. What the sheets of the council workbook hold is
`programming.workbook`.

Text is written with ``write_string`` after `impor.spreadsheet.neutralise`: the only
formulas are the ones declared (`Column.formula`, `Cell.formula`, the totals).
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils import timezone
from django.utils.translation import gettext as _
from xlsxwriter.utility import xl_col_to_name

from impor.spreadsheet import neutralise
from programming.models import Programme

#: Rows above the table: title, programme, version, status, adoption, printed, note, blank.
HEADER_ROW = 8

#: Excel number format per kind of value (Excel shows them with the reader's separators).
NUMBER_FORMATS = {
    "money": "€ #,##0",
    "count": "#,##0",
    "year": "0",
    "decimal": "#,##0.00",
    "percent": "0%",
    "share": "0.0%",
    "date": "dd-mm-yyyy",
}
#: Column width in characters per kind of value; a column is at least as wide as its header.
WIDTHS = {
    "id": 9,
    "money": 15,
    "count": 10,
    "year": 8,
    "decimal": 11,
    "percent": 9,
    "share": 9,
    "date": 12,
}
TEXT_WIDTH = 24
#: XlsxWriter's paper code for A4, and the longest header or footer Excel accepts.
PAPER_A4 = 9
HEADER_FOOTER_LIMIT = 255


@dataclass(frozen=True)
class Column:
    """One column of a sheet's table.

    `kind` is "text" or a key of NUMBER_FORMATS. `total` adds ``=SUM()`` of the column
    under the table. `formula` makes the column a formula per row: a template in which
    ``{r}`` is the row's Excel row number; the row holds the formula's computed value
    (None writes nothing). `width` overrides the width the kind gives.
    """

    header: str
    kind: str = "text"
    total: bool = False
    formula: str = ""
    width: int = 0


@dataclass(frozen=True)
class Cell:
    """A value with its own kind (and formula) in a column of mixed values."""

    value: Any
    kind: str = "text"
    formula: str = ""


@dataclass
class Sheet:
    """A sheet to write: its name, an explanation under the title, columns and rows.

    `rows` yields one sequence of values per row, in column order, as the reader sees
    them (choice labels, not codes); it is read once, while the sheet is written."""

    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[Any]]
    note: str = ""


class _Formats:
    """The workbook's cell formats, made once: per kind of value, bold for totals."""

    def __init__(self, workbook: xlsxwriter.Workbook):
        self.title = workbook.add_format({"bold": True, "font_size": 14})
        self.label = workbook.add_format({"bold": True})
        self.note = workbook.add_format({"italic": True})
        self.date = workbook.add_format({"num_format": NUMBER_FORMATS["date"], "align": "left"})
        self.header = workbook.add_format(
            {"bold": True, "bottom": 1, "bg_color": "#DDEBF7", "text_wrap": True, "valign": "top"}
        )
        self.value = {"text": None, "id": workbook.add_format({"num_format": "0"})}
        self.total = {"text": workbook.add_format({"bold": True, "top": 1})}
        for kind, number_format in NUMBER_FORMATS.items():
            self.value[kind] = workbook.add_format({"num_format": number_format})
            self.total[kind] = workbook.add_format(
                {"num_format": number_format, "bold": True, "top": 1}
            )


def _cell_writer(worksheet, column: Column, formats: _Formats) -> tuple[Callable, Any]:
    """The call that writes the values of `column`, and the format it passes: chosen once
    per column, and called as ``write(row, col, value, format)`` with no wrapper per cell
    besides the neutralising of text (the rows of the long sheets are most of the
    workbook's time). Text columns hold str."""
    value_format = formats.value.get(column.kind)
    if column.formula:
        template = column.formula

        def write_formula(r: int, c: int, v: Any, cell_format: Any) -> None:
            worksheet.write_formula(r, c, template.format(r=r + 1), cell_format, v)

        return write_formula, value_format
    if column.kind == "mixed":

        def write_mixed(r: int, c: int, cell: Cell, _format: Any) -> None:
            _write_mixed(worksheet, formats, r, c, cell)

        return write_mixed, None
    if column.kind == "text":

        def write_text(r: int, c: int, v: str, _format: Any) -> None:
            worksheet.write_string(r, c, neutralise(v))

        return write_text, None
    if column.kind == "date":
        return worksheet.write_datetime, value_format
    return worksheet.write_number, value_format


def _write_mixed(worksheet, formats: _Formats, r: int, c: int, cell: Cell) -> None:
    value_format = formats.value[cell.kind]
    if cell.formula:
        worksheet.write_formula(r, c, cell.formula, value_format, cell.value)
    elif cell.kind == "text":
        worksheet.write_string(r, c, neutralise(str(cell.value)))
    else:
        worksheet.write_number(r, c, cell.value, value_format)


def _title_block(
    worksheet, sheet: Sheet, programme: Programme, formats: _Formats, printed: datetime.date
) -> None:
    worksheet.write_string(
        0,
        0,
        _("%(sheet)s – %(programme)s") % {"sheet": sheet.name, "programme": programme.name},
        formats.title,
    )
    worksheet.write_string(1, 0, _("Programma"), formats.label)
    worksheet.write_string(1, 1, neutralise(programme.name))
    worksheet.write_string(2, 0, _("Versie"), formats.label)
    worksheet.write_number(2, 1, programme.version, formats.value["id"])
    worksheet.write_string(3, 0, _("Status"), formats.label)
    worksheet.write_string(3, 1, str(programme.get_status_display()))
    worksheet.write_string(4, 0, _("Vastgesteld op"), formats.label)
    if programme.adopted_on:
        worksheet.write_datetime(4, 1, programme.adopted_on, formats.date)
        worksheet.write_string(
            4, 2, _("door %(body)s") % {"body": programme.get_adopted_by_display()}
        )
    else:
        worksheet.write_string(4, 1, _("niet vastgesteld"))
    worksheet.write_string(5, 0, _("Afgedrukt op"), formats.label)
    worksheet.write_datetime(5, 1, printed, formats.date)
    if sheet.note:
        worksheet.write_string(6, 0, sheet.note, formats.note)


def _print_setup(worksheet, programme: Programme, printed: datetime.date) -> None:
    """A council member prints a sheet as it is: A4 landscape, all columns on one page
    wide, the header row on every page, and a header and footer that say which
    programme, version and status the paper shows, when it was printed, and the page."""
    worksheet.set_landscape()
    worksheet.set_paper(PAPER_A4)
    worksheet.fit_to_pages(1, 0)
    worksheet.repeat_rows(HEADER_ROW)
    # "&" starts a code in Excel's header and footer; a literal one is "&&".
    name = programme.name.replace("&", "&&")
    version = _("versie %(version)s, %(status)s") % {
        "version": programme.version,
        "status": programme.get_status_display(),
    }
    worksheet.set_header(f"&L{name}&R{version}"[:HEADER_FOOTER_LIMIT])
    worksheet.set_footer(
        "&L"
        + _("Afgedrukt op %(date)s") % {"date": printed.strftime("%d-%m-%Y")}
        + "&R"
        + _("Pagina &P van &N")
    )


def _write_sheet(
    worksheet, sheet: Sheet, programme: Programme, formats: _Formats, printed: datetime.date
) -> None:
    """Title block, header, rows in order (constant_memory needs that), totals row."""
    columns = sheet.columns
    _title_block(worksheet, sheet, programme, formats, printed)
    for c, column in enumerate(columns):
        width = column.width or WIDTHS.get(column.kind, TEXT_WIDTH)
        worksheet.set_column(c, c, max(width, len(column.header) + 2))
        worksheet.write_string(HEADER_ROW, c, neutralise(column.header), formats.header)
    writers = [_cell_writer(worksheet, column, formats) for column in columns]
    summed = [c for c, column in enumerate(columns) if column.total]
    sums = dict.fromkeys(summed, 0.0)
    r = HEADER_ROW
    for values in sheet.rows:
        r += 1
        for c, value in enumerate(values):
            if value is not None:
                write, cell_format = writers[c]
                write(r, c, value, cell_format)
        for c in summed:
            sums[c] += values[c] or 0.0
    if r == HEADER_ROW:
        r += 1
        worksheet.write_string(r, 0, _("Geen gegevens"), formats.note)
    worksheet.freeze_panes(HEADER_ROW + 1, 0)
    worksheet.autofilter(HEADER_ROW, 0, r, len(columns) - 1)
    _print_setup(worksheet, programme, printed)
    if summed:
        worksheet.write_string(r + 1, 0, _("Totaal"), formats.total["text"])
        for c in summed:
            letter = xl_col_to_name(c)
            worksheet.write_formula(
                r + 1,
                c,
                f"=SUM({letter}{HEADER_ROW + 2}:{letter}{r + 1})",
                formats.total[columns[c].kind],
                sums[c],
            )


def write_sheets(workbook: xlsxwriter.Workbook, programme: Programme, sheets: Sequence[Sheet]):
    """Write `sheets` into a new constant_memory `workbook`, one after the other."""
    formats = _Formats(workbook)
    printed = timezone.localdate()
    for sheet in sheets:
        _write_sheet(workbook.add_worksheet(sheet.name), sheet, programme, formats, printed)
