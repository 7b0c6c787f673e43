"""Pages of the stakeholders: actors and the process matrix, themes, ambitions with their
indicators, and budget lines with their annual amounts."""

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, Prefetch, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DetailView, TemplateView, UpdateView

from impor.formsets import FormsetsMixin
from impor.lists import Column, FilteredListView
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


class ViewPermissionMixin(PermissionRequiredMixin):
    raise_exception = True


# --- actors ----------------------------------------------------------------------------


class ActorListView(FilteredListView):
    model = Actor
    filterset_class = ActorFilterSet
    permission_required = "stakeholders.view_actor"
    template_name = "stakeholders/actor_list.html"
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

    def get_queryset(self):
        queryset = Actor.objects.annotate(contact_count=Count("contacts"))
        return queryset.order_by(*self.get_ordering())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("stakeholders.add_actor")
        return context


class ActorDetailView(ViewPermissionMixin, DetailView):
    permission_required = "stakeholders.view_actor"
    template_name = "stakeholders/actor_detail.html"
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
        context["can_change"] = self.request.user.has_perm("stakeholders.change_actor")
        return context


class ActorFormMixin(FormsetsMixin, ViewPermissionMixin):
    model = Actor
    form_class = ActorForm
    template_name = "stakeholders/actor_form.html"
    formset_classes = {"contacts": ContactFormSet, "positions": ProcessPositionFormSet}
    formset_legends = {"contacts": _("Contactpersonen"), "positions": _("Positie in het proces")}
    success_message = _("De wijzigingen zijn opgeslagen.")

    def get_success_url(self) -> str:
        return reverse("stakeholders:actor_detail", args=[self.object.pk])


class ActorCreateView(ActorFormMixin, CreateView):
    permission_required = "stakeholders.add_actor"


class ActorUpdateView(ActorFormMixin, UpdateView):
    permission_required = "stakeholders.change_actor"


class ProcessMatrixView(ViewPermissionMixin, TemplateView):
    """Actors × process steps: where each actor stands now and where it wants to be.

    The matrix of the Dalfsen beeldvormingssessie: one row per actor, one column per step,
    each cell the position now and the desired one, marked when the actor wants more or
    less involvement.
    """

    permission_required = "stakeholders.view_processposition"
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


class ThemeListView(FilteredListView):
    model = Theme
    filterset_class = ThemeFilterSet
    permission_required = "stakeholders.view_theme"
    template_name = "stakeholders/theme_list.html"
    default_sort = "name"
    export_name = "themas"
    columns = (
        Column("name", _("naam")),
        Column("code", _("code")),
        Column("ambition_count", _("ambities"), kind="int"),
        Column("task_count", _("gebiedsopgaven"), kind="int"),
    )

    def get_queryset(self):
        queryset = Theme.objects.annotate(
            ambition_count=Count("ambitions", distinct=True),
            task_count=Count("area_tasks", distinct=True),
        )
        return queryset.order_by(*self.get_ordering())


class ThemeDetailView(ViewPermissionMixin, DetailView):
    permission_required = "stakeholders.view_theme"
    template_name = "stakeholders/theme_detail.html"
    queryset = Theme.objects.prefetch_related("ambitions__owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = self.object.area_tasks.select_related("area", "owner").order_by(
            "-priority", "title"
        )
        return context


class AmbitionListView(FilteredListView):
    model = Ambition
    filterset_class = AmbitionFilterSet
    permission_required = "stakeholders.view_ambition"
    template_name = "stakeholders/ambition_list.html"
    default_sort = "code"
    export_name = "ambities"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("owner__name", _("eigenaar")),
        Column("horizon_year", _("horizonjaar"), kind="year"),
        Column("indicator_count", _("indicatoren"), kind="int"),
    )

    def get_queryset(self):
        queryset = Ambition.objects.select_related("owner").annotate(
            indicator_count=Count("indicators")
        )
        return queryset.order_by(*self.get_ordering())


class AmbitionDetailView(ViewPermissionMixin, DetailView):
    """An ambition with its indicators: baseline, target and every measurement."""

    permission_required = "stakeholders.view_ambition"
    template_name = "stakeholders/ambition_detail.html"
    queryset = Ambition.objects.select_related("owner").prefetch_related(
        "themes",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("name").prefetch_related("measurements"),
        ),
    )


# --- budget lines ----------------------------------------------------------------------


class BudgetLineListView(FilteredListView):
    model = BudgetLine
    filterset_class = BudgetLineFilterSet
    permission_required = "stakeholders.view_budgetline"
    template_name = "stakeholders/budgetline_list.html"
    default_sort = "code"
    export_name = "budgetregels"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("owner__name", _("eigenaar")),
        Column("year_count", _("jaren"), kind="int"),
        Column("total", _("totaal (€)"), kind="money"),
    )

    def get_queryset(self):
        queryset = BudgetLine.objects.select_related("owner").annotate(
            year_count=Count("amounts"), total=Sum("amounts__amount")
        )
        return queryset.order_by(*self.get_ordering())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("stakeholders.add_budgetline")
        return context


class BudgetLineDetailView(ViewPermissionMixin, DetailView):
    permission_required = "stakeholders.view_budgetline"
    template_name = "stakeholders/budgetline_detail.html"
    queryset = BudgetLine.objects.select_related("owner").prefetch_related(
        "amounts", "asset_classes"
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        amounts = list(self.object.amounts.all())
        context["amounts"] = amounts
        context["total"] = sum(a.amount for a in amounts)
        context["can_change"] = self.request.user.has_perm("stakeholders.change_budgetline")
        return context


class BudgetLineFormMixin(FormsetsMixin, ViewPermissionMixin):
    model = BudgetLine
    form_class = BudgetLineForm
    template_name = "stakeholders/budgetline_form.html"
    formset_classes = {"amounts": BudgetAmountFormSet}
    formset_legends = {"amounts": _("Bedragen per jaar")}
    success_message = _("De wijzigingen zijn opgeslagen.")

    def get_success_url(self) -> str:
        return reverse("stakeholders:budgetline_detail", args=[self.object.pk])


class BudgetLineCreateView(BudgetLineFormMixin, CreateView):
    permission_required = "stakeholders.add_budgetline"


class BudgetLineUpdateView(BudgetLineFormMixin, UpdateView):
    permission_required = "stakeholders.change_budgetline"
