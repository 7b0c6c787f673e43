"""Pages of areas (issue #5): placeholders until each page is built."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "areas"

urlpatterns = [
    path(
        "gebieden/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Gebieden"}
        ),
        name="area_list",
    ),
    path(
        "kernen/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Kernen en dorpen"}
        ),
        name="villages",
    ),
]
