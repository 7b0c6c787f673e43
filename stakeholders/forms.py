"""Forms of the stakeholder pages; validation lives in the models."""

from django import forms
from django.forms import inlineformset_factory

from impor.formsets import SharedChoicesInlineFormSet
from stakeholders.models import (
    Actor,
    BudgetAmount,
    BudgetLine,
    ContactPerson,
    ProcessPosition,
)


class ActorForm(forms.ModelForm):
    # A web address typed without a scheme is read as https (Django 6's default).
    website = Actor._meta.get_field("website").formfield(assume_scheme="https")

    class Meta:
        model = Actor
        fields = [
            "name",
            "short_name",
            "is_internal",
            "kind",
            "domain",
            "parent",
            "description",
            "email",
            "phone",
            "website",
            "areas_of_interest",
        ]


ContactFormSet = inlineformset_factory(
    Actor,
    ContactPerson,
    formset=SharedChoicesInlineFormSet,
    fields=["name", "function", "email", "phone"],
    extra=1,
    can_delete=True,
)

ProcessPositionFormSet = inlineformset_factory(
    Actor,
    ProcessPosition,
    formset=SharedChoicesInlineFormSet,
    fields=["step", "now", "desired", "notes"],
    widgets={"notes": forms.TextInput()},
    extra=1,
    can_delete=True,
)


class BudgetLineForm(forms.ModelForm):
    class Meta:
        model = BudgetLine
        fields = ["code", "name", "owner", "description"]


BudgetAmountFormSet = inlineformset_factory(
    BudgetLine,
    BudgetAmount,
    formset=SharedChoicesInlineFormSet,
    fields=["year", "amount"],
    extra=2,
    can_delete=True,
)
