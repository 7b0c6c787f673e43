"""Read an uploaded import file into a table, or say in Dutch why it cannot be read.

The readers turn CSV, Excel (xlsx), GeoJSON, GeoPackage and zipped Shapefile uploads into a
:class:`Table`: the rows as a DataFrame with the column names of the file, the geometries
and the coordinate reference system the file declares. They check the *file* (its format,
size, encoding, sheets, layers, header); the import service checks the *values* afterwards
and reports them by their original text, which is why CSV values stay strings here.

Pure Python (pandas, numpy, shapely, pyogrio, python-calamine), no Django: the messages
are Dutch text, not translatable strings, so that the readers run outside a request.
"""

import codecs
import csv
import io
import posixpath
import re
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError
from python_calamine import CalamineError, CalamineWorkbook

from impor.geometry import WGS84, GeometryError, normalise_crs

SUPPORTED = (".csv", ".xlsx", ".geojson", ".json", ".gpkg", ".zip")

MB = 1024**2

#: A zip member that inflates more than this many times is called a zip bomb. Office XML
#: and DBF files compress 5 to 20 times; runs of zeros (the classic bomb) about 1,000 times.
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this never count as bombs: a few kB of repetitive XML can compress
#: more than 100 times without harm, and a bomb needs size to do damage.
RATIO_MIN_SIZE = 1 * MB

#: How far an Excel sheet may reach, counted from A1. The sheet is read as one full grid of
#: rows × columns (about 50 bytes a cell, empty or not), so a single cell at XFD1048576
#: would cost 17 billion cells. 500 columns is twice what a shapefile can hold; a million
#: rows is about Excel's maximum; 20 million cells (about 1 GB) is what a file of the
#: default size limit holds when it is full of data.
MAX_SHEET_ROWS = 1_000_000
MAX_SHEET_COLUMNS = 500
MAX_SHEET_CELLS = 20_000_000

#: Column separators tried on a CSV file, in order of preference (Dutch exports use `;`).
CSV_SEPARATORS = (";", ",", "\t", "|")
#: Characters of a CSV file used to recognise its separator.
CSV_SAMPLE_SIZE = 64 * 1024

#: Drivers GDAL may report for each geo format; a CSV renamed .geojson must not pass.
GEO_DRIVERS = {
    ".geojson": ("GeoJSON", "GeoJSONSeq", "ESRIJSON"),
    ".json": ("GeoJSON", "GeoJSONSeq", "ESRIJSON"),
    ".gpkg": ("GPKG",),
    ".zip": ("ESRI Shapefile",),
}
#: "… is geen {…}" for each geo format.
GEO_FORMAT_NAMES = {
    ".geojson": "geldig GeoJSON-bestand",
    ".json": "geldig GeoJSON-bestand",
    ".gpkg": "geldig GeoPackage-bestand",
    ".zip": "geldige shapefile",
}

#: A number with a decimal comma: 12,5 or 1.234,5 (Dutch), never 12.5 or 1234; one per line.
_DECIMAL_COMMA_LINE = re.compile(r"^[ \t]*[+-]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d*,\d+)[ \t]*$", re.M)
#: The ways of writing a number that parse_decimal accepts, tried in this order.
_NUMBER = re.compile(
    r"""\s*(?:
    (?P<plain>[+-]?\d+)
    |(?P<dot>[+-]?\d*\.\d+)                             # 12.5  .5  1.234 (ambiguous)
    |(?P<comma>[+-]?\d*,\d+)                             # 12,5  ,5  1,234
    |(?P<dutch>[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?)         # 1.234,5  1.234.567
    |(?P<english>[+-]?\d{1,3}(?:,\d{3})+\.\d+|[+-]?\d{1,3}(?:,\d{3}){2,})  # 1,234.5
    )\s*""",
    re.X,
)
#: One dot followed by three digits: 1.234 is 1234 among Dutch numbers, else 1.234.
_ONE_THOUSANDS_DOT = re.compile(r"\s*[+-]?\d{1,3}\.\d{3}\s*")

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


class ImportFileError(Exception):
    """A file that cannot be read at all. str(exc) is a Dutch message that names the file
    (and the sheet/row/cell where that applies)."""


@dataclass
class Table:
    """The rows of one uploaded file, before any value is checked.

    ``frame`` has one row per data row and the header names of the file (stripped).
    Values are str for text, int/float for numbers, datetime.date/pd.Timestamp for dates
    and None/NaN for empty cells; a CSV gives only str and None. ``geometry`` holds the
    shapely geometries aligned with the rows (geo formats only), ``crs`` the 'EPSG:NNNN'
    the file declares (None when it declares none), ``first_row`` the line, row or feature
    number of frame row 0, and ``warnings`` non-fatal notes in Dutch.
    """

    frame: pd.DataFrame
    geometry: np.ndarray | None
    crs: str | None
    sheet: str | None
    first_row: int
    warnings: list[str] = field(default_factory=list)


def read_table(
    path: Path,
    *,
    filename: str | None = None,
    sheet: str | None = None,
    layer: str | None = None,
    max_bytes: int = 200 * MB,
    max_uncompressed_bytes: int = 1024**3,
    max_sheet_rows: int = MAX_SHEET_ROWS,
    max_sheet_columns: int = MAX_SHEET_COLUMNS,
    max_sheet_cells: int = MAX_SHEET_CELLS,
) -> Table:
    """Read an uploaded file; raise ImportFileError with a Dutch message if that fails.

    Steps: pick the format by the extension of ``filename`` (the user's name for the file,
    ``path.name`` by default), check the size, then read it with the format's reader.
    ``sheet`` chooses the Excel sheet and ``layer`` the GeoPackage layer (or the shapefile
    in a zip holding several); both are needed only when the file holds more than one.
    An Excel sheet that reaches beyond ``max_sheet_rows``, ``max_sheet_columns`` or
    ``max_sheet_cells`` (rows × columns) is refused before its cells are read.
    """
    path = Path(path)
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportFileError(_unsupported_message(name, suffix))
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"{name} is {_megabytes(size)} MB; IMPOR leest bestanden tot "
            f"{_megabytes(max_bytes)} MB. Splits het bestand of laat overbodige kolommen weg."
        )
    if size == 0:
        raise ImportFileError(f"{name} is leeg: het bevat geen gegevensrijen.")
    if suffix == ".csv":
        return _read_csv(path, name)
    if suffix == ".xlsx":
        limits = _SheetLimits(max_sheet_rows, max_sheet_columns, max_sheet_cells)
        return _read_xlsx(path, name, sheet, max_uncompressed_bytes, limits)
    if suffix == ".zip":
        return _read_zipped_shapefile(path, name, layer, max_uncompressed_bytes)
    return _read_geo(str(path), name, suffix, layer)


def list_sheets(path: Path) -> list[str]:
    """The worksheet names of an Excel file in workbook order (hidden sheets included)."""
    path = Path(path)
    with _open_xlsx(path, path.name, 1024**3) as package:
        return [sheet.name for sheet in _workbook_sheets(package, path.name)]


def parse_decimal(series: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Numbers written the Dutch or the English way as floats, plus a mask of bad values.

    Accepts ``12,5``, ``1.234,5``, ``12.5``, ``1234``, ``-3`` and ``1,234.5``, and numbers
    that are numbers already. Empty cells give NaN and are not bad; any other value (text,
    ``1e5``, a date) gives NaN and is bad.

    ``1.234`` is ambiguous. It reads as 1234 when the column also holds decimal commas
    (then the dot separates thousands) and as 1.234 otherwise; ``1.234.567`` is always
    1234567. ``1,234`` is 1.234 (a decimal comma) and ``1,234,567`` is 1234567.

    One compiled regex per value, in a plain loop: without pyarrow, pandas' ``.str``
    methods loop in Python as well, and a chain of them is several times slower.
    """
    if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
        return series.astype(float), pd.Series(False, index=series.index, name=series.name)
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    if len(uniques) < len(series) // 2:
        # Years, scores, classes: parse each distinct text once.
        numbers, bad = _parse_decimal_values(np.asarray(uniques, dtype=object))
        # An empty cell has code -1, which takes the NaN and False appended at the end;
        # a column empty in every row has no distinct values but these.
        numbers, bad = np.append(numbers, np.nan), np.append(bad, False)
        return (
            pd.Series(numbers[codes], index=series.index, name=series.name),
            pd.Series(bad[codes], index=series.index, name=series.name),
        )
    numbers, bad = _parse_decimal_values(series.to_numpy(dtype=object))
    return (
        pd.Series(numbers, index=series.index, name=series.name, dtype=float),
        pd.Series(bad, index=series.index, name=series.name, dtype=bool),
    )


def _parse_decimal_values(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """parse_decimal on plain values; returns float and bool arrays."""
    matches = [_NUMBER.fullmatch(value) if type(value) is str else None for value in values]
    kinds = [match.lastgroup if match else None for match in matches]
    dutch_column = "comma" in kinds or any(
        kind == "dutch" and "," in match.group() for kind, match in zip(kinds, matches, strict=True)
    )
    numbers = [np.nan] * len(values)
    bad = [False] * len(values)
    for i, (value, kind) in enumerate(zip(values, kinds, strict=True)):
        if kind == "comma":
            numbers[i] = float(value.replace(",", "."))
        elif kind == "plain" or (kind == "dot" and not dutch_column):
            numbers[i] = float(value)
        elif kind == "dot":  # among decimal commas, 1.234 is a thousand (2.5 stays 2.5)
            thousands = _ONE_THOUSANDS_DOT.fullmatch(value)
            numbers[i] = float(value.replace(".", "") if thousands else value)
        elif kind == "dutch":
            numbers[i] = float(value.replace(".", "").replace(",", "."))
        elif kind == "english":
            numbers[i] = float(value.replace(",", ""))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            numbers[i] = value
        elif type(value) is str:
            bad[i] = value.strip() != ""
        else:
            bad[i] = not (value is None or value is pd.NA or value is pd.NaT)
    return np.asarray(numbers, dtype=float), np.asarray(bad, dtype=bool)


# --- CSV ------------------------------------------------------------------------------


def _read_csv(path: Path, name: str) -> Table:
    """Steps: decode, find the separator, parse everything as text, take the header row."""
    notes: list[str] = []
    text = _decode_csv(path.read_bytes(), name, notes)
    line_offset = 0
    separator = None
    first_line, _, rest = text.partition("\n")
    # Excel writes and honours a first line "sep=;" that names the separator.
    if re.fullmatch(r"sep=.\r?", first_line, flags=re.IGNORECASE):
        separator, text, line_offset = first_line[4], rest, 1
    # pandas cannot count the columns from a blank first line; skip those lines, counted.
    blank = re.match(r"(?:[ \t]*\r?\n)+", text)
    if blank:
        line_offset += blank.group().count("\n")
        text = text[blank.end() :]
    if separator is None:
        separator = _sniff_separator(text[:CSV_SAMPLE_SIZE])
    try:
        raw = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            header=None,
            dtype=str,
            keep_default_na=False,
            skip_blank_lines=False,
            quotechar='"',
            engine="c",
        )
    except pd.errors.EmptyDataError:
        raise ImportFileError(f"{name} bevat geen gegevensrijen.") from None
    except pd.errors.ParserError as exc:
        raise ImportFileError(_csv_parser_message(name, str(exc), separator, line_offset)) from exc
    values = raw.to_numpy(dtype=object)
    empty = values == ""
    filled = np.flatnonzero(~empty.all(axis=1))
    if len(filled) == 0:
        raise ImportFileError(f"{name} bevat geen gegevensrijen.")
    header_at, last = int(filled[0]), int(filled[-1])
    header_line = line_offset + header_at + 1
    names = [str(value).strip() for value in values[header_at]]
    data = values[header_at + 1 : last + 1]
    data_empty = empty[header_at + 1 : last + 1]
    if len(data) == 0:
        raise ImportFileError(
            f"{name} bevat geen gegevensrijen: alleen een kopregel (regel {header_line})."
        )
    keep = _check_header(
        names, ~data_empty.all(axis=0), name, lambda i: f"kolom {i + 1}", f"regel {header_line}"
    )
    frame = pd.DataFrame(
        np.where(data_empty, None, data)[:, keep],
        columns=[names[i] for i in keep],
        dtype=object,
    )
    notes.extend(_decimal_comma_notes(frame))
    return Table(
        frame=frame,
        geometry=None,
        crs=None,
        sheet=None,
        first_row=header_line + 1,
        warnings=notes,
    )


def _decode_csv(data: bytes, name: str, notes: list[str]) -> str:
    """Text of a CSV file, or refuse it naming the encodings tried.

    Steps: a byte order mark says UTF-8 or UTF-16; a file with a zero byte in every other
    place is UTF-16 without one; else strict UTF-8; else Windows-1252 (a superset of
    Latin-1, what Excel writes for "CSV (gescheiden door lijstscheidingsteken)"), but only
    when every character beyond ASCII is one that Western European text has. Bytes of
    another encoding, such as Shift-JIS, read as Windows-1252 give symbols such as ‚ ƒ ‹ ˆ
    and would be imported as nonsense.
    """
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise ImportFileError(
            f"{name} is geen tekstbestand (CSV) maar lijkt een Excel-bestand; "
            "kies in Excel 'Opslaan als' → 'CSV UTF-8' of upload het als .xlsx."
        )
    unreadable = ImportFileError(
        f"{name} gebruikt een tekenset die IMPOR niet kan lezen. Geprobeerd: UTF-8, UTF-16 "
        "en Windows-1252 (Latin-1). Sla het bestand op als 'CSV UTF-8' en upload het opnieuw."
    )
    encoding = _utf16_encoding(data)
    if encoding:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise unreadable from exc
    if b"\x00" in data[:8192]:
        raise ImportFileError(f"{name} is geen tekstbestand (CSV).")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise unreadable from exc
    if not set(text).issubset(_WESTERN_CHARACTERS):
        raise unreadable
    notes.append(
        "tekens gelezen als Windows-1252, want het bestand is geen UTF-8 (zo slaat Excel "
        "'CSV (gescheiden door lijstscheidingsteken)' op); controleer letters als é en ë"
    )
    return text


#: The characters Western European text in Windows-1252 holds: ASCII, the accented
#: letters (no × ÷) and the punctuation and signs that Word and Excel put in.
_WESTERN_CHARACTERS = frozenset(
    [chr(code) for code in range(0x80)]
    + [chr(code) for code in range(0xC0, 0x100) if chr(code) not in "×÷"]
    + list("ŒœŠšŽžŸ€‘’“”„–—…•°²³¹µ½¼¾±§©®·«»´¨¸ªº£¢¥¿¡\u00a0")
)


def _utf16_encoding(data: bytes) -> str | None:
    """'utf-16' for a file with a UTF-16 byte order mark, 'utf-16-le' or 'utf-16-be' for
    one whose first bytes have a zero in every other place (ASCII written as UTF-16)."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = data[:8192]
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) >= 4:
        if sample[1::2].count(0) == len(sample) // 2 and 0 not in sample[::2]:
            return "utf-16-le"
        if sample[::2].count(0) == len(sample) // 2 and 0 not in sample[1::2]:
            return "utf-16-be"
    return None


def _sniff_separator(sample: str) -> str:
    """The separator that splits the header into most columns and the rows consistently."""
    if len(sample) == CSV_SAMPLE_SIZE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    lines = [line for line in sample.splitlines() if line.strip()][:50]
    best, best_score = CSV_SEPARATORS[0], (0.0, 1)
    for separator in CSV_SEPARATORS:
        widths = [len(row) for row in csv.reader(lines, delimiter=separator) if row]
        if not widths or widths[0] < 2:
            continue
        rows = widths[1:] or widths
        score = (sum(width == widths[0] for width in rows) / len(rows), widths[0])
        if score > best_score:
            best, best_score = separator, score
    return best


def _csv_parser_message(name: str, error: str, separator: str, line_offset: int) -> str:
    shown = {"\t": "tab"}.get(separator, separator)
    fields = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", error)
    if fields:
        expected, line, seen = (int(group) for group in fields.groups())
        return (
            f"{name}: regel {line + line_offset} heeft {seen} velden, de regels ervoor "
            f"{expected}. Staat er een scheidingsteken ({shown}) in een waarde zonder "
            "aanhalingstekens eromheen?"
        )
    quote = re.search(r"EOF inside string starting at row (\d+)", error)
    if quote:
        line = int(quote.group(1)) + 1 + line_offset
        return f'{name}: het aanhalingsteken (") op regel {line} wordt nergens gesloten.'
    return f"{name} kan niet als CSV worden gelezen (scheidingsteken {shown})."


def _decimal_comma_notes(frame: pd.DataFrame) -> list[str]:
    """Name the columns with decimal commas; one regex search over each column's text."""
    columns = []
    for column in frame.columns:
        values = frame[column].to_numpy(dtype=object)
        kind = pd.api.types.infer_dtype(values, skipna=True)
        if kind == "string":
            text = "\n".join(values[~pd.isna(values)].tolist())
        elif kind.startswith("mixed"):
            text = "\n".join([value for value in values if type(value) is str])
        else:
            continue
        if "," in text and _DECIMAL_COMMA_LINE.search(text):
            columns.append(str(column))
    if not columns:
        return []
    return [f"decimale komma's herkend in de kolommen {', '.join(columns)}"]


# --- Excel (xlsx) ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Sheet:
    name: str
    part: str
    visible: bool


class _SheetLimits(NamedTuple):
    rows: int
    columns: int
    cells: int


def _read_xlsx(
    path: Path, name: str, sheet: str | None, max_uncompressed: int, limits: _SheetLimits
) -> Table:
    """Steps: check the package, choose the sheet (each sheet's XML is checked before
    calamine reads it), then check the chosen sheet's rows."""
    with _open_xlsx(path, name, max_uncompressed) as package:
        sheets = _workbook_sheets(package, name)
        workbook = _calamine(path, name)
        content = _choose_sheet(
            sheets, sheet, name, lambda s: _read_sheet(workbook, package, s, name, limits)
        )
    chosen, rows, scan = content.sheet, content.rows, content.scan
    start_row, start_column = content.start
    where = _where(name, chosen)
    leading = next((i for i, row in enumerate(rows) if any(v != "" for v in row)), None)
    if leading is None:
        raise ImportFileError(f"{where} is leeg: het bevat geen gegevensrijen.")
    header_row = start_row + leading + 1
    notes = _merge_notes(list(scan.merges), header_row, where)
    if scan.uncached:
        others = f" (en nog {len(scan.uncached) - 1} cellen)" if len(scan.uncached) > 1 else ""
        raise ImportFileError(
            f"{where}: cel {scan.uncached[0]}{others} bevat een formule zonder berekende "
            "waarde; open en sla het bestand op in Excel, of plak de waarden."
        )
    if scan.formulas:
        notes.append("formules gevonden; de berekende waarden zijn gebruikt")
    return _xlsx_table(rows[leading:], header_row, start_column, chosen.name, where, notes)


def _open_xlsx(path: Path, name: str, max_uncompressed: int) -> zipfile.ZipFile:
    not_excel = f"{name} is geen Excel-bestand (xlsx)"
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == _OLE_MAGIC:
        raise ImportFileError(
            f"{not_excel}: het is een ouder .xls-bestand of met een wachtwoord beveiligd. "
            "Sla het in Excel op als .xlsx, zonder wachtwoord."
        )
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{not_excel}.") from exc
    try:
        _check_zip(package, name, max_uncompressed)
        if "xl/workbook.xml" not in package.NameToInfo:
            raise ImportFileError(f"{not_excel}: het is een zip-bestand zonder werkmap.")
    except BaseException:
        package.close()
        raise
    return package


def _workbook_sheets(package: zipfile.ZipFile, name: str) -> list[_Sheet]:
    """The worksheets of the workbook (no chart sheets) with their XML part, in tab order."""
    try:
        workbook = ElementTree.fromstring(package.read("xl/workbook.xml"))
        rels_part = "xl/_rels/workbook.xml.rels"
        rels = (
            ElementTree.fromstring(package.read(rels_part))
            if rels_part in package.NameToInfo
            else None
        )
    except (ElementTree.ParseError, zipfile.BadZipFile, KeyError) as exc:
        raise ImportFileError(f"{name} is een beschadigd Excel-bestand.") from exc
    targets = {}
    for rel in rels.findall("{*}Relationship") if rels is not None else ():
        if rel.get("Type", "").endswith("/worksheet") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            part = target[1:] if target.startswith("/") else posixpath.join("xl", target)
            targets[rel.get("Id")] = posixpath.normpath(part)
    sheets = []
    for element in workbook.findall("{*}sheets/{*}sheet"):
        rel_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
        if rel_id in targets:
            visible = element.get("state", "visible") == "visible"
            sheets.append(_Sheet(element.get("name", ""), targets[rel_id], visible))
    return sheets


def _calamine(path: Path, name: str) -> CalamineWorkbook:
    try:
        return CalamineWorkbook.from_path(str(path))
    except (CalamineError, ValueError) as exc:
        raise ImportFileError(f"{name} is een beschadigd Excel-bestand.") from exc


def _where(name: str, sheet: _Sheet) -> str:
    return f'{name}, blad "{sheet.name}"'


@dataclass
class _SheetContent:
    """A sheet's cells from its first filled row and column, where those are, and what its
    XML says beyond the values."""

    sheet: _Sheet
    rows: list[list]
    start: tuple[int, int]
    scan: "_SheetScan"


def _read_sheet(
    workbook: CalamineWorkbook,
    package: zipfile.ZipFile,
    sheet: _Sheet,
    name: str,
    limits: _SheetLimits,
) -> _SheetContent:
    """Scan the sheet's XML and check how far it reaches; only then read it with calamine,
    which lays out every cell of that reach in memory."""
    scan = _scan_sheet_xml(package, sheet.part, _where(name, sheet))
    _check_reach(scan, _where(name, sheet), limits)
    try:
        data = workbook.get_sheet_by_name(sheet.name)
        rows = data.to_python(skip_empty_area=True)
        return _SheetContent(sheet, rows, data.start or (0, 0), scan)
    except (CalamineError, ValueError) as exc:
        raise ImportFileError(f'{name}: blad "{sheet.name}" is beschadigd.') from exc


def _check_reach(scan: "_SheetScan", where: str, limits: _SheetLimits) -> None:
    """Refuse a sheet whose cells or declared dimension reach beyond the limits."""
    rows = max(scan.last_row, scan.declared_row)
    columns = max(scan.last_column, scan.declared_column)
    last_cell = f"{_column_letters(columns)}{rows}"
    advice = (
        "Verwijder de lege rijen en kolommen onder en naast de gegevens, of kopieer de "
        "gegevens naar een nieuw blad."
    )
    if rows > limits.rows or columns > limits.columns:
        beyond = [
            f"{_whole_number(count)} {unit}"
            for count, limit, unit in (
                (rows, limits.rows, "rijen"),
                (columns, limits.columns, "kolommen"),
            )
            if count > limit
        ]
        raise ImportFileError(
            f"{where} is te groot: het loopt tot cel {last_cell}, dat is {' en '.join(beyond)}. "
            f"IMPOR leest bladen tot {_whole_number(limits.columns)} kolommen en "
            f"{_whole_number(limits.rows)} rijen. {advice}"
        )
    if rows * columns > limits.cells:
        raise ImportFileError(
            f"{where} is te groot: het loopt tot cel {last_cell}, dat is "
            f"{_whole_number(rows)} rijen van {_whole_number(columns)} kolommen, "
            f"{_whole_number(rows * columns)} cellen. IMPOR leest bladen tot "
            f"{_whole_number(limits.cells)} cellen. {advice}"
        )


def _choose_sheet(
    sheets: list[_Sheet],
    wanted: str | None,
    name: str,
    read: Callable[[_Sheet], _SheetContent],
) -> _SheetContent:
    """The sheet asked for, or else the only visible sheet that holds anything.

    Hidden sheets count only when no visible sheet holds anything: templates often hide
    the lists behind their drop-downs there.
    """
    names = ", ".join(f'"{sheet.name}"' for sheet in sheets)
    if wanted is not None:
        matches = [s for s in sheets if s.name == wanted] or [
            s for s in sheets if s.name.strip().casefold() == wanted.strip().casefold()
        ]
        if not matches:
            raise ImportFileError(f'{name} heeft geen blad "{wanted}"; de bladen zijn {names}.')
        return read(matches[0])
    filled = []
    for visible in (True, False):
        for sheet in [sheet for sheet in sheets if sheet.visible == visible]:
            content = read(sheet)
            if any(value != "" for row in content.rows for value in row):
                filled.append(content)
        if filled:
            break
    if not filled:
        raise ImportFileError(f"{name} is leeg: het bevat geen gegevensrijen.")
    if len(filled) > 1:
        listed = ", ".join(f'"{content.sheet.name}"' for content in filled)
        raise ImportFileError(
            f"{name} heeft meerdere bladen met gegevens ({listed}); kies het blad dat "
            "IMPOR moet lezen."
        )
    return filled[0]


@dataclass
class _SheetScan:
    """What the XML of a sheet says beyond its values."""

    formulas: int = 0
    uncached: list[str] = field(default_factory=list)  # formula cells without a value
    merges: dict[str, None] = field(default_factory=dict)  # merged ranges, in order
    # How far the cells reach (1-based) and how far the <dimension> element says they do.
    last_row: int = 0
    last_column: int = 0
    declared_row: int = 0
    declared_column: int = 0


def _scan_sheet_xml(package: zipfile.ZipFile, part: str, where: str) -> _SheetScan:
    """Find formulas (with or without a cached value), merged cells and how far the cells
    reach in a sheet's XML.

    Streamed in chunks cut after the last complete row, and searched with regexes rather
    than an XML parser: a parser fires Python events for every cell (8 s for 100,000 rows
    of formulas), a regex only stops at formulas, merged ranges and cell references.
    """
    scan, pending, prefix = _SheetScan(), b"", None
    for chunk in _stream(package, part, where):
        if prefix is None:  # "x:" when the file writes <x:c> instead of <c>
            root = re.search(rb"<(?:([\w.-]+):)?worksheet[\s>]", chunk)
            prefix = root.group(1) + b":" if root and root.group(1) else b""
            _scan_dimension(chunk, prefix, scan)
        buffer = pending + chunk
        cut = buffer.rfind(b"</" + prefix + b"row>")
        if cut == -1:
            pending = buffer
            continue
        cut += len(prefix) + 6
        _scan_xml_part(buffer[:cut], prefix, scan)
        pending = buffer[cut:]
    _scan_xml_part(pending, prefix or b"", scan)
    return scan


def _scan_dimension(data: bytes, prefix: bytes, scan: _SheetScan) -> None:
    """The last cell of the <dimension ref="A1:C3"/> element, which comes before the rows."""
    p = re.escape(prefix)
    dimension = re.search(rb"""<%(p)sdimension\b[^>]*?\sref\s*=\s*["']([^"']*)""" % {b"p": p}, data)
    if dimension:
        last = dimension.group(1).rpartition(b":")[2].replace(b"$", b"")
        cell = re.fullmatch(rb"([A-Za-z]{1,4})(\d{1,9})", last)
        if cell:
            scan.declared_column = _column_number(cell.group(1).decode())
            scan.declared_row = int(cell.group(2))


def _scan_reach(data: bytes, prefix: bytes, scan: _SheetScan) -> None:
    """Move the sheet's last row and column on to the cells of this part of its XML.

    Rows and cells carry their position in r="…"; one without it follows its predecessor,
    so those are counted on top, as calamine places them.
    """
    p = re.escape(prefix)
    cell, row = b"<" + prefix + b"c", b"<" + prefix + b"row"
    if data.count(cell) == data.count(cell + b' r="'):
        # Every cell starts with its reference, as Excel, openpyxl and xlsxwriter write
        # them (and no <cols> or <cfRule> is in this part): collecting the distinct letters
        # and numbers takes a third of the time of the general way below.
        columns = set(re.findall(rb'<%sc r="([A-Za-z]+)' % p, data))
        rows = set(re.findall(rb'<%sc r="[A-Za-z]+(\d+)' % p, data))
        unnumbered_cells = 0
    else:
        references = re.findall(
            rb"""<%(p)sc\b[^>]*?\sr\s*=\s*["']([A-Za-z]+)(\d+)""" % {b"p": p}, data
        )
        columns = {column for column, _ in references}
        rows = {row for _, row in references}
        unnumbered_cells = _count_elements(data, cell) - len(references)
    numbered_rows = re.findall(rb"""<%(p)srow\b[^>]*?\sr\s*=\s*["'](\d+)""" % {b"p": p}, data)
    row_elements = data.count(row)
    if row_elements != len(numbered_rows):  # <rowBreaks> or rows without r="…"
        row_elements = _count_elements(data, row)
    last_row = max(map(int, rows.union(numbered_rows)), default=0)
    scan.last_row = max(scan.last_row, last_row) + row_elements - len(numbered_rows)
    if columns:
        last_column = max(_column_number(letters.decode()) for letters in columns)
        scan.last_column = max(scan.last_column, last_column)
    if unnumbered_cells:
        longest = max(_count_elements(part, cell) for part in data.split(b"</" + prefix + b"row>"))
        scan.last_column += longest


def _count_elements(data: bytes, tag: bytes) -> int:
    """How many elements `tag` (b"<c", b"<row") opens, not counting longer names (<cols>)."""
    return sum(data.count(tag + end) for end in (b" ", b">", b"/>"))


def _scan_xml_part(data: bytes, prefix: bytes, scan: _SheetScan) -> None:
    """Scan whole rows (or the part after the last row) of sheet XML."""
    _scan_reach(data, prefix, scan)
    p = re.escape(prefix)
    formula = re.compile(
        rb"<%(p)sf\b[^>]*?(?:/>|>[^<]*</%(p)sf>)\s*"
        rb"(?:(?P<empty><%(p)sv\s*/>|<%(p)sv\b[^>]*>\s*</%(p)sv>)"
        rb"|<%(p)sv\b[^>]*>(?P<value>[^<]+)</%(p)sv>)?" % {b"p": p}
    )
    for match in formula.finditer(data):
        scan.formulas += 1
        if match.group("value") is not None:
            continue
        start = max(data.rfind(b"<" + prefix + b"c ", 0, match.start()), 0)
        cell = data[start : match.start()]
        kind = re.search(rb"""\st\s*=\s*["']([^"']*)""", cell)
        # A formula giving empty text (="") has an empty <v> in a cell of type "str".
        if match.group("empty") is not None and kind and kind.group(1) == b"str":
            continue
        ref = re.search(rb"""\sr\s*=\s*["']([A-Za-z]+\d+)""", cell)
        scan.uncached.append(ref.group(1).decode() if ref else "?")
    if b"mergeCell" in data:
        merge = rb"""<%(p)smergeCell\s[^>]*?\bref\s*=\s*["']([A-Za-z0-9:$]+)""" % {b"p": p}
        scan.merges.update(dict.fromkeys(m.decode() for m in re.findall(merge, data)))


def _stream(package: zipfile.ZipFile, part: str, where: str) -> Iterator[bytes]:
    try:
        with package.open(part) as stream:
            while chunk := stream.read(MB):
                yield chunk
    except (KeyError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ImportFileError(f"{where} is beschadigd.") from exc


def _merge_notes(merges: list[str], header_row: int, where: str) -> list[str]:
    """Refuse merged cells in the header row; note those below it."""
    in_header, below = [], []
    for ref in merges:
        first, _, last = ref.replace("$", "").partition(":")
        top, bottom = _cell_row(first), _cell_row(last or first)
        if top <= header_row <= bottom:
            in_header.append(ref)
        elif top > header_row:
            below.append(ref)
    if in_header:
        raise ImportFileError(
            f"{where}: de kopregel (rij {header_row}) heeft samengevoegde cellen "
            f"({', '.join(in_header)}); maak het samenvoegen ongedaan zodat elke kolom een "
            "eigen naam heeft."
        )
    if below:
        return [
            f"samengevoegde cellen ({', '.join(below[:5])}): alleen de eerste cel van elke "
            "samenvoeging heeft een waarde"
        ]
    return []


def _xlsx_table(
    rows: list[list],
    header_row: int,
    start_column: int,
    sheet: str,
    where: str,
    notes: list[str],
) -> Table:
    """Header names and cleaned values: '' becomes None, whole floats become int."""
    names = [_header_name(value) for value in rows[0]]
    data = rows[1:]
    while data and all(value == "" for value in data[-1]):
        data.pop()
    if not data:
        raise ImportFileError(
            f"{where} bevat geen gegevensrijen: alleen een kopregel (rij {header_row})."
        )
    values = np.empty((len(data), len(names)), dtype=object)
    values[:] = data
    empty = values == ""
    values[empty] = None
    for column in values.T:
        _whole_floats_to_int(column)
    keep = _check_header(
        names,
        ~empty.all(axis=0),
        where,
        lambda i: f"kolom {_column_letters(start_column + i + 1)}",
        f"rij {header_row}",
    )
    frame = pd.DataFrame(values[:, keep], columns=[names[i] for i in keep], dtype=object)
    notes.extend(_decimal_comma_notes(frame))
    return Table(
        frame=frame,
        geometry=None,
        crs=None,
        sheet=sheet,
        first_row=header_row + 1,
        warnings=notes,
    )


def _whole_floats_to_int(column: np.ndarray) -> None:
    """Excel stores every number as a float; give whole numbers back as int (ids, years)."""
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind == "floating":
        present = np.flatnonzero(~pd.isna(column))
        floats = column[present].astype(float)
        whole = (floats % 1 == 0) & (np.abs(floats) < 2**53)
        column[present[whole]] = floats[whole].astype(np.int64).astype(object)
    elif kind.startswith("mixed"):
        for i, value in enumerate(column):
            if type(value) is float and value.is_integer() and abs(value) < 2**53:
                column[i] = int(value)


def _header_name(value: object) -> str:
    if type(value) is float and value.is_integer():
        value = int(value)
    if hasattr(value, "isoformat"):
        value = value.isoformat()
    return str(value).strip()


def _cell_row(ref: str) -> int:
    digits = ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    return int(digits) if digits.isdigit() else 0


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def _whole_number(number: int) -> str:
    """A whole number the Dutch way: 1.048.576."""
    return f"{number:,}".replace(",", ".")


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- Shared by CSV and Excel ----------------------------------------------------------


def _check_header(
    names: list[str],
    filled: np.ndarray,
    where: str,
    column_label: Callable[[int], str],
    header_label: str,
) -> list[int]:
    """Indexes of the columns to keep: unnamed empty columns go, unnamed data is refused."""
    unnamed = [i for i, name in enumerate(names) if not name and filled[i]]
    if unnamed:
        labels = ", ".join(column_label(i) for i in unnamed[:5])
        raise ImportFileError(
            f"{where}: {labels} heeft gegevens maar geen naam in de kopregel ({header_label})."
        )
    seen: dict[str, int] = {}
    for column_name in names:
        if column_name:
            seen[column_name] = seen.get(column_name, 0) + 1
    duplicates = [column_name for column_name, count in seen.items() if count > 1]
    if duplicates:
        raise ImportFileError(
            f"{where}: de kopregel ({header_label}) heeft dubbele kolomnamen: "
            f"{', '.join(duplicates)}. Geef elke kolom een eigen naam."
        )
    return [i for i, column_name in enumerate(names) if column_name]


# --- GeoJSON, GeoPackage and zipped Shapefile ------------------------------------------


def _read_zipped_shapefile(
    path: Path, name: str, layer: str | None, max_uncompressed: int
) -> Table:
    """Steps: check the zip, find its one shapefile and its parts, read it via /vsizip/."""
    try:
        with zipfile.ZipFile(path) as package:
            _check_zip(package, name, max_uncompressed)
            members = [
                info.filename
                for info in package.infolist()
                if not info.is_dir()
                and not info.filename.startswith("__MACOSX/")
                and not posixpath.basename(info.filename).startswith(".")
            ]
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{name} is geen geldig zip-bestand.") from exc
    shapefiles = [member for member in members if member.lower().endswith(".shp")]
    if not shapefiles:
        raise ImportFileError(
            f"{name} bevat geen shapefile (.shp); zip de .shp met de .shx, .dbf en .prj."
        )
    if len(shapefiles) > 1:
        chosen = [
            m for m in shapefiles if layer is not None and posixpath.basename(m)[:-4] == layer
        ]
        if not chosen:
            listed = ", ".join(posixpath.basename(m)[:-4] for m in shapefiles)
            raise ImportFileError(
                f"{name} bevat meerdere shapefiles ({listed}); zip er één per bestand of "
                "kies er één."
            )
        shapefiles = chosen
    shapefile = shapefiles[0]
    stem = shapefile[:-4]
    present = {member.lower() for member in members}
    missing = [
        posixpath.basename(stem) + extension
        for extension in (".shx", ".dbf")
        if (stem + extension).lower() not in present
    ]
    if missing:
        raise ImportFileError(
            f"{name}: bij {posixpath.basename(shapefile)} "
            f"{'ontbreken' if len(missing) > 1 else 'ontbreekt'} {' en '.join(missing)}; "
            "een shapefile bestaat uit een .shp, .shx en .dbf (en liefst een .prj)."
        )
    notes = []
    if (stem + ".prj").lower() not in present:
        notes.append(
            "de shapefile heeft geen .prj-bestand en dus geen coördinatenstelsel; "
            "geef het coördinatenstelsel op"
        )
    source = f"/vsizip/{path.resolve()}/{shapefile}"
    table = _read_geo(source, name, ".zip", None)
    table.warnings[:0] = notes
    return table


def _read_geo(source: str, name: str, suffix: str, layer: str | None) -> Table:
    """Read one layer with GDAL (pyogrio); geometries via shapely, CRS as 'EPSG:NNNN'."""
    kind = GEO_FORMAT_NAMES[suffix]
    with warnings.catch_warnings():
        # GDAL's notes (an unusual file extension, an unsupported M value) are in English
        # and are not the user's business; real problems raise.
        warnings.simplefilter("ignore")
        try:
            if suffix == ".gpkg":
                layer = _choose_layer(source, name, layer)
            elif suffix != ".zip":
                layer = None
            info = pyogrio.read_info(source, layer=layer)
            if info["driver"] not in GEO_DRIVERS[suffix]:
                raise ImportFileError(f"{name} is geen {kind}.")
            if info["features"] == 0:
                raise ImportFileError(_empty_layer_message(name, layer))
            meta, _, wkb, columns = pyogrio.raw.read(source, layer=layer, return_fids=False)
            geometry = (
                shapely.from_wkb(wkb)
                if wkb is not None
                else np.full(len(columns[0]) if columns else 0, None, dtype=object)
            )
        except (DataSourceError, DataLayerError, RuntimeError, shapely.errors.ShapelyError) as exc:
            raise ImportFileError(f"{name} is geen {kind} of is beschadigd.") from exc
    names = [str(column).strip() for column in meta["fields"]]
    _check_header(names, np.ones(len(names), dtype=bool), name, lambda i: f"veld {i + 1}", "velden")
    frame = pd.DataFrame(dict(enumerate(columns)), index=pd.RangeIndex(len(geometry)))
    frame.columns = names
    if len(frame) == 0:
        raise ImportFileError(_empty_layer_message(name, layer))
    notes: list[str] = []
    crs = _declared_crs(meta.get("crs"), notes)
    if crs == WGS84 and suffix in (".geojson", ".json") and not _looks_like_degrees(geometry):
        crs = None
        notes.append(
            "de coördinaten zijn geen lengte- en breedtegraden (WGS84), terwijl GeoJSON die "
            "verwacht; geef het coördinatenstelsel op (bijvoorbeeld RD New, EPSG:28992)"
        )
    return Table(frame=frame, geometry=geometry, crs=crs, sheet=None, first_row=1, warnings=notes)


def _choose_layer(source: str, name: str, wanted: str | None) -> str:
    layers = pyogrio.list_layers(source)
    names = [str(layer_name) for layer_name, _ in layers]
    listed = ", ".join(f'"{layer_name}"' for layer_name in names)
    if wanted is not None:
        if wanted not in names:
            raise ImportFileError(f'{name} heeft geen laag "{wanted}"; de lagen zijn {listed}.')
        return wanted
    spatial = [str(layer_name) for layer_name, kind in layers if kind is not None]
    candidates = spatial or names
    if not candidates:
        raise ImportFileError(f"{name} bevat geen lagen.")
    if len(candidates) > 1:
        listed = ", ".join(f'"{layer_name}"' for layer_name in candidates)
        raise ImportFileError(
            f"{name} heeft meerdere lagen ({listed}); kies de laag die IMPOR moet lezen."
        )
    return candidates[0]


def _empty_layer_message(name: str, layer: str | None) -> str:
    where = f'{name}, laag "{layer}"' if layer else name
    return f"{where} bevat geen objecten (features) en dus geen gegevensrijen."


def _declared_crs(declared: str | None, notes: list[str]) -> str | None:
    """'EPSG:NNNN' of the declared CRS; None (with a note) when it has no EPSG code."""
    if not declared:
        return None
    try:
        return normalise_crs(declared)
    except GeometryError as exc:
        notes.append(f"het coördinatenstelsel van het bestand is niet herkend ({exc}); geef het op")
        return None


def _looks_like_degrees(geometry: np.ndarray) -> bool:
    present = geometry[~shapely.is_missing(geometry)]
    if len(present) == 0:
        return True
    xmin, ymin, xmax, ymax = shapely.total_bounds(present)
    return bool(abs(xmin) <= 180 and abs(xmax) <= 180 and abs(ymin) <= 90 and abs(ymax) <= 90)


# --- Size, zip bombs and messages -----------------------------------------------------


def _check_zip(package: zipfile.ZipFile, name: str, max_uncompressed: int) -> None:
    """Refuse zip bombs and encrypted members, from the central directory alone."""
    total = 0
    for info in package.infolist():
        total += info.file_size
        if info.flag_bits & 0x1:
            raise ImportFileError(f"{name} is met een wachtwoord beveiligd; upload het zonder.")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_MIN_SIZE and ratio > MAX_COMPRESSION_RATIO:
            raise ImportFileError(
                f"{name} lijkt een zip-bom: {info.filename} pakt {ratio:.0f} keer zo groot uit "
                f"(hoogstens {MAX_COMPRESSION_RATIO} keer is normaal)."
            )
    if total > max_uncompressed:
        raise ImportFileError(
            f"{name} lijkt een zip-bom: uitgepakt is het {_megabytes(total)} MB, meer dan de "
            f"grens van {_megabytes(max_uncompressed)} MB."
        )


def _megabytes(size: int) -> str:
    """Size in MB, Dutch notation: '200', '1,5', '0,001'."""
    megabytes = size / MB
    text = f"{megabytes:.1f}" if megabytes >= 1 else f"{megabytes:.3g}"
    return text.removesuffix(".0").replace(".", ",")


def _unsupported_message(name: str, suffix: str) -> str:
    hint = {
        ".xls": " Sla het oude Excel-formaat (.xls) in Excel op als .xlsx.",
        ".shp": " Zip de .shp samen met de .shx, .dbf en .prj en upload de zip.",
        ".ods": " Sla het bestand op als .xlsx of als CSV.",
    }.get(suffix, "")
    return (
        f"{name} heeft een bestandstype dat IMPOR niet leest. Kies CSV (.csv), Excel (.xlsx), "
        f"GeoJSON (.geojson, .json), GeoPackage (.gpkg) of een gezipte shapefile (.zip).{hint}"
    )
