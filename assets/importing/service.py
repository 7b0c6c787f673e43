"""Importing assets, inspections and reports from the files municipalities have.

`import_file` is the one entry point for the command line, the pages and the API:

1. read the file (CSV, XLSX, GeoJSON, GeoPackage, zipped Shapefile) — a file that cannot be
   read at all is refused with one message;
2. map its columns to fields (the given mapping, else the source's saved mapping, else
   recognition of common Dutch and IMBOR names);
3. validate every row, vectorised, collecting errors and warnings that name the row and
   the field;
4. place every geometry in RD New and in an area. The CRS is the file's own when it
   names one; a requested or saved CRS that differs from it refuses the file until the
   user confirms (``crs_confirmed``). Otherwise the CRS is the requested one, the saved
   mapping's, or recognised from the coordinates;
5. refuse the rows of assets outside the user's disciplines (`assets.access`);
6. decide per row whether it creates or updates (by source and id);
7. with ``commit=True`` and no errors (or ``only_valid=True``): write everything in one
   transaction and record the import. Otherwise nothing is written; the report is the
   dry run.
"""

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from assets import access
from assets.choices import ReportCategory, ReportStatus
from assets.importing import mapping as mapping_rules
from assets.models import Asset, AssetClass, ImportMapping, Inspection, Report
from impor import geometry
from impor.areas import area_index
from impor.bulk import insert_rows
from impor.choices import Discipline, ImportKind, ImportStatus
from impor.fields import YEAR_MIN
from impor.importing.readers import ImportFileError, Table, read_table
from impor.importing.report import (
    ImportReport,
    RowError,
    finish_run,
    import_change_reason,
    read_limits,
    record_run,
)
from impor.importing.values import parse_date, parse_number, parse_text, parse_whole
from impor.models import Area
from stakeholders.models import Actor

#: Quantities above these are surely a unit or typing mistake (100 km of sewer in one
#: object, a square kilometre of paving, ten thousand pieces in one point).
ABSURD_QUANTITY = {"m": 100_000, "m2": 1_000_000, "st": 10_000}
Progress = Callable[[str, int, int], None]


class Rows:
    """Collects row-level errors against a frame; row numbers as the user sees them."""

    def __init__(self, table: Table, kind: str, mapping: dict):
        self.table = table
        self.kind = kind
        self.mapping = mapping
        self.errors: list[RowError] = []
        self.bad = np.zeros(len(table.frame), dtype=bool)

    def label(self, target: str) -> str:
        column = mapping_rules.column_of(self.mapping.get(target))
        label = mapping_rules.label_of(self.kind, target)
        return f"kolom '{column}' ({label})" if column else label

    def flag(self, mask, target: str, message: str | Callable[[int], str]) -> None:
        """Mark the rows in `mask` bad; `message` may depend on the row's position."""
        mask = np.asarray(mask, dtype=bool)
        label = self.label(target)
        for index in np.flatnonzero(mask):
            text = message(int(index)) if callable(message) else message
            self.errors.append(RowError(self.table.first_row + int(index), label, text))
        self.bad |= mask

    def column(self, target: str) -> pd.Series | None:
        choice = self.mapping.get(target)
        frame = self.table.frame
        column = mapping_rules.column_of(choice)
        if column:
            return frame[column] if column in frame.columns else None
        if isinstance(choice, dict) and "value" in choice:
            return pd.Series([choice["value"]] * len(frame), index=frame.index, dtype=object)
        return None


def import_file(
    *,
    kind: str,
    path: Path,
    source: str,
    file_name: str | None = None,
    user=None,
    mapping: dict | None = None,
    crs: str | None = None,
    crs_confirmed: bool = False,
    sheet: str | None = None,
    layer: str | None = None,
    commit: bool = False,
    only_valid: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check and (with ``commit``) import one file; see the module docstring."""
    started = time.perf_counter()
    file_name = file_name or path.name
    report = ImportReport(kind=kind, file_name=file_name, source=source)
    step = progress or (lambda *_args: None)
    step("lezen", 0, 1)
    try:
        table = read_table(
            path,
            filename=file_name,
            sheet=sheet,
            layer=layer,
            **read_limits(),
        )
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return _finish(report, path, user, started, commit)
    report.rows = len(table.frame)
    report.warnings.extend(table.warnings)

    saved = ImportMapping.objects.filter(source=source, kind=kind).first()
    report.mapping = mapping or mapping_rules.propose_mapping(
        list(table.frame.columns),
        kind,
        saved=saved.mapping if saved else None,
        has_geometry=table.geometry is not None,
    )
    if mapping is None and kind == ImportKind.ASSETS:
        _make_ids_unique(report, table)
    missing = mapping_rules.missing_required(report.mapping, kind)
    if missing:
        for target in missing:
            report.errors.append(
                RowError(
                    0,
                    "",
                    f"verplichte kolom '{target.label}' ontbreekt; herkende namen zijn: "
                    + ", ".join(target.aliases[:6]),
                )
            )
        return _finish(report, path, user, started, commit)

    rows = Rows(table, kind, report.mapping)
    step("controleren", 0, report.rows)
    try:
        # Inspections find their asset by id and never read a geometry, so their CRS
        # cannot be wrong.
        declared_crs = (
            None
            if kind == ImportKind.INSPECTIONS
            else _choose_crs(
                report,
                table,
                requested=crs,
                saved=saved.crs if saved else None,
                confirmed=crs_confirmed,
            )
        )
        prepared = PREPARE[kind](rows, report, declared_crs)
    except geometry.GeometryError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return _finish(report, path, user, started, commit)
    _refuse_other_disciplines(rows, prepared, user, report.source)
    report.errors.extend(rows.errors)
    report.errors.sort(key=lambda e: e.row)
    valid = ~rows.bad
    report.valid = int(valid.sum())
    step("controleren", report.rows, report.rows)

    if commit and (report.ok or only_valid) and report.valid:
        step("schrijven", 0, report.valid)
        try:
            with transaction.atomic():
                written_at = timezone.now()
                creates, updates = WRITE[kind](prepared[valid], source, written_at)
                report.creates, report.updates = creates, updates
                report.status = ImportStatus.COMMITTED
                ImportMapping.objects.update_or_create(
                    source=source,
                    kind=kind,
                    defaults={"mapping": report.mapping, "crs": report.crs},
                )
                record_run(
                    report,
                    path,
                    user=user,
                    started=started,
                    created=creates,
                    updated=updates,
                    skipped=report.rows - report.valid,
                )
                if kind in (ImportKind.ASSETS, ImportKind.INSPECTIONS):
                    # After the run is recorded, so that the reason can name it.
                    _record_asset_history(
                        source,
                        written_at,
                        user=user,
                        reason=import_change_reason(report.file_name, report.run_id),
                    )
        except DatabaseError as exc:
            # The database failed mid-way (connection lost, disk full): the transaction
            # rolled back, nothing of the file is stored, and the import log says so.
            logging.getLogger(__name__).exception("import of %s failed", file_name)
            report.status = ImportStatus.FAILED
            report.creates = report.updates = 0
            report.errors.append(
                RowError(
                    0,
                    "",
                    f"het opslaan is mislukt ({exc}); er is niets opgeslagen, probeer het opnieuw",
                )
            )
            return _finish(report, path, user, started, commit)
        step("schrijven", report.valid, report.valid)
        return report
    if commit:
        report.status = ImportStatus.REFUSED
    else:
        creates, updates = PLAN[kind](prepared[valid], source)
        report.creates, report.updates = creates, updates
    return _finish(report, path, user, started, commit)


def _finish(report: ImportReport, path: Path, user, started: float, commit: bool) -> ImportReport:
    """Log an import that wrote nothing; a dry run's log keeps what it would write."""
    return finish_run(report, path, user=user, started=started, commit=commit, log_the_plan=True)


def _refuse_other_disciplines(rows: Rows, prepared: pd.DataFrame, user, source: str) -> None:
    """Flag the rows an editor limited to disciplines may not write: assets whose asset
    class (new, or current for an update) is of another discipline, and inspections and
    reports of such assets."""
    barred = [code for code in Discipline.values if user and not user.may_edit_discipline(code)]
    if not barred:
        return
    if rows.kind == ImportKind.ASSETS:
        target = "asset_class"
        class_discipline = dict(AssetClass.objects.values_list("pk", "discipline"))
        disciplines = prepared["asset_class"].map(class_discipline)
        current = dict(
            Asset.objects.filter(source=source, asset_class__discipline__in=barred).values_list(
                "external_id", "asset_class__discipline"
            )
        )
        current_of = prepared["external_id"].map(current)
        disciplines = current_of.where(current_of.notna(), disciplines)
    else:
        target = "asset"
        assets = Asset.objects.filter(
            pk__in=prepared["asset"].dropna().astype(int).unique().tolist()
        ).values_list("pk", "asset_class__discipline")
        disciplines = prepared["asset"].map(dict(assets))
    refused = disciplines.isin(barred).to_numpy()
    rows.flag(refused, target, lambda i: access.refusal(user, disciplines.iloc[i]))


def _make_ids_unique(report: ImportReport, table: Table) -> None:
    """A recognised id column that repeats itself (element numbers that are unique per
    street, say) cannot identify objects on its own; with a location it usually can."""
    column = report.mapping.get("external_id")
    located = table.geometry is not None or {"x", "y"} <= report.mapping.keys()
    if not isinstance(column, str) or not located:
        return
    ids = parse_text(table.frame[column])
    distinct = ids[ids.ne("")].nunique()
    if distinct < ids.ne("").sum():
        report.mapping["external_id"] = {"column": column, "with_location": True}
        report.warnings.append(
            f"kolom '{column}' is niet uniek ({distinct} verschillende waarden in "
            f"{len(ids)} rijen); het id wordt '{column}' plus de locatie op de meter"
        )


def _record_asset_history(source: str, written_at, *, user, reason: str) -> None:
    """One history row per asset the import created or updated (an inspection import:
    whose condition it moved), copied in one INSERT … SELECT: the import wrote them all
    with `updated_at` = `written_at`.

    simple-history's `bulk_create_with_history` would build two Python objects per row,
    which is what the import's raw bulk writes (`impor.bulk`) avoid at a million rows.
    """
    historical = Asset.history.model
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in historical.tracked_fields)
    marker = written_at.isoformat()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(historical._meta.db_table)} ({columns}, history_date, "
            "history_change_reason, history_type, history_user_id) "
            f"SELECT {columns}, %s, %s, CASE WHEN created_at = %s THEN '+' ELSE '~' END, %s "
            f"FROM {quote(Asset._meta.db_table)} WHERE source = %s AND updated_at = %s",
            [
                connection.ops.adapt_datetimefield_value(written_at),
                reason,
                marker,
                user.pk if user is not None else None,
                source,
                marker,
            ],
        )


# -- geometry -------------------------------------------------------------------------


def _choose_crs(
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


def _geometries(rows: Rows, report: ImportReport, declared: str | None) -> np.ndarray:
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


def _place(rows: Rows, rd: np.ndarray, area_column: pd.Series | None) -> np.ndarray:
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


# -- assets ---------------------------------------------------------------------------


def _prepare_assets(rows: Rows, report: ImportReport, declared_crs: str | None) -> pd.DataFrame:
    frame = rows.table.frame
    n = len(frame)
    today = timezone.localdate()
    out = pd.DataFrame(index=frame.index)

    rd = _geometries(rows, report, declared_crs)
    ids = parse_text(rows.column("external_id"))
    rows.flag(ids.eq(""), "external_id", "het id ontbreekt")
    choice = rows.mapping["external_id"]
    if isinstance(choice, dict) and choice.get("with_location"):
        ids = _with_location(ids, rd)
    duplicate = ids.ne("") & ids.duplicated(keep=False)
    first_seen = ids[duplicate].drop_duplicates()
    first_row = dict(
        zip(
            first_seen,
            rows.table.first_row + np.flatnonzero(ids.index.isin(first_seen.index)),
            strict=True,
        )
    )
    rows.flag(
        duplicate,
        "external_id",
        lambda i: (
            f"id '{ids.iloc[i]}' komt vaker voor in het bestand "
            f"(eerst op rij {first_row[ids.iloc[i]]})"
        ),
    )
    out["external_id"] = ids

    classes = {c.code: c for c in AssetClass.objects.all()}
    names = {}
    for asset_class in classes.values():
        names[mapping_rules.normalise(asset_class.code)] = asset_class
        names[mapping_rules.normalise(asset_class.name)] = asset_class
    if "asset_class" in rows.mapping:
        given = parse_text(rows.column("asset_class"))
        code_of = {}
        for value in given.unique():
            found = names.get(mapping_rules.normalise(value))
            code_of[value] = found.code if found else None
        codes = given.map(code_of)
        rows.flag(
            codes.isna(),
            "asset_class",
            "onbekend objecttype; bekend zijn: " + ", ".join(sorted(classes)),
        )
    else:
        codes = pd.Series([None] * n, index=frame.index, dtype=object)
        rows.flag(
            np.ones(n, dtype=bool), "asset_class", "geen objecttype: kies er een voor dit bestand"
        )
    out["asset_class"] = codes.map({code: c.pk for code, c in classes.items()})
    unit = codes.map({code: c.unit for code, c in classes.items()})

    year, bad = parse_whole(rows.column("construction_year"))
    rows.flag(bad, "construction_year", "geen jaartal")
    rows.flag(year.isna() & ~bad, "construction_year", "het aanlegjaar ontbreekt")
    rows.flag(year > today.year, "construction_year", "het aanlegjaar ligt in de toekomst")
    rows.flag(
        year < YEAR_MIN, "construction_year", f"een aanlegjaar vóór {YEAR_MIN} is onwaarschijnlijk"
    )
    out["construction_year"] = year

    out["geometry"] = rd

    if "quantity" in rows.mapping:
        quantity, bad = parse_number(rows.column("quantity"))
        rows.flag(bad, "quantity", "geen getal")
    else:
        quantity = pd.Series(np.nan, index=frame.index)
    measured = pd.Series(_measure(rd, unit.to_numpy()), index=frame.index)
    quantity = quantity.fillna(measured)
    rows.flag(quantity < 0, "quantity", "een hoeveelheid is niet negatief")
    limit = unit.map(ABSURD_QUANTITY).astype(float)
    rows.flag(quantity > limit, "quantity", "onwaarschijnlijk grote hoeveelheid; klopt de eenheid?")
    out["quantity"] = quantity.fillna(1.0).round(2)

    if "condition" in rows.mapping:
        condition, bad = parse_whole(rows.column("condition"))
        outside = condition.notna() & ((condition < 1) | (condition > 6))
        rows.flag(
            bad | outside, "condition", "de conditie is een NEN 2767-score van 1 tot en met 6"
        )
        out["condition"] = condition.where(~outside)
    else:
        out["condition"] = np.nan
    if "condition_date" in rows.mapping:
        dates, bad = parse_date(rows.column("condition_date"))
        rows.flag(bad, "condition_date", "geen datum (gebruik 31-12-2024 of 2024-12-31)")
        rows.flag(
            dates.map(lambda d: d is not None and d == d and d > today),
            "condition_date",
            "de datum ligt in de toekomst",
        )
        out["condition_date"] = dates
    else:
        out["condition_date"] = None

    for target in ("material", "street"):
        out[target] = parse_text(rows.column(target)) if target in rows.mapping else ""
    if "lifespan_override" in rows.mapping:
        lifespan, bad = parse_whole(rows.column("lifespan_override"))
        rows.flag(
            bad | (lifespan < 1) | (lifespan > 200),
            "lifespan_override",
            "een levensduur is 1 tot 200 jaar",
        )
        out["lifespan_override"] = lifespan
    else:
        out["lifespan_override"] = np.nan
    if "unit_cost_override" in rows.mapping:
        cost, bad = parse_number(rows.column("unit_cost_override"))
        rows.flag(bad | (cost < 0), "unit_cost_override", "kosten zijn een getal van 0 of meer")
        out["unit_cost_override"] = cost
    else:
        out["unit_cost_override"] = np.nan
    if "owner" in rows.mapping:
        owners = {name.lower(): pk for pk, name in Actor.objects.values_list("pk", "name")}
        given = parse_text(rows.column("owner"))
        owner = given.str.lower().map(owners)
        rows.flag(
            given.ne("") & owner.isna(), "owner", "onbekende eigenaar (geen actor met die naam)"
        )
        out["owner"] = owner
    else:
        out["owner"] = np.nan

    out["area"] = _place(rows, rd, rows.column("area") if "area" in rows.mapping else None)

    mapped = {mapping_rules.column_of(c) for c in rows.mapping.values()}
    extra_columns = [c for c in frame.columns if c not in mapped]
    out["extra"] = _extra(frame[extra_columns]) if extra_columns else "{}"

    existing = _ids_in_other_sources(ids, report.source)
    rows.flag(
        ids.isin(list(existing)),
        "external_id",
        lambda i: f"id '{ids.iloc[i]}' hoort al bij een object uit bron '{existing[ids.iloc[i]]}'",
    )
    return out


def _ids_in_other_sources(ids: pd.Series, source: str) -> dict[str, str]:
    """Which of `ids` already belong to an asset of another source (id → that source).

    Raw SQL in chunks: the ORM's `__in` lookup prepares every value separately, which
    costs seconds at 100,000 ids.
    """
    wanted = sorted(set(ids) - {""})
    table = connection.ops.quote_name(Asset._meta.db_table)
    found: dict[str, str] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One array parameter: psycopg splits a query of 5,000 placeholders slowly.
            cursor.execute(
                f"SELECT external_id, source FROM {table} "
                "WHERE source <> %s AND external_id = ANY(%s)",
                [source, wanted],
            )
            found.update(cursor.fetchall())
            return found
        for start in range(0, len(wanted), 5_000):
            chunk = wanted[start : start + 5_000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT external_id, source FROM {table} "
                f"WHERE source <> %s AND external_id IN ({marks})",
                [source, *chunk],
            )
            found.update(cursor.fetchall())
    return found


def _with_location(ids: pd.Series, rd: np.ndarray) -> pd.Series:
    """'1080' at (183630.4, 579873.3) becomes '1080@183630,579873'."""
    points = np.array([None] * len(rd), dtype=object)
    present = ~shapely.is_missing(rd)
    points[present] = shapely.point_on_surface(rd[present])
    x = np.full(len(rd), np.nan)
    y = np.full(len(rd), np.nan)
    x[present], y[present] = shapely.get_x(points[present]), shapely.get_y(points[present])
    suffix = [f"@{a:.0f},{b:.0f}" if a == a else "" for a, b in zip(x, y, strict=True)]
    return ids.where(ids.eq(""), ids + pd.Series(suffix, index=ids.index))


def _measure(rd: np.ndarray, unit: np.ndarray) -> np.ndarray:
    """Quantity from geometry where the file has none: length in m, area in m², else 1."""
    result = np.full(len(rd), np.nan)
    present = ~shapely.is_missing(rd)
    length = np.zeros(len(rd))
    area = np.zeros(len(rd))
    length[present] = shapely.length(rd[present])
    area[present] = shapely.area(rd[present])
    result[present & (unit == "m")] = length[present & (unit == "m")]
    result[present & (unit == "m2")] = area[present & (unit == "m2")]
    result[unit == "st"] = 1.0
    return result


def _extra(frame: pd.DataFrame) -> pd.Series:
    """The unmapped columns of each row as JSON, empty values left out."""

    def clean(value):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, (np.integer, np.floating)):
            return value.item()
        if isinstance(value, (int, float, str, bool)):
            return value.strip() if isinstance(value, str) else value
        return str(value)

    records = frame.to_dict("records")
    return pd.Series(
        [
            json.dumps(
                {k: v for k, v in ((k, clean(v)) for k, v in r.items()) if v not in (None, "")},
                ensure_ascii=False,
            )
            for r in records
        ],
        index=frame.index,
    )


ASSET_COLUMNS = (
    "asset_class", "area", "street", "geometry", "bbox_xmin", "bbox_ymin", "bbox_xmax",
    "bbox_ymax", "quantity", "material", "construction_year", "lifespan_override",
    "condition", "condition_date", "unit_cost_override", "owner", "extra", "updated_at",
)  # fmt: skip


def _asset_rows(frame: pd.DataFrame, written_at) -> list[list]:
    """Column lists in database form for ASSET_COLUMNS."""
    geoms = frame["geometry"].to_numpy()
    present = ~shapely.is_missing(geoms)
    wkt = np.full(len(frame), "", dtype=object)
    bounds = np.full((len(frame), 4), np.nan)
    if present.any():
        wkt[present] = shapely.to_wkt(
            geoms[present], rounding_precision=geometry.STORAGE_PRECISION, trim=True
        )
        bounds[present] = shapely.bounds(geoms[present])
    now = written_at.isoformat()

    def nullable(values) -> list:
        return [None if v is None or v != v else v for v in values]

    def whole(series: pd.Series) -> list:
        return [None if v != v else int(v) for v in series.to_numpy(dtype=float)]

    return [
        frame["asset_class"].astype(int).tolist(),
        [None if a < 0 else int(a) for a in frame["area"]],
        frame["street"].tolist(),
        wkt.tolist(),
        *(nullable(bounds[:, i].tolist()) for i in range(4)),
        frame["quantity"].astype(float).tolist(),
        frame["material"].tolist(),
        frame["construction_year"].astype(int).tolist(),
        whole(frame["lifespan_override"]),
        whole(frame["condition"]),
        [d.isoformat() if d is not None and d == d else None for d in frame["condition_date"]],
        nullable(frame["unit_cost_override"].astype(float).tolist()),
        whole(frame["owner"]),
        frame["extra"].tolist(),
        [now] * len(frame),
    ]


def _existing_assets(frame: pd.DataFrame, source: str) -> pd.Series:
    known = dict(
        Asset.objects.filter(source=source)
        .values_list("external_id", "pk")
        .iterator(chunk_size=50_000)
    )
    return frame["external_id"].map(known)


def _plan_assets(frame: pd.DataFrame, source: str) -> tuple[int, int]:
    existing = _existing_assets(frame, source)
    return int(existing.isna().sum()), int(existing.notna().sum())


def _write_assets(frame: pd.DataFrame, source: str, written_at) -> tuple[int, int]:
    existing = _existing_assets(frame, source)
    columns = _asset_rows(frame, written_at)
    is_new = existing.isna().to_numpy()
    now = columns[-1][0] if columns[-1] else None
    new_rows = (
        [source, ext, *values, now]
        for ext, values, fresh in zip(
            frame["external_id"], zip(*columns, strict=True), is_new, strict=True
        )
        if fresh
    )
    created = insert_rows(Asset, ("source", "external_id", *ASSET_COLUMNS, "created_at"), new_rows)
    updates = [
        [*values, int(pk)]
        for values, pk, fresh in zip(zip(*columns, strict=True), existing, is_new, strict=True)
        if not fresh
    ]
    if updates:
        table = connection.ops.quote_name(Asset._meta.db_table)
        assignments = ", ".join(
            f"{connection.ops.quote_name(Asset._meta.get_field(name).column)} = %s"
            for name in ASSET_COLUMNS
        )
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", updates)
    return created, len(updates)


# -- inspections ----------------------------------------------------------------------


def _asset_ids(rows: Rows, source: str | None) -> pd.Series:
    """Database ids of the assets a file refers to by their id in `source` (any source
    when None: ids are unique across sources, the asset import sees to that)."""
    given = parse_text(rows.column("asset"))
    assets = Asset.objects.filter(external_id__in=list(set(given) - {""}))
    if source is not None:
        assets = assets.filter(source=source)
    ids = given.map(dict(assets.values_list("external_id", "pk")))
    where = f" in bron '{source}'" if source else ""
    rows.flag(given.ne("") & ids.isna(), "asset", f"onbekend object{where}")
    return ids


def _prepare_inspections(rows: Rows, report: ImportReport, _crs: str | None) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.table.frame.index)
    given = parse_text(rows.column("asset"))
    rows.flag(given.eq(""), "asset", "het id van het object ontbreekt")
    out["asset"] = _asset_ids(rows, report.source)
    dates, bad = parse_date(rows.column("date"))
    rows.flag(bad | dates.isna(), "date", "geen datum (gebruik 31-12-2024 of 2024-12-31)")
    # Once, not per row: at 50,000 rows asking for the date cost as much as writing
    # the history rows of the conditions the import moves.
    today = timezone.localdate()
    rows.flag(
        dates.map(lambda d: d is not None and d == d and d > today),
        "date",
        "de datum ligt in de toekomst",
    )
    out["date"] = dates
    condition, bad = parse_whole(rows.column("condition"))
    rows.flag(
        bad | condition.isna() | (condition < 1) | (condition > 6),
        "condition",
        "de conditie is een NEN 2767-score van 1 tot en met 6",
    )
    out["condition"] = condition
    for target in ("inspector", "notes"):
        out[target] = parse_text(rows.column(target)) if target in rows.mapping else ""
    return out


def _plan_inspections(frame: pd.DataFrame, _source: str) -> tuple[int, int]:
    return len(frame), 0


def _write_inspections(frame: pd.DataFrame, _source: str, written_at) -> tuple[int, int]:
    """Add the inspections; an asset's condition follows its newest inspection.

    The assets it moves get `updated_at` = `written_at`, by which `_record_asset_history`
    finds them.
    """
    created = insert_rows(
        Inspection,
        ("asset", "date", "condition", "inspector", "notes"),
        zip(
            frame["asset"].astype(int).tolist(),
            [d.isoformat() for d in frame["date"]],
            frame["condition"].astype(int).tolist(),
            frame["inspector"].tolist(),
            frame["notes"].tolist(),
            strict=True,
        ),
    )
    newest = frame.sort_values("date").groupby("asset").tail(1)
    table = connection.ops.quote_name(Asset._meta.db_table)
    marker = written_at.isoformat()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET condition = %s, condition_date = %s, updated_at = %s "
            "WHERE id = %s AND (condition_date IS NULL OR condition_date <= %s)",
            [
                (int(c), d.isoformat(), marker, int(a), d.isoformat())
                for a, d, c in zip(
                    newest["asset"], newest["date"], newest["condition"], strict=True
                )
            ],
        )
    return created, 0


# -- reports --------------------------------------------------------------------------

CATEGORY_WORDS = {
    "riool": ReportCategory.VERSTOPPING, "verstop": ReportCategory.VERSTOPPING,
    "water": ReportCategory.VERSTOPPING, "verzak": ReportCategory.VERZAKKING,
    "gat": ReportCategory.VERZAKKING, "tegel": ReportCategory.VERZAKKING,
    "lamp": ReportCategory.VERLICHTING, "verlicht": ReportCategory.VERLICHTING,
    "wortel": ReportCategory.WORTELOPDRUK, "boom": ReportCategory.BOOM,
    "groen": ReportCategory.BOOM, "speel": ReportCategory.SPELEN,
    "schade": ReportCategory.SCHADE,
}  # fmt: skip
STATUS_WORDS = {
    "nieuw": ReportStatus.NIEUW,
    "open": ReportStatus.NIEUW,
    "behandel": ReportStatus.IN_BEHANDELING,
    "afgehandeld": ReportStatus.AFGEHANDELD,
    "gesloten": ReportStatus.AFGEHANDELD,
    "afgesloten": ReportStatus.AFGEHANDELD,
}


def _word_map(series: pd.Series, words: dict, default: str) -> pd.Series:
    def pick(text: str) -> str:
        low = text.lower()
        return next((value for word, value in words.items() if word in low), default)

    return series.map(pick)


def _prepare_reports(rows: Rows, report: ImportReport, declared_crs: str | None) -> pd.DataFrame:
    out = pd.DataFrame(index=rows.table.frame.index)
    ids = parse_text(rows.column("external_id"))
    rows.flag(ids.eq(""), "external_id", "het meldingnummer ontbreekt")
    rows.flag(
        ids.ne("") & ids.duplicated(keep=False),
        "external_id",
        "meldingnummer komt vaker voor in het bestand",
    )
    out["external_id"] = ids
    dates, bad = parse_date(rows.column("reported_on"))
    rows.flag(bad | dates.isna(), "reported_on", "geen datum (gebruik 31-12-2024 of 2024-12-31)")
    out["reported_on"] = dates
    if "closed_on" in rows.mapping:
        closed, bad = parse_date(rows.column("closed_on"))
        rows.flag(bad, "closed_on", "geen datum")
        rows.flag(
            [
                c is not None and r is not None and c == c and r == r and c < r
                for c, r in zip(closed, dates, strict=True)
            ],
            "closed_on",
            "afgehandeld vóór de melding binnenkwam",
        )
        out["closed_on"] = closed
    else:
        out["closed_on"] = None
    out["category"] = (
        _word_map(parse_text(rows.column("category")), CATEGORY_WORDS, ReportCategory.OVERIG)
        if "category" in rows.mapping
        else ReportCategory.OVERIG
    )
    out["status"] = (
        _word_map(parse_text(rows.column("status")), STATUS_WORDS, ReportStatus.NIEUW)
        if "status" in rows.mapping
        else ReportStatus.NIEUW
    )
    for target in ("description", "street"):
        out[target] = parse_text(rows.column(target)) if target in rows.mapping else ""
    out["asset"] = _asset_ids(rows, None) if "asset" in rows.mapping else np.nan
    rd = _geometries(rows, report, declared_crs)
    out["area"] = _place(rows, rd, None)
    return out


#: Report columns in the order the bulk writers give them.
REPORT_FIELDS = (
    "source", "external_id", "asset", "area", "street", "reported_on", "category", "status",
    "description", "closed_on",
)  # fmt: skip


def _existing_reports(frame: pd.DataFrame, source: str) -> pd.Series:
    known = dict(Report.objects.filter(source=source).values_list("external_id", "pk"))
    return frame["external_id"].map(known)


def _plan_reports(frame: pd.DataFrame, source: str) -> tuple[int, int]:
    existing = _existing_reports(frame, source)
    return int(existing.isna().sum()), int(existing.notna().sum())


def _write_reports(frame: pd.DataFrame, source: str, _written_at) -> tuple[int, int]:
    existing = _existing_reports(frame, source)
    Report.objects.filter(pk__in=existing.dropna().astype(int).tolist()).delete()
    rows = zip(
        [source] * len(frame),
        frame["external_id"],
        [None if a != a else int(a) for a in frame["asset"]],
        [None if a < 0 else int(a) for a in frame["area"]],
        frame["street"],
        [d.isoformat() for d in frame["reported_on"]],
        frame["category"],
        frame["status"],
        frame["description"],
        [d.isoformat() if d is not None and d == d else None for d in frame["closed_on"]],
        strict=True,
    )
    insert_rows(Report, REPORT_FIELDS, rows)
    updated = int(existing.notna().sum())
    return len(frame) - updated, updated


PREPARE = {
    ImportKind.ASSETS: _prepare_assets,
    ImportKind.INSPECTIONS: _prepare_inspections,
    ImportKind.REPORTS: _prepare_reports,
}
PLAN = {
    ImportKind.ASSETS: _plan_assets,
    ImportKind.INSPECTIONS: _plan_inspections,
    ImportKind.REPORTS: _plan_reports,
}
WRITE = {
    ImportKind.ASSETS: _write_assets,
    ImportKind.INSPECTIONS: _write_inspections,
    ImportKind.REPORTS: _write_reports,
}
