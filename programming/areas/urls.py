"""The `areas` namespace: impor's area register (list, edit) and the pages that read the
programme too (the area page, its map, the villages overview).

The namespace is composed here, in the top layer, so that impor's register needs no
reference to the pages above it; the root URLconf includes this module.
"""

from django.urls import path

from impor import area_urls
from programming.areas.views import AreaDetailView, AreaGeoJSONView, VillagesView, VillageView

app_name = area_urls.app_name

urlpatterns = [
    *area_urls.urlpatterns,
    path("gebieden/<int:pk>/", AreaDetailView.as_view(), name="area_detail"),
    path("gebieden/<int:pk>/kaart.geojson", AreaGeoJSONView.as_view(), name="area_geojson"),
    path("kernen/", VillagesView.as_view(), name="villages"),
    path("kernen/<int:pk>/", VillageView.as_view(), name="village"),
]
