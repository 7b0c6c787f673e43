"""Pages of the Excel round-trip for partners' works (issue #6): template and upload.

A partner user (of an external organisation) works for its own organisation only: the
template holds its works and an upload always lands with it as owner. A municipal editor
chooses the external organisation.

An upload is first a dry run. The file is kept under ``VAR_DIR/partner-imports`` and the
session remembers it with the dry run's record; "Verwerken" checks that same file again
and imports it in one transaction (`projects.partner_import`).
"""

import tempfile
import time
import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView

from impor.choices import ImportStatus
from impor.exports import XLSX_CONTENT_TYPE
from impor.importing.report import file_sha256
from impor.models import ImportRun
from projects.partner_columns import SHEET
from projects.partner_import import import_partner_works
from projects.partner_template import write_template
from stakeholders.models import Actor

#: The session key of the dry run waiting for "Verwerken".
SESSION_KEY = "partner_import"
#: Uploads older than this are removed when someone uploads again.
PENDING_MAX_AGE = 24 * 3600
#: The report lists at most this many errors; the count says how many there are.
SHOWN_ERRORS = 500


def _pending_dir() -> Path:
    return Path(settings.VAR_DIR) / "partner-imports"


def _organisations():
    return Actor.objects.filter(is_internal=False).order_by("name")


class TemplateForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisatie"),
        queryset=_organisations(),
        required=False,
        empty_label=_("geen: een leeg sjabloon"),
        help_text=_("Het sjabloon bevat de werken die deze organisatie al in IMPOR heeft."),
    )


class UploadForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("organisatie"),
        queryset=_organisations(),
        help_text=_("De werken in het bestand worden werken van deze organisatie."),
    )
    file = forms.FileField(
        label=_("bestand"),
        help_text=_("Het ingevulde sjabloon, een Excel-bestand (.xlsx)."),
    )

    def __init__(self, *args, partner: Actor | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if partner is not None:
            del self.fields["organisation"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("Kies een Excel-bestand (.xlsx), zoals het sjabloon."), code="not_xlsx"
            )
        return upload


class PartnerImportPermissionMixin(PermissionRequiredMixin):
    """Delivering works means adding and changing projects; partners have both rights."""

    permission_required = ("projects.add_project", "projects.change_project")
    raise_exception = True  # logged in without the permission: 403


class PartnerTemplateView(PartnerImportPermissionMixin, View):
    """The Excel template, with the organisation's works (a partner's own, or the one a
    municipal editor chose with ``?organisation=<id>``; none: an empty template)."""

    def get(self, request):
        organisation = request.user.partner_organisation
        if organisation is None:
            form = TemplateForm(request.GET)
            if not form.is_valid():
                raise Http404(gettext("Deze organisatie bestaat niet."))
            organisation = form.cleaned_data["organisation"]
        spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
        write_template(spool, organisation)
        spool.seek(0)
        name = f"werken-{slugify(organisation.name)}" if organisation else "sjabloon-werken"
        return FileResponse(
            spool, as_attachment=True, filename=f"{name}.xlsx", content_type=XLSX_CONTENT_TYPE
        )


class PartnerImportView(PartnerImportPermissionMixin, FormView):
    """Upload a filled template; the answer is the dry run's report."""

    form_class = UploadForm
    template_name = "projects/partner_import.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.request.user.partner_organisation}

    def get_context_data(self, **kwargs):
        partner = self.request.user.partner_organisation
        return super().get_context_data(
            partner=partner,
            template_form=None if partner else TemplateForm(),
            sheet=SHEET,
            **kwargs,
        )

    def form_valid(self, form):
        organisation = self.request.user.partner_organisation or form.cleaned_data["organisation"]
        upload = form.cleaned_data["file"]
        directory = _pending_dir()
        directory.mkdir(parents=True, exist_ok=True)
        _remove_stale(directory)
        path = directory / f"{uuid.uuid4().hex}.xlsx"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        report = import_partner_works(
            path=path, organisation=organisation, user=self.request.user, file_name=upload.name
        )
        if report.ok:
            self.request.session[SESSION_KEY] = {
                "run": report.run_id,
                "file": path.name,
                "organisation": organisation.pk,
            }
        else:
            path.unlink(missing_ok=True)
        return _report_page(self.request, report, organisation)


class PartnerImportApplyView(PartnerImportPermissionMixin, View):
    """Verwerken: import the file of the dry run, all rows or none."""

    def post(self, request, run):
        pending = request.session.get(SESSION_KEY) or {}
        path = _pending_dir() / str(pending.get("file", ""))
        dry_run = (
            ImportRun.objects.filter(pk=run, user=request.user, status=ImportStatus.DRY_RUN)
            .only("file_name", "file_sha256")
            .first()
        )
        if (
            pending.get("run") != run
            or dry_run is None
            or not path.is_file()
            or file_sha256(path) != dry_run.file_sha256
        ):
            messages.error(
                request, gettext("Deze controle is verlopen. Upload het bestand opnieuw.")
            )
            return redirect("projects:partner_import")
        organisation = request.user.partner_organisation or Actor.objects.get(
            pk=pending["organisation"]
        )
        try:
            report = import_partner_works(
                path=path,
                organisation=organisation,
                user=request.user,
                file_name=dry_run.file_name,
                commit=True,
            )
        finally:
            path.unlink(missing_ok=True)
            del request.session[SESSION_KEY]
        if report.status != ImportStatus.COMMITTED:
            return _report_page(request, report, organisation)
        messages.success(
            request,
            gettext(
                "De werken van %(organisation)s zijn verwerkt: %(new)s nieuw, "
                "%(updated)s bijgewerkt, %(unchanged)s ongewijzigd."
            )
            % {
                "organisation": organisation,
                "new": report.creates,
                "updated": report.updates,
                "unchanged": report.unchanged,
            },
        )
        return redirect(reverse("projects:project_list"))


def _report_page(request, report, organisation):
    return render(
        request,
        "projects/partner_import_report.html",
        {
            "report": report,
            "organisation": organisation,
            "errors": report.errors[:SHOWN_ERRORS],
            "hidden_errors": max(len(report.errors) - SHOWN_ERRORS, 0),
            "can_apply": report.ok
            and report.status == ImportStatus.DRY_RUN
            and (report.creates or report.updates),
        },
    )


def _remove_stale(directory: Path) -> None:
    """Remove uploads whose dry run nobody applied within a day."""
    limit = time.time() - PENDING_MAX_AGE
    for path in directory.glob("*.xlsx"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
