"""Excel (xlsx) files: the package and sheet checks, the sheet-limit scan of the XML
before calamine reads a cell, and the header row (see `readers`)."""

import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple
from xml.etree import ElementTree

import numpy as np
import pandas as pd
from python_calamine import CalamineError, CalamineWorkbook

from impor.importing.table import (
    MB,
    OLE_MAGIC,
    ImportFileError,
    Table,
    check_header,
    check_zip,
    column_letters,
    decimal_comma_notes,
    whole_number,
)


@dataclass(frozen=True)
class _Sheet:
    name: str
    part: str
    visible: bool


class SheetLimits(NamedTuple):
    rows: int
    columns: int
    cells: int


def read_xlsx(
    path: Path, name: str, sheet: str | None, max_uncompressed: int, limits: SheetLimits
) -> Table:
    """Steps: check the package, choose the sheet (each sheet's XML is checked before
    calamine reads it), then check the chosen sheet's rows."""
    with open_xlsx(path, name, max_uncompressed) as package:
        sheets = workbook_sheets(package, name)
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


def open_xlsx(path: Path, name: str, max_uncompressed: int) -> zipfile.ZipFile:
    not_excel = f"{name} is geen Excel-bestand (xlsx)"
    with path.open("rb") as handle:
        magic = handle.read(8)
    if magic == OLE_MAGIC:
        raise ImportFileError(
            f"{not_excel}: het is een ouder .xls-bestand of met een wachtwoord beveiligd. "
            "Sla het in Excel op als .xlsx, zonder wachtwoord."
        )
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFileError(f"{not_excel}.") from exc
    try:
        check_zip(package, name, max_uncompressed)
        if "xl/workbook.xml" not in package.NameToInfo:
            raise ImportFileError(f"{not_excel}: het is een zip-bestand zonder werkmap.")
    except BaseException:
        package.close()
        raise
    return package


def workbook_sheets(package: zipfile.ZipFile, name: str) -> list[_Sheet]:
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
    rows: list[list[Any]]
    start: tuple[int, int]
    scan: "_SheetScan"


def _read_sheet(
    workbook: CalamineWorkbook,
    package: zipfile.ZipFile,
    sheet: _Sheet,
    name: str,
    limits: SheetLimits,
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


def _check_reach(scan: "_SheetScan", where: str, limits: SheetLimits) -> None:
    """Refuse a sheet whose cells or declared dimension reach beyond the limits."""
    rows = max(scan.last_row, scan.declared_row)
    columns = max(scan.last_column, scan.declared_column)
    last_cell = f"{column_letters(columns)}{rows}"
    advice = (
        "Verwijder de lege rijen en kolommen onder en naast de gegevens, of kopieer de "
        "gegevens naar een nieuw blad."
    )
    if rows > limits.rows or columns > limits.columns:
        beyond = [
            f"{whole_number(count)} {unit}"
            for count, limit, unit in (
                (rows, limits.rows, "rijen"),
                (columns, limits.columns, "kolommen"),
            )
            if count > limit
        ]
        raise ImportFileError(
            f"{where} is te groot: het loopt tot cel {last_cell}, dat is {' en '.join(beyond)}. "
            f"IMPOR leest bladen tot {whole_number(limits.columns)} kolommen en "
            f"{whole_number(limits.rows)} rijen. {advice}"
        )
    if rows * columns > limits.cells:
        raise ImportFileError(
            f"{where} is te groot: het loopt tot cel {last_cell}, dat is "
            f"{whole_number(rows)} rijen van {whole_number(columns)} kolommen, "
            f"{whole_number(rows * columns)} cellen. IMPOR leest bladen tot "
            f"{whole_number(limits.cells)} cellen. {advice}"
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
    rows: list[list[Any]],
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
    keep = check_header(
        names,
        ~empty.all(axis=0),
        where,
        lambda i: f"kolom {column_letters(start_column + i + 1)}",
        f"rij {header_row}",
    )
    frame = pd.DataFrame(values[:, keep], columns=[names[i] for i in keep], dtype=object)
    notes.extend(decimal_comma_notes(frame))
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
