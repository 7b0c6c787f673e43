"""Pages of the stakeholders: actors and the process matrix, themes, ambitions with their
indicators, and budget lines with their annual amounts."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Prefetch, Sum
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from impor.formsets import FormsetsMixin
from impor.lists import Column
from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView
from stakeholders.choices import ActorKind, Domain, Involvement, ProcessStep
from stakeholders.filters import (
    ActorFilterSet,
    AmbitionFilterSet,
    BudgetLineFilterSet,
    ThemeFilterSet,
)
from stakeholders.forms import (
    ActorForm,
    BudgetAmountFormSet,
    BudgetLineForm,
    ContactFormSet,
    ProcessPositionFormSet,
)
from stakeholders.models import Actor, Ambition, BudgetLine, Indicator, ProcessPosition, Theme

YES_NO = {True: _("ja"), False: _("nee")}
#: How far an involvement reaches, to show whether an actor wants more or less of a step.
INVOLVEMENT_RANK = {value: rank for rank, value in enumerate(Involvement.values)}


# --- actors ----------------------------------------------------------------------------


class ActorListView(ObjectListView):
    queryset = Actor.objects.annotate(contact_count=Count("contacts"))
    filterset_class = ActorFilterSet
    default_sort = "name"
    export_name = "actoren"
    columns = (
        Column("name", _("naam")),
        Column("short_name", _("afkorting")),
        Column("is_internal", _("gemeentelijk"), choices=YES_NO),
        Column("kind", _("soort"), choices=dict(ActorKind.choices)),
        Column("domain", _("domein"), choices=dict(Domain.choices)),
        Column("email", _("e-mailadres"), sortable=False),
        Column("contact_count", _("contactpersonen"), kind="int"),
    )


class ActorDetailView(ObjectDetailView):
    queryset = Actor.objects.select_related("parent").prefetch_related(
        "contacts",
        "areas_of_interest",
        "budget_lines",
        "ambitions",
        "units",
        Prefetch("process_positions", queryset=ProcessPosition.objects.order_by()),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        positions = {p.step: p for p in self.object.process_positions.all()}
        context["positions"] = [(label, positions.get(step)) for step, label in ProcessStep.choices]
        return context


class ActorEditView(FormsetsMixin, ObjectEditView):
    """A new actor or an actor's changes, with its contacts and process positions."""

    model = Actor
    form_class = ActorForm
    detail_url = "stakeholders:actor_detail"
    formset_classes = {"contacts": ContactFormSet, "positions": ProcessPositionFormSet}
    formset_legends = {"contacts": _("Contactpersonen"), "positions": _("Positie in het proces")}
    success_message = _("De wijzigingen zijn opgeslagen.")


class ProcessMatrixView(PermissionRequiredMixin, TemplateView):
    """Actors × process steps: where each actor stands now and where it wants to be.

    The matrix of the Dalfsen beeldvormingssessie: one row per actor, one column per step,
    each cell the position now and the desired one, marked when the actor wants more or
    less involvement.
    """

    permission_required = "stakeholders.view_processposition"
    raise_exception = True
    template_name = "stakeholders/process_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        internal = self.request.GET.get("gemeentelijk")
        actors = Actor.objects.prefetch_related(
            Prefetch("process_positions", queryset=ProcessPosition.objects.order_by())
        ).order_by("-is_internal", "name")
        if internal in ("ja", "nee"):
            actors = actors.filter(is_internal=internal == "ja")
        labels = dict(Involvement.choices)
        rows = []
        for actor in actors:
            by_step = {p.step: p for p in actor.process_positions.all()}
            cells = []
            for step in ProcessStep.values:
                position = by_step.get(step)
                if position is None:
                    cells.append(None)
                    continue
                change = INVOLVEMENT_RANK[position.desired] - INVOLVEMENT_RANK[position.now]
                cells.append(
                    {
                        "now": labels[position.now],
                        "desired": labels[position.desired],
                        "change": "meer" if change > 0 else "minder" if change < 0 else "",
                        "notes": position.notes,
                    }
                )
            rows.append({"actor": actor, "cells": cells})
        context["steps"] = ProcessStep.choices
        context["rows"] = rows
        context["internal"] = internal or ""
        return context


# --- themes and ambitions --------------------------------------------------------------


class ThemeListView(ObjectListView):
    queryset = Theme.objects.annotate(
        ambition_count=Count("ambitions", distinct=True),
        task_count=Count("area_tasks", distinct=True),
    )
    filterset_class = ThemeFilterSet
    default_sort = "name"
    export_name = "themas"
    columns = (
        Column("name", _("naam")),
        Column("code", _("code")),
        Column("ambition_count", _("ambities"), kind="int"),
        Column("task_count", _("gebiedsopgaven"), kind="int"),
    )


class ThemeDetailView(ObjectDetailView):
    queryset = Theme.objects.prefetch_related("ambitions__owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = self.object.area_tasks.select_related("area", "owner").order_by(
            "-priority", "title"
        )
        return context


class AmbitionListView(ObjectListView):
    queryset = Ambition.objects.select_related("owner").annotate(
        indicator_count=Count("indicators")
    )
    filterset_class = AmbitionFilterSet
    default_sort = "code"
    export_name = "ambities"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("owner__name", _("eigenaar")),
        Column("horizon_year", _("horizonjaar"), kind="year"),
        Column("indicator_count", _("indicatoren"), kind="int"),
    )


class AmbitionDetailView(ObjectDetailView):
    """An ambition with its indicators: baseline, target and every measurement."""

    queryset = Ambition.objects.select_related("owner").prefetch_related(
        "themes",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("name").prefetch_related("measurements"),
        ),
    )


# --- budget lines ----------------------------------------------------------------------


class BudgetLineListView(ObjectListView):
    queryset = BudgetLine.objects.select_related("owner").annotate(
        year_count=Count("amounts"), total=Sum("amounts__amount")
    )
    filterset_class = BudgetLineFilterSet
    default_sort = "code"
    export_name = "budgetregels"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("owner__name", _("eigenaar")),
        Column("year_count", _("jaren"), kind="int"),
        Column("total", _("totaal (€)"), kind="money"),
    )


class BudgetLineDetailView(ObjectDetailView):
    queryset = BudgetLine.objects.select_related("owner").prefetch_related(
        "amounts", "asset_classes"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        amounts = list(self.object.amounts.all())
        context["amounts"] = amounts
        context["total"] = sum(a.amount for a in amounts)
        return context


class BudgetLineEditView(FormsetsMixin, ObjectEditView):
    """A new budget line or a budget line's changes, with its amounts per year."""

    model = BudgetLine
    form_class = BudgetLineForm
    detail_url = "stakeholders:budgetline_detail"
    formset_classes = {"amounts": BudgetAmountFormSet}
    formset_legends = {"amounts": _("Bedragen per jaar")}
    success_message = _("De wijzigingen zijn opgeslagen.")
