"""What every import reports and logs: its row errors, its report and its `ImportRun`.

An import (the asset import in `assets.importing`, the partners' works in `projects`)
declares its columns and checks its rows; the kit here holds what they share:

- `RowError`, one error that names the row and the column (row 0: the file as a whole);
- `ImportReport`, what an import found and (when committed) did, shown by the one
  report template (``templates/impor/import_report.html``) and the command line;
- `record_commit` (a committed import, in its transaction), `record_run` (the same with
  counts of the import's own) and `finish_run` (when nothing was written), which log the
  report as an `ImportRun`, once per import, dry run or not;
- `read_limits`, the upload limits from the settings, and `import_change_reason`, the
  reason an import writes in the history of what it changed.
"""

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

from django.conf import settings
from django.utils.translation import gettext

from impor.choices import ImportStatus
from impor.models import ImportRun

#: How many messages an import record keeps (the report shows them all).
KEPT_MESSAGES = 200


@dataclass(frozen=True)
class RowError:
    """One error in a file: its row as the user sees it (0: the file) and its column."""

    row: int
    field: str
    message: str

    def __str__(self) -> str:
        where = f"rij {self.row}" if self.row else "bestand"
        return (
            f"{where}, {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        )

    def as_sentence(self) -> str:
        """The error as a sentence to the person who uploaded the file, in their language."""
        if not self.row:
            return self.message
        if self.field:
            return gettext("rij %(row)s, kolom %(column)s: %(message)s") % {
                "row": self.row,
                "column": self.field,
                "message": self.message,
            }
        return gettext("rij %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class ImportReport:
    """What an import found and (when committed) did."""

    kind: str
    file_name: str
    source: str
    status: str = ImportStatus.DRY_RUN
    rows: int = 0
    valid: int = 0
    creates: int = 0
    updates: int = 0
    #: Valid rows that change nothing that is stored.
    unchanged: int = 0
    #: Which column of the file feeds which field.
    mapping: dict[str, Any] = field(default_factory=dict)
    crs: str = ""
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: The file names another CRS than the one requested or saved; refused until confirmed.
    crs_needs_confirmation: bool = False
    #: Whether the logged messages name the file (the command line reads many files) or
    #: are sentences to the one person who uploaded it (`RowError.as_sentence`).
    messages_name_the_file: bool = True
    run_id: int | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        if not self.messages_name_the_file:
            return [error.as_sentence() for error in self.errors] + self.warnings
        return [f"{self.file_name}, {e}" for e in self.errors] + [
            f"{self.file_name}: {w}" for w in self.warnings
        ]


class ReadLimits(TypedDict):
    """`read_table`'s size limits, by its parameter names."""

    max_bytes: int
    max_uncompressed_bytes: int
    max_sheet_rows: int
    max_sheet_columns: int
    max_sheet_cells: int


def read_limits() -> ReadLimits:
    """`read_table`'s limits from the settings, for every import that reads uploads."""
    return {
        "max_bytes": settings.IMPOR_IMPORT_MAX_MB * 1024**2,
        "max_uncompressed_bytes": 5 * settings.IMPOR_IMPORT_MAX_MB * 1024**2,
        "max_sheet_rows": settings.IMPOR_IMPORT_MAX_ROWS,
        "max_sheet_columns": settings.IMPOR_IMPORT_MAX_COLUMNS,
        "max_sheet_cells": settings.IMPOR_IMPORT_MAX_CELLS,
    }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_change_reason(file_name: str, run_id: int) -> str:
    """The reason an import writes in the history of what it changed (100 characters
    at most, simple-history's column)."""
    suffix = f" (#{run_id})"
    return f"import {file_name[: 100 - len('import ') - len(suffix)]}{suffix}"


def record_run(
    report: ImportReport,
    path: Path,
    *,
    user: Any,
    started: float,
    created: int,
    updated: int,
    skipped: int,
) -> None:
    """Log the import as it stands as an `ImportRun`; the counts are the caller's, as
    each import says what it counts. A run logged before the import started (a
    background import, whose page follows it: ``report.run_id``) is completed instead,
    so an import is logged once."""
    report.seconds = round(time.perf_counter() - started, 3)
    fields = dict(
        kind=report.kind,
        source=report.source,
        status=report.status,
        file_name=report.file_name[:255],
        file_sha256=file_sha256(path) if path.exists() else "",
        mapping=report.mapping,
        crs=report.crs,
        rows=report.rows,
        created=created,
        updated=updated,
        skipped=skipped,
        error_count=len(report.errors),
        warning_count=len(report.warnings),
        messages=report.messages()[:KEPT_MESSAGES],
        user=user,
        seconds=report.seconds,
    )
    if report.run_id is not None:
        ImportRun.objects.filter(pk=report.run_id).update(**fields, progress=100, step="")
        return
    report.run_id = ImportRun.objects.create(**fields).pk


def record_commit(report: ImportReport, path: Path, *, user: Any, started: float) -> None:
    """Log a committed import with the counts of its plan (created, updated, unchanged);
    called inside the import's transaction, before the rows whose history names the run
    (``report.run_id``), so that the log and the rows are stored together or not at all."""
    report.status = ImportStatus.COMMITTED
    record_run(
        report,
        path,
        user=user,
        started=started,
        created=report.creates,
        updated=report.updates,
        skipped=report.unchanged,
    )


def finish_run(
    report: ImportReport,
    path: Path,
    *,
    user: Any,
    started: float,
    commit: bool,
    log_the_plan: bool = False,
) -> ImportReport:
    """Log an import that wrote nothing: a dry run, or (asked to commit) a refused or
    failed one. Nothing was written, so nothing was skipped; with ``log_the_plan`` the
    log keeps what the import would have created and updated."""
    if commit and report.status not in (ImportStatus.COMMITTED, ImportStatus.FAILED):
        report.status = ImportStatus.REFUSED
    record_run(
        report,
        path,
        user=user,
        started=started,
        created=report.creates if log_the_plan else 0,
        updated=report.updates if log_the_plan else 0,
        skipped=0,
    )
    return report
