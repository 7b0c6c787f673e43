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

Each kind declares its rows in its own module (`asset_rows`, `inspection_rows`,
`report_rows`: check, count, write) and its columns in `mapping`; `places` reads
geometry and areas. Reading the file, parsing values, the report and the import log are
the kit in `impor.importing`, which the partner works import uses as well.
"""

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from assets import access
from assets.importing import mapping as mapping_rules
from assets.importing.asset_rows import plan_assets, prepare_assets, write_assets
from assets.importing.inspection_rows import (
    plan_inspections,
    prepare_inspections,
    write_inspections,
)
from assets.importing.places import choose_crs
from assets.importing.report_rows import plan_reports, prepare_reports, write_reports
from assets.importing.rows import Rows
from assets.models import Asset, AssetClass, ImportMapping
from impor import geometry
from impor.choices import Discipline, ImportKind, ImportStatus
from impor.importing.readers import ImportFileError, Table, read_table
from impor.importing.report import (
    ImportReport,
    RowError,
    finish_run,
    import_change_reason,
    read_limits,
    record_run,
)
from impor.importing.values import parse_text

Progress = Callable[[str, int, int], None]


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
    run_id: int | None = None,
) -> ImportReport:
    """Read, check and (with ``commit``) import one file; see the module docstring.

    ``run_id`` names an `ImportRun` logged before the import began (a background import,
    whose page follows the run's progress): the import completes that record."""
    started = time.perf_counter()
    file_name = file_name or path.name
    report = ImportReport(kind=kind, file_name=file_name, source=source, run_id=run_id)
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
    if mapping:
        report.mapping = mapping
    else:
        report.mapping, notes = propose(kind, table, saved)
        report.warnings.extend(notes)
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
            else choose_crs(
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


def propose(kind: str, table: Table, saved: ImportMapping | None) -> tuple[dict, list[str]]:
    """The mapping an import starts from when none is given, and the notes on it: the
    source's saved mapping, else recognition (`mapping.propose_mapping`). The command
    line imports with it; the browser's import shows it to be edited first."""
    mapping = mapping_rules.propose_mapping(
        list(table.frame.columns),
        kind,
        saved=saved.mapping if saved else None,
        has_geometry=table.geometry is not None,
    )
    notes = _make_ids_unique(mapping, table) if kind == ImportKind.ASSETS else []
    return mapping, notes


def _make_ids_unique(mapping: dict, table: Table) -> list[str]:
    """A recognised id column that repeats itself (element numbers that are unique per
    street, say) cannot identify objects on its own; with a location it usually can."""
    column = mapping.get("external_id")
    located = table.geometry is not None or {"x", "y"} <= mapping.keys()
    if not isinstance(column, str) or not located:
        return []
    ids = parse_text(table.frame[column])
    distinct = ids[ids.ne("")].nunique()
    if distinct < ids.ne("").sum():
        mapping["external_id"] = {"column": column, "with_location": True}
        return [
            f"kolom '{column}' is niet uniek ({distinct} verschillende waarden in "
            f"{len(ids)} rijen); het id wordt '{column}' plus de locatie op de meter"
        ]
    return []


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


PREPARE = {
    ImportKind.ASSETS: prepare_assets,
    ImportKind.INSPECTIONS: prepare_inspections,
    ImportKind.REPORTS: prepare_reports,
}
PLAN = {
    ImportKind.ASSETS: plan_assets,
    ImportKind.INSPECTIONS: plan_inspections,
    ImportKind.REPORTS: plan_reports,
}
WRITE = {
    ImportKind.ASSETS: write_assets,
    ImportKind.INSPECTIONS: write_inspections,
    ImportKind.REPORTS: write_reports,
}
