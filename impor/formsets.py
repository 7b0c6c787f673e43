"""A model form edited together with inline formsets, saved together or not at all.

Used by the pages that edit an object with its rows: an actor with its contacts and
process positions, a budget line with its amounts per year, a project with its funding,
roles, register entries and ambition contributions.

Every formset is a `SharedChoicesInlineFormSet`. A view mixes in `FormsetsMixin` before
`impor.object_views.ObjectEditView` and names its formsets (`formset_classes`, with a Dutch
legend each in `formset_legends`). The template renders them with
``components/form_with_formsets.html``, or the form with ``components/form.html`` and
each formset with ``components/formset.html``.
"""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property

from impor.visibility import limit_choices


class SharedChoicesInlineFormSet(BaseInlineFormSet):
    """An inline formset that reads the options of each select once for all its rows.

    Every row of a plain formset renders its selects (an actor, a budget line) from its
    own query, so the page costs one query per row per select. Here the first row's
    options are kept and given to the other rows; validation still looks the chosen value
    up in the field's queryset.

    The options are those `user` may see (`impor.visibility`): a partner is offered and
    may send only its own organisation's actors and budget lines.
    """

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    @cached_property
    def _shared_choices(self) -> dict:
        return {}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        limit_choices(form.fields, self.user)
        for name, field in form.fields.items():
            if not isinstance(field, forms.ModelChoiceField) or field.widget.is_hidden:
                continue
            if name not in self._shared_choices:
                # iter(): list() would first ask the iterator its length, a COUNT query.
                self._shared_choices[name] = list(iter(field.choices))
            field.choices = self._shared_choices[name]


class FormsetsMixin:
    """A model form with inline formsets, saved together in one transaction or not at all.

    Steps of a POST (`ObjectEditView` has set `self.object` before, None when creating):

    1. bind the form and every formset the user may edit to the posted data;
    2. when the form or any formset is invalid, show the page again with every error;
    3. else save the object, then each formset's rows against it, in one transaction, and
       go to the success URL with the view's success message (`get_success_message`).

    A formset is shown only to a user who may add, change and delete its rows (the model
    permissions of its model); the others leave those rows as they are.
    """

    formset_classes: dict = {}
    formset_legends: dict = {}

    def all_formset_classes(self) -> dict:
        """The formset classes by name; a view whose formsets depend on it overrides this
        instead of `formset_classes`."""
        return self.formset_classes

    def all_formset_legends(self) -> dict:
        """The legends by formset name (as `all_formset_classes`)."""
        return self.formset_legends

    def get_formset_classes(self) -> dict:
        user = self.request.user
        allowed = {}
        for name, formset_class in self.all_formset_classes().items():
            opts = formset_class.model._meta
            perms = [
                f"{opts.app_label}.{action}_{opts.model_name}"
                for action in ("add", "change", "delete")
            ]
            if user.has_perms(perms):
                allowed[name] = formset_class
        return allowed

    @cached_property
    def formsets(self) -> dict:
        """The formsets by name, bound to the posted data on a POST."""
        data = self.request.POST if self.request.method == "POST" else None
        files = self.request.FILES if self.request.method == "POST" else None
        instance = self.object if self.object is not None else self.model()
        return {
            name: formset_class(data, files, instance=instance, prefix=name, user=self.request.user)
            for name, formset_class in self.get_formset_classes().items()
        }

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        limit_choices(form.fields, self.request.user)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["formsets"] = self.formsets
        context["formset_list"] = [
            (self.all_formset_legends().get(name, name), formset)
            for name, formset in self.formsets.items()
        ]
        return context

    def form_valid(self, form):
        # A list, not a generator: every formset is validated, so all errors show at once.
        if not all([formset.is_valid() for formset in self.formsets.values()]):
            return self.form_invalid(form)
        with transaction.atomic():
            self.object = form.save()
            for formset in self.formsets.values():
                formset.instance = self.object
                formset.save()
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return HttpResponseRedirect(self.get_success_url())
