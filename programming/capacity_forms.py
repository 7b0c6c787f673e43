"""The form on a work's page that sets the programme's own hours and maintenance effect
for that work (`WorkSetting`), instead of the defaults."""

from django import forms

from programming.models import WorkSetting


class WorkSettingForm(forms.ModelForm):
    """Empty fields mean "the default"; both empty removes the setting."""

    class Meta:
        model = WorkSetting
        fields = ["hours", "maintenance", "note"]
        widgets = {"note": forms.TextInput()}
