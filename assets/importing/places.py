"""Where the rows of an import lie: the CRS to read them in, their geometry in RD New
(from the file's geometry, a WKT column or coordinate columns) and their area."""

import numpy as np
import pandas as pd
import shapely

from assets.importing.rows import Rows
from impor import geometry
from impor.areas import area_index
from impor.importing.readers import Table
from impor.importing.report import ImportReport
from impor.importing.values import parse_number, parse_text
from impor.models import Area


def choose_crs(
    report: ImportReport,
    table: Table,
    *,
    requested: str | None,
    saved: str | None,
    confirmed: bool,
) -> str | None:
    """The CRS to read the file's geometry in: the file's own when it names one, else the
    requested one, else the one saved with the source's mapping (None: recognise it).

    A requested CRS (else the saved one) that differs from the file's is said in the
    report. Unconfirmed, it refuses the file: one of the two is wrong, and reading the
    coordinates in the wrong one puts every object in the wrong place."""
    if table.geometry is None or table.crs is None:
        return requested or saved
    report.crs = table.crs
    other = geometry.normalise_crs(requested) if requested else saved or None
    if other is None or other == table.crs:
        return table.crs
    origin = "opgegeven" if requested else "opgeslagen bij de kolomtoewijzing van deze bron"
    difference = (
        f"het bestand noemt zelf coördinatenstelsel {table.crs}, maar {other} is {origin}; "
        f"IMPOR leest het bestand als {table.crs}"
    )
    if not confirmed:
        report.crs_needs_confirmation = True
        raise geometry.GeometryError(
            f"{difference}. Bevestig dat dit klopt; zonder bevestiging slaat IMPOR niets op"
        )
    report.warnings.append(difference)
    return table.crs


def geometries(rows: Rows, report: ImportReport, declared: str | None) -> np.ndarray:
    """Geometry per row in RD New (None where absent); sets report.crs."""
    table = rows.table
    n = len(table.frame)
    if table.geometry is not None:
        geoms = np.asarray(table.geometry, dtype=object)
        crs = declared or table.crs
        if crs is None:
            raise geometry.GeometryError(
                f"{report.file_name} noemt geen coördinatenstelsel; geef het op "
                "(bijvoorbeeld EPSG:28992 voor RD New of EPSG:4326 voor WGS84)"
            )
    elif "wkt" in rows.mapping:
        text = parse_text(rows.column("wkt"))
        geoms = np.array([None] * n, dtype=object)
        filled = text.ne("").to_numpy()
        parsed = shapely.from_wkt(text[filled].to_numpy(dtype=object), on_invalid="ignore")
        geoms[filled] = parsed
        rows.flag(filled & shapely.is_missing(geoms), "wkt", "geen leesbare WKT-geometrie")
        crs = declared or _guess_crs(geoms)
    else:
        x_name, y_name = ("lon", "lat") if "lon" in rows.mapping else ("x", "y")
        if x_name not in rows.mapping or y_name not in rows.mapping:
            report.crs = ""
            return np.array([None] * n, dtype=object)
        x, bad_x = parse_number(rows.column(x_name))
        y, bad_y = parse_number(rows.column(y_name))
        rows.flag(bad_x, x_name, "geen getal")
        rows.flag(bad_y, y_name, "geen getal")
        present = (x.notna() & y.notna()).to_numpy()
        geoms = np.array([None] * n, dtype=object)
        geoms[present] = shapely.points(x[present].to_numpy(), y[present].to_numpy())
        crs = declared or ("EPSG:4326" if x_name == "lon" else _guess_crs(geoms))
    crs = geometry.normalise_crs(crs)
    report.crs = crs
    present = ~shapely.is_missing(geoms)
    invalid = present.copy()
    invalid[present] = ~shapely.is_valid(geoms[present])
    rows.flag(invalid, "wkt", "ongeldige geometrie")
    usable = present & ~invalid
    rd = np.array([None] * n, dtype=object)
    rd[usable] = geometry.transform_array(geoms[usable], crs, geometry.RD_NEW)
    finite = np.zeros(n, dtype=bool)
    finite[usable] = np.isfinite(shapely.bounds(rd[usable])).all(axis=1)
    xmin, ymin, xmax, ymax = geometry.RD_EXTENT
    in_nl = np.zeros(n, dtype=bool)
    in_nl[finite] = shapely.within(rd[finite], shapely.box(xmin, ymin, xmax, ymax))
    rows.flag(
        usable & ~in_nl,
        "wkt" if "wkt" in rows.mapping else "x",
        f"de coördinaten liggen niet in Nederland als {crs}; klopt het coördinatenstelsel?",
    )
    rd[usable & ~in_nl] = None
    return rd


def _guess_crs(geoms: np.ndarray) -> str:
    """RD New when coordinates look like metres in the Netherlands, WGS84 when they look
    like degrees; otherwise RD New, and the extent check will say what is wrong."""
    present = geoms[~shapely.is_missing(geoms)]
    if len(present):
        xmin, ymin, xmax, ymax = shapely.total_bounds(present)
        if xmin >= -180 and xmax <= 180 and ymin >= -90 and ymax <= 90:
            return geometry.WGS84
    return geometry.RD_NEW


def place(rows: Rows, rd: np.ndarray, area_column: pd.Series | None) -> np.ndarray:
    """Area id per row: from the area column (name or CBS code), else from the location."""
    n = len(rd)
    areas = np.full(n, -1, dtype=np.int64)
    index = area_index()
    outside = index.outside(rd)
    rows.flag(outside, "x", "de locatie ligt buiten de gemeente")
    if area_column is not None:
        names = parse_text(area_column)
        lookup = {}
        for pk, name, code in Area.objects.values_list("pk", "name", "cbs_code"):
            lookup.setdefault(name.lower(), pk)
            if code:
                lookup[code.lower()] = pk
        given = names.str.lower().map(lookup)
        unknown = names.ne("") & given.isna()
        rows.flag(unknown, "area", "onbekend gebied")
        areas = given.fillna(-1).astype(np.int64).to_numpy()
    located = index.locate(np.where(outside, None, rd))
    return np.where(areas >= 0, areas, located)
