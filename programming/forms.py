"""Forms of the programme pages. Validation stays in the models (`full_clean`), so a form
shows the same Dutch messages, per field, as the API and the imports."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from programming import services
from programming.choices import CouplingDecisionStatus
from programming.couplings import party_key
from programming.models import (
    PROGRAMME_SETTINGS,
    SCENARIO_SETTINGS,
    Coupling,
    CouplingCostSharing,
    CouplingDecision,
    CouplingResponse,
    Programme,
    ReservationKind,
)
from projects.choices import DecisionLevel


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = PROGRAMME_SETTINGS
        # Dutch users type decimal commas; years and counts stay without separators.
        localized_fields = ("coupling_overlap", "opening_cost_share", "budget_factor")
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        framework = self.fields["framework"]
        framework.required = False
        framework.empty_label = _("Standaard: %(name)s") % {"name": services.DEFAULT_FRAMEWORK_NAME}
        framework.help_text = _(
            "Leeg laten: het standaard afwegingskader, met de gewichten van IMPOR. U kunt "
            "ze later aanpassen."
        )

    def clean_framework(self):
        return self.cleaned_data["framework"] or services.default_framework()


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


class CostSharingForm(forms.ModelForm):
    """The split rule and the shared cost items of a coupling; an empty item keeps the
    default from the members. One amount field per party for the rule `afspraak`."""

    class Meta:
        model = CouplingCostSharing
        fields = ("rule", "traffic_plan", "excavation", "reinstatement", "surface")
        localized_fields = ("traffic_plan", "excavation", "reinstatement", "surface")

    def __init__(self, *args, parties: list[tuple[int | None, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.parties = [(party_key(pk), name) for pk, name in parties]
        agreed = self.instance.agreed or {}
        for key, name in self.parties:
            self.fields[f"agreed_{key}"] = forms.DecimalField(
                label=_("afgesproken bedrag %(party)s (€)") % {"party": name},
                required=False,
                min_value=0,
                decimal_places=2,
                localize=True,
                initial=agreed.get(key),
            )

    def items(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "rule"}

    def agreed(self) -> dict[str, object]:
        return {
            key: self.cleaned_data[f"agreed_{key}"]
            for key, _name in self.parties
            if self.cleaned_data.get(f"agreed_{key}") is not None
        }


class ReservationForm(forms.Form):
    """Ride along: what a party lays in the open trench. A municipal user picks one of the
    coupling's parties or, left empty, its own department; a partner always reserves for
    its own organisation."""

    kind = forms.ChoiceField(label=_("soort"), choices=ReservationKind.choices)
    length = forms.DecimalField(
        label=_("lengte (m)"), min_value=Decimal("0.1"), decimal_places=1, localize=True
    )
    note = forms.CharField(
        label=_("toelichting"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, parties: list[tuple[int | None, str]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if parties:
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("voor organisatie"),
                choices=[
                    ("", _("mijn eigen afdeling")),
                    *((pk, name) for pk, name in parties if pk is not None),
                ],
                coerce=int,
                required=False,
                empty_value=None,
            )


class ResponseForm(forms.ModelForm):
    """A partner's answer to a coupling for its own part."""

    class Meta:
        model = CouplingResponse
        fields = ("answer", "comment")
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}
