"""Pages of programming (issue #5): placeholders until each page is built."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "programming"

urlpatterns = [
    path(
        "",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Dashboard"}
        ),
        name="dashboard",
    ),
    path(
        "programmas/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Programma's"}
        ),
        name="programme_list",
    ),
]
