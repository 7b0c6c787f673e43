"""GeoJSON, GeoPackage and zipped Shapefile files, read with pyogrio (see `readers`)."""

import posixpath
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pyogrio.raw
import shapely
from pyogrio.errors import DataLayerError, DataSourceError

from impor.geometry import WGS84, GeometryError, normalise_crs
from impor.importing.table import ImportFileError, Table, check_header, check_zip

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


def read_zipped_shapefile(path: Path, name: str, layer: str | None, max_uncompressed: int) -> Table:
    """Steps: check the zip, find its one shapefile and its parts, read it via /vsizip/."""
    try:
        with zipfile.ZipFile(path) as package:
            check_zip(package, name, max_uncompressed)
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
    table = read_geo(source, name, ".zip", None)
    table.warnings[:0] = notes
    return table


def read_geo(source: str, name: str, suffix: str, layer: str | None) -> Table:
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
    check_header(names, np.ones(len(names), dtype=bool), name, lambda i: f"veld {i + 1}", "velden")
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
