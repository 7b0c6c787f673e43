"""Importing the municipality's areas: gemeente › kern › wijk › buurt.

`import_areas` has the shape of the asset import (`assets.importing.service.import_file`):
a path, a mapping, ``commit``, a user and a progress callback in, an `ImportReport` out,
logged as an `ImportRun` of kind ``areas``; a dry run writes nothing but the log, and a
commit writes every area or none (one transaction). It reads two kinds of file:

- **the CBS "Wijk- en buurtkaart"** (a GeoPackage with the layers ``gemeenten``,
  ``wijken`` and ``buurten``; columns ``gemeentecode``, ``gemeentenaam``, ``wijkcode``,
  ``wijknaam``, ``buurtcode``, ``buurtnaam`` and ``water``, or the older ``GM_CODE`` …
  ``BU_NAAM``), filtered on one ``gemeentecode``. Parts that are water (``water`` =
  ``JA``) are left out and the parts of one code are joined;
- **any polygon file** the kit reads (GeoPackage, GeoJSON, Shapefile) with one level of
  areas: a name column, and optionally a parent column (the name of the area one level
  up) and a code column. Without a parent column an area goes into the area one level up
  that it overlaps most.

Kernen (villages) sit between the gemeente and its wijken (`AreaLevel`). The CBS map has
none, so they come from one of two places:

- woonplaats polygons (BAG woonplaatsen, column ``woonplaatsnaam``): each wijk joins the
  woonplaats it overlaps most;
- the wijken themselves (the default): the kern is the wijk's name without a leading
  "Wijk 01" number, so "Wijk 01 Nieuwleusen" joins the kern Nieuwleusen, and wijken that
  give the same name share one kern.

Either way a kern's outline is the union of its wijken, so the tree nests exactly.

Running it again updates instead of duplicating: an area is matched on its CBS code, else
on its name and level within its parent.
"""

import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.errors
import shapely
from django.core.exceptions import ValidationError
from django.db import transaction
from shapely.geometry.base import BaseGeometry

from impor import geometry
from impor.choices import AreaLevel, ImportKind
from impor.importing.columns import normalise
from impor.importing.readers import ImportFileError, Table, read_table
from impor.importing.report import ImportReport, RowError, finish_run, read_limits, record_commit
from impor.importing.values import parse_text
from impor.models import Area

Progress = Callable[[str, int, int], None]

#: The CBS layers and, per level, the columns for code and name (current and pre-2021).
CBS_LAYERS = {
    AreaLevel.GEMEENTE: ("gemeenten", ("gemeentecode", "gm_code"), ("gemeentenaam", "gm_naam")),
    AreaLevel.WIJK: ("wijken", ("wijkcode", "wk_code"), ("wijknaam", "wk_naam")),
    AreaLevel.BUURT: ("buurten", ("buurtcode", "bu_code"), ("buurtnaam", "bu_naam")),
}
GEMEENTE_CODE = ("gemeentecode", "gm_code")
WIJK_CODE = ("wijkcode", "wk_code")
WATER = ("water",)
WOONPLAATS_NAME = ("woonplaatsnaam", "woonplaats", "naam", "name")
#: "Wijk 01 Dalfsen", "Wijk 00: Centrum", "wijk 3 - Oost": the number is not the kern's name.
WIJK_NUMBER = re.compile(r"^\s*wijk\s*\d+\s*[-:.]?\s*", re.IGNORECASE)

#: Sources the log names when the caller gives none.
CBS_SOURCE = "cbs-wijkenbuurten"
POLYGON_SOURCE = "gebieden"


@dataclass
class PlannedArea:
    """One area the file yields, before it is matched with what is stored."""

    level: str
    name: str
    code: str
    shape: BaseGeometry
    #: (level, code or name) of the parent, or None for the gemeente.
    parent: tuple[str, str] | None
    #: Where it came from, for errors: (layer, row).
    origin: tuple[str, int] = ("", 0)

    @property
    def key(self) -> tuple[str, str]:
        return (self.level, self.code or self.name)


@dataclass
class AreaPlan:
    """The areas of one import, top-down, and what matching them with the database gives."""

    areas: list[PlannedArea] = field(default_factory=list)
    gemeente_name: str = ""

    def counts(self) -> dict[str, int]:
        """Areas per level, in the order of the hierarchy."""
        return {
            level: sum(1 for area in self.areas if area.level == level)
            for level in AreaLevel.values
        }


def import_areas(
    *,
    path: Path,
    file_name: str | None = None,
    source: str | None = None,
    gemeentecode: str | None = None,
    name: str | None = None,
    mapping: dict[str, Any] | None = None,
    level: str | None = None,
    layer: str | None = None,
    kernen: Path | None = None,
    user: Any = None,
    commit: bool = False,
    progress: Progress | None = None,
    plan_out: AreaPlan | None = None,
) -> ImportReport:
    """Read, check and (with ``commit``) store the areas in ``path``; see the module docstring.

    - CBS map: give ``gemeentecode`` (GM0080, 0080 or 80); ``name`` overrides the
      gemeente's name in the file.
    - Any polygon file: give ``level`` (kern, wijk or buurt; gemeente for the outline) and
      ``mapping`` {"name": column, "parent": column, "code": column}, the last two
      optional; ``layer`` chooses a GeoPackage layer.
    - ``kernen``: a woonplaats polygon file for the CBS map's kernen; without it the
      kernen follow from the wijk names.

    ``report.mapping`` records how the file was read; ``plan_out``, when given, receives
    the planned areas (the set-up wizard shows their counts and the gemeente's name).
    """
    started = time.perf_counter()
    file_name = file_name or path.name
    step = progress or (lambda *_args: None)
    cbs = gemeentecode is not None
    report = ImportReport(
        kind=ImportKind.AREAS,
        file_name=file_name,
        source=source or (CBS_SOURCE if cbs else POLYGON_SOURCE),
    )
    step("lezen", 0, 1)
    plan = plan_out if plan_out is not None else AreaPlan()
    try:
        if cbs:
            report.mapping = {"gemeentecode": normalise_gemeentecode(gemeentecode or "")}
            _plan_cbs(plan, report, path, file_name, report.mapping["gemeentecode"], name)
            if not report.errors:
                report.mapping["kernen"] = _plan_kernen(plan, report, kernen)
        else:
            report.mapping = {**(mapping or {}), "level": level or ""}
            _plan_polygons(plan, report, path, file_name, level, mapping or {}, layer)
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
    report.rows = len(plan.areas)
    report.crs = geometry.RD_NEW
    _check_unique(plan, report)
    step("controleren", report.rows, report.rows)
    if report.errors:
        return _finish(report, path, user, started, commit)
    matches = _match(plan)
    report.valid = len(plan.areas)
    report.updates = sum(1 for area in plan.areas if matches.get(area.key) is not None)
    report.creates = report.valid - report.updates
    if not commit:
        return _finish(report, path, user, started, commit)
    step("schrijven", 0, report.valid)
    with transaction.atomic():
        _write(plan, matches, report)
        if report.errors:
            transaction.set_rollback(True)
        else:
            record_commit(report, path, user=user, started=started)
    if report.errors:
        report.creates = report.updates = 0
        return _finish(report, path, user, started, commit)
    step("schrijven", report.valid, report.valid)
    return report


def normalise_gemeentecode(code: str) -> str:
    """'GM0080' for 'GM0080', 'gm80', '0080' or '80'; other text as given, upper case."""
    digits = re.sub(r"^GM", "", code.strip().upper())
    return f"GM{int(digits):04d}" if digits.isdigit() else code.strip().upper()


def kern_name_of_wijk(wijk_name: str) -> str:
    """The kern a wijk belongs to by its name: the name without a leading wijk number."""
    stripped = WIJK_NUMBER.sub("", wijk_name).strip()
    return stripped or wijk_name.strip()


def cbs_layers(path: Path) -> list[str]:
    """The layer names of a GeoPackage; empty for a file GDAL cannot list."""
    try:
        return [str(layer_name) for layer_name, _kind in pyogrio.list_layers(path)]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError, RuntimeError):
        return []


def is_cbs_map(path: Path) -> bool:
    """Whether a file has the CBS Wijk- en buurtkaart's layers."""
    layers = {name.lower() for name in cbs_layers(path)}
    return {"gemeenten", "wijken", "buurten"} <= layers


def _finish(
    report: ImportReport, path: Path, user: Any, started: float, commit: bool
) -> ImportReport:
    return finish_run(report, path, user=user, started=started, commit=commit, log_the_plan=True)


# --- The CBS map ----------------------------------------------------------------------


def _plan_cbs(
    plan: AreaPlan,
    report: ImportReport,
    path: Path,
    file_name: str,
    code: str,
    name: str | None,
) -> None:
    layers = {layer_name.lower(): layer_name for layer_name in cbs_layers(path)}
    missing = [layer_name for layer_name, _c, _n in CBS_LAYERS.values() if layer_name not in layers]
    if missing:
        listed = ", ".join(f'"{layer_name}"' for layer_name in layers.values()) or "geen"
        raise ImportFileError(
            f"{file_name} mist de laag {' en '.join(missing)} van de CBS Wijk- en "
            f"buurtkaart; de lagen zijn {listed}. Kies het GeoPackage van het CBS, of lees "
            "een ander polygonenbestand in met een kolom voor de naam."
        )
    for level, (layer_name, code_columns, name_columns) in CBS_LAYERS.items():
        table = read_table(path, filename=file_name, layer=layers[layer_name], **read_limits())
        report.warnings.extend(f"laag {layer_name}: {note}" for note in table.warnings)
        crs = table.crs or geometry.RD_NEW
        own_code = _column(table, layer_name, code_columns, file_name)
        own_name = _column(table, layer_name, name_columns, file_name)
        in_gemeente = _column(table, layer_name, GEMEENTE_CODE, file_name)
        codes = parse_text(table.frame[own_code]).str.upper()
        names = parse_text(table.frame[own_name])
        keep = parse_text(table.frame[in_gemeente]).str.upper().eq(code).to_numpy()
        water = _optional_column(table, WATER)
        if water is not None:
            keep = keep & ~parse_text(table.frame[water]).str.upper().eq("JA").to_numpy()
        if level == AreaLevel.GEMEENTE and not keep.any():
            raise ImportFileError(_unknown_gemeente(table, codes, names, code, file_name))
        wijk_of = None
        if level == AreaLevel.BUURT:
            wijk_of = parse_text(
                table.frame[_column(table, layer_name, WIJK_CODE, file_name)]
            ).str.upper()
        seen: dict[str, PlannedArea] = {}
        for index in np.flatnonzero(keep):
            row = table.first_row + int(index)
            area_code, area_name = codes.iloc[index], names.iloc[index]
            where = f"(laag {layer_name})"
            if not area_code:
                report.errors.append(RowError(row, f"{own_code} {where}", "de code is leeg"))
                continue
            if not area_name:
                report.errors.append(RowError(row, f"{own_name} {where}", "de naam is leeg"))
                continue
            shape = _shape(table, int(index), crs, report, row, where)
            if shape is None:
                continue
            if area_code in seen:
                # One code in several rows: the land parts of one area; join them.
                seen[area_code].shape = shapely.union(seen[area_code].shape, shape)
                continue
            parent: tuple[str, str] | None = None
            if level == AreaLevel.BUURT and wijk_of is not None:
                parent = (AreaLevel.WIJK, wijk_of.iloc[index])
            elif level == AreaLevel.GEMEENTE and name:
                area_name = name
            seen[area_code] = PlannedArea(
                level, area_name, area_code, shape, parent, (layer_name, row)
            )
        plan.areas.extend(seen.values())
    gemeenten = [area for area in plan.areas if area.level == AreaLevel.GEMEENTE]
    if gemeenten:
        plan.gemeente_name = gemeenten[0].name
    wijken = {area.code for area in plan.areas if area.level == AreaLevel.WIJK}
    for area in plan.areas:
        if area.level == AreaLevel.BUURT and area.parent and area.parent[1] not in wijken:
            layer_name, row = area.origin
            report.errors.append(
                RowError(
                    row,
                    f"wijkcode (laag {layer_name})",
                    f"wijk {area.parent[1]} staat niet in laag wijken van gemeente {code}",
                )
            )


def _unknown_gemeente(table: Table, codes: Any, names: Any, code: str, file_name: str) -> str:
    known = sorted({f"{c} ({n})" for c, n in zip(codes, names, strict=True) if c})
    shown = ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
    return (
        f"gemeentecode {code} staat niet in laag gemeenten van {file_name}; "
        f"de laag heeft {shown or 'geen codes'}."
    )


def _plan_kernen(plan: AreaPlan, report: ImportReport, kernen: Path | None) -> str:
    """Give every wijk a kern and add the kernen to the plan; returns the rule used."""
    gemeente = next(area for area in plan.areas if area.level == AreaLevel.GEMEENTE)
    wijken = [area for area in plan.areas if area.level == AreaLevel.WIJK]
    if kernen is None:
        kern_of = {wijk.code: kern_name_of_wijk(wijk.name) for wijk in wijken}
        rule = "wijknamen"
    else:
        kern_of = _kernen_by_woonplaats(report, kernen, gemeente.shape, wijken)
        rule = f"woonplaatsen uit {kernen.name}"
    shapes: dict[str, list[BaseGeometry]] = {}
    for wijk in wijken:
        kern = kern_of[wijk.code]
        wijk.parent = (AreaLevel.KERN, kern)
        shapes.setdefault(kern, []).append(wijk.shape)
    kern_areas = [
        PlannedArea(
            AreaLevel.KERN,
            kern,
            "",
            shapely.union_all(parts),
            (AreaLevel.GEMEENTE, gemeente.code),
            ("kernen", 0),
        )
        for kern, parts in sorted(shapes.items())
    ]
    position = plan.areas.index(gemeente) + 1
    plan.areas[position:position] = kern_areas
    return rule


def _kernen_by_woonplaats(
    report: ImportReport, path: Path, outline: BaseGeometry, wijken: list[PlannedArea]
) -> dict[str, str]:
    """Per wijk code the woonplaats it overlaps most (its own name when it overlaps none)."""
    table = read_table(path, **read_limits())
    column = _optional_column(table, WOONPLAATS_NAME)
    if column is None:
        raise ImportFileError(
            f"{path.name} mist de kolom woonplaatsnaam; kolommen zijn "
            f"{', '.join(map(str, table.frame.columns))}."
        )
    names = parse_text(table.frame[column])
    crs = table.crs or geometry.RD_NEW
    places: list[tuple[str, BaseGeometry]] = []
    for index in range(len(table.frame)):
        shape = _shape(table, index, crs, report, table.first_row + index, f"({path.name})")
        if shape is not None and names.iloc[index] and shape.intersects(outline):
            places.append((names.iloc[index], shape))
    kern_of = {}
    for wijk in wijken:
        overlaps = [(wijk.shape.intersection(shape).area, place) for place, shape in places]
        best = max(overlaps, default=(0.0, ""))
        kern_of[wijk.code] = best[1] if best[0] > 0 else kern_name_of_wijk(wijk.name)
    return kern_of


# --- Any polygon file -----------------------------------------------------------------


def _plan_polygons(
    plan: AreaPlan,
    report: ImportReport,
    path: Path,
    file_name: str,
    level: str | None,
    mapping: dict[str, Any],
    layer: str | None,
) -> None:
    if level not in AreaLevel.values:
        levels = ", ".join(AreaLevel.values)
        raise ImportFileError(f"kies het niveau van de gebieden in {file_name}: {levels}")
    table = read_table(path, filename=file_name, layer=layer, **read_limits())
    report.warnings.extend(table.warnings)
    columns = [str(column) for column in table.frame.columns]
    for target in ("name", "parent", "code"):
        wanted = mapping.get(target)
        if wanted and wanted not in columns:
            raise ImportFileError(
                f"{file_name} heeft geen kolom {wanted}; kolommen zijn {', '.join(columns)}."
            )
    if not mapping.get("name"):
        raise ImportFileError(
            f"kies de kolom met de naam van de gebieden in {file_name}; kolommen zijn "
            f"{', '.join(columns)}."
        )
    crs = table.crs or geometry.RD_NEW
    names = parse_text(table.frame[mapping["name"]])
    parents = parse_text(table.frame[mapping["parent"]]) if mapping.get("parent") else None
    codes = parse_text(table.frame[mapping["code"]]) if mapping.get("code") else None
    parent_level = AreaLevel.parent_of(level)
    located = _locate_parents(table, crs, parent_level) if parents is None else None
    for index in range(len(table.frame)):
        row = table.first_row + index
        if not names.iloc[index]:
            report.errors.append(RowError(row, mapping["name"], "de naam is leeg"))
            continue
        shape = _shape(table, index, crs, report, row, "")
        if shape is None:
            continue
        parent = None
        if parent_level is not None:
            parent_name = parents.iloc[index] if parents is not None else located[index]
            if not parent_name:
                where = mapping.get("parent") or "geometrie"
                report.errors.append(
                    RowError(row, where, f"geen {AreaLevel(parent_level).label} gevonden")
                )
                continue
            parent = (parent_level, parent_name)
        code = codes.iloc[index].upper() if codes is not None else ""
        plan.areas.append(
            PlannedArea(level, names.iloc[index], code, shape, parent, (file_name, row))
        )
        if level == AreaLevel.GEMEENTE:
            plan.gemeente_name = names.iloc[index]
    known = {
        (parent_level, name)
        for name in Area.objects.filter(level=parent_level).values_list("name", flat=True)
    }
    for area in plan.areas:
        if area.parent is not None and area.parent not in known:
            report.errors.append(
                RowError(
                    area.origin[1],
                    mapping.get("parent") or "geometrie",
                    f"{AreaLevel(parent_level or '').label} {area.parent[1]} bestaat niet; "
                    "lees eerst de gebieden van dat niveau in",
                )
            )


def _locate_parents(table: Table, crs: str, parent_level: str | None) -> list[str]:
    """Per row the name of the area one level up that it overlaps most ('' where none)."""
    if parent_level is None or table.geometry is None:
        return [""] * len(table.frame)
    parents = list(Area.objects.filter(level=parent_level).values_list("name", "geometry"))
    outlines = [(name, shapely.from_wkt(wkt)) for name, wkt in parents if wkt]
    found = []
    for shape in table.geometry:
        best = (0.0, "")
        if shape is not None and not shape.is_empty:
            rd = geometry.transform(shape, crs, geometry.RD_NEW)
            for name, outline in outlines:
                overlap = rd.intersection(outline).area
                best = max(best, (overlap, name))
        found.append(best[1])
    return found


# --- Shared ---------------------------------------------------------------------------


def _column(table: Table, layer: str, candidates: Sequence[str], file_name: str) -> str:
    column = _optional_column(table, candidates)
    if column is None:
        raise ImportFileError(
            f"{file_name}, laag {layer}: de kolom {candidates[0]} ontbreekt"
            + (f" (of {', '.join(candidates[1:])})" if len(candidates) > 1 else "")
            + f"; kolommen zijn {', '.join(map(str, table.frame.columns))}."
        )
    return column


def _optional_column(table: Table, candidates: Sequence[str]) -> str | None:
    by_name = {normalise(str(column)): str(column) for column in table.frame.columns}
    return next((by_name[c] for c in candidates if c in by_name), None)


def _shape(
    table: Table, index: int, crs: str, report: ImportReport, row: int, where: str
) -> BaseGeometry | None:
    """The row's polygon in RD New, or None with a row error."""
    shape = table.geometry[index] if table.geometry is not None else None
    field_name = f"geometrie {where}".strip()
    if shape is None or shape.is_empty:
        report.errors.append(RowError(row, field_name, "de geometrie ontbreekt"))
        return None
    if shapely.get_dimensions(shape) != 2:
        report.errors.append(
            RowError(row, field_name, f"een gebied is een vlak, geen {shape.geom_type}")
        )
        return None
    try:
        if not shape.is_valid:
            shape = shapely.make_valid(shape)
        return geometry.parse(geometry.to_storage(shape, crs))
    except geometry.GeometryError as exc:
        report.errors.append(RowError(row, field_name, str(exc)))
        return None


def _check_unique(plan: AreaPlan, report: ImportReport) -> None:
    """Two areas with one name in one parent cannot both be stored (nor told apart)."""
    seen: dict[tuple[Any, str, str], PlannedArea] = {}
    for area in plan.areas:
        key = (area.parent, area.level, area.name)
        if key in seen:
            layer_name, row = area.origin
            report.errors.append(
                RowError(
                    row,
                    f"naam (laag {layer_name})" if layer_name else "naam",
                    f"{area.name} komt twee keer voor in hetzelfde gebied",
                )
            )
        seen[key] = area


def _match(plan: AreaPlan) -> dict[tuple[str, str], Area | None]:
    """The stored area per planned area (None: new): by CBS code, else by name and level
    within the parent that is itself matched (or, for a gemeente, by name)."""
    matches: dict[tuple[str, str], Area | None] = {}
    for area in plan.areas:
        found = None
        if area.code:
            found = Area.objects.filter(cbs_code=area.code).first()
        if found is None:
            parent = matches.get(area.parent) if area.parent else None
            if area.parent is None:
                found = Area.objects.filter(level=area.level, name=area.name).first()
            elif parent is not None:
                found = Area.objects.filter(level=area.level, name=area.name, parent=parent).first()
            elif area.parent not in matches:
                found = (
                    Area.objects.filter(
                        level=area.level, name=area.name, parent__name=area.parent[1]
                    ).first()
                    or Area.objects.filter(
                        level=area.level, name=area.name, parent__cbs_code=area.parent[1]
                    ).first()
                )
        matches[area.key] = found
    return matches


def _write(
    plan: AreaPlan, matches: dict[tuple[str, str], Area | None], report: ImportReport
) -> None:
    """Create or update every planned area, parents first (the plan is top-down)."""
    stored: dict[tuple[str, str], Area] = {}
    for area in plan.areas:
        record = matches.get(area.key) or Area(level=area.level)
        parent = None
        if area.parent is not None:
            parent = stored.get(area.parent) or _stored_parent(area.parent)
        record.name = area.name
        record.level = area.level
        record.parent = parent
        if area.code:
            record.cbs_code = area.code
        record.geometry = shapely.to_wkt(
            area.shape, rounding_precision=geometry.STORAGE_PRECISION, trim=True
        )
        try:
            record.full_clean()
        except ValidationError as exc:
            layer_name, row = area.origin
            report.errors.append(
                RowError(row, f"laag {layer_name}" if layer_name else "", "; ".join(exc.messages))
            )
            continue
        record.save()
        stored[area.key] = record


def _stored_parent(parent: tuple[str, str]) -> Area | None:
    level, key = parent
    return (
        Area.objects.filter(level=level, cbs_code=key).first()
        or Area.objects.filter(level=level, name=key).first()
    )
