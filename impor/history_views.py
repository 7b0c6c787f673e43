"""The "Geschiedenis" page of an object: who changed what and when (`impor.history`).

One generic view; each app's urls.py configures it with its model. It is an object page
(`impor.object_views`): it asks the model's view permission and shows only the rows the
user may see on the object's own detail page, so an object outside them is not found
(404), as on the detail page. A deleted object's history stays readable to whoever sees
every row of its model (`impor.visibility.sees_every_row`): the page says when and by
whom it was deleted and leads back to the list instead.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.views.generic import DetailView

from impor.history import ObjectHistory, deleted, user_name
from impor.object_views import ObjectViewMixin


class ObjectHistoryView(ObjectViewMixin, DetailView):
    """The history of one object (with its parts, the model's `history_parts`), 25 versions a
    page, newest first, with a link back to the object's page (``<model>_detail``) when the
    app has one.

    Configure with `model` (``ObjectHistoryView.as_view(model=Asset)``)."""

    template_name = "history/object_history.html"
    paginate_by = 25

    def get_object(self, queryset=None):
        try:
            return super().get_object(queryset)
        except Http404:
            obj = deleted(
                self.get_base_queryset(), self.request.user, self.kwargs.get(self.pk_url_kwarg)
            )
            if obj is None:
                raise
            return obj

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        history = ObjectHistory(self.object)
        page = Paginator(history, self.paginate_by).get_page(self.request.GET.get("page"))
        context["page_obj"] = page
        context["entries"] = page.object_list
        removal = getattr(self.object, "deleted_version", None)
        if removal is None:
            context["detail_url"] = self.page_url("detail", self.object.pk)
        else:
            context["deleted_at"] = removal.history_date
            context["deleted_by"] = user_name(removal.history_user)
        return context
