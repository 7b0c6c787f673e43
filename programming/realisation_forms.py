"""The form of a work's realisation on the work page: status, dates, reason and the
coupling it was carried out in, with its actual costs per budget line and year as an
inline formset. The page validates both here and writes through
`programming.realisation.realisation_save`, which holds the rules (closed lines, finish
after start) for the API and the import too."""

from django import forms
from django.forms.models import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from impor.formsets import SharedChoicesInlineFormSet
from programming.models import ActualCost, Realisation
from programming.realisation import FIELDS, REMOVABLE_LIMIT, CostRow


class RealisationForm(forms.ModelForm):
    class Meta:
        model = Realisation
        fields = list(FIELDS)
        widgets = {
            "actual_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual_finish": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self) -> None:
        """The key is the page's, not the form's: `realisation_save` finds the row by it."""


ActualCostFormSet = inlineformset_factory(
    Realisation,
    ActualCost,
    formset=SharedChoicesInlineFormSet,
    fields=["budget_line", "year", "amount", "reason"],
    widgets={"reason": forms.TextInput()},
    extra=2,
    can_delete=True,
)


def cost_rows(formset) -> list[CostRow]:
    """The costs a valid formset keeps (rows filled in and not marked for deletion)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("budget_line") is None:
            continue
        rows.append(
            CostRow(data["budget_line"], data["year"], data["amount"], data.get("reason") or "")
        )
    return rows


class AssetChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return " · ".join(
            part for part in (obj.external_id, obj.asset_class.name, obj.street) if part
        )


class RemovedAssetsForm(forms.Form):
    """The assets of the work's scope the finished work removed (ticked: deleted from the
    register, kept in their history). Offers at most `REMOVABLE_LIMIT` of them; `total`
    says how many the work has, so the page can say when the list is cut off."""

    removed_assets = AssetChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Verwijderde objecten"),
        help_text=_(
            "Vink de objecten aan die het werk heeft verwijderd. Ze verdwijnen uit het "
            "beheerregister; hun geschiedenis blijft bewaard. Dit kan alleen bij een gereed "
            "werk."
        ),
        error_messages={
            "invalid_choice": _("Object %(value)s hoort niet bij dit werk."),
            "invalid_pk_value": _("Object %(pk)s hoort niet bij dit werk."),
        },
    )

    def __init__(self, *args, assets, **kwargs):
        super().__init__(*args, **kwargs)
        self.total = assets.count()
        ids = list(assets.values_list("pk", flat=True)[:REMOVABLE_LIMIT])
        self.fields["removed_assets"].queryset = assets.filter(pk__in=ids)
        self.limited = self.total > REMOVABLE_LIMIT


class ActualsImportForm(forms.Form):
    """The financial system's export to import, as a dry run unless unticked."""

    file = forms.FileField(
        label=_("Export van het financiële systeem"),
        help_text=_(
            "CSV of Excel (.xlsx) met de kolommen code, budgetregel, jaar, bedrag en "
            "eventueel reden."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Alleen controleren (proefimport): nog niets opslaan"), required=False, initial=True
    )
