"""Forms of the programme pages. Validation stays in the models (`full_clean`), so a form
shows the same Dutch messages, per field, as the API and the imports."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programming.choices import CouplingDecisionStatus
from programming.models import (
    PROGRAMME_SETTINGS,
    SCENARIO_SETTINGS,
    Coupling,
    CouplingDecision,
    Programme,
)
from projects.choices import DecisionLevel


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = PROGRAMME_SETTINGS
        # Dutch users type decimal commas; years and counts stay without separators.
        localized_fields = ("coupling_overlap", "opening_cost_share", "budget_factor")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ScenarioForm(forms.ModelForm):
    """A scenario of an existing programme: a new name and the parameters to change.

    The unsaved instance is only validated here; `services.programme_copy` builds it."""

    class Meta:
        model = Programme
        fields = ("name", *SCENARIO_SETTINGS)
        localized_fields = ("budget_factor",)

    def __init__(self, *args, source: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        for name in self.fields:
            if name != "name":
                self.fields[name].initial = getattr(source, name)

    def changes(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "name"}


class CouplingDecisionForm(forms.ModelForm):
    """Accept or reject a coupling; a rejection needs a reason (the model's rule)."""

    status = forms.ChoiceField(
        label=_("besluit"),
        choices=[
            (CouplingDecisionStatus.ACCEPTED, _("accepteren")),
            (CouplingDecisionStatus.REJECTED, _("afwijzen")),
            (CouplingDecisionStatus.PROPOSED, _("terug naar voorgesteld")),
        ],
    )

    class Meta:
        model = CouplingDecision
        fields = ("status", "reason")
        widgets = {"reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, coupling: Coupling, user=None, **kwargs):
        instance = CouplingDecision.objects.filter(
            programme_id=coupling.programme_id, key=coupling.key
        ).first() or CouplingDecision(programme_id=coupling.programme_id, key=coupling.key)
        super().__init__(*args, instance=instance, **kwargs)
        self.instance.decided_by = user


class AdoptForm(forms.Form):
    adopted_on = forms.DateField(
        label=_("vastgesteld op"), widget=forms.DateInput(attrs={"type": "date"})
    )
    adopted_by = forms.ChoiceField(label=_("vastgesteld door"), choices=DecisionLevel.choices)


class CompareForm(forms.Form):
    other = forms.ModelChoiceField(
        label=_("vergelijk met"), queryset=Programme.objects.none(), to_field_name="pk"
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].queryset = Programme.objects.exclude(pk=programme.pk).order_by("name")
