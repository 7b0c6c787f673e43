"""Pages of scenarios (issue #19): a programme's scenarios and changes, the forms that add,
edit and delete a change, promoting a scenario, and the comparison of two or more.

Views parse the request, call `programming.scenarios` and render; the checks are the
service's, shown per field on the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from programming import pages, scenarios
from programming.forms import CompareForm, ScenarioForm
from programming.models import ChangeKind, Programme, ProgrammeFrozen, ScenarioChange
from programming.scenario_forms import (
    ChangeForm,
    ChooseScenariosForm,
    NewScenarioForm,
    work_choices,
)
from programming.selectors import adopted_baseline, moved_works
from programming.views import KPI_LABELS, PAGE_SIZE, ProgrammeMixin

#: How the page names each kind of change in its add forms.
KIND_TITLES = dict(ChangeKind.choices)


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _may_edit(user, programme: Programme) -> bool:
    return user.has_perm("programming.add_scenariochange") and not programme.is_adopted


class ScenarioView(ProgrammeMixin, TemplateView):
    """The programme's scenarios, its own changes in plain words with edit and delete,
    one add form per kind, and making a new scenario (name, settings, first change)."""

    template_name = "programming/programme_scenario.html"
    tab = "scenario"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        search = self.request.GET.get("werk", "").strip()
        forms = kwargs.pop("change_forms", {})
        works = work_choices(programme, search)
        add_forms = [
            (
                kind,
                title,
                forms.get(kind)
                or ChangeForm(kind=kind, programme=programme, works=works, prefix=kind),
            )
            for kind, title in KIND_TITLES.items()
        ]
        context.setdefault("form", ScenarioForm(source=programme))
        context.setdefault("first", NewScenarioForm())
        return context | {
            "scenarios": scenarios.scenarios_of(programme),
            "changes": scenarios.changes_with_text(programme),
            "add_forms": add_forms,
            "search": search,
            "may_edit": _may_edit(self.request.user, programme),
            "may_promote": self.request.user.has_perm("programming.change_programme")
            and programme.based_on is not None
            and not programme.based_on.is_adopted,
            "chosen_kind": kwargs.get("chosen_kind") or self.request.GET.get("soort", ""),
        }

    def post(self, request, *args, **kwargs):
        """Make a scenario of this programme (as before: name and settings), then go to
        its page at the add form of the first change chosen."""
        if not request.user.has_perm("programming.add_programme"):
            raise PermissionDenied
        form = ScenarioForm(request.POST, source=self.programme)
        first = NewScenarioForm(request.POST)
        if not (form.is_valid() and first.is_valid()):
            return self.render_to_response(
                self.get_context_data(form=form, first=first), status=400
            )
        copy = scenarios.scenario_create(
            self.programme, form.cleaned_data["name"], request.user, **form.changes()
        )
        messages.success(request, gettext("Het scenario is aangemaakt. Voeg wijzigingen toe."))
        url = reverse("programming:programme_scenario", args=[copy.pk])
        kind = first.cleaned_data["first_kind"]
        return redirect(f"{url}?soort={kind}#nieuw-{kind}" if kind else url)


class ChangeAddView(ScenarioView):
    """Add one change of the kind posted (`soort`); a bad one shows the page again with
    the errors on its form, nothing stored."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("programming.add_scenariochange"):
            raise PermissionDenied
        kind = request.POST.get("soort", "")
        if kind not in KIND_TITLES:
            messages.error(request, gettext("Kies een soort wijziging."))
            return redirect("programming:programme_scenario", pk=self.programme.pk)
        form = ChangeForm(request.POST, kind=kind, programme=self.programme, prefix=kind)
        if form.is_valid():
            try:
                scenarios.change_add(self.programme, request.user, **form.fields_for_service())
            except ProgrammeFrozen as exc:
                messages.error(request, str(exc))
                return redirect("programming:programme_scenario", pk=self.programme.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, gettext("De wijziging is toegevoegd."))
                return redirect(
                    reverse("programming:programme_scenario", args=[self.programme.pk])
                    + "#wijzigingen"
                )
        context = self.get_context_data(change_forms={kind: form}, chosen_kind=kind)
        return self.render_to_response(context, status=400)


class ChangeEditView(ProgrammeMixin, TemplateView):
    """Edit one change: the form of its kind, filled in."""

    template_name = "programming/scenario_change.html"
    permission_required = "programming.change_scenariochange"
    tab = "scenario"

    def get_change(self) -> ScenarioChange:
        return get_object_or_404(
            ScenarioChange.objects.select_related("budget_line", "team"),
            pk=self.kwargs["change"],
            programme=self.programme,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        change = kwargs.get("change_row") or self.get_change()
        form = kwargs.get("form") or ChangeForm(
            instance=change, kind=change.kind, programme=self.programme
        )
        return context | {
            "change": change,
            "text": scenarios.change_text(change),
            "form": form,
            "title": KIND_TITLES[change.kind],
        }

    def post(self, request, *args, **kwargs):
        change = self.get_change()
        form = ChangeForm(request.POST, instance=change, kind=change.kind, programme=self.programme)
        if form.is_valid():
            fields = form.fields_for_service()
            try:
                scenarios.change_update(change, request.user, **fields)
            except ProgrammeFrozen as exc:
                messages.error(request, str(exc))
                return redirect("programming:programme_scenario", pk=self.programme.pk)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, gettext("De wijziging is opgeslagen."))
                return redirect(
                    reverse("programming:programme_scenario", args=[self.programme.pk])
                    + "#wijzigingen"
                )
        change.refresh_from_db()
        return self.render_to_response(
            self.get_context_data(change_row=change, form=form), status=400
        )


class ChangeDeleteView(ProgrammeMixin, View):
    permission_required = "programming.delete_scenariochange"

    def post(self, request, *args, **kwargs):
        change = get_object_or_404(
            ScenarioChange, pk=self.kwargs["change"], programme=self.programme
        )
        try:
            scenarios.change_delete(change, request.user)
        except ProgrammeFrozen as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("De wijziging is verwijderd."))
        return redirect(
            reverse("programming:programme_scenario", args=[self.programme.pk]) + "#wijzigingen"
        )


class PromoteView(ProgrammeMixin, View):
    """Make this scenario's changes and settings its base programme's own."""

    permission_required = "programming.change_programme"

    def post(self, request, *args, **kwargs):
        try:
            base = scenarios.scenario_promote(self.programme, request.user)
        except ValueError as exc:
            messages.error(request, str(exc))
            return redirect("programming:programme_scenario", pk=self.programme.pk)
        messages.success(
            request,
            gettext("Het scenario is overgenomen in %(base)s. Bereken dat programma opnieuw.")
            % {"base": base},
        )
        return redirect("programming:programme_detail", pk=base.pk)


class CompareView(ProgrammeMixin, TemplateView):
    """This programme next to one or more others (`?met=…&met=…`): what each newly funds,
    no longer funds and moves, openings, savings, money per line and year, ambitions,
    capacity and maintenance. Without `met`, as before: one other programme (`?other=`)
    or the adopted baseline, with the KPIs side by side and the works moved."""

    template_name = "programming/programme_compare.html"
    tab = "vergelijken"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        choose = ChooseScenariosForm(
            self.request.GET if "met" in self.request.GET else None,
            programme=self.programme,
            initial={"met": list(self.programme.scenarios.values_list("pk", flat=True))},
        )
        context["choose"] = choose
        if "met" in self.request.GET:
            if not choose.is_valid():
                return context | {"columns": None}
            columns = scenarios.comparison(self.programme, list(choose.cleaned_data["met"]))
            return context | {
                "columns": columns,
                "scenario_columns": columns[1:],
                "money_rows": scenarios.money_rows(columns),
                "ambition": [c.kpis.get("ambitie_bediend") for c in columns],
            }
        form = CompareForm(self.request.GET or None, programme=self.programme)
        other = form.cleaned_data["other"] if form.is_valid() else None
        baseline = adopted_baseline(self.programme)
        if other is None:
            other = baseline
        if other is None:
            return context | {"form": form, "other": None}
        result = pages.comparison(self.programme, other)
        for row in result["kpis"]:
            row["label"] = KPI_LABELS.get(row["code"], row["code"])
        moved = Paginator(moved_works(self.programme, other), PAGE_SIZE).get_page(
            self.request.GET.get("page")
        )
        return context | {
            "form": form,
            "other": other,
            "is_baseline": baseline is not None and other.pk == baseline.pk,
            "result": result,
            "page_obj": moved,
        }
