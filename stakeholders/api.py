"""/api/v1/actoren, /themas, /ambities, /budgetregels, /teams, /gebiedsopgaven and
/interessegebieden."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers, viewsets

from impor.api.geo import GeometryField
from impor.api.history import HistoryMixin
from impor.api.per_year import PerYearSerializer
from impor.api.permissions import ModelPermissions
from impor.api.routers import api_router
from impor.api.serializers import ModelSerializer
from impor.visibility import partner_of
from stakeholders.filters import (
    ActorFilterSet,
    AmbitionFilterSet,
    BudgetLineFilterSet,
    TeamFilterSet,
    ThemeFilterSet,
)
from stakeholders.forms import ActorForm, BudgetLineForm, TeamForm
from stakeholders.models import (
    Actor,
    Ambition,
    AreaOfInterest,
    AreaOfInterestSource,
    AreaTask,
    BudgetAmount,
    BudgetLine,
    Indicator,
    Team,
    TeamHours,
    Theme,
)


class ActorSerializer(ModelSerializer):
    class Meta:
        model = Actor
        # The fields the actor form edits.
        fields = ["id", *ActorForm.Meta.fields]


class ThemeSerializer(ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "code", "name", "description", "colour", "ambitions"]


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "baseline_value",
            "baseline_year",
            "target_value",
            "target_year",
        ]


class AmbitionSerializer(ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = Ambition
        fields = [
            "id",
            "code",
            "name",
            "description",
            "source",
            "owner",
            "horizon_year",
            "indicators",
        ]


class BudgetAmountSerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetAmount
        fields = ["year", "amount"]


class BudgetLineSerializer(PerYearSerializer):
    """A budget line with its annual amounts; writing `amounts` replaces them all."""

    amounts = BudgetAmountSerializer(many=True, required=False)
    year_rows = "amounts"

    class Meta:
        model = BudgetLine
        # The fields the budget line form edits, with the amounts per year.
        fields = ["id", *BudgetLineForm.Meta.fields, "amounts"]


class TeamHoursSerializer(serializers.ModelSerializer):
    class Meta:
        model = TeamHours
        fields = ["year", "hours"]


class TeamSerializer(PerYearSerializer):
    """A team with its available hours per year; writing `hours` replaces them all."""

    hours = TeamHoursSerializer(many=True, required=False)
    year_rows = "hours"

    class Meta:
        model = Team
        # The fields the team form edits, with the hours per year.
        fields = ["id", *TeamForm.Meta.fields, "hours"]


class AreaTaskSerializer(ModelSerializer):
    class Meta:
        model = AreaTask
        fields = [
            "id",
            "area",
            "domain",
            "title",
            "theme",
            "owner",
            "situation_now",
            "situation_desired",
            "priority",
            "has_budget",
        ]


class AreaOfInterestSerializer(ModelSerializer):
    """An area of interest; a partner's is always its own organisation's."""

    geometry = GeometryField()

    class Meta:
        model = AreaOfInterest
        fields = [
            "id",
            "organisation",
            "name",
            "geometry",
            "buffer",
            "source",
            "file_name",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["source", "file_name", "created_at", "updated_at"]
        extra_kwargs = {"organisation": {"required": False}}

    def validate(self, attrs: dict) -> dict:
        user = self.context["request"].user
        organisation = partner_of(user)
        if organisation is not None:
            attrs["organisation"] = organisation
        elif self.instance is None and "organisation" not in attrs:
            if user.organisation is None:
                raise serializers.ValidationError({"organisation": _("Dit veld is verplicht.")})
            attrs["organisation"] = user.organisation
        return super().validate(attrs)


class AreaOfInterestViewSet(viewsets.ModelViewSet):
    """Interessegebieden: waar een organisatie meldingen over wil krijgen. Een partner
    ziet en beheert alleen die van de eigen organisatie."""

    serializer_class = AreaOfInterestSerializer
    permission_classes = [ModelPermissions]
    queryset = AreaOfInterest.objects.none()  # the model for ModelPermissions
    filterset_fields = ["organisation"]

    def get_queryset(self):
        return (
            AreaOfInterest.objects.visible_to(self.request.user)
            .select_related("organisation")
            .order_by("name", "pk")
        )

    def perform_create(self, serializer) -> None:
        serializer.save(created_by=self.request.user, source=AreaOfInterestSource.API)


class ActorViewSet(viewsets.ModelViewSet):
    """Actoren: gemeentelijke afdelingen en externe organisaties."""

    queryset = Actor.objects.prefetch_related("areas_of_interest").order_by("name", "pk")
    serializer_class = ActorSerializer
    permission_classes = [ModelPermissions]
    filterset_class = ActorFilterSet


class ThemeViewSet(viewsets.ModelViewSet):
    """Thema's (opgaven) met de ambities waaraan ze bijdragen."""

    queryset = Theme.objects.prefetch_related("ambitions").order_by("name", "pk")
    serializer_class = ThemeSerializer
    permission_classes = [ModelPermissions]
    filterset_class = ThemeFilterSet


class AmbitionViewSet(viewsets.ModelViewSet):
    """Ambities uit de omgevingsvisie, met hun indicatoren."""

    queryset = Ambition.objects.prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("name", "pk"))
    ).order_by("code", "pk")
    serializer_class = AmbitionSerializer
    permission_classes = [ModelPermissions]
    filterset_class = AmbitionFilterSet


class BudgetLineViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Budgetregels met hun jaarbedragen."""

    queryset = BudgetLine.objects.prefetch_related(
        Prefetch("amounts", queryset=BudgetAmount.objects.order_by("year"))
    ).order_by("code", "pk")
    serializer_class = BudgetLineSerializer
    permission_classes = [ModelPermissions]
    filterset_class = BudgetLineFilterSet


class TeamViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Teams met hun beschikbare uren per jaar (capaciteit). Een partner ziet alleen de
    teams van de eigen organisatie."""

    serializer_class = TeamSerializer
    permission_classes = [ModelPermissions]
    queryset = Team.objects.none()  # the model for ModelPermissions
    filterset_class = TeamFilterSet

    def get_queryset(self):
        return (
            Team.objects.visible_to(self.request.user)
            .select_related("actor")
            .prefetch_related(Prefetch("hours", queryset=TeamHours.objects.order_by("year")))
            .order_by("code", "pk")
        )


class AreaTaskViewSet(viewsets.ModelViewSet):
    """Gebiedsopgaven: fysieke, sociale en technische opgaven per gebied."""

    queryset = AreaTask.objects.order_by("area", "domain", "title", "pk")
    serializer_class = AreaTaskSerializer
    permission_classes = [ModelPermissions]
    filterset_fields = ["area", "domain", "theme", "owner"]


router = api_router()
router.register("actoren", ActorViewSet, basename="actor")
router.register("themas", ThemeViewSet, basename="theme")
router.register("ambities", AmbitionViewSet, basename="ambition")
router.register("budgetregels", BudgetLineViewSet, basename="budgetline")
router.register("teams", TeamViewSet, basename="team")
router.register("gebiedsopgaven", AreaTaskViewSet, basename="areatask")
router.register("interessegebieden", AreaOfInterestViewSet, basename="areaofinterest")
urlpatterns = router.urls
