"""Pages of stakeholders (issue #5): placeholders until each page is built."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "stakeholders"

urlpatterns = [
    path(
        "actoren/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Actoren"}
        ),
        name="actor_list",
    ),
    path(
        "actoren/procesmatrix/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Procesmatrix"}
        ),
        name="process_matrix",
    ),
    path(
        "themas/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Thema's"}
        ),
        name="theme_list",
    ),
    path(
        "ambities/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Ambities"}
        ),
        name="ambition_list",
    ),
    path(
        "budgetregels/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Budgetregels"}
        ),
        name="budgetline_list",
    ),
]
