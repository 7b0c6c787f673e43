"""The API resource "what extra money buys":
``GET /api/v1/programmas/{pk}/extra-geld?budgetregel=<code>&jaar=<year>[&bedragen=…]``,
the figures of the page "Extra geld" and the workbook sheet of that name, from the one
definition `programming.whatif.extra_money`. Readers of programmes (``view_programme``)
may ask; a partner may not, as on the page. Bad input answers 400 in problem+json,
naming the parameter."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.response import Response

from impor.api.exceptions import Conflict
from impor.api.permissions import ModelPermissions
from programming.api import ProgrammeChildMixin
from programming.models import Programme
from programming.whatif import (
    AMOUNTS,
    AUTOMATIC_STEPS,
    LINE,
    YEAR,
    MoneyAnswer,
    WhatIfError,
    extra_money,
    parse_amounts,
)


def _amount(help_text) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, help_text=help_text)


class WorkLinkSerializer(serializers.Serializer):
    id = serializers.IntegerField(
        allow_null=True, source="pk", help_text=_("Het werk in dit programma.")
    )
    key = serializers.CharField(help_text=_("Sleutel van het werk."))
    label = serializers.CharField()


class MoneyStepSerializer(serializers.Serializer):
    extra = _amount(_("Extra geld op de budgetregel in het jaar, bovenop het budget."))
    funded = WorkLinkSerializer(many=True, help_text=_("Werken die dan doorgaan en nu niet."))
    dropped = WorkLinkSerializer(many=True, help_text=_("Werken die nu doorgaan en dan niet."))
    value_gained = serializers.FloatField(help_text=_("Waarde (punten) erbij tegen het plan."))
    openings_sectoral = serializers.IntegerField(help_text=_("Graafmomenten sectoraal."))
    openings_integrated = serializers.IntegerField(help_text=_("Graafmomenten integraal."))
    openings_saved = serializers.IntegerField(
        help_text=_(
            "Vermeden graafmomenten meer dan in het plan: keer dat een straat minder open gaat."
        )
    )
    place = serializers.CharField(
        allow_null=True, help_text=_("Gebied waar de meeste graafmomenten vermeden worden.")
    )
    place_saved = serializers.IntegerField(help_text=_("Vermeden graafmomenten in dat gebied."))
    savings_gained = _amount(_("Koppelvoordeel erbij tegen het plan."))
    status = serializers.CharField(
        help_text=_("Status van de berekening (optimal, time_limit, …).")
    )
    sentence = serializers.CharField(help_text=_("De zin voor de raad."))


class MoneyAnswerSerializer(serializers.Serializer):
    """What extra money on one budget line in one year buys (docs/whatif.md)."""

    budget_line = serializers.CharField(source="line.code")
    budget_line_name = serializers.CharField(source="line.name")
    year = serializers.IntegerField()
    automatic = serializers.BooleanField(
        help_text=_("Stappen vanzelf gekozen (het volgende werk dat doorgaat) of opgegeven.")
    )
    base_value = serializers.FloatField(
        help_text=_("Waarde (punten) van het plan zonder extra geld.")
    )
    sentence = serializers.CharField(help_text=_("De zin voor de raad bij het grootste bedrag."))
    steps = MoneyStepSerializer(many=True)


def answer_data(answer: MoneyAnswer) -> dict:
    """The answer as the API (and the workbook's test) reads it."""
    return dict(MoneyAnswerSerializer(answer).data)


@extend_schema(
    tags=["resultaten"],
    parameters=[
        OpenApiParameter(
            LINE, OpenApiTypes.STR, required=True, description="Code van de budgetregel."
        ),
        OpenApiParameter(
            YEAR, OpenApiTypes.INT, required=True, description="Jaar binnen de looptijd."
        ),
        OpenApiParameter(
            AMOUNTS,
            OpenApiTypes.STR,
            description="Bedragen extra, gescheiden door komma's (Nederlandse notatie, "
            "bijvoorbeeld 500.000, 1,2 mln). Leeg: vanzelf gekozen stappen.",
        ),
    ],
    responses={
        200: MoneyAnswerSerializer,
        400: OpenApiResponse(
            description=_("Een onbekende budgetregel, een jaar buiten de looptijd of geen bedrag.")
        ),
        409: OpenApiResponse(
            description=_("Het programma kan nu niet worden doorgerekend (de invoer klopt niet).")
        ),
    },
)
class ExtraMoneyView(ProgrammeChildMixin, generics.GenericAPIView):
    """What extra money on a budget line in a year buys: per step the works that go
    ahead, the value and the street openings saved, computed exactly by re-solving."""

    serializer_class = MoneyAnswerSerializer
    permission_classes = [ModelPermissions]
    queryset = Programme.objects.all()

    def get(self, request, pk: int):
        programme = self.get_programme()
        query = request.query_params
        try:
            for name in (LINE, YEAR):
                if not query.get(name):
                    raise WhatIfError(name, str(_("Dit veld is verplicht.")))
            amounts = parse_amounts(query.get(AMOUNTS, ""))
            answer = extra_money(
                programme, query[LINE], query[YEAR], amounts or None, AUTOMATIC_STEPS
            )
        except WhatIfError as error:
            if error.field is None:
                raise Conflict(error.message) from None
            raise exceptions.ValidationError({error.field: [error.message]}) from None
        return Response(answer_data(answer))
