"""The page where a user makes and revokes the API tokens of their integrations."""

from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views import View

from stakeholders.models import ApiToken


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Naam"),
        max_length=100,
        help_text=_("Waarvoor de sleutel is, bijvoorbeeld 'planningssysteem'."),
    )


class ApiTokenListView(View):
    """GET: the user's tokens and a form for a new one. POST: make one; its key is shown
    on this answer only, it is not stored."""

    template_name = "stakeholders/tokens.html"

    def render(self, request, form, key=None):
        tokens = ApiToken.objects.filter(user=request.user).select_related("organisation")
        context = {"form": form, "tokens": tokens, "new_key": key}
        return render(request, self.template_name, context)

    def get(self, request):
        return self.render(request, ApiTokenForm())

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if not form.is_valid():
            return self.render(request, form)
        _token, key = ApiToken.objects.issue(user=request.user, name=form.cleaned_data["name"])
        return self.render(request, ApiTokenForm(), key=key)


class ApiTokenRevokeView(View):
    """POST: revoke one of the user's own tokens (another user's token is not found)."""

    def post(self, request, pk):
        token = get_object_or_404(ApiToken, pk=pk, user=request.user)
        token.revoke()
        messages.success(request, _("De sleutel %(name)s is ingetrokken.") % {"name": token.name})
        return redirect("stakeholders:token_list")
