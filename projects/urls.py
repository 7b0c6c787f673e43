"""Pages of projects (issue #5): placeholders until each page is built."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "projects"

urlpatterns = [
    path(
        "projecten/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Projecten"}
        ),
        name="project_list",
    ),
]
