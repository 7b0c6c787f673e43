"""/api/v1/ogc: OGC API Features (impor.ogc.views), without trailing slashes."""

from django.urls import path

from impor.ogc import views

urlpatterns = [
    path("ogc", views.LandingPageView.as_view(), name="ogc_landing"),
    path("ogc/conformance", views.ConformanceView.as_view(), name="ogc_conformance"),
    path("ogc/collections", views.CollectionsView.as_view(), name="ogc_collections"),
    path(
        "ogc/collections/<str:collectionId>",
        views.CollectionView.as_view(),
        name="ogc_collection",
    ),
    path(
        "ogc/collections/<str:collectionId>/queryables",
        views.QueryablesView.as_view(),
        name="ogc_queryables",
    ),
    path(
        "ogc/collections/<str:collectionId>/items",
        views.ItemsView.as_view(),
        name="ogc_items",
    ),
    path(
        "ogc/collections/<str:collectionId>/items/<str:featureId>",
        views.ItemView.as_view(),
        name="ogc_item",
    ),
]
