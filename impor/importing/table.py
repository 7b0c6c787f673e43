"""The table every reader gives, the error every reader raises, and the checks they share.

Pure Python, no Django (see `readers`).
"""

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

MB = 1024**2

#: A zip member that inflates more than this many times is called a zip bomb. Office XML
#: and DBF files compress 5 to 20 times; runs of zeros (the classic bomb) about 1,000 times.
MAX_COMPRESSION_RATIO = 100
#: Members smaller than this never count as bombs: a few kB of repetitive XML can compress
#: more than 100 times without harm, and a bomb needs size to do damage.
RATIO_MIN_SIZE = 1 * MB


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

#: A number with a decimal comma: 12,5 or 1.234,5 (Dutch), never 12.5 or 1234; one per line.
_DECIMAL_COMMA_LINE = re.compile(r"^[ \t]*[+-]?(?:\d{1,3}(?:\.\d{3})+,\d+|\d*,\d+)[ \t]*$", re.M)


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


def whole_number(number: int) -> str:
    """A whole number the Dutch way: 1.048.576."""
    return f"{number:,}".replace(",", ".")


def column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# --- Shared by CSV and Excel ----------------------------------------------------------


def check_header(
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


# --- Size, zip bombs and messages -----------------------------------------------------


def check_zip(package: zipfile.ZipFile, name: str, max_uncompressed: int) -> None:
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
            f"{name} lijkt een zip-bom: uitgepakt is het {megabytes(total)} MB, meer dan de "
            f"grens van {megabytes(max_uncompressed)} MB."
        )


def megabytes(size: int) -> str:
    """Size in MB, Dutch notation: '200', '1,5', '0,001'."""
    megabytes = size / MB
    text = f"{megabytes:.1f}" if megabytes >= 1 else f"{megabytes:.3g}"
    return text.removesuffix(".0").replace(".", ",")


def unsupported_message(name: str, suffix: str) -> str:
    hint = {
        ".xls": " Sla het oude Excel-formaat (.xls) in Excel op als .xlsx.",
        ".ods": " Sla het bestand op als .xlsx of als CSV.",
    }.get(suffix, "")
    return (
        f"{name} heeft een bestandstype dat IMPOR niet leest. Kies CSV (.csv), Excel (.xlsx), "
        f"GeoJSON (.geojson, .json), GeoPackage (.gpkg) of een shapefile (.shp met .shx en .dbf, "
        f"of gezipt als .zip).{hint}"
    )


def decimal_comma_notes(frame: pd.DataFrame) -> list[str]:
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
