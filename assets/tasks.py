"""Background imports (run by `manage.py db_worker`): a file too large to commit in the
request (`IMPOR_IMPORT_BACKGROUND_ROWS`) is imported here, and its page follows the
`ImportRun` the browser import logged before queueing it.

The task calls the import service, never the other way round; the service writes all
rows in one transaction, so a failure leaves the stored data as it was.
"""

import logging
import shutil
from pathlib import Path

from django.utils.translation import gettext_noop
from django_tasks import task

from assets.importing.service import import_file
from assets.models import ImportMapping
from impor.area_import import import_areas
from impor.choices import ImportKind, ImportStatus
from impor.importing.columns import column_of
from impor.importing.report import ImportReport
from impor.models import ImportRun
from stakeholders.models import User


def import_area_file(
    *,
    kind: str,
    path: Path,
    source: str,
    file_name: str,
    mapping: dict,
    user=None,
    commit: bool = False,
    progress=None,
    layer: str | None = None,
    **unused,
) -> ImportReport:
    """`impor.area_import.import_areas` for a polygon file, called as `import_file` is:
    the mapping's ``level`` is one value for every row, its ``name``, ``parent`` and
    ``code`` are columns. A commit saves the mapping for the source, as the asset import
    does. The asset import's other options (``crs``, ``sheet``, ``only_valid``,
    ``run_id``) do not apply: the area import reads the CRS the file declares and writes
    every area or none, and area files are small enough for the request."""
    columns = {t: column_of(mapping[t]) for t in ("name", "parent", "code") if t in mapping}
    report = import_areas(
        path=path,
        file_name=file_name,
        source=source,
        mapping={target: column for target, column in columns.items() if column},
        level=(mapping.get("level") or {}).get("value"),
        layer=layer,
        user=user,
        commit=commit,
        progress=progress,
    )
    if report.status == ImportStatus.COMMITTED:
        ImportMapping.objects.update_or_create(
            source=source, kind=kind, defaults={"mapping": mapping, "crs": report.crs}
        )
    return report


#: The import service of each kind the browser import offers; each has the shape of
#: `assets.importing.service.import_file` (path, source, mapping, commit, user, progress,
#: run_id → ImportReport).
IMPORTERS = {
    ImportKind.ASSETS: import_file,
    ImportKind.INSPECTIONS: import_file,
    ImportKind.REPORTS: import_file,
    ImportKind.AREAS: import_area_file,
}

#: Where each step of the import service lies on the progress bar (start, end, in %):
#: reading is quick, checking and writing take the time.
STEP_SPAN = {"lezen": (0, 10), "controleren": (10, 50), "schrijven": (50, 100)}
#: The step's name as the progress page shows it (translated there).
STEP_NAMES = {
    "lezen": gettext_noop("het bestand lezen"),
    "controleren": gettext_noop("de rijen controleren"),
    "schrijven": gettext_noop("opslaan"),
}


def progress_recorder(run_id: int):
    """A progress callback for the import service that writes the step and percentage on
    the run, while it is still queued or running (the finished run keeps its outcome)."""

    def record(step: str, done: int, total: int) -> None:
        start, end = STEP_SPAN.get(step, (0, 100))
        share = done / total if total else 1.0
        ImportRun.objects.filter(
            pk=run_id, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)
        ).update(
            status=ImportStatus.RUNNING,
            step=step,
            progress=int(start + (end - start) * min(share, 1.0)),
        )

    return record


@task()
def import_in_background(run_id: int, path: str, options: dict) -> str:
    """Import the pending file at ``path`` into the run ``run_id`` logged beforehand;
    ``options`` are the import service's keyword arguments as the dry run used them
    (kind, source, file_name, mapping, crs, crs_confirmed, sheet, layer, only_valid) and
    ``user``, the id of who asked. The pending upload is removed afterwards. Returns the
    run's status."""
    run = ImportRun.objects.get(pk=run_id)
    options = dict(options)
    user = User.objects.filter(pk=options.pop("user", None)).first()
    importer = IMPORTERS[options["kind"]]
    try:
        report = importer(
            path=Path(path),
            user=user,
            commit=True,
            progress=progress_recorder(run.pk),
            run_id=run.pk,
            **options,
        )
    except Exception as exc:
        logging.getLogger(__name__).exception("background import %s failed", run_id)
        ImportRun.objects.filter(pk=run_id).update(
            status=ImportStatus.FAILED,
            step="",
            error_count=1,
            messages=[f"het importeren is gestopt ({exc}); er is niets opgeslagen"],
        )
        raise
    finally:
        shutil.rmtree(Path(path).parent, ignore_errors=True)
    return str(report.status)
