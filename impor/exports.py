"""Exports of lists to CSV and Excel that stay within bounded memory at a million rows.

Both writers take the same input: a list of `ExportColumn`s (Dutch header, kind of value,
optional choice labels) and an iterable of row tuples in that column order — normally
``queryset.values_list(...).iterator(chunk_size=EXPORT_CHUNK_SIZE)``, so the database
cursor streams the rows and no list of a million model instances is ever built.

- **CSV** (`csv_response`) is a `StreamingHttpResponse`: each row is encoded and sent as it
  is read. It is written for Dutch Excel: a UTF-8 byte-order mark (otherwise Excel reads
  the file as Windows-1252), `;` as separator and a decimal comma, because Dutch Excel uses
  the comma for decimals and would read "12.50" as a date or as 1250.
- **XLSX** (`xlsx_response`) uses openpyxl's write-only workbook, which writes each row to
  a temporary file instead of keeping a cell tree in memory. The file is assembled in a
  spooled temporary file (kept in memory while small, on disk beyond that) and sent with a
  `FileResponse`. The sheet has a frozen header row, an autofilter over all rows, column
  widths from the header and the kind of value, and Dutch-readable number formats.

Both write text through `ExportColumn.cell`, which applies `impor.spreadsheet.neutralise`:
a name typed as ``=HYPERLINK(…)`` arrives as text, never as a formula (#14).
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from impor.spreadsheet import neutralise

#: Rows fetched per database round trip when exporting.
EXPORT_CHUNK_SIZE = 2000

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: Excel number formats per kind of value (Excel localises separators on display).
NUMBER_FORMATS = {
    "int": "0",
    "year": "0",
    "decimal": "#,##0.00",
    "money": "€ #,##0",
    "date": "dd-mm-yyyy",
}
#: Column width (characters) per kind of value, at least the header's width.
WIDTHS = {"int": 10, "year": 8, "decimal": 14, "money": 16, "date": 12, "text": 24}


@dataclass(frozen=True)
class ExportColumn:
    """One exported column: its Dutch header, the kind of value and choice labels.

    `kind` is one of "text", "int", "year", "decimal", "money", "date". `choices` maps a
    stored value to the label people read (e.g. a `TextChoices` field's labels).
    """

    header: str
    kind: str = "text"
    choices: Mapping[Any, str] = field(default_factory=dict)

    def convert(self, value: Any) -> Any:
        """The value as a worksheet cell holds it: choice label, plain number or date."""
        if value is None:
            return None
        if self.choices:
            return str(self.choices.get(value, value))
        if self.kind in ("decimal", "money") and isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime.datetime) and value.tzinfo is not None:
            # A spreadsheet cell has no time zone: write the time as people here read it.
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, str | int | float | datetime.date):
            return value
        return str(value)

    def cell(self, value: Any) -> Any:
        """The value as a spreadsheet cell holds it: `convert`, with text that starts like
        a formula neutralised. A number stays a number, also when it is negative; other
        formats (GeoJSON) use `convert`, since no spreadsheet program reads them."""
        converted = self.convert(value)
        if isinstance(converted, str) and not isinstance(value, Decimal):
            return neutralise(converted)
        return converted


def _csv_text(column: ExportColumn, value: Any) -> str:
    value = column.cell(value)
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.2f}" if column.kind in ("decimal", "money") else repr(value)
        return text.replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%d-%m-%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d-%m-%Y")
    return str(value)


class _Echo:
    """A file-like object whose write() returns the text, for csv.writer in a generator."""

    def write(self, value: str) -> str:
        return value


def csv_rows(columns: Sequence[ExportColumn], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV file as encoded lines: BOM and header first, then one line per row."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff".encode() + writer.writerow([c.header for c in columns]).encode()
    for row in rows:
        yield writer.writerow([_csv_text(c, v) for c, v in zip(columns, row, strict=True)]).encode()


def csv_response(
    filename: str, columns: Sequence[ExportColumn], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """A streamed CSV download for Dutch Excel (`;`, decimal comma, UTF-8 with BOM)."""
    response = StreamingHttpResponse(csv_rows(columns, rows), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def write_xlsx(
    target, title: str, columns: Sequence[ExportColumn], rows: Iterable[Sequence[Any]]
) -> int:
    """Write one formatted sheet to `target` (a path or binary file); return the row count."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    # Widths and the frozen pane must be set before the first row in write-only mode.
    for index, column in enumerate(columns, start=1):
        width = max(len(column.header) + 3, WIDTHS.get(column.kind, WIDTHS["text"]))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)

    formats = [None if c.choices else NUMBER_FORMATS.get(c.kind) for c in columns]
    count = 0
    for row in rows:
        values = []
        for column, number_format, value in zip(columns, formats, row, strict=True):
            value = column.cell(value)
            if number_format and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = number_format
                values.append(cell)
            else:
                values.append(value)
        sheet.append(values)
        count += 1
    last = get_column_letter(max(len(columns), 1))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"
    workbook.save(target)
    return count


def xlsx_response(
    filename: str, title: str, columns: Sequence[ExportColumn], rows: Iterable[Sequence[Any]]
) -> FileResponse:
    """An Excel download with one formatted sheet, built in a spooled temporary file."""
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    write_xlsx(spool, title, columns, rows)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX_CONTENT_TYPE
    )
