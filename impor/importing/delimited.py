"""CSV files: encoding detection, separator recognition, the header row (see `readers`)."""

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from impor.importing.table import (
    OLE_MAGIC,
    ZIP_MAGIC,
    ImportFileError,
    Table,
    check_header,
    decimal_comma_notes,
)

CSV_SEPARATORS = (";", ",", "\t", "|")
#: Characters of a CSV file used to recognise its separator.
CSV_SAMPLE_SIZE = 64 * 1024


def read_csv(path: Path, name: str) -> Table:
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
    keep = check_header(
        names, ~data_empty.all(axis=0), name, lambda i: f"kolom {i + 1}", f"regel {header_line}"
    )
    frame = pd.DataFrame(
        np.where(data_empty, np.array(None, dtype=object), data)[:, keep],
        columns=[names[i] for i in keep],
        dtype=object,
    )
    notes.extend(decimal_comma_notes(frame))
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
    if data.startswith((ZIP_MAGIC, OLE_MAGIC)):
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
