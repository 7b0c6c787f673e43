"""Pages of the asset base."""

from django.urls import path

from assets import views
from assets.models import Asset
from impor.history_views import ObjectHistoryView

app_name = "assets"

urlpatterns = [
    path("beheerobjecten/", views.AssetListView.as_view(), name="asset_list"),
    path("beheerobjecten/nieuw/", views.AssetEditView.as_view(), name="asset_create"),
    path("beheerobjecten/<int:pk>/", views.AssetDetailView.as_view(), name="asset_detail"),
    path("beheerobjecten/<int:pk>/wijzigen/", views.AssetEditView.as_view(), name="asset_update"),
    path(
        "beheerobjecten/<int:pk>/geojson/",
        views.AssetGeoJsonView.as_view(),
        name="asset_geojson",
    ),
    path(
        "beheerobjecten/<int:pk>/geschiedenis/",
        ObjectHistoryView.as_view(model=Asset),
        name="asset_history",
    ),
]
