"""Pages of assets (issue #5): placeholders until each page is built."""

from django.urls import path
from django.views.generic import TemplateView

app_name = "assets"

urlpatterns = [
    path(
        "beheerobjecten/",
        TemplateView.as_view(
            template_name="impor/placeholder.html", extra_context={"title": "Beheerobjecten"}
        ),
        name="asset_list",
    ),
]
