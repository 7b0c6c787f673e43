"""The object pages of every register, in the NetBox manner: a list, a detail page and
one page that creates or edits. An app's view declares what differs — model or queryset,
filterset and columns, form and formsets, template — and the kit does the rest::

    class ActorListView(ObjectListView):
        model = Actor
        filterset_class = ActorFilterSet
        columns = (Column("name", _("naam")), …)
        default_sort = "name"
        export_name = "actoren"

    class ActorDetailView(ObjectDetailView):
        queryset = Actor.objects.prefetch_related("contacts")

    class ActorEditView(FormsetsMixin, ObjectEditView):   # create and update
        model = Actor
        form_class = ActorForm
        formset_classes = {"contacts": ContactFormSet}

What every view does the same way:

- **Permission**: the model permission of the page (`view_`, `add_` or `change_` plus
  the model's name) unless the view names another in `permission_required`; a logged-in
  user without it gets 403, not the login page again.
- **Visibility**: the rows come from the model's ``visible_to(user)`` when it has one
  (`impor.visibility`), so an object the user may not see is not found (404) and is in
  no list or export.
- **Templates**: Django's names, ``<app>/<model>_list.html``, ``_detail.html`` and
  ``_form.html``; each extends ``impor/object_list.html``, ``impor/object_detail.html``
  or ``impor/object_form.html`` and fills its blocks.
- **Context**: ``can_add`` on a list; ``can_change``, ``update_url`` and
  ``history_url`` on a detail page; on all three the model's ``verbose_name`` and
  ``verbose_name_plural`` and ``list_url``. The URLs follow the URL names
  ``<namespace>:<model>_list``, ``_update`` and ``_history``; "" when the app has none.

Opt-ins on the edit page: `impor.formsets.FormsetsMixin` (mixed in before
`ObjectEditView`) saves inline formsets with the object; `impor.locking.
RefuseEditConflictsMixin` (mixed in before that) refuses a save that would overwrite
someone else's.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Model, QuerySet
from django.urls import NoReverseMatch, reverse
from django.views.generic import DetailView
from django.views.generic.edit import BaseUpdateView, SingleObjectTemplateResponseMixin

from impor.lists import FilteredListView
from impor.visibility import visible


def _permission(model: type[Model], action: str) -> str:
    """The model permission for `action` ("view", "add", "change", "delete")."""
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


class ObjectViewMixin(PermissionRequiredMixin):
    """Permission, visibility and the model's names, shared by every object page."""

    raise_exception = True  # logged in but not allowed: 403
    #: The action whose model permission the page needs when `permission_required` is unset.
    permission_action = "view"

    def get_model(self) -> type[Model]:
        return self.model if self.model is not None else self.queryset.model

    def get_permission_required(self):
        if self.permission_required is None:
            return (_permission(self.get_model(), self.permission_action),)
        return super().get_permission_required()

    def get_base_queryset(self) -> QuerySet:
        """The rows before visibility: `queryset`, else all of `model`. Override it for
        what depends on the request (an annotation with this year)."""
        if self.queryset is not None:
            return self.queryset.all()
        return self.get_model()._default_manager.all()

    def get_queryset(self) -> QuerySet:
        return visible(self.get_base_queryset(), self.request.user)

    def page_url(self, page: str, *args) -> str:
        """The URL of this model's `page` ("list", "update", "history": the URL names
        ``<model>_list`` …) in the namespace of the current page; "" when it has none."""
        name = f"{self.get_model()._meta.model_name}_{page}"
        match = getattr(self.request, "resolver_match", None)
        if match is not None and match.namespace:
            name = f"{match.namespace}:{name}"
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            return ""

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        opts = self.get_model()._meta
        context["verbose_name"] = opts.verbose_name
        context["verbose_name_plural"] = opts.verbose_name_plural
        context["list_url"] = self.page_url("list")
        return context


class ObjectListView(ObjectViewMixin, FilteredListView):
    """A register's list: the filter, sort, pages and export of `FilteredListView` over
    the rows the user may see, with ``can_add`` for the link to the create page."""

    template_name_suffix = "_list"  # django-filter's FilterView would look for "_filter"

    def get_queryset(self) -> QuerySet:
        # Sorting before filtering is fine: filtering keeps the order.
        return super().get_queryset().order_by(*self.get_ordering())

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm(_permission(self.get_model(), "add"))
        return context


class ObjectDetailView(ObjectViewMixin, DetailView):
    """One object the user may see, with ``can_change`` and the links to its edit and
    history pages."""

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm(_permission(self.get_model(), "change"))
        context["update_url"] = self.page_url("update", self.object.pk)
        context["history_url"] = self.page_url("history", self.object.pk)
        return context


class ObjectEditView(ObjectViewMixin, SingleObjectTemplateResponseMixin, BaseUpdateView):
    """Create an object (a URL without ``pk``, `add_` permission) or edit one the user may
    see (with ``pk``, `change_` permission), then go to its detail page (`detail_url`, a
    URL name) with `success_message`, or `created_message` for a new one when set.

    ``object`` is None in the template while creating, as with Django's CreateView.
    """

    template_name_suffix = "_form"
    #: The URL name of the object's page, which a successful save goes to.
    detail_url = ""
    success_message: Any = ""
    created_message: Any = ""

    @property
    def creating(self) -> bool:
        return self.pk_url_kwarg not in self.kwargs

    @property
    def permission_action(self) -> str:  # type: ignore[override]
        return "add" if self.creating else "change"

    def get_object(self, queryset=None):
        if self.creating:
            return None
        return super().get_object(queryset)

    def get_success_message(self) -> Any:
        """The message after a save; `FormsetsMixin` shows it too."""
        if self.created_message and self.creating:
            return self.created_message
        return self.success_message

    def form_valid(self, form):
        response = super().form_valid(form)
        message = self.get_success_message()
        if message:
            messages.success(self.request, message)
        return response

    def get_success_url(self) -> str:
        if self.detail_url:
            return reverse(self.detail_url, args=[self.object.pk])
        return super().get_success_url()
