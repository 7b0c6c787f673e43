"""The "Geschiedenis" page of an object: who changed what and when (`impor.history`).

One generic view; each app's urls.py configures it for its model, with the permission
and the rows the user may see on the object's own detail page. An object outside those
rows is not found (404), as on the detail page.
"""

from collections.abc import Callable

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.urls import reverse
from django.views.generic import DetailView

from impor.history import ObjectHistory


class ObjectHistoryView(PermissionRequiredMixin, DetailView):
    """The history of one object (with its parts, the model's `history_parts`), 25 versions a
    page, newest first.

    Configure with `model` or `visible` (a function of the user returning the rows that
    user may see), `permission_required` and `detail_url` (the URL name of the object's
    page, for the way back)."""

    raise_exception = True  # logged in without the permission: 403
    template_name = "history/object_history.html"
    paginate_by = 25
    visible: Callable[..., QuerySet] | None = None
    detail_url = ""

    def get_queryset(self) -> QuerySet:
        if self.visible is not None:
            return self.visible(self.request.user)
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = ObjectHistory(self.object)
        page = Paginator(history, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["entries"] = page.object_list
        context["detail_url"] = (
            reverse(self.detail_url, args=[self.object.pk]) if self.detail_url else ""
        )
        context["verbose_name"] = self.object._meta.verbose_name
        return context
