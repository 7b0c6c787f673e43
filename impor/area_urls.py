"""Pages of areas (issue #5): the register (list, edit).

The area page and the villages overview read tasks, assets, projects and the programme, so
they live in `programming.areas`, whose `urls` module extends these routes into the whole
`areas` namespace; the root URLconf includes that one.
"""

from django.urls import path

from impor.area_views import AreaEditView, AreaListView

app_name = "areas"

urlpatterns = [
    path("gebieden/", AreaListView.as_view(), name="area_list"),
    path("gebieden/<int:pk>/bewerken/", AreaEditView.as_view(), name="area_update"),
]
