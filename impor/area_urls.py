"""Pages of areas (issue #5).

The register (list, edit) lives in this layer. The area page and the villages overview
read tasks, assets, projects and the programme, so they live in `projects.area_views`
(routes in `projects.area_urls`); they are included here by dotted path, which keeps the
`areas` namespace without an import of a higher layer.
"""

from django.urls import include, path

from impor.area_views import AreaListView, AreaUpdateView

app_name = "areas"

urlpatterns = [
    path("gebieden/", AreaListView.as_view(), name="area_list"),
    path("gebieden/<int:pk>/bewerken/", AreaUpdateView.as_view(), name="area_update"),
    path("", include("projects.area_urls")),
]
