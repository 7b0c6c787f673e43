"""The pages of the realisation of works (issue #20 §1, docs/realisation.md): the
programme's tab "Realisatie" (every work with its status, actual dates and actual against
planned cost) and, on a work's page, the block that shows and edits its realisation
(`programming.templatetags.realisation`), saved here through
`programming.realisation.realisation_save` (with the assets the work removed) and
`register_update`."""

import tempfile
from pathlib import Path

import django_filters
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from impor.choices import ImportStatus
from programming import pages
from programming.filtersets import WorkFilterSet
from programming.models import Realisation, RealisationStatus
from programming.realisation import (
    programme_rows,
    realisation_save,
    register_update,
    removable_assets,
    resolve_key,
)
from programming.realisation_forms import (
    ActualCostFormSet,
    ActualsImportForm,
    RealisationForm,
    RemovedAssetsForm,
    cost_rows,
)
from programming.realisation_import import import_actuals
from programming.views import ProgrammeMixin

#: The filter value of works without a realisation.
NONE = "geen"
#: Works per page of the list.
PAGE_SIZE = 50
#: Row errors an import's report page lists (all of them are in its log).
SHOWN_ERRORS = 50


class RealisationWorkFilterSet(WorkFilterSet):
    """The programme's works (`WorkFilterSet`: year, area, kind) and their realisation."""

    realisatie = django_filters.ChoiceFilter(
        choices=[*RealisationStatus.choices, (NONE, _("nog niets vastgelegd"))],
        method="filter_status",
        label=_("realisatie"),
        empty_label=_("alle"),
    )

    def filter_status(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(realisation_status__isnull=True)
        return queryset.filter(realisation_status=value)


def may_record(user) -> bool:
    """Whether the user may record realisations on the pages."""
    return user.has_perm("programming.add_realisation") and user.has_perm(
        "programming.change_realisation"
    )


def may_remove(user) -> bool:
    """Whether the user may mark assets a finished work removed (and so delete them)."""
    return may_record(user) and user.has_perm("assets.delete_asset")


def removal_form(user, key: str, data=None) -> RemovedAssetsForm | None:
    """The form of the assets the work `key` removed, for who may remove them."""
    if not may_remove(user):
        return None
    return RemovedAssetsForm(data, assets=removable_assets(resolve_key(key)))


class RealisationListView(ProgrammeMixin, TemplateView):
    """The programme's works with their realisation, filtered and paged; the number of
    works per status above. Same permission as the other programme tabs (partners: 403)."""

    template_name = "programming/realisation_list.html"
    tab = "realisatie"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = programme_rows(self.programme, self.request.user)
        works = RealisationWorkFilterSet(self.request.GET, queryset=rows, request=self.request)
        page = Paginator(works.qs, PAGE_SIZE).get_page(self.request.GET.get("page"))
        labels = dict(RealisationStatus.choices)
        for work in page:
            work.realisation_label = labels.get(work.realisation_status, "")
            work.variance = work.actual_cost - work.cost
        counts = {
            row["realisation_status"]: row["n"]
            for row in rows.order_by().values("realisation_status").annotate(n=Count("pk"))
        }
        summary = [(label, counts.get(value, 0)) for value, label in RealisationStatus.choices]
        summary.append((gettext("nog niets vastgelegd"), counts.get(None, 0)))
        return context | {
            "page_obj": page,
            "filter": works,
            "summary": summary,
            "may_record": may_record(self.request.user),
        }


class RealisationEditView(ProgrammeMixin, View):
    """POST the realisation of one work (its form and costs formset on the work page)
    and go back to the work page with what happened or what was refused."""

    def has_permission(self):
        return super().has_permission() and may_record(self.request.user)

    def post(self, request, *args, **kwargs):
        work = get_object_or_404(
            pages.works_visible_to(request.user, self.programme), pk=kwargs["work"]
        )
        back = redirect("programming:programme_work", pk=self.programme.pk, work=work.pk)
        instance = Realisation.objects.filter(key=work.key).first() or Realisation(key=work.key)
        form = RealisationForm(request.POST, instance=instance)
        formset = ActualCostFormSet(
            request.POST, instance=instance, prefix="costs", user=request.user
        )
        removal = removal_form(request.user, work.key, request.POST)
        if removal is not None and not removal.is_valid():
            _report(request, removal.errors, removal)
            return back
        removed = (
            [asset.pk for asset in removal.cleaned_data["removed_assets"]] if removal else None
        )
        if not (form.is_valid() and formset.is_valid()):
            _report(request, form.errors, form)
            for number, errors in enumerate(formset.errors, 1):
                _report(request, errors, formset.forms[number - 1], row=number)
            for error in formset.non_form_errors():
                messages.error(request, error)
            return back
        try:
            with transaction.atomic():
                _realisation, updated = realisation_save(
                    key=work.key,
                    user=request.user,
                    costs=cost_rows(formset),
                    source="pagina",
                    removed_assets=removed,
                    **{name: form.cleaned_data[name] for name in form.Meta.fields},
                )
        except ValidationError as exc:
            _report(request, exc.message_dict, form)
            return back
        messages.success(request, gettext("De realisatie is opgeslagen."))
        if updated is not None:
            messages.success(request, _register_message(updated))
        if removed:
            messages.success(
                request,
                gettext(
                    "%(count)s objecten uit het beheerregister verwijderd; hun geschiedenis "
                    "blijft bewaard."
                )
                % {"count": len(removed)},
            )
        return back


class RegisterUpdateView(ProgrammeMixin, View):
    """POST: update the asset register for a finished work whose register was not
    updated yet (the demo's finished works, or a finish recorded without it)."""

    def has_permission(self):
        return (
            super().has_permission()
            and may_record(self.request.user)
            and self.request.user.has_perm("assets.change_asset")
        )

    def post(self, request, *args, **kwargs):
        work = get_object_or_404(
            pages.works_visible_to(request.user, self.programme), pk=kwargs["work"]
        )
        realisation = get_object_or_404(Realisation.objects.visible_to(request.user), key=work.key)
        try:
            with transaction.atomic():
                updated = register_update(realisation, user=request.user)
        except ValidationError as exc:
            _report(request, exc.message_dict, None)
        else:
            messages.success(request, _register_message(updated))
        return redirect("programming:programme_work", pk=self.programme.pk, work=work.pk)


class ActualsImportView(ProgrammeMixin, TemplateView):
    """Upload the financial system's export: checked, and stored when "alleen
    controleren" is unticked and the file has no errors (`realisation_import`). The file
    is read in the request and removed after it; the report is the import kit's page."""

    template_name = "programming/realisation_import.html"
    tab = "realisatie"

    def has_permission(self):
        return super().has_permission() and may_record(self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {
            "form": kwargs.get("form") or ActualsImportForm()
        }

    def post(self, request, *args, **kwargs):
        form = ActualsImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory) / f"export{Path(upload.name).suffix.lower()}"
            with path.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            report = import_actuals(
                path=path,
                user=request.user,
                file_name=upload.name,
                commit=not form.cleaned_data["dry_run"],
            )
        context = self.get_context_data(form=form) | {
            "report": report,
            "errors": report.errors[:SHOWN_ERRORS],
            "hidden_errors": max(len(report.errors) - SHOWN_ERRORS, 0),
            "stored": report.status == ImportStatus.COMMITTED,
        }
        return render(request, "programming/realisation_import_report.html", context)


def _register_message(updated: int) -> str:
    return gettext(
        "Beheerregister bijgewerkt: %(count)s vervangen objecten hebben het nieuwe aanlegjaar "
        "en conditie 1."
    ) % {"count": updated}


def _report(request, errors: dict, form, row: int | None = None) -> None:
    """Each error as a message naming its field (and row of the costs)."""
    for name, messages_ in errors.items():
        field = form.fields.get(name) if form is not None else None
        label = (
            field.label
            if field is not None
            else {
                "costs": gettext("werkelijke kosten"),
                "key": gettext("werksleutel"),
                "removed_assets": gettext("verwijderde objecten"),
            }.get(name, "")
        )
        for message in messages_:
            prefix = f"{label}: " if label else ""
            if row is not None:
                prefix = gettext("Kosten rij %(row)s, ") % {"row": row} + prefix
            messages.error(request, f"{prefix}{message}")
