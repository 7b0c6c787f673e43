"""/api/v1/objecttypen, /beheerobjecten, /inspecties and /meldingen.

An asset class carries its newest deterioration models (`assets.deterioration`) and the
lifespan it adopted from one; the functional administrator fits, adopts and resets
through POST actions on the class, as on its page.

The asset list answers with the same filters and lifecycle fields as the asset page
(`AssetFilterSet` over `with_lifecycle`) and its count stops at 100.000 rows, so a page
of a million-asset city is served from the list's sort index.
"""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response

from assets import access, deterioration
from assets.filters import AssetFilterSet, with_lifecycle
from assets.forms import AssetForm
from assets.models import Asset, AssetClass, DeteriorationModel, Inspection, Report
from impor.api.filters import FilterBackend
from impor.api.geo import BBoxFilter, GeometryField, GeoViewSetMixin, geo_schema
from impor.api.history import HistoryMixin
from impor.api.permissions import ModelPermissions
from impor.api.routers import api_router
from impor.api.serializers import ModelSerializer


class DeteriorationModelSerializer(ModelSerializer):
    """A fitted deterioration model: `curve` holds per age [age, expected condition, low,
    high] (90% band); `lifespan_low`/`lifespan_high` the 90% interval of the lifespan."""

    curve = serializers.ListField(
        child=serializers.ListField(child=serializers.FloatField()), read_only=True
    )
    parameters = serializers.DictField(read_only=True)

    class Meta:
        model = DeteriorationModel
        fields = [
            "id",
            "method",
            "fitted_at",
            "inspections",
            "assets",
            "parameters",
            "curve",
            "lifespan",
            "lifespan_low",
            "lifespan_high",
            "adopted_at",
            "adopted_by",
        ]
        read_only_fields = fields


class AssetClassSerializer(ModelSerializer):
    fitted_lifespan = serializers.DecimalField(
        max_digits=6, decimal_places=1, read_only=True, allow_null=True
    )
    deterioration_models = serializers.SerializerMethodField()

    @extend_schema_field(DeteriorationModelSerializer(many=True))
    def get_deterioration_models(self, asset_class: AssetClass) -> list[dict]:
        """The newest model of each method (`deterioration.latest_models`)."""
        return DeteriorationModelSerializer(
            deterioration.latest_models(asset_class), many=True
        ).data

    class Meta:
        model = AssetClass
        fields = [
            "id",
            "code",
            "name",
            "discipline",
            "unit",
            "geometry_kind",
            "lifespan",
            "window_early",
            "window_late",
            "unit_cost",
            "price_year",
            "opens_street",
            "condition_rule",
            "budget_line",
            "source",
            "maintenance_cost",
            "maintenance_saving",
            "maintenance_source",
            "fitted_lifespan",
            "deterioration_models",
        ]


class DeteriorationAdoptSerializer(serializers.Serializer):
    model = serializers.IntegerField(help_text="id van het verouderingsmodel van dit objecttype")


class AssetSerializer(ModelSerializer):
    """An asset with its lifecycle as the asset page computes it (read-only)."""

    geometry = GeometryField()
    lifespan_years = serializers.IntegerField(read_only=True)
    end_of_life = serializers.IntegerField(read_only=True)
    preferred_year = serializers.IntegerField(read_only=True)
    remaining_life = serializers.IntegerField(read_only=True)
    urgency = serializers.CharField(read_only=True)
    replacement_value = serializers.FloatField(read_only=True)

    class Meta:
        model = Asset
        # The fields the asset form edits, then what the list computes (read-only).
        fields = [
            "id",
            *AssetForm.Meta.fields,
            "extra",
            "lifespan_years",
            "end_of_life",
            "preferred_year",
            "remaining_life",
            "urgency",
            "replacement_value",
            "created_at",
            "updated_at",
        ]


class InspectionSerializer(ModelSerializer):
    class Meta:
        model = Inspection
        fields = ["id", "asset", "date", "condition", "inspector", "notes"]


class ReportSerializer(ModelSerializer):
    class Meta:
        model = Report
        fields = [
            "id",
            "source",
            "external_id",
            "asset",
            "area",
            "street",
            "reported_on",
            "category",
            "status",
            "description",
            "closed_on",
        ]


class DisciplinePermission(BasePermission):
    """Changes and deletions only of rows within the user's disciplines (`assets.access`)."""

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS or access.may_write(request.user, obj):
            return True
        self.message = access.refusal(request.user, access.discipline_of(obj))
        return False


class DisciplineLimitedMixin:
    """Writes within the user's disciplines, as on the pages: the row as it is (object
    permission) and as it will be (`discipline_field`, the asset class or the asset)."""

    permission_classes = [ModelPermissions, DisciplinePermission]
    discipline_field = ""

    def _check_discipline(self, serializer) -> None:
        target = serializer.validated_data.get(
            self.discipline_field, getattr(serializer.instance, self.discipline_field, None)
        )
        user = self.request.user
        if not access.may_write(user, target):
            raise exceptions.PermissionDenied(access.refusal(user, access.discipline_of(target)))

    def perform_create(self, serializer) -> None:
        self._check_discipline(serializer)
        serializer.save()

    def perform_update(self, serializer) -> None:
        self._check_discipline(serializer)
        serializer.save()


class ManagesDeterioration(BasePermission):
    """The functional administrator's permission, as on the class's page."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.has_perm(deterioration.MANAGE))


class AssetClassViewSet(viewsets.ModelViewSet):
    """Objecttypen met hun standaardlevensduur, bandbreedte en kosten, en hun
    verouderingsmodellen uit eigen inspecties."""

    queryset = AssetClass.objects.prefetch_related("deterioration_models").order_by(
        "discipline", "name", "pk"
    )
    serializer_class = AssetClassSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["discipline", "opens_street"]

    def _answer(self, asset_class: AssetClass, code: int = status.HTTP_200_OK) -> Response:
        asset_class.refresh_from_db()
        return Response(self.get_serializer(asset_class).data, status=code)

    @extend_schema(
        request=None,
        responses={
            201: AssetClassSerializer,
            400: OpenApiResponse(description="Te weinig inspecties; niets opgeslagen."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="verouderingsmodel/berekenen",
        permission_classes=[ManagesDeterioration],
    )
    def fit(self, request, pk=None):
        """Bereken de verouderingsmodellen uit de inspecties van dit objecttype."""
        asset_class = self.get_object()
        try:
            deterioration.fit_deterioration(asset_class)
        except deterioration.TooFewInspections as reason:
            raise exceptions.ValidationError({"inspecties": [str(reason)]}) from reason
        return self._answer(asset_class, status.HTTP_201_CREATED)

    @extend_schema(request=DeteriorationAdoptSerializer, responses={200: AssetClassSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="verouderingsmodel/overnemen",
        permission_classes=[ManagesDeterioration],
    )
    def adopt(self, request, pk=None):
        """Neem de levensduur van een verouderingsmodel over in de levenscyclus."""
        asset_class = self.get_object()
        body = DeteriorationAdoptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        model = asset_class.deterioration_models.filter(pk=body.validated_data["model"]).first()
        if model is None:
            raise exceptions.ValidationError(
                {"model": ["Geen verouderingsmodel van dit objecttype."]}
            )
        deterioration.adopt(model, request.user)
        return self._answer(asset_class)

    @extend_schema(request=None, responses={200: AssetClassSerializer})
    @action(
        detail=True,
        methods=["post"],
        url_path="verouderingsmodel/terugzetten",
        permission_classes=[ManagesDeterioration],
    )
    def reset(self, request, pk=None):
        """Zet de levensduur terug op de standaardlevensduur."""
        asset_class = self.get_object()
        deterioration.reset(asset_class)
        return self._answer(asset_class)


@geo_schema
class AssetViewSet(HistoryMixin, DisciplineLimitedMixin, GeoViewSetMixin, viewsets.ModelViewSet):
    """Beheerobjecten met levenscyclus, gefilterd zoals de lijst van het areaal."""

    queryset = Asset.objects.all()
    serializer_class = AssetSerializer
    discipline_field = "asset_class"
    filter_backends = [FilterBackend, BBoxFilter]
    filterset_class = AssetFilterSet

    def get_queryset(self) -> QuerySet[Asset]:
        # The list page's default order, served by the index asset_list_type_order.
        return with_lifecycle(Asset.objects.all()).order_by("asset_class_id", "external_id", "pk")

    def filter_bbox(self, queryset: QuerySet[Asset], box) -> QuerySet[Asset]:
        xmin, ymin, xmax, ymax = box
        return queryset.filter(
            bbox_xmax__gte=xmin, bbox_xmin__lte=xmax, bbox_ymax__gte=ymin, bbox_ymin__lte=ymax
        )

    def _with_lifecycle(self, serializer) -> None:
        # A saved row has no lifecycle annotations yet: read it back as the list does.
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_create(self, serializer) -> None:
        super().perform_create(serializer)
        self._with_lifecycle(serializer)

    def perform_update(self, serializer) -> None:
        super().perform_update(serializer)
        self._with_lifecycle(serializer)


class InspectionViewSet(DisciplineLimitedMixin, viewsets.ModelViewSet):
    """Inspecties (NEN 2767-conditie op een datum) van beheerobjecten."""

    queryset = Inspection.objects.select_related("asset__asset_class").order_by("-date", "pk")
    serializer_class = InspectionSerializer
    discipline_field = "asset"
    filterset_fields = ["asset", "condition"]


class ReportViewSet(DisciplineLimitedMixin, viewsets.ModelViewSet):
    """Meldingen openbare ruimte."""

    queryset = Report.objects.select_related("asset__asset_class").order_by("-reported_on", "pk")
    serializer_class = ReportSerializer
    discipline_field = "asset"
    filterset_fields = ["asset", "area", "category", "status"]


router = api_router()
router.register("objecttypen", AssetClassViewSet, basename="assetclass")
router.register("beheerobjecten", AssetViewSet, basename="asset")
router.register("inspecties", InspectionViewSet, basename="inspection")
router.register("meldingen", ReportViewSet, basename="report")
urlpatterns = router.urls
