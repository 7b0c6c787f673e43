"""The API resource "ambition measured":
``GET /api/v1/ambities/{pk}/monitoring[?gebied=<area id>][&programma=<programme id>]``,
the figures of the ambition's monitoring page and the workbook sheet "Ambities gemeten",
from the one definition `programming.monitoring.ambition_monitoring`. Readers of
ambitions (``view_ambition``) may ask; a partner may not, as on the page. Bad input
answers 400 naming the parameter."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from impor.api.permissions import ModelPermissions
from impor.models import Area
from programming.models import Programme
from programming.monitoring import AmbitionMonitoring, ambition_monitoring
from stakeholders.models import Ambition

AREA = "gebied"
PROGRAMME = "programma"


def _value(help_text) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=16, decimal_places=2, allow_null=True, help_text=help_text
    )


class ContributingWorkSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField()
    project_name = serializers.CharField()
    expected = _value(_("Verwachte bijdrage aan de indicator, in haar eenheid."))
    work = serializers.IntegerField(
        source="work_id",
        allow_null=True,
        help_text=_("Het werk in het programma; leeg: niet gepland."),
    )
    start_year = serializers.IntegerField(allow_null=True, help_text=_("Gepland startjaar."))
    finish_year = serializers.IntegerField(
        allow_null=True,
        help_text=_("Eindjaar: startjaar plus de geplande duur; telt vanaf dit jaar mee."),
    )
    area = serializers.CharField()


class YearValuesSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    expected = _value(_("Verwacht volgens het plan: nulmeting plus bijdragen."))
    target = _value(_("Streefwaarde (tussendoel) in dit jaar."))
    measured = _value(_("Gemeten waarde in dit jaar."))


class IndicatorCourseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    unit = serializers.CharField(source="indicator.unit")
    baseline_value = _value(_("Nulmeting (in een gebied: de eerste meting daar)."))
    baseline_year = serializers.IntegerField(allow_null=True)
    years = YearValuesSerializer(many=True, source="year_rows")
    works = ContributingWorkSerializer(many=True)


class AmbitionMonitoringSerializer(serializers.Serializer):
    """An ambition measured: per indicator the plan's expected course, the target path
    and the measurements (docs/monitoring.md, "Ambities gemeten")."""

    ambition = serializers.IntegerField(source="ambition.pk")
    ambition_name = serializers.CharField(source="ambition.name")
    programme = serializers.IntegerField(source="programme.pk", allow_null=True)
    area = serializers.IntegerField(source="area.pk", allow_null=True)
    indicators = IndicatorCourseSerializer(many=True)


def monitoring_data(monitoring: AmbitionMonitoring) -> dict:
    """The monitoring as the API (and the tests of the page and workbook) read it."""
    return dict(AmbitionMonitoringSerializer(monitoring).data)


def _optional_id(query, name: str) -> int | None:
    raw = query.get(name, "")
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise exceptions.ValidationError({name: [_("Geef een geheel getal.")]}) from None


@extend_schema(
    tags=["resultaten"],
    parameters=[
        OpenApiParameter(
            AREA, OpenApiTypes.INT, description="Id van een gebied; leeg: de hele gemeente."
        ),
        OpenApiParameter(
            PROGRAMME, OpenApiTypes.INT, description="Id van een programma; leeg: het huidige."
        ),
    ],
    responses={
        200: AmbitionMonitoringSerializer,
        400: OpenApiResponse(description=_("Een onbekend gebied of programma.")),
    },
)
class AmbitionMonitoringView(generics.GenericAPIView):
    """An ambition measured: per indicator the expected course from the programme
    (baseline plus the contributions of the scheduled works from their finish year),
    the target path and the measured values, for the municipality or one area."""

    serializer_class = AmbitionMonitoringSerializer
    permission_classes = [ModelPermissions]
    queryset = Ambition.objects.all()

    def get(self, request, pk: int):
        ambition = get_object_or_404(Ambition, pk=pk)
        query = request.query_params
        area_id = _optional_id(query, AREA)
        programme_id = _optional_id(query, PROGRAMME)
        area = None
        if area_id is not None:
            area = Area.objects.filter(pk=area_id).first()
            if area is None:
                raise exceptions.ValidationError({AREA: [_("Dit gebied bestaat niet.")]})
        if programme_id is None:
            programme = Programme.objects.current()
        else:
            programme = Programme.objects.filter(pk=programme_id).first()
            if programme is None:
                raise exceptions.ValidationError({PROGRAMME: [_("Dit programma bestaat niet.")]})
        return Response(monitoring_data(ambition_monitoring(ambition, programme, area)))
