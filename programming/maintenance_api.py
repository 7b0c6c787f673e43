"""The API resource of a programme's maintenance cost (beheerlasten):
``GET /api/v1/programmas/{pk}/beheerlasten``, the figures of the page "Beheerlasten" and
the workbook sheet of that name, from the one selector
`programming.maintenance.maintenance_by_year`. Readers of programmes' figures (the
``view_kpivalue`` permission) may read it; a partner may not, as on the page."""

from dataclasses import asdict

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from impor.api.permissions import ModelPermissions
from programming.api import ProgrammeChildMixin
from programming.maintenance import MaintenanceGroup, maintenance_by_year
from programming.models import KpiValue


def _amount(help_text, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text, **kwargs)


class MaintenanceYearSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    investment = _amount(
        _("Investering: de bruto geplande besteding (geld); leeg per gebied."), allow_null=True
    )
    change = _amount(_("Verandering van de jaarlijkse beheerkosten die in dit jaar ingaat."))
    level = _amount(_("Verandering van de jaarlijkse beheerkosten opgeteld tot en met dit jaar."))
    added = _amount(_("Het deel van level dat extra beheerkosten zijn."))
    saved = _amount(_("Het deel van level dat bespaard wordt (positief getal)."))


class MaintenanceGroupSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, help_text=_("Budgetregel of gebied; leeg: geen.")
    )
    name = serializers.CharField()
    level = _amount(_("Verandering van de jaarlijkse beheerkosten aan het eind van de looptijd."))
    years = MaintenanceYearSerializer(many=True)


class MaintenanceSerializer(serializers.Serializer):
    """Per year the investment and the change in annual maintenance cost (€ per year),
    in total, per budget line (a work's largest cost line) and per area."""

    works = serializers.IntegerField(help_text=_("Geplande werken die de beheerlasten veranderen."))
    level = _amount(_("Verandering van de jaarlijkse beheerkosten aan het eind van de looptijd."))
    investment = _amount(_("Investering (bruto) over de looptijd."))
    years = MaintenanceYearSerializer(many=True)
    lines = MaintenanceGroupSerializer(many=True)
    areas = MaintenanceGroupSerializer(many=True)


def _group(group: MaintenanceGroup) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "level": group.level,
        "years": [asdict(year) for year in group.years],
    }


@extend_schema(tags=["resultaten"], responses=MaintenanceSerializer)
class MaintenanceView(ProgrammeChildMixin, generics.GenericAPIView):
    """The maintenance cost of a computed programme per year (docs/maintenance.md)."""

    serializer_class = MaintenanceSerializer
    permission_classes = [ModelPermissions]
    queryset = KpiValue.objects.all()

    def get(self, request, pk: int):
        maintenance = maintenance_by_year(self.get_programme())
        data = {
            "works": maintenance.works,
            "level": maintenance.level,
            "investment": maintenance.investment,
            "years": [asdict(year) for year in maintenance.years],
            "lines": [_group(group) for group in maintenance.lines],
            "areas": [_group(group) for group in maintenance.areas],
        }
        return Response(MaintenanceSerializer(data).data)
