"""The import in the browser (#18 §2): upload, column mapping, dry run, commit.

The steps, each a page:

1. `ImportUploadView`: the kind, the source ("bron") and the file — one file, or the
   loose parts of a shapefile selected together. The files wait in a private folder
   under ``VAR_DIR/asset-imports`` (`impor.uploads.store_pending`), never under a public
   media path; a file that cannot be read is refused at once, with the kit's message
   (which names a missing shapefile part). A file with several sheets or layers first
   asks which (`ImportSheetView`).
2. `ImportMappingView`: one select per field, proposed from the source's saved mapping
   or recognition (`assets.importing.service.propose`), with a sample value per column
   and the coordinate system when the file names none. Sending it is the dry run.
3. `ImportDryRunView`: the dry run's counts, the first row errors (all of them as CSV:
   `ImportErrorsView`) and notes, with "Verwerken".
4. `ImportCommitView`: a file of at most ``IMPOR_IMPORT_BACKGROUND_ROWS`` rows is
   imported in the request; a larger one is queued for the task worker
   (`assets.tasks.import_in_background`). Both end on `ImportRunView`, which polls a
   queued or running import's progress (htmx) and then shows its report.

The import itself is the service the command line uses (`assets.tasks.IMPORTERS`), with
the mapping of step 2: the dry run and the commit read the same file with the same
choices, and the commit writes all rows or none. Committing saves the mapping for the
source (`ImportMapping`), so the next upload of that source proposes it again.

A pending upload belongs to the session that uploaded it: its folder's name is kept in
the session and its description (``meta.json``) names the user.
"""

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyogrio
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views import View

from assets.forms import (
    ImportMappingForm,
    ImportSheetForm,
    ImportUploadForm,
)
from assets.importing import mapping as mapping_rules
from assets.importing.service import PREPARE, propose
from assets.models import AssetClass, ImportMapping
from assets.tasks import IMPORTERS, STEP_NAMES, import_in_background
from impor.choices import AreaLevel, ImportKind, ImportStatus
from impor.exports import ExportColumn, csv_response
from impor.importing.columns import Target, propose_mapping
from impor.importing.readers import ImportFileError, list_sheets, read_table
from impor.importing.report import file_sha256, read_limits
from impor.models import ImportRun
from impor.uploads import pending_folder, safe_file_name, store_pending
from impor.visibility import partner_of

#: The session key holding the folder names of this session's pending uploads.
SESSION_KEY = "asset_imports"
#: The dry run page lists this many row errors; the CSV download has them all.
SHOWN_ERRORS = 50
#: A sample value is cut to this many characters in the mapping's selects.
SAMPLE_LENGTH = 40


#: The fields of an area file (`impor.area_import`, any polygon file): the level is one
#: value for the whole file, the others are columns.
AREA_TARGETS = (
    Target(
        "name",
        "naam",
        ("naam", "name", "gebiedsnaam", "buurtnaam", "wijknaam", "kernnaam", "woonplaatsnaam"),
        required=True,
    ),
    Target("level", "niveau", required=True),
    Target("parent", "valt onder (naam)", ("valt_onder", "ouder", "parent", "hoort_bij")),
    Target("code", "CBS-code", ("code", "cbs_code", "buurtcode", "wijkcode", "gemeentecode")),
)


def _asset_classes() -> dict[str, list[tuple[str, str]]]:
    return {"asset_class": list(AssetClass.objects.order_by("name").values_list("code", "name"))}


def _area_levels() -> dict[str, list[tuple[str, str]]]:
    return {"level": [(str(value), str(label)) for value, label in AreaLevel.choices]}


@dataclass(frozen=True)
class Kind:
    """A kind the browser import offers: what it imports, who may, its fields, the
    values a field may take for every row (``fixed_values``; ``value_only``: no column),
    whether the import reads coordinates whose CRS the user may give, and whether a
    large file goes to the task worker."""

    code: str
    permissions: tuple[str, ...]
    targets: tuple[Target, ...]
    fixed_values: Callable[[], dict[str, list[tuple[str, str]]]] = dict
    value_only: frozenset[str] = frozenset()
    asks_crs: bool = True
    in_background: bool = True

    @property
    def label(self) -> str:
        return str(ImportKind(self.code).label)

    def propose(self, table, source: str) -> tuple[dict, list[str]]:
        """The proposed mapping (the source's saved one first) and notes on it."""
        saved = ImportMapping.objects.filter(source=source, kind=self.code).first()
        if self.code in PREPARE:
            return propose(self.code, table, saved)
        mapping = propose_mapping(
            list(table.frame.columns), self.targets, saved=saved.mapping if saved else None
        )
        return mapping, []


KINDS = {
    kind.code: kind
    for kind in (
        Kind(
            ImportKind.ASSETS,
            ("assets.add_asset", "assets.change_asset"),
            mapping_rules.ASSET_TARGETS,
            fixed_values=_asset_classes,
        ),
        Kind(
            ImportKind.INSPECTIONS,
            ("assets.add_inspection", "assets.change_asset"),
            mapping_rules.INSPECTION_TARGETS,
        ),
        Kind(
            ImportKind.REPORTS,
            ("assets.add_report", "assets.change_report"),
            mapping_rules.REPORT_TARGETS,
        ),
        Kind(
            ImportKind.AREAS,
            ("impor.add_area", "impor.change_area"),
            AREA_TARGETS,
            fixed_values=_area_levels,
            value_only=frozenset({"level"}),
            asks_crs=False,
            in_background=False,
        ),
    )
}


def allowed_kinds(user) -> list[Kind]:
    """The kinds `user` may import: those whose write permissions the user has. A
    partner imports its works on its own page, never here."""
    if partner_of(user) is not None:
        return []
    return [kind for kind in KINDS.values() if user.has_perms(kind.permissions)]


def pending_root() -> Path:
    return Path(settings.VAR_DIR) / "asset-imports"


class ImportPermissionMixin(PermissionRequiredMixin):
    """In for whoever may import at least one kind (the menu asks the same)."""

    raise_exception = True  # logged in without the permission: 403

    def has_permission(self) -> bool:
        return bool(allowed_kinds(self.request.user))


class PendingUpload:
    """An upload waiting in its folder for the next step, and its ``meta.json``: who
    uploaded it, the kind, source and file, what the file holds and the choices made."""

    def __init__(self, folder: Path, meta: dict | None = None):
        self.folder = folder
        self.meta = meta if meta is not None else json.loads((folder / "meta.json").read_text())

    @property
    def token(self) -> str:
        return self.folder.name

    @property
    def path(self) -> Path:
        return self.folder / self.meta["file"]

    def save(self) -> None:
        (self.folder / "meta.json").write_text(json.dumps(self.meta, ensure_ascii=False))

    def sheet_and_layer(self) -> dict:
        """The chosen sheet (Excel) or layer (GeoPackage) as the readers take them."""
        sheet = self.meta.get("sheet")
        return {
            "sheet": sheet if self.path.suffix == ".xlsx" else None,
            "layer": sheet if self.path.suffix == ".gpkg" else None,
        }

    def describe(self) -> None:
        """Read the file once and keep what the mapping step shows: its columns, a
        sample value of each, its row count and CRS, and the proposed mapping."""
        table = read_table(
            self.path, filename=self.meta["file_name"], **self.sheet_and_layer(), **read_limits()
        )
        frame = table.frame
        samples = {}
        for column in frame.columns:
            values = frame[column].dropna().astype(str).str.strip()
            filled = values[values.ne("")]
            samples[column] = filled.iloc[0][:SAMPLE_LENGTH] if len(filled) else ""
        proposal, notes = KINDS[self.meta["kind"]].propose(table, self.meta["source"])
        self.meta.update(
            columns=list(frame.columns),
            samples=samples,
            rows=len(frame),
            crs=table.crs,
            has_geometry=table.geometry is not None,
            notes=[*table.warnings, *notes],
            proposal=proposal,
            saved=ImportMapping.objects.filter(
                source=self.meta["source"], kind=self.meta["kind"]
            ).exists(),
        )
        self.save()

    def import_options(self) -> dict:
        """The import service's arguments for this file with the choices of step 2."""
        choice = self.meta["choice"]
        return {
            "kind": self.meta["kind"],
            "source": self.meta["source"],
            "file_name": self.meta["file_name"],
            "mapping": choice["mapping"],
            "crs": choice["crs"],
            "crs_confirmed": choice["crs_confirmed"],
            **self.sheet_and_layer(),
        }


class PendingMixin(ImportPermissionMixin):
    """A step on a pending upload of this session and user (`self.pending`)."""

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        token = kwargs["token"]
        folder = pending_folder(pending_root(), token)
        if folder is None or token not in request.session.get(SESSION_KEY, []):
            messages.error(request, gettext("Deze upload is verlopen. Upload het bestand opnieuw."))
            return redirect("assets:import_upload")
        self.pending = PendingUpload(folder)
        kind = self.pending.meta["kind"]
        if self.pending.meta["user"] != request.user.pk or kind not in {
            k.code for k in allowed_kinds(request.user)
        }:
            raise Http404
        self.kind = KINDS[kind]
        return super().dispatch(request, *args, **kwargs)


class ImportUploadView(ImportPermissionMixin, View):
    """Step 1: the kind, the source and the file."""

    template_name = "assets/import_upload.html"

    def form(self, data=None, files=None):
        kinds = [(kind.code, kind.label) for kind in allowed_kinds(self.request.user)]
        return ImportUploadForm(
            data, files, kinds=kinds, initial={"kind": self.request.GET.get("soort")}
        )

    def get(self, request):
        return render(request, self.template_name, {"form": self.form()})

    def post(self, request):
        form = self.form(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        uploads = form.cleaned_data["files"]
        main = next((u for u in uploads if u.name.lower().endswith(".shp")), uploads[0]).name
        # One stem for every file, so that a shapefile's parts lie side by side as GDAL
        # wants them, whatever names the client sent.
        stem = safe_file_name(Path(main).stem)
        folder = store_pending(
            pending_root(),
            ((f"{stem}{Path(upload.name).suffix.lower()}", upload) for upload in uploads),
        )
        pending = PendingUpload(
            folder,
            {
                "user": request.user.pk,
                "kind": form.cleaned_data["kind"],
                "source": form.cleaned_data["source"],
                "file": f"{stem}{Path(main).suffix.lower()}",
                "file_name": main,
                "sheet": None,
            },
        )
        pending.save()
        names = _sheets_or_layers(pending.path)
        try:
            if len(names) <= 1:
                pending.describe()
        except ImportFileError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            form.add_error("files", str(exc))
            return render(request, self.template_name, {"form": form}, status=400)
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], folder.name]
        step = "assets:import_sheet" if len(names) > 1 else "assets:import_mapping"
        return redirect(step, token=folder.name)


def _sheets_or_layers(path: Path) -> list[str]:
    """The sheets of an Excel file or the layers with geometry of a GeoPackage; for
    other files, and for files the reader will refuse anyway, none."""
    try:
        if path.suffix == ".xlsx":
            return list_sheets(path)
        if path.suffix == ".gpkg":
            return [str(name) for name, kind in pyogrio.list_layers(path) if kind is not None]
    except (ImportFileError, pyogrio.errors.DataSourceError, OSError, ValueError):
        return []
    return []


class ImportSheetView(PendingMixin, View):
    """Step 1b: which sheet or layer of a file that has several."""

    template_name = "assets/import_sheet.html"

    def page(self, form, status=200):
        context = {"form": form, "meta": self.pending.meta, "kind": self.kind}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        return self.page(ImportSheetForm(names=_sheets_or_layers(self.pending.path)))

    def post(self, request, token):
        form = ImportSheetForm(request.POST, names=_sheets_or_layers(self.pending.path))
        if form.is_valid():
            self.pending.meta["sheet"] = form.cleaned_data["sheet"]
            try:
                self.pending.describe()
            except ImportFileError as exc:
                form.add_error("sheet", str(exc))
            else:
                return redirect("assets:import_mapping", token=token)
        return self.page(form, status=400)


class ImportMappingView(PendingMixin, View):
    """Step 2: the column mapping; sending it runs the dry run."""

    template_name = "assets/import_mapping.html"

    def form(self, data=None):
        meta = self.pending.meta
        if "columns" not in meta:  # a sheet or layer is still to be chosen
            return None
        chosen = meta.get("choice", {})
        reads_coordinates = meta["has_geometry"] or any(
            t.name in ("x", "lon") for t in self.kind.targets
        )
        form = ImportMappingForm(
            data,
            targets=self.kind.targets,
            columns=meta["columns"],
            samples=meta["samples"],
            proposal=chosen.get("mapping", meta["proposal"]),
            fixed_values=self.kind.fixed_values(),
            value_only=self.kind.value_only,
            ask_crs=self.kind.asks_crs and reads_coordinates and not meta["crs"],
            ask_crs_confirmation=bool(meta.get("dry_run", {}).get("crs_needs_confirmation")),
        )
        if "crs" in form.fields:
            form.fields["crs"].initial = chosen.get("crs") or ""
        return form

    def page(self, form, status=200):
        meta = self.pending.meta
        context = {
            "form": form,
            "meta": meta,
            "kind": self.kind,
            "token": self.pending.token,
            "samples": list(meta["samples"].items()),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, token):
        form = self.form()
        if form is None:
            return redirect("assets:import_sheet", token=token)
        return self.page(form)

    def post(self, request, token):
        form = self.form(request.POST)
        if form is None:
            return redirect("assets:import_sheet", token=token)
        if not form.is_valid():
            return self.page(form, status=400)
        meta = self.pending.meta
        meta["choice"] = {
            "mapping": form.mapping(),
            "crs": form.cleaned_data.get("crs") or None,
            "crs_confirmed": bool(form.cleaned_data.get("crs_confirmed")),
        }
        report = IMPORTERS[self.kind.code](
            path=self.pending.path, user=request.user, commit=False, **self.pending.import_options()
        )
        (self.pending.folder / "errors.json").write_text(
            json.dumps([[e.row, e.field, e.message] for e in report.errors], ensure_ascii=False)
        )
        meta["dry_run"] = {
            "run": report.run_id,
            "rows": report.rows,
            "valid": report.valid,
            "creates": report.creates,
            "updates": report.updates,
            "errors": len(report.errors),
            "file_errors": [e.message for e in report.errors if not e.row],
            "warnings": report.warnings,
            "crs": report.crs,
            "crs_needs_confirmation": report.crs_needs_confirmation,
        }
        self.pending.save()
        return redirect("assets:import_dry_run", token=token)


class ImportDryRunView(PendingMixin, View):
    """Step 3: what the import would do, and "Verwerken"."""

    template_name = "assets/import_dry_run.html"

    def get(self, request, token):
        dry_run = self.pending.meta.get("dry_run")
        if dry_run is None:
            return redirect("assets:import_mapping", token=token)
        errors = json.loads((self.pending.folder / "errors.json").read_text())
        shown = [{"row": r, "field": f, "message": m} for r, f, m in errors[:SHOWN_ERRORS]]
        return render(
            request,
            self.template_name,
            {
                "meta": self.pending.meta,
                "kind": self.kind,
                "token": token,
                "dry_run": dry_run,
                "errors": shown,
                "hidden_errors": max(len(errors) - SHOWN_ERRORS, 0),
                "refused": dry_run["rows"] - dry_run["valid"],
                "background": self.kind.in_background
                and dry_run["rows"] > settings.IMPOR_IMPORT_BACKGROUND_ROWS,
                "can_commit": dry_run["valid"] > 0
                and not dry_run["file_errors"]
                and not dry_run["crs_needs_confirmation"],
            },
        )


class ImportErrorsView(PendingMixin, View):
    """Every row error of the dry run, as a CSV file for Excel."""

    def get(self, request, token):
        errors = json.loads((self.pending.folder / "errors.json").read_text())
        columns = [
            ExportColumn(gettext("rij"), "int"),
            ExportColumn(gettext("kolom")),
            ExportColumn(gettext("melding")),
        ]
        name = safe_file_name(f"fouten-{Path(self.pending.meta['file_name']).stem}")
        return csv_response(name, columns, ([row or None, f, m] for row, f, m in errors))


class ImportCommitView(PendingMixin, View):
    """Step 4: import the file of the dry run, in the request or on the task worker."""

    def post(self, request, token):
        pending = self.pending
        dry_run = pending.meta.get("dry_run")
        checked = (
            ImportRun.objects.filter(pk=dry_run["run"], user=request.user).first()
            if dry_run
            else None
        )
        if checked is None or file_sha256(pending.path) != checked.file_sha256:
            messages.error(
                request, gettext("Deze controle is verlopen. Upload het bestand opnieuw.")
            )
            return redirect("assets:import_upload")
        only_valid = request.POST.get("only_valid") == "on"
        if dry_run["errors"] and not only_valid:
            messages.error(
                request,
                gettext(
                    "Het bestand heeft fouten. Vink aan dat IMPOR alleen de goede rijen "
                    "opslaat, of verbeter het bestand en upload het opnieuw."
                ),
            )
            return redirect("assets:import_dry_run", token=token)
        options = {**pending.import_options(), "only_valid": only_valid}
        request.session[SESSION_KEY] = [
            t for t in request.session.get(SESSION_KEY, []) if t != token
        ]
        if self.kind.in_background and dry_run["rows"] > settings.IMPOR_IMPORT_BACKGROUND_ROWS:
            run = ImportRun.objects.create(
                kind=self.kind.code,
                source=options["source"],
                status=ImportStatus.QUEUED,
                file_name=options["file_name"][:255],
                file_sha256=checked.file_sha256,
                mapping=options["mapping"],
                rows=dry_run["rows"],
                user=request.user,
            )
            import_in_background.enqueue(
                run.pk, str(pending.path), {**options, "user": request.user.pk}
            )
            return redirect("assets:import_run", pk=run.pk)
        try:
            report = IMPORTERS[self.kind.code](
                path=pending.path, user=request.user, commit=True, **options
            )
        finally:
            shutil.rmtree(pending.folder, ignore_errors=True)
        return redirect("assets:import_run", pk=report.run_id)


class ImportRunView(ImportPermissionMixin, View):
    """An import's outcome, or while it runs on the worker its progress: the fragment
    htmx polls every second, or the whole page for a browser without JavaScript."""

    def get(self, request, pk):
        run = get_object_or_404(ImportRun.objects.filter(user=request.user), pk=pk)
        context = {
            "run": run,
            "running": run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
            "step": gettext(STEP_NAMES[run.step]) if run.step in STEP_NAMES else "",
        }
        if request.headers.get("HX-Request"):
            return render(request, "assets/_import_progress.html", context)
        return render(request, "assets/import_run.html", context)
