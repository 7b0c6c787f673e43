"""The brief page with its test against the programme."""

from programming.briefs.selectors import brief_programme_check
from projects.views import ProjectBriefDetailView


class ProjectBriefCheckView(ProjectBriefDetailView):
    """Projects' brief page, which also tests the brief against the programme when asked
    (``?toets=1``): a test that reads the programme's works cannot run in projects."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_check"] = True
        if self.request.GET.get("toets"):
            context["check"] = brief_programme_check(self.object, self.request.user)
        return context
