"""GET /api/v1/programmas/{id}/capaciteit: per team and year the hours available,
planned, free and asked by unfunded works (`programming.capacity.capacity_use`, the same
figures as the capacity page and the council workbook's sheet "Capaciteit")."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from impor.api.permissions import ModelPermissions
from programming.api import ProgrammeChildMixin
from programming.capacity import capacity_use
from programming.models import Programme


class TeamYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    available = serializers.FloatField(
        allow_null=True, help_text="Beschikbare uren; null: het team heeft geen grens."
    )
    planned = serializers.FloatField(help_text="Uren van de geplande werken in dit jaar.")
    free = serializers.FloatField(
        allow_null=True, help_text="Beschikbaar min gepland; onder nul: te veel gepland."
    )
    over = serializers.BooleanField(help_text="Meer uren gepland dan beschikbaar.")
    unfunded = serializers.FloatField(
        help_text="Uren die niet-gedekte werken in hun voorkeursjaar zouden vragen."
    )


class TeamUseSerializer(serializers.Serializer):
    team = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    organisation = serializers.CharField()
    available = serializers.FloatField(allow_null=True)
    planned = serializers.FloatField()
    unfunded = serializers.FloatField()
    years = TeamYearSerializer(many=True)


class CapacitySerializer(serializers.Serializer):
    years = serializers.ListField(child=serializers.IntegerField())
    teams = TeamUseSerializer(many=True)


@extend_schema(tags=["resultaten"], responses=CapacitySerializer)
class CapacityView(ProgrammeChildMixin, generics.GenericAPIView):
    """De capaciteit van de teams per jaar: beschikbare, geplande en vrije uren en de uren
    die niet-gedekte werken zouden vragen; dezelfde cijfers als de pagina Capaciteit en
    het raadswerkboek."""

    serializer_class = CapacitySerializer
    permission_classes = [ModelPermissions]
    queryset = Programme.objects.all()

    def get(self, request, pk: int):
        return Response(CapacitySerializer(capacity_use(self.get_programme())).data)
