"""Forms of the scenario page: one form per kind of change, and the choice of scenarios
to compare. The checks themselves live in `programming.scenarios` (`change_check`) and
the model (`full_clean`), so the page and the API say the same thing per field."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from programming import scenarios
from programming.choices import CriterionCode
from programming.engine.changes import PARAMETERS
from programming.models import ChangeKind, ChangeOperation, Programme, ScenarioChange
from projects.choices import Certainty
from stakeholders.models import BudgetLine, Team

#: Works offered in a change's select; the search box narrows a larger programme.
WORK_CHOICES = 200


def parameter_choices() -> list[tuple[str, str]]:
    return [(name, Programme._meta.get_field(name).verbose_name) for name in PARAMETERS]


def work_choices(programme: Programme, search: str = "") -> list[tuple[str, str]]:
    """The works a change may name, by name, at most WORK_CHOICES (one query)."""
    works = scenarios.known_works(programme)
    if search:
        works = works.filter(Q(label__icontains=search) | Q(key__icontains=search))
    rows = works.only("programme", "key", "label", "discipline", "place", "asset_count").order_by(
        "label", "key"
    )[:WORK_CHOICES]
    return [(w.key, w.name) for w in rows]


class ChangeForm(forms.ModelForm):
    """A change of one kind: only the fields that kind needs (`scenarios.NEEDS`)."""

    class Meta:
        model = ScenarioChange
        fields = scenarios.CHANGE_FIELDS
        localized_fields = ("amount", "value")

    def __init__(
        self,
        *args,
        kind: str,
        programme: Programme,
        works: list[tuple[str, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.programme = programme
        keep = (*scenarios.NEEDS[kind], "note")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        for name in scenarios.NEEDS[kind]:
            self.fields[name].required = True
        years = [(y, str(y)) for y in range(programme.first_year, programme.last_year + 1)]
        if "year" in self.fields:
            self.fields["year"] = forms.TypedChoiceField(label=_("jaar"), choices=years, coerce=int)
        if "budget_line" in self.fields:
            self.fields["budget_line"].queryset = BudgetLine.objects.order_by("name")
        if "team" in self.fields:
            self.fields["team"].queryset = Team.objects.order_by("name")
        if "operation" in self.fields:
            self.fields["operation"] = forms.ChoiceField(
                label=_("bewerking"), choices=ChangeOperation.choices
            )
        if "certainty" in self.fields:
            self.fields["certainty"] = forms.ChoiceField(
                label=_("zekerheid"), choices=Certainty.choices
            )
        if "parameter" in self.fields:
            choices = parameter_choices() if kind == ChangeKind.PARAMETER else CriterionCode.choices
            label = _("instelling") if kind == ChangeKind.PARAMETER else _("criterium")
            self.fields["parameter"] = forms.ChoiceField(label=label, choices=choices)
        if "amount" in self.fields:
            self.fields["amount"].label = (
                _("uren (negatief: eraf)")
                if kind == ChangeKind.CAPACITY
                else _("bedrag in € (negatief: eraf)")
            )
        if "work_key" in self.fields:
            choices = list(works if works is not None else work_choices(programme))
            current = self.initial.get("work_key") or self.data.get(self.add_prefix("work_key"))
            if current and current not in {key for key, _name in choices}:
                choices.insert(0, (current, current))
            self.fields["work_key"] = forms.ChoiceField(label=_("werk"), choices=choices)
        self.fields["note"].required = False
        for field in self.fields.values():
            field.label = capfirst(field.label)

    def fields_for_service(self) -> dict:
        return {"kind": self.kind, **self.cleaned_data}


class NewScenarioForm(forms.Form):
    """The optional first change when a scenario is made: a kind, and then its form."""

    first_kind = forms.ChoiceField(
        label=_("eerste wijziging (mag leeg)"),
        choices=[("", _("geen, alleen het scenario aanmaken")), *ChangeKind.choices],
        required=False,
    )


class ChooseScenariosForm(forms.Form):
    """The programmes to put next to this one (`?met=…&met=…`)."""

    met = forms.ModelMultipleChoiceField(
        label=_("vergelijk met"),
        queryset=Programme.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["met"].queryset = Programme.objects.exclude(pk=programme.pk).order_by("name")
