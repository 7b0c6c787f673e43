"""Read an uploaded import file into a table, or say in Dutch why it cannot be read.

The readers turn CSV, Excel (xlsx), GeoJSON, GeoPackage and Shapefile uploads (zipped, or
as loose parts: `read_shapefile_parts`) into a
:class:`Table`: the rows as a DataFrame with the column names of the file, the geometries
and the coordinate reference system the file declares. They check the *file* (its format,
size, encoding, sheets, layers, header); the import services check the *values* afterwards
(`impor.importing.values`)
and reports them by their original text, which is why CSV values stay strings here.

Pure Python (pandas, numpy, shapely, pyogrio, python-calamine), no Django: the messages
are Dutch text, not translatable strings, so that the readers run outside a request.
One module per family of formats: `delimited` (CSV and its encoding), `sheets` (xlsx and
the sheet-limit scan), `geo_files` (GeoJSON, GeoPackage, Shapefile); `table` holds
what they share.
"""

from pathlib import Path

from impor.importing.delimited import read_csv
from impor.importing.geo_files import read_geo, read_shapefile_parts, read_zipped_shapefile
from impor.importing.sheets import SheetLimits, open_xlsx, read_xlsx, workbook_sheets
from impor.importing.table import MB, ImportFileError, Table, megabytes, unsupported_message

SUPPORTED = (".csv", ".xlsx", ".geojson", ".json", ".gpkg", ".zip", ".shp")

#: How far an Excel sheet may reach, counted from A1. The sheet is read as one full grid of
#: rows × columns (about 50 bytes a cell, empty or not), so a single cell at XFD1048576
#: would cost 17 billion cells. 500 columns is twice what a shapefile can hold; a million
#: rows is about Excel's maximum; 20 million cells (about 1 GB) is what a file of the
#: default size limit holds when it is full of data.
MAX_SHEET_ROWS = 1_000_000
MAX_SHEET_COLUMNS = 500
MAX_SHEET_CELLS = 20_000_000


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
    A ``.shp`` is read with the parts beside it (`read_shapefile_parts`); a missing
    ``.shx`` or ``.dbf`` is named in the error.
    An Excel sheet that reaches beyond ``max_sheet_rows``, ``max_sheet_columns`` or
    ``max_sheet_cells`` (rows × columns) is refused before its cells are read.
    """
    path = Path(path)
    name = filename or path.name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED:
        raise ImportFileError(unsupported_message(name, suffix))
    size = path.stat().st_size
    if size > max_bytes:
        raise ImportFileError(
            f"{name} is {megabytes(size)} MB; IMPOR leest bestanden tot "
            f"{megabytes(max_bytes)} MB. Splits het bestand of laat overbodige kolommen weg."
        )
    if size == 0:
        raise ImportFileError(f"{name} is leeg: het bevat geen gegevensrijen.")
    if suffix == ".csv":
        return read_csv(path, name)
    if suffix == ".xlsx":
        limits = SheetLimits(max_sheet_rows, max_sheet_columns, max_sheet_cells)
        return read_xlsx(path, name, sheet, max_uncompressed_bytes, limits)
    if suffix == ".zip":
        return read_zipped_shapefile(path, name, layer, max_uncompressed_bytes)
    if suffix == ".shp":
        return read_shapefile_parts(path, name)
    return read_geo(str(path), name, suffix, layer)


def list_sheets(path: Path) -> list[str]:
    """The worksheet names of an Excel file in workbook order (hidden sheets included)."""
    path = Path(path)
    with open_xlsx(path, path.name, 1024**3) as package:
        return [sheet.name for sheet in workbook_sheets(package, path.name)]
