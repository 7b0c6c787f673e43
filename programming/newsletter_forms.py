"""Forms of the village newsletter: the public sign-up and the staff's own words."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programming.models import NewsletterEdition, SubscriberKind


class SubscribeForm(forms.Form):
    """Sign up for a kern's newsletter. `website` is a honeypot: hidden from people, a
    robot that fills every field gives itself away."""

    email = forms.EmailField(label=_("E-mailadres"), max_length=254)
    name = forms.CharField(label=_("Naam"), max_length=200, required=False)
    kind = forms.ChoiceField(
        label=_("Ik meld me aan als"),
        choices=SubscriberKind.choices,
        initial=SubscriberKind.RESIDENT,
    )
    website = forms.CharField(
        label=_("Laat dit veld leeg"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


class EditionForm(forms.ModelForm):
    class Meta:
        model = NewsletterEdition
        fields = ["title", "introduction"]
        widgets = {"introduction": forms.Textarea(attrs={"rows": 6})}
