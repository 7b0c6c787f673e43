from django.views.generic import TemplateView

from impor.selectors import municipality_summary


class HomeView(TemplateView):
    """The start page: what the installation holds, for a first orientation."""

    template_name = "impor/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["summary"] = municipality_summary()
        return context
