"""Forms of the project pages. Rules live on the models (`full_clean`); the forms choose
fields and widgets, and keep a partner's projects within its own organisation."""

from django import forms

from projects.models import Project, ProjectBrief
from stakeholders.models import Actor


class ProjectForm(forms.ModelForm):
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
            "participation_level",
            "decision_level",
            "contract_form",
            "geometry",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "geometry": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        organisation = getattr(user, "organisation", None)
        if organisation is not None and not organisation.is_internal:
            # A partner owns its own projects and cannot hand them to someone else.
            self.fields["owner"].queryset = Actor.objects.filter(pk=organisation.pk)
            self.fields["owner"].initial = organisation.pk


class ProjectBriefForm(forms.ModelForm):
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
