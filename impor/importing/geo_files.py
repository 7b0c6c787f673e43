"""GeoJSON, GeoPackage and Shapefiles (zipped or as loose parts), read with pyogrio (see
`readers`)."""

import posixpath
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
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
    ".shp": ("ESRI Shapefile",),
}
#: "… is geen {…}" for each geo format.
GEO_FORMAT_NAMES = {
    ".geojson": "geldig GeoJSON-bestand",
    ".json": "geldig GeoJSON-bestand",
    ".gpkg": "geldig GeoPackage-bestand",
    ".zip": "geldige shapefile",
    ".shp": "geldige shapefile",
}
#: The parts a shapefile cannot be read without; a .prj (CRS) and .cpg (encoding) may miss.
REQUIRED_PARTS = (".shx", ".dbf")
#: Every part GDAL reads beside the .shp.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


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


def read_shapefile_parts(
    paths: Path | Sequence[Path], name: str | None = None, layer: str | None = None
) -> Table:
    """Read a shapefile delivered as loose parts (``.shp .shx .dbf`` and the optional
    ``.prj .cpg``) instead of a zip.

    ``paths`` is one of:

    - the ``.shp`` itself: its parts are looked up beside it (``import_assets bomen.shp``);
    - a directory: the parts in it (an upload of several files saved into one folder);
    - a list of files: the parts among them, wherever they are saved.

    When the files hold more than one shapefile, ``layer`` (a file name without extension)
    chooses one. A missing ``.shx`` or ``.dbf`` is refused by name ("bomen.dbf ontbreekt
    naast bomen.shp"); a missing ``.prj`` only leaves the CRS unknown (a warning), so the
    import's CRS rules apply as for a zip without one. Parts are matched on their name
    without extension, case-insensitively, as Windows users save them. ``name`` is the
    file name in messages (the ``.shp``'s name by default).
    """
    files = _shapefile_candidates(paths)
    shapefiles = sorted((f for f in files if f.suffix.lower() == ".shp"), key=lambda f: f.name)
    if not shapefiles:
        listed = ", ".join(sorted(f.name for f in files)) or "geen bestanden"
        raise ImportFileError(
            f"Er is geen shapefile (.shp) bij de bestanden ({listed}); kies de .shp met de "
            ".shx, .dbf en .prj."
        )
    if len(shapefiles) > 1:
        chosen = [f for f in shapefiles if layer is not None and f.stem == layer]
        if not chosen:
            listed = ", ".join(f.stem for f in shapefiles)
            raise ImportFileError(
                f"De bestanden bevatten meerdere shapefiles ({listed}); kies er één."
            )
        shapefiles = chosen
    shapefile = shapefiles[0]
    name = name or shapefile.name
    parts = {f.suffix.lower(): f for f in files if f.stem.lower() == shapefile.stem.lower()}
    missing = [shapefile.stem + ext for ext in REQUIRED_PARTS if ext not in parts]
    if missing:
        verb = "ontbreken" if len(missing) > 1 else "ontbreekt"
        raise ImportFileError(
            f"{' en '.join(missing)} {verb} naast {shapefile.name}; een shapefile bestaat uit "
            "een .shp, .shx en .dbf (en liefst een .prj). Lever ze samen aan, of als zip."
        )
    notes = []
    if ".prj" not in parts:
        notes.append(
            "de shapefile heeft geen .prj-bestand en dus geen coördinatenstelsel; "
            "geef het coördinatenstelsel op"
        )
    with _side_by_side(parts, shapefile.stem) as source:
        table = read_geo(str(source), name, ".shp", None)
    table.warnings[:0] = notes
    return table


def _shapefile_candidates(paths: Path | Sequence[Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        path = Path(paths)
        if path.is_dir():
            return sorted(f for f in path.iterdir() if f.is_file())
        siblings = path.parent.iterdir() if path.parent.is_dir() else iter(())
        found = [f for f in siblings if f.is_file() and f.stem.lower() == path.stem.lower()]
        return found if path in found else [path, *found]
    return [Path(f) for f in paths if Path(f).is_file()]


@contextmanager
def _side_by_side(parts: dict[str, Path], stem: str) -> Iterator[Path]:
    """The .shp to give GDAL, which finds the other parts by its own name: the file itself
    when the parts already sit beside it under the same name, else copies in a temporary
    directory (an upload may have saved them under other names or in other folders)."""
    shp = parts[".shp"]
    if all(p.parent == shp.parent and p.stem == shp.stem for p in parts.values()):
        yield shp
        return
    with tempfile.TemporaryDirectory(prefix="impor-shp-") as folder:
        for extension, part in parts.items():
            if extension in SHAPEFILE_PARTS:
                shutil.copyfile(part, Path(folder) / f"{stem}{extension}")
        yield Path(folder) / f"{stem}.shp"


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
