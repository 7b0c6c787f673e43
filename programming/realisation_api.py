"""/api/v1/realisaties and /api/v1/werkelijke-kosten (issue #20 §1, docs/realisation.md).

``realisaties`` are the realisations of works by their work key
(``/realisaties/{sleutel}``), with their actual costs nested: writing ``costs`` replaces
them all. Every write goes through `programming.realisation.realisation_save`, so the API
refuses what the page and the import refuse (unknown key, finish before start, a closed
budget line year, a negative amount, removed assets outside the work or for a work that
is not finished), by field, storing nothing. ``werkelijke-kosten``
lists the actual costs, filtered by year and budget line. A partner reads and writes the
realisations of its own organisation's works only."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets

from impor.api.permissions import ModelPermissions
from impor.api.routers import api_router
from impor.filters import FilterSet
from impor.visibility import limit_choices
from programming.models import ActualCost, Realisation, RealisationStatus
from programming.realisation import FIELDS, REMOVABLE_LIMIT, CostRow, realisation_save
from stakeholders.models import BudgetLine


class VisibleChoicesSerializer(serializers.ModelSerializer):
    """Offers only the budget lines the user may see (`impor.visibility`)."""

    def get_fields(self) -> dict:
        fields = super().get_fields()
        request = self.context.get("request")
        limit_choices(fields, getattr(request, "user", None))
        return fields


class ActualCostSerializer(VisibleChoicesSerializer):
    """One actual cost: a budget line (by code), a year and an amount (€)."""

    budget_line = serializers.SlugRelatedField(
        slug_field="code",
        queryset=BudgetLine.objects.all(),
        help_text=_("De code van de budgetregel."),
    )

    class Meta:
        model = ActualCost
        fields = ["budget_line", "year", "amount", "reason", "source"]
        read_only_fields = ["source"]


class ActualCostListSerializer(ActualCostSerializer):
    """An actual cost with the key of its work."""

    key = serializers.CharField(source="realisation.key", read_only=True)

    class Meta(ActualCostSerializer.Meta):
        fields = ["key", *ActualCostSerializer.Meta.fields]


class RealisationSerializer(VisibleChoicesSerializer):
    """A work's realisation by its work key (``P:<code>`` or a measure's ``M:…``)."""

    costs = ActualCostSerializer(many=True, required=False)
    register_updated = serializers.IntegerField(
        read_only=True,
        allow_null=True,
        required=False,
        help_text=_(
            "Alleen in het antwoord op een schrijfactie: hoeveel objecten het beheerregister "
            "kregen doordat het werk gereed werd (leeg: geen update)."
        ),
    )

    removed_assets = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        write_only=True,
        required=False,
        max_length=REMOVABLE_LIMIT,
        help_text=_(
            "Alleen bij schrijven: de ids van de objecten van het werk die het gereed werk "
            "heeft verwijderd. Ze gaan uit het beheerregister; hun geschiedenis blijft."
        ),
    )

    class Meta:
        model = Realisation
        fields = [
            "key",
            "label",
            "project",
            "owner",
            *FIELDS,
            "register_updated_at",
            "register_updated",
            "updated_at",
            "costs",
            "removed_assets",
        ]
        read_only_fields = ["label", "project", "owner", "register_updated_at", "updated_at"]

    def validate(self, attrs: dict) -> dict:
        if self.instance is not None and attrs.get("key", self.instance.key) != self.instance.key:
            raise serializers.ValidationError({"key": _("De werksleutel verandert niet.")})
        return attrs

    def _save(self, key: str, validated_data: dict) -> Realisation:
        costs = validated_data.pop("costs", None)
        removed = validated_data.pop("removed_assets", None)
        rows = None
        if costs is not None:
            rows = [
                CostRow(c["budget_line"], c["year"], c["amount"], c.get("reason", ""))
                for c in costs
            ]
        values = {name: validated_data[name] for name in FIELDS if name in validated_data}
        request = self.context["request"]
        try:
            realisation, updated = realisation_save(
                key=key,
                user=request.user,
                costs=rows,
                source="API",
                removed_assets=removed,
                **values,
            )
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        realisation.register_updated = updated
        return realisation

    def create(self, validated_data: dict) -> Realisation:
        return self._save(validated_data.pop("key"), validated_data)

    def update(self, instance: Realisation, validated_data: dict) -> Realisation:
        validated_data.pop("key", None)
        return self._save(instance.key, validated_data)


@extend_schema(tags=["realisatie"])
class RealisationViewSet(viewsets.ModelViewSet):
    """Realisaties van werken: status, werkelijke start en einde, reden van afwijking en
    werkelijke kosten per budgetregel en jaar, per werksleutel. Een partner ziet en
    schrijft alleen die van de eigen organisatie."""

    serializer_class = RealisationSerializer
    permission_classes = [ModelPermissions]
    queryset = Realisation.objects.none()  # the model for ModelPermissions
    lookup_field = "key"
    lookup_value_regex = "[^/]+"
    filterset_fields = ["status"]

    def get_queryset(self):
        return (
            Realisation.objects.visible_to(self.request.user)
            .prefetch_related("costs__budget_line")
            .order_by("key")
        )


class ActualCostFilterSet(FilterSet):
    """The actual costs: by year and by budget line (code)."""

    jaar = django_filters.NumberFilter(field_name="year", label=_("jaar"))
    budgetregel = django_filters.CharFilter(
        field_name="budget_line__code", label=_("budgetregel (code)")
    )
    status = django_filters.ChoiceFilter(
        field_name="realisation__status", choices=RealisationStatus.choices, label=_("status")
    )

    class Meta:
        model = ActualCost
        fields: list[str] = []


@extend_schema(tags=["realisatie"])
class ActualCostViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Werkelijke kosten per werk, budgetregel en jaar, te filteren op jaar en
    budgetregel. Een partner ziet alleen die van de eigen werken."""

    serializer_class = ActualCostListSerializer
    permission_classes = [ModelPermissions]
    queryset = ActualCost.objects.none()  # the model for ModelPermissions
    filterset_class = ActualCostFilterSet

    def get_queryset(self):
        return (
            ActualCost.objects.visible_to(self.request.user)
            .select_related("realisation", "budget_line")
            .order_by("realisation__key", "year", "budget_line__code", "pk")
        )


router = api_router()
router.register("realisaties", RealisationViewSet, basename="realisation")
router.register("werkelijke-kosten", ActualCostViewSet, basename="actualcost")
urlpatterns = router.urls
