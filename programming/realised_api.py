"""The API resource "planned versus realised":
``GET /api/v1/programmas/{pk}/gepland-gerealiseerd?per=jaar|budgetregel|gebied|thema``,
the figures of the page "Gepland en gerealiseerd" and the workbook sheet of that name,
from the one definition `programming.realised.planned_realised`. Readers of programmes
(``view_programme``) may ask; a partner may not, as on the page. An unknown ``per``
answers 400 naming the parameter."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from impor.api.permissions import ModelPermissions
from programming.api import ProgrammeChildMixin
from programming.models import Programme
from programming.realised import PER, PER_YEAR, PlannedRealised, planned_realised

PARAMETER = "per"


def _amount(help_text, **kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text, **kwargs)


class RealisedRowSerializer(serializers.Serializer):
    key = serializers.CharField(
        help_text=_("Het jaar, de code van de budgetregel, of het gebied of thema (id).")
    )
    label = serializers.CharField()
    planned_gross = _amount(_("Gepland (bruto) in de vastgestelde versie."))
    planned_net = _amount(_("Gepland (netto): bruto min koppelvoordeel."))
    planned_to_date = _amount(
        _("Gepland (netto) in de jaren tot en met het peiljaar: waar het verschil tegen telt.")
    )
    realised = _amount(_("Werkelijke kosten."))
    variance = _amount(
        _("Gerealiseerd min gepland (netto) tot en met het peiljaar; leeg voor een later jaar."),
        allow_null=True,
    )
    works_planned = serializers.IntegerField(help_text=_("Werken gepland te starten."))
    works_started = serializers.IntegerField(help_text=_("Werken werkelijk gestart."))
    works_finished = serializers.IntegerField(help_text=_("Werken werkelijk gereed."))
    couplings_planned = serializers.IntegerField(help_text=_("Geplande koppelingen."))
    couplings_together = serializers.IntegerField(help_text=_("Koppelingen samen uitgevoerd."))
    couplings_apart = serializers.IntegerField(
        help_text=_("Koppelingen apart uitgevoerd: de straat ging vaker open.")
    )


class RealisedCellSerializer(RealisedRowSerializer):
    year = serializers.IntegerField()
    budget_line = serializers.CharField(help_text=_("Code van de budgetregel."))


class RealisedVarianceSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("Sleutel van het werk (of de werken)."))
    label = serializers.CharField()
    kind = serializers.CharField(
        help_text=_(
            "Soort afwijking: later-gestart, eerder-gestart, niet-gestart, uitgesteld, "
            "vervallen, duurder, goedkoper, niet-gepland, apart."
        )
    )
    text = serializers.CharField(help_text=_("De afwijking met de feiten."))
    reason = serializers.CharField(help_text=_("De reden die de realisatie geeft."))


class PlannedRealisedSerializer(serializers.Serializer):
    """Planned (the adopted version) against realised (docs/monitoring.md)."""

    adopted = serializers.IntegerField(
        allow_null=True,
        source="adopted.pk",
        help_text=_("Het vastgestelde programma; leeg als er nog geen is."),
    )
    per = serializers.CharField()
    reference_year = serializers.IntegerField(help_text=_("Peiljaar: het jaar van vandaag."))
    rows = RealisedRowSerializer(many=True)
    cells = RealisedCellSerializer(many=True, help_text=_("Per jaar × budgetregel."))
    total = RealisedRowSerializer()
    variances = RealisedVarianceSerializer(many=True)


def planned_realised_data(result: PlannedRealised) -> dict:
    """The result as the API answers it (and the tests compare the page and workbook to)."""
    cells = [{**vars(cell), "year": year, "budget_line": line} for year, line, cell in result.cells]
    return dict(
        PlannedRealisedSerializer(
            {
                "adopted": result.adopted,
                "per": result.per,
                "reference_year": result.reference_year,
                "rows": result.rows,
                "cells": cells,
                "total": result.total,
                "variances": result.variances,
            }
        ).data
    )


@extend_schema(
    tags=["resultaten"],
    parameters=[
        OpenApiParameter(
            PARAMETER,
            OpenApiTypes.STR,
            enum=list(PER),
            description="Groeperen per jaar (standaard), budgetregel, gebied of thema.",
        ),
    ],
    responses={
        200: PlannedRealisedSerializer,
        400: OpenApiResponse(description=_("Een onbekende waarde van per.")),
    },
)
class PlannedRealisedView(ProgrammeChildMixin, generics.GenericAPIView):
    """Planned in the adopted version against realised: money, works and couplings, with
    every deviation explained."""

    serializer_class = PlannedRealisedSerializer
    permission_classes = [ModelPermissions]
    queryset = Programme.objects.all()

    def get(self, request, pk: int):
        programme = self.get_programme()
        per = request.query_params.get(PARAMETER, PER_YEAR)
        if per not in PER:
            raise exceptions.ValidationError(
                {PARAMETER: [_("Kies uit: %(choices)s.") % {"choices": ", ".join(PER)}]}
            )
        return Response(planned_realised_data(planned_realised(programme, per, request.user)))
