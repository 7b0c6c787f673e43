"""Pages of the asset base."""

from django.urls import path

from assets import class_views, import_views, setup_views, views
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
    path("objecttypen/", class_views.AssetClassListView.as_view(), name="assetclass_list"),
    path(
        "objecttypen/<int:pk>/",
        class_views.AssetClassDetailView.as_view(),
        name="assetclass_detail",
    ),
    path(
        "objecttypen/<int:pk>/wijzigen/",
        class_views.AssetClassEditView.as_view(),
        name="assetclass_update",
    ),
    path(
        "objecttypen/<int:pk>/verouderingsmodel/berekenen/",
        class_views.DeteriorationFitView.as_view(),
        name="deterioration_fit",
    ),
    path(
        "objecttypen/<int:pk>/verouderingsmodel/<int:model_pk>/overnemen/",
        class_views.DeteriorationAdoptView.as_view(),
        name="deterioration_adopt",
    ),
    path(
        "objecttypen/<int:pk>/verouderingsmodel/terugzetten/",
        class_views.DeteriorationResetView.as_view(),
        name="deterioration_reset",
    ),
    path("importeren/", import_views.ImportUploadView.as_view(), name="import_upload"),
    path(
        "importeren/<str:token>/blad/", import_views.ImportSheetView.as_view(), name="import_sheet"
    ),
    path(
        "importeren/<str:token>/kolommen/",
        import_views.ImportMappingView.as_view(),
        name="import_mapping",
    ),
    path(
        "importeren/<str:token>/proefimport/",
        import_views.ImportDryRunView.as_view(),
        name="import_dry_run",
    ),
    path(
        "importeren/<str:token>/fouten.csv",
        import_views.ImportErrorsView.as_view(),
        name="import_errors",
    ),
    path(
        "importeren/<str:token>/verwerken/",
        import_views.ImportCommitView.as_view(),
        name="import_commit",
    ),
    path("importeren/import/<int:pk>/", import_views.ImportRunView.as_view(), name="import_run"),
    path("inrichten/", setup_views.SetupStartView.as_view(), name="setup"),
    path("inrichten/<str:token>/", setup_views.SetupCommitView.as_view(), name="setup_commit"),
]
