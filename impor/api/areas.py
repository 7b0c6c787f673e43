"""/api/v1/gebieden: the area tree, read-only (areas are kept in the admin and pages)."""

from django.db.models import QuerySet
from rest_framework import viewsets

from impor.api.filters import FilterBackend
from impor.api.geo import BBoxFilter, GeometryField, GeoViewSetMixin, geo_schema, ids_in_bbox
from impor.api.permissions import ModelPermissions
from impor.api.routers import api_router
from impor.api.serializers import ModelSerializer
from impor.area_views import AreaFilterSet
from impor.models import Area


class AreaSerializer(ModelSerializer):
    geometry = GeometryField()

    class Meta:
        model = Area
        fields = [
            "id",
            "name",
            "level",
            "parent",
            "cbs_code",
            "area_type",
            "quality_level",
            "population",
            "liveability_score",
            "social_priority",
            "social_tasks",
            "geometry",
        ]


@geo_schema
class AreaViewSet(GeoViewSetMixin, viewsets.ReadOnlyModelViewSet):
    """Gebieden: gemeente, kernen, wijken en buurten, met dezelfde filters als de lijst."""

    queryset = Area.objects.order_by("level", "name", "pk")
    serializer_class = AreaSerializer
    permission_classes = [ModelPermissions]
    filter_backends = [FilterBackend, BBoxFilter]
    filterset_class = AreaFilterSet

    def filter_bbox(self, queryset: QuerySet, box) -> QuerySet:
        rows = queryset.order_by().values_list("pk", "geometry").iterator(chunk_size=2000)
        return queryset.filter(pk__in=ids_in_bbox(rows, box))


router = api_router()
router.register("gebieden", AreaViewSet, basename="area")
urlpatterns = router.urls
