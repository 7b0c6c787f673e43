"""Project pages: the register (list, detail, create, edit) and the project brief.

Partner users (of an external organisation) see and edit only their own organisation's
projects: every page starts from `Project.objects.visible_to` (the object views of
`impor.object_views` apply it; the brief form through `selectors.projects_visible_to`),
so another partner's project is simply not found (404).
"""

from collections import defaultdict

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from impor.formsets import FormsetsMixin
from impor.lists import Column
from impor.locking import RefuseEditConflictsMixin
from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView
from projects import selectors
from projects.choices import ProjectKind, ProjectStatus, RegisterKind
from projects.filters import ProjectFilterSet
from projects.forms import (
    AmbitionContributionFormSet,
    FundingFormSet,
    IndicatorContributionFormSet,
    ProjectBriefForm,
    ProjectForm,
    ProjectRoleFormSet,
    RegisterEntryFormSet,
)
from projects.models import Funding, Project, ProjectBrief


class ProjectListView(ObjectListView):
    model = Project
    filterset_class = ProjectFilterSet
    export_name = "projecten"
    default_sort = "start_year"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("kind", _("projecttype"), choices=dict(ProjectKind.choices)),
        Column("status", _("fase"), choices=dict(ProjectStatus.choices)),
        Column("owner__name", _("eigenaar")),
        Column("start_year", _("startjaar"), kind="year", order_by=("start_year", "code")),
        Column("end_year", _("eindjaar"), kind="year"),
        Column("cost_estimate", _("kostenraming"), kind="money"),
    )

    def get_queryset(self):
        return super().get_queryset().select_related("owner")


class ProjectDetailView(ObjectDetailView):
    model = Project
    context_object_name = "project"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner", "lead", "brief", "team")
            .prefetch_related(
                "areas",
                "themes",
                "contributions__ambition",
                "indicator_contributions__indicator",
                Prefetch("fundings", Funding.objects.select_related("budget_line")),
                "roles__actor",
                "register__owner",
            )
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        context["funding"] = funding_table(list(project.fundings.all()))
        register = defaultdict(list)
        for entry in project.register.all():
            register[entry.kind].append(entry)
        context["register"] = [(label, register[value]) for value, label in RegisterKind.choices]
        context["assets"] = project.assets.select_related("asset_class").order_by(
            "asset_class__name", "street"
        )[:200]
        context["asset_count"] = project.assets.count()
        context["brief"] = getattr(project, "brief", None)
        return context


def funding_table(fundings: list[Funding]) -> dict:
    """Funding as a table: one row per budget line, one column per year, with totals."""
    years = sorted({f.year for f in fundings})
    lines: dict = {}
    for funding in fundings:
        row = lines.setdefault(funding.budget_line, {})
        row[funding.year] = funding
    rows = [
        (line, [cells.get(y) for y in years], sum(f.amount for f in cells.values()))
        for line, cells in sorted(lines.items(), key=lambda item: item[0].name)
    ]
    totals = [sum(f.amount for f in fundings if f.year == y) for y in years]
    return {
        "years": years,
        "rows": rows,
        "totals": totals,
        "total": sum(f.amount for f in fundings),
        "secured": sum(f.amount for f in fundings if f.secured),
    }


class ProjectEditView(RefuseEditConflictsMixin, FormsetsMixin, ObjectEditView):
    """The project with its funding, roles, register and ambitions, saved in one go; an
    edit is refused when someone saved the project after the editor began."""

    model = Project
    form_class = ProjectForm
    detail_url = "projects:project_detail"
    success_message = _("Het project is opgeslagen.")
    created_message = _("Het project is aangemaakt.")
    conflict_subject = _("dit project")
    formset_classes = {
        "fundings": FundingFormSet,
        "roles": ProjectRoleFormSet,
        "register": RegisterEntryFormSet,
        "contributions": AmbitionContributionFormSet,
        "indicator_contributions": IndicatorContributionFormSet,
    }
    formset_legends = {
        "fundings": _("Dekking per jaar"),
        "roles": _("Rollen"),
        "register": _("Kansen, risico's, succesfactoren en randvoorwaarden"),
        "contributions": _("Bijdragen aan ambities"),
        "indicator_contributions": _("Verwachte bijdragen aan indicatoren"),
    }

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}


class ProjectBriefUpdateView(RefuseEditConflictsMixin, ObjectEditView):
    """The brief's form; a project without a brief gets an empty one on first save.
    Refused when someone saved the brief after the editor began."""

    model = ProjectBrief
    form_class = ProjectBriefForm
    template_name = "projects/brief_form.html"
    success_message = _("De projectopdracht is opgeslagen.")
    conflict_subject = _("deze projectopdracht")

    def get_object(self, queryset=None):
        self.project = get_object_or_404(
            selectors.projects_visible_to(self.request.user), pk=self.kwargs["pk"]
        )
        try:
            return self.project.brief
        except ProjectBrief.DoesNotExist:
            return ProjectBrief(project=self.project)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "project": self.project}

    def get_success_url(self) -> str:
        return reverse("projects:brief_detail", args=[self.project.pk])


class ProjectBriefDetailView(ObjectDetailView):
    """The brief to read and print, with its completeness. The test against the programme
    (``?toets=1``) is added by `programming.briefs.views.ProjectBriefCheckView`, which
    serves this page."""

    model = Project
    template_name = "projects/brief_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("owner", "lead", "brief", "brief__leading_theme")
            .prefetch_related("areas", "roles__actor")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["brief"] = getattr(self.object, "brief", None)
        return context
