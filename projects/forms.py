"""Forms of the project pages. Rules live on the models (`full_clean`); the forms choose
fields and widgets, and keep a partner's projects within its own organisation.

The project's rows (funding per year, roles, register entries, ambition contributions)
are inline formsets edited on the project's own page, saved with it (`impor.formsets`).
A formset only reaches the rows of the project it is bound to, so a partner editing its
own project cannot touch another project's rows.

The project and brief forms carry the version their editor started from and save only
while it is still the stored one (`impor.locking`): a change to any of the project's
rows on its page is saved as a change of the project.
"""

from django import forms
from django.forms import inlineformset_factory

from impor.formsets import SharedChoicesInlineFormSet
from impor.locking import VersionedModelForm
from impor.visibility import limit_choices, partner_of
from impor.widgets import MapDrawWidget
from projects.models import (
    AmbitionContribution,
    Funding,
    IndicatorContribution,
    Project,
    ProjectBrief,
    ProjectRole,
    RegisterEntry,
)


class ProjectForm(VersionedModelForm):
    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "description",
            "kind",
            "status",
            "certainty",
            "owner",
            "lead",
            "areas",
            "street",
            "start_year",
            "end_year",
            "shift_early",
            "shift_late",
            "scale",
            "opens_street",
            "themes",
            "cost_estimate",
            "team",
            "hours",
            "maintenance",
            "participation_level",
            "decision_level",
            "contract_form",
            "geometry",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "geometry": MapDrawWidget(),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A partner chooses among its own organisation only (`impor.visibility`), so it
        # owns its own projects and cannot hand them to someone else.
        limit_choices(self.fields, user)
        organisation = partner_of(user)
        if organisation is not None:
            self.fields["owner"].initial = organisation.pk


FundingFormSet = inlineformset_factory(
    Project,
    Funding,
    formset=SharedChoicesInlineFormSet,
    fields=["year", "budget_line", "amount", "secured"],
    extra=1,
    can_delete=True,
)

ProjectRoleFormSet = inlineformset_factory(
    Project,
    ProjectRole,
    formset=SharedChoicesInlineFormSet,
    fields=["role", "actor", "person", "from_step"],
    extra=1,
    can_delete=True,
)

RegisterEntryFormSet = inlineformset_factory(
    Project,
    RegisterEntry,
    formset=SharedChoicesInlineFormSet,
    fields=["kind", "description", "measure", "owner", "status", "likelihood", "impact"],
    widgets={
        "description": forms.Textarea(attrs={"rows": 2}),
        "measure": forms.Textarea(attrs={"rows": 2}),
    },
    extra=1,
    can_delete=True,
)

AmbitionContributionFormSet = inlineformset_factory(
    Project,
    AmbitionContribution,
    formset=SharedChoicesInlineFormSet,
    fields=["ambition", "weight", "note"],
    widgets={"note": forms.TextInput()},
    extra=1,
    can_delete=True,
)

IndicatorContributionFormSet = inlineformset_factory(
    Project,
    IndicatorContribution,
    formset=SharedChoicesInlineFormSet,
    fields=["indicator", "expected", "note"],
    widgets={"note": forms.TextInput()},
    extra=1,
    can_delete=True,
)


class ProjectBriefForm(VersionedModelForm):
    class Meta:
        model = ProjectBrief
        fields = [
            "leading_task",
            "leading_theme",
            "priority_criteria",
            "governance",
            "frames",
            "budget_frame",
            "budget_deviation_pct",
            "time_deviation_months",
            "social_paragraph",
            "participation",
            "scope_in",
            "scope_out",
            "competences",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in (*ProjectBrief.QUESTIONS, "scope_in", "scope_out", "competences")
        }
