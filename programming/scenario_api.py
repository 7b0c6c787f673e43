"""The scenario endpoints of the REST API (issue #19), below /api/v1/programmas/{pk}:

- `wijzigingen`: a programme's own changes (list, create, retrieve, update, delete), with
  the checks of the pages (`programming.scenarios.change_add`): 400 problem+json naming
  the field, 409 on an adopted programme; readers read, programme managers write, a
  partner gets 404 (scenarios are the municipality's own deliberation);
- `scenarios`: make a scenario, now with its first changes (`changes`), as before with
  other settings;
- `promoveren`: make a scenario's changes and settings its base programme's own;
- `vergelijking`: as before for one `met`, and with `kolommen` for every `met` given:
  the base and each programme side by side, the same figures as the comparison page.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from impor.api.exceptions import Conflict
from impor.api.permissions import ModelPermissions
from impor.api.serializers import ModelSerializer, field_errors
from impor.visibility import partner_of
from programming import api, scenarios
from programming.models import Programme, ProgrammeFrozen, ScenarioChange
from programming.serializers import ComparisonSerializer, ProgrammeSerializer, ScenarioSerializer
from stakeholders.models import BudgetLine, Team


class ScenarioChangeSerializer(ModelSerializer):
    """One change; which fields it needs depends on `kind` (the others are cleared).
    `budget_line` and `team` are codes; `text` is the change in plain words."""

    budget_line = serializers.SlugRelatedField(
        slug_field="code",
        queryset=BudgetLine.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code van de budgetregel (soort budget)."),
    )
    team = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Code van het team (soort capaciteit)."),
    )
    text = serializers.SerializerMethodField(help_text=_("De wijziging in gewone woorden."))

    class Meta:
        model = ScenarioChange
        fields = ("id", *scenarios.CHANGE_FIELDS, "text", "created_at")
        read_only_fields = ("id", "text", "created_at")

    def get_text(self, change: ScenarioChange) -> str:
        return scenarios.change_text(change)

    def validate(self, attrs):
        # The service runs full_clean and the scenario's checks on the whole change.
        return attrs


class ScenarioWithChangesSerializer(ScenarioSerializer):
    """A new scenario: its name, the settings it changes and its first changes."""

    changes = ScenarioChangeSerializer(many=True, required=False)

    class Meta(ScenarioSerializer.Meta):
        fields = (*ScenarioSerializer.Meta.fields, "changes")


def _invalid(exc: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(field_errors(exc))


class NoPartnersMixin(api.ProgrammeChildMixin):
    """Scenarios are the municipality's own deliberation: a partner finds nothing here."""

    def initial(self, request, *args, **kwargs):
        if partner_of(request.user) is not None:
            raise NotFound
        super().initial(request, *args, **kwargs)


@extend_schema(tags=["scenario's"])
@extend_schema(methods=["POST"], responses={201: ScenarioChangeSerializer, 409: OpenApiResponse()})
class ChangeListView(NoPartnersMixin, generics.ListCreateAPIView):
    """A programme's own changes, in the order they are applied."""

    serializer_class = ScenarioChangeSerializer
    permission_classes = [ModelPermissions]
    queryset = ScenarioChange.objects.all()

    def get_queryset(self):
        return (
            ScenarioChange.objects.filter(programme=self.get_programme())
            .select_related("budget_line", "team", "programme")
            .order_by("pk")
        )

    def perform_create(self, serializer) -> None:
        try:
            serializer.instance = scenarios.change_add(
                self.get_programme(), self.request.user, **serializer.validated_data
            )
        except ProgrammeFrozen as exc:
            raise Conflict(detail=str(exc)) from exc
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc


@extend_schema(tags=["scenario's"])
@extend_schema(
    methods=["PUT", "PATCH", "DELETE"],
    responses={200: ScenarioChangeSerializer, 409: OpenApiResponse()},
)
class ChangeDetailView(NoPartnersMixin, generics.RetrieveUpdateDestroyAPIView):
    serializer_class = ScenarioChangeSerializer
    permission_classes = [ModelPermissions]
    queryset = ScenarioChange.objects.all()

    def get_object(self) -> ScenarioChange:
        return get_object_or_404(
            ScenarioChange.objects.select_related("budget_line", "team", "programme"),
            pk=self.kwargs["change"],
            programme=self.get_programme(),
        )

    def perform_update(self, serializer) -> None:
        try:
            serializer.instance = scenarios.change_update(
                serializer.instance, self.request.user, **serializer.validated_data
            )
        except ProgrammeFrozen as exc:
            raise Conflict(detail=str(exc)) from exc
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc

    def perform_destroy(self, instance: ScenarioChange) -> None:
        try:
            scenarios.change_delete(instance, self.request.user)
        except ProgrammeFrozen as exc:
            raise Conflict(detail=str(exc)) from exc


@extend_schema(tags=["programma's"])
class ScenarioCreateView(api.ScenarioCreateView):
    """Make a scenario of the programme (201): its settings and coupling decisions under a
    new name, the settings given changed, and its first changes (`changes`); all or
    nothing, a bad change named as ``changes.0.year``. Compute it next."""

    @extend_schema(request=ScenarioWithChangesSerializer, responses={201: ProgrammeSerializer})
    def post(self, request, pk: int):
        source = self.get_programme()
        serializer = ScenarioWithChangesSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        settings = dict(serializer.validated_data)
        name = settings.pop("name")
        changes = [dict(change) for change in settings.pop("changes", [])]
        try:
            copy = scenarios.scenario_create(source, name, request.user, changes, **settings)
        except DjangoValidationError as exc:
            raise _invalid(exc) from exc
        return Response(
            ProgrammeSerializer(copy).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": api._absolute(request, "programme_detail", copy.pk)},
        )


@extend_schema(tags=["scenario's"])
class PromoteView(api.ProgrammeChildMixin, APIView):
    """Make this scenario's changes and settings its base programme's own (200: the base,
    which then needs computing). 409 when the base is adopted: make a new version."""

    permission_classes = [api.requires_any("programming.change_programme")]

    @extend_schema(
        request=None,
        responses={200: ProgrammeSerializer, 409: OpenApiResponse(description="")},
    )
    def post(self, request, pk: int):
        try:
            base = scenarios.scenario_promote(self.get_programme(), request.user)
        except ValueError as exc:
            raise Conflict(detail=str(exc)) from exc
        return Response(ProgrammeSerializer(base).data)


class WorkRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)


class MovedRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    name = serializers.CharField()
    van = serializers.IntegerField(source="from")
    naar = serializers.IntegerField(source="to")


class ColumnSerializer(serializers.Serializer):
    """One programme of the comparison (the base first), with what differs from the
    base: at most `scenarios.LIST_LIMIT` works per list, the counts whole."""

    programme = serializers.IntegerField(source="programme.pk")
    name = serializers.CharField(source="programme.name")
    is_base = serializers.BooleanField()
    computed = serializers.BooleanField()
    newly_funded = WorkRowSerializer(many=True)
    newly_funded_count = serializers.IntegerField(allow_null=True)
    newly_unfunded = WorkRowSerializer(many=True)
    newly_unfunded_count = serializers.IntegerField(allow_null=True)
    moved = MovedRowSerializer(many=True)
    moved_count = serializers.IntegerField(allow_null=True)
    openings_sectoral = serializers.IntegerField(source="openings.sectoral")
    openings_integrated = serializers.IntegerField(source="openings.integrated")
    openings_bound = serializers.IntegerField(source="openings.bound", allow_null=True)
    savings = serializers.DecimalField(max_digits=16, decimal_places=2)
    budget = serializers.DecimalField(max_digits=16, decimal_places=2)
    gross = serializers.DecimalField(max_digits=16, decimal_places=2)
    net = serializers.DecimalField(max_digits=16, decimal_places=2)
    shortfall = serializers.DecimalField(max_digits=16, decimal_places=2)
    ambition_served = serializers.FloatField(allow_null=True)
    capacity_planned_hours = serializers.FloatField()
    capacity_over_hours = serializers.FloatField()
    maintenance_level = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        help_text=_("Beheerlasten per jaar erbij aan het eind van de looptijd (€)"),
    )


class MoneyRowSerializer(serializers.Serializer):
    budget_line = serializers.CharField()
    year = serializers.IntegerField()
    gross = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))
    net = serializers.ListField(child=serializers.DecimalField(max_digits=16, decimal_places=2))


class ScenarioComparisonSerializer(ComparisonSerializer):
    columns = ColumnSerializer(many=True, help_text=_("Elk programma naast het basisprogramma."))
    money = MoneyRowSerializer(
        many=True, help_text=_("Gepland bruto en netto per budgetregel en jaar, per kolom.")
    )


def column_data(column: scenarios.Column) -> dict:
    cell = column.money.cell()
    return {
        "programme": column.programme,
        "is_base": column.is_base,
        "computed": column.programme.computed_at is not None,
        "newly_funded": column.newly_funded,
        "newly_funded_count": column.newly_funded_count,
        "newly_unfunded": column.newly_unfunded,
        "newly_unfunded_count": column.newly_unfunded_count,
        "moved": column.moved,
        "moved_count": column.moved_count,
        "openings": column.openings,
        "savings": cell.savings,
        "budget": cell.budget,
        "gross": cell.gross,
        "net": cell.net,
        "shortfall": cell.shortfall,
        "ambition_served": column.kpis.get("ambitie_bediend"),
        "capacity_planned_hours": column.capacity["planned"],
        "capacity_over_hours": column.capacity["over"],
        "maintenance_level": column.maintenance,
    }


@extend_schema(tags=["programma's"])
class ComparisonView(api.ComparisonView):
    """The programme next to one or more others (`?met=1&met=2`): as before for the first
    (KPIs, counts, moved works a page at a time), and `columns` and `money` for all."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "met",
                OpenApiTypes.INT,
                required=True,
                many=True,
                description=_("De andere programma's (een of meer)."),
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: ScenarioComparisonSerializer},
    )
    def get(self, request, pk: int):
        programme = self.get_programme()
        wanted = request.query_params.getlist("met")
        others = []
        for value in wanted:
            found = None
            if value.isdigit():
                found = Programme.objects.exclude(pk=programme.pk).filter(pk=int(value)).first()
            if found is None:
                raise DjangoValidationError(
                    {"met": _("Kies een ander, bestaand programma om mee te vergelijken.")}
                )
            others.append(found)
        if not others:
            raise DjangoValidationError(
                {"met": _("Kies een ander, bestaand programma om mee te vergelijken.")}
            )
        response = self.compare(request, others[0])
        columns = scenarios.comparison(programme, others)
        data = {
            **response.data,
            "columns": [column_data(column) for column in columns],
            "money": [
                {
                    "budget_line": row["line"].code,
                    "year": row["year"],
                    "gross": row["gross"],
                    "net": row["net"],
                }
                for row in scenarios.money_rows(columns)
            ],
        }
        return Response(ScenarioComparisonSerializer(data).data)
