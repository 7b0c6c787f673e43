"""Routes of the area page and the villages overview, included in the `areas`
namespace by impor/area_urls.py (these pages read projects and the programme)."""

from django.urls import path

from projects.area_views import AreaDetailView, AreaGeoJSONView, VillagesView

urlpatterns = [
    path("gebieden/<int:pk>/", AreaDetailView.as_view(), name="area_detail"),
    path("gebieden/<int:pk>/kaart.geojson", AreaGeoJSONView.as_view(), name="area_geojson"),
    path("kernen/", VillagesView.as_view(), name="villages"),
]
