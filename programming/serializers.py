"""The JSON forms of programmes and their computed content in the REST API.

Field names are the model's. Validation stays in the models: the API's `ModelSerializer`
runs `full_clean()`, so the API answers with the same Dutch messages per field as the
pages' forms.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from impor.api.serializers import ModelSerializer
from programming.choices import CouplingDecisionStatus, CouplingKind
from programming.couplings import reservation_saving
from programming.explain import unfunded_sentences
from programming.models import (
    PROGRAMME_SETTINGS,
    SCENARIO_SETTINGS,
    AssessmentFramework,
    CostRule,
    CouplingCostSharing,
    CouplingDecision,
    CouplingReservation,
    CouplingResponse,
    Criterion,
    KpiValue,
    Programme,
    ProgrammeRun,
    UnfundedItem,
    Work,
)
from programming.wording import graafrust_cause
from projects.choices import DecisionLevel


class ProgrammeSerializer(ModelSerializer):
    # Empty until adopted, so the schema's enum includes "".
    adopted_by = serializers.ChoiceField(
        choices=DecisionLevel.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Programme
        fields = (
            "id",
            *PROGRAMME_SETTINGS,
            "status",
            "adopted_on",
            "adopted_by",
            "based_on",
            "computed_at",
            "version",
            "created_at",
            "updated_at",
        )
        read_only_fields = (
            "status",
            "adopted_on",
            "adopted_by",
            "based_on",
            "computed_at",
            "version",
            "created_at",
            "updated_at",
        )


class ScenarioSerializer(ModelSerializer):
    """A scenario's new name and the parameters it changes (as on the scenario page);
    parameters left out keep the source programme's value."""

    class Meta:
        model = Programme
        fields = ("name", *SCENARIO_SETTINGS)
        extra_kwargs = {name: {"required": False} for name in fields if name != "name"}

    def validate(self, attrs):
        # The copy service runs full_clean on the whole scenario; here only the fields.
        return attrs


class CriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ("code", "weight", "description")


class AssessmentFrameworkSerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, required=False)

    class Meta:
        model = AssessmentFramework
        fields = ("id", "name", "description", "criteria")


class RunSerializer(serializers.ModelSerializer):
    """A computation: its state and progress (0–100), and where its results are."""

    results = serializers.SerializerMethodField(
        help_text=_("De werken van het programma, zodra de berekening klaar is.")
    )

    class Meta:
        model = ProgrammeRun
        fields = (
            "id",
            "programme",
            "status",
            "progress",
            "step",
            "message",
            "created_at",
            "started_at",
            "finished_at",
            "results",
        )

    def get_results(self, run: ProgrammeRun) -> str | None:
        url = self.context.get("results_url")
        return url if url and run.status == "klaar" else None


class WorkSerializer(serializers.ModelSerializer):
    #: The work's name in the request's language (`Work.name`), under its old field name.
    label = serializers.CharField(source="name", read_only=True)
    graafrust_cause = serializers.SerializerMethodField()

    class Meta:
        model = Work
        fields = (
            "id",
            "key",
            "kind",
            "label",
            "project",
            "asset_class",
            "owner",
            "area",
            "street",
            "window_start",
            "window_end",
            "preferred_year",
            "scheduled_year",
            "cost",
            "saving",
            "opens_street",
            "reconstructs_street",
            "certainty",
            "must_do",
            "score",
            "score_breakdown",
            "coupling",
            "breaks_graafrust",
            "graafrust_cause",
        )

    def get_graafrust_cause(self, work: Work) -> str:
        return graafrust_cause(work.graafrust_cause)


class CouplingSerializer(serializers.Serializer):
    """A coupling with the decision taken on it (by key) and the works it joins that the
    caller may see (a partner: only its own)."""

    id = serializers.IntegerField()
    key = serializers.CharField()
    kind = serializers.ChoiceField(choices=CouplingKind.choices)
    area = serializers.IntegerField(source="area_id", allow_null=True)
    street = serializers.CharField()
    window_start = serializers.IntegerField()
    window_end = serializers.IntegerField()
    year = serializers.IntegerField(allow_null=True)
    savings = serializers.DecimalField(max_digits=14, decimal_places=2)
    openings_avoided = serializers.IntegerField()
    score = serializers.FloatField()
    decision = serializers.ChoiceField(choices=CouplingDecisionStatus.choices)
    decision_reason = serializers.CharField(allow_null=True)
    work_count = serializers.IntegerField(help_text=_("Het aantal werken in de koppelkans."))
    works = serializers.SerializerMethodField(help_text=_("De werken die u mag zien."))

    def get_works(self, coupling) -> list[int]:
        return [work.pk for work in coupling.visible_works]


class DecisionSerializer(serializers.ModelSerializer):
    status = serializers.ChoiceField(choices=CouplingDecisionStatus.choices)
    reason = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = CouplingDecision
        fields = ("id", "key", "status", "reason", "decided_by", "decided_at")
        read_only_fields = ("id", "key", "decided_by", "decided_at")


class UnfundedItemListSerializer(serializers.ListSerializer):
    """Words a page's reasons at once (`unfunded_sentences`: two queries per page)."""

    def to_representation(self, data):
        items = list(data.all() if hasattr(data, "all") else data)
        request = self.context.get("request")
        self.child.reasons = unfunded_sentences(items, user=getattr(request, "user", None))
        return super().to_representation(items)


class UnfundedItemSerializer(serializers.ModelSerializer):
    work_label = serializers.CharField(source="work.name", read_only=True)
    #: The reason in the request's language, from its code and facts.
    reason = serializers.SerializerMethodField()
    reasons: dict[int, str] | None = None

    def get_reason(self, item: UnfundedItem) -> str:
        reasons = self.reasons
        if reasons is None or item.pk not in reasons:
            request = self.context.get("request")
            reasons = unfunded_sentences([item], user=getattr(request, "user", None))
        return reasons[item.pk]

    class Meta:
        model = UnfundedItem
        list_serializer_class = UnfundedItemListSerializer
        fields = (
            "id",
            "work",
            "work_label",
            "budget_line",
            "year",
            "gap",
            "code",
            "reason",
            "facts",
        )


class KpiValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiValue
        fields = ("id", "code", "year", "area", "budget_line", "theme", "team", "value")


class MoneyCellSerializer(serializers.Serializer):
    """The money terms of `programming.money`, in euros with cents."""

    budget = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("Budget"))
    gross = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("Gepland (bruto)")
    )
    savings = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("Koppelvoordeel")
    )
    net = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("Gepland (netto)"))
    unused = serializers.DecimalField(
        max_digits=16, decimal_places=2, help_text=_("Ongebruikt budget")
    )
    over = serializers.DecimalField(max_digits=16, decimal_places=2, help_text=_("Meer dan budget"))
    shortfall = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        help_text=_("Tekort (geld dat de niet-gedekte werken financiert)"),
    )


class YearMoneySerializer(MoneyCellSerializer):
    year = serializers.IntegerField()
    within_budget = serializers.BooleanField(allow_null=True)


class LineMoneySerializer(serializers.Serializer):
    budget_line = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    total = MoneyCellSerializer()
    years = YearMoneySerializer(many=True)


class YearOpeningsSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    sectoral = serializers.IntegerField()
    integrated = serializers.IntegerField()
    avoided = serializers.IntegerField()


class OpeningsSerializer(serializers.Serializer):
    sectoral = serializers.IntegerField()
    integrated = serializers.IntegerField()
    avoided = serializers.IntegerField()
    bound = serializers.IntegerField(
        allow_null=True, help_text=_("Geen plan kan met minder graafmomenten.")
    )
    gap = serializers.FloatField(
        allow_null=True, help_text=_("Het optimaliteitsgat van de planning (0–1).")
    )
    graafrust_breaks = serializers.IntegerField(allow_null=True)
    years = YearOpeningsSerializer(many=True)


class KpiSummarySerializer(serializers.Serializer):
    """The programme's money per line and year and its street openings: the figures the
    dashboard, the budget page and the council workbook show."""

    within_budget = serializers.BooleanField(
        help_text=_("Elke budgetregel houdt het in elk jaar en elk moet-werk is gedekt.")
    )
    must_do_unfunded = serializers.IntegerField()
    total = MoneyCellSerializer()
    years = YearMoneySerializer(many=True)
    lines = LineMoneySerializer(many=True)
    openings = OpeningsSerializer()


class AdoptSerializer(serializers.Serializer):
    adopted_on = serializers.DateField()
    adopted_by = serializers.ChoiceField(choices=DecisionLevel.choices)


class KpiComparisonSerializer(serializers.Serializer):
    code = serializers.CharField()
    current = serializers.FloatField(allow_null=True)
    other = serializers.FloatField(allow_null=True)
    change = serializers.FloatField()


class MovedWorkSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    label = serializers.CharField()
    scheduled_year = serializers.IntegerField(allow_null=True)
    other_year = serializers.IntegerField(allow_null=True)


class ComparisonSerializer(serializers.Serializer):
    """Two programmes side by side: the programme-wide KPIs, how many works one has that
    the other lacks, and one page of the works that moved to another year."""

    other = serializers.IntegerField(help_text=_("Het programma waarmee vergeleken is."))
    kpis = KpiComparisonSerializer(many=True)
    added = serializers.IntegerField(help_text=_("Werken die het andere programma niet heeft."))
    dropped = serializers.IntegerField(
        help_text=_("Werken van het andere programma die ontbreken.")
    )
    count = serializers.IntegerField(help_text=_("Het aantal verschoven werken."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = MovedWorkSerializer(many=True)


class FeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = serializers.JSONField(allow_null=True, help_text=_("GeoJSON-geometrie"))
    properties = WorkSerializer()


@extend_schema_serializer(many=False)
class WorkFeatureCollectionSerializer(serializers.Serializer):
    """One page of works as a GeoJSON FeatureCollection (RFC 7946), the links to the
    next and previous page beside it (the schema of the API's GeoJSON answer)."""

    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = FeatureSerializer(many=True)
    links = serializers.ListField(child=serializers.DictField())


class PartyShareSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(
        source="organisation_id",
        allow_null=True,
        help_text=_("De organisatie; leeg voor 'andere partijen samen' of een onbekende eigenaar."),
    )
    name = serializers.CharField(source="organisation")
    basis = serializers.DecimalField(
        max_digits=16,
        decimal_places=3,
        help_text=_("Waarnaar verdeeld is: 1 per partij, meters sleuf, eigen kosten of bedrag."),
    )
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class SharedCostSerializer(serializers.Serializer):
    traffic_plan = serializers.DecimalField(max_digits=16, decimal_places=2)
    excavation = serializers.DecimalField(max_digits=16, decimal_places=2)
    reinstatement = serializers.DecimalField(max_digits=16, decimal_places=2)
    surface = serializers.DecimalField(max_digits=16, decimal_places=2)
    total = serializers.DecimalField(max_digits=16, decimal_places=2)


class CostSplitSerializer(serializers.Serializer):
    """The shared cost of the coupling's one opening and each party's part
    (`programming.couplings.cost_split`; a partner sees its own part and the other
    parties together)."""

    rule = serializers.ChoiceField(choices=CostRule.choices)
    shared = SharedCostSerializer()
    defaults = SharedCostSerializer(help_text=_("De standaardposten, afgeleid van de werken."))
    parties = PartyShareSerializer(many=True)


class CostSharingSerializer(serializers.ModelSerializer):
    """Set the split rule and the cost items (leave an item out or null for its default);
    `agreed` maps an organisation id (or `gemeente` for the municipality's own asset
    measures) to its agreed amount (rule `afspraak`)."""

    agreed = serializers.DictField(
        child=serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0),
        required=False,
    )

    class Meta:
        model = CouplingCostSharing
        fields = ("rule", "traffic_plan", "excavation", "reinstatement", "surface", "agreed")

    def validate(self, attrs):
        # The service runs full_clean on the whole row.
        return attrs


class ReservationSerializer(serializers.ModelSerializer):
    """Riding along: what a party lays in the coupling's trench. A partner reserves for
    its own organisation (leave `organisation` out); a municipal user names a party."""

    organisation = serializers.IntegerField(source="organisation_id", required=False)
    saving = serializers.SerializerMethodField(
        help_text=_("De eigen sleuf die de partij zo niet hoeft te graven (€).")
    )

    class Meta:
        model = CouplingReservation
        fields = ("id", "organisation", "kind", "length", "note", "created_at", "saving")
        read_only_fields = ("id", "created_at")

    def validate(self, attrs):
        # The service checks the organisation and runs full_clean.
        return attrs

    def get_saving(self, reservation) -> str:
        return str(reservation_saving(reservation))


class ResponseSerializer(serializers.ModelSerializer):
    """A partner's answer to the coupling for its own part; `kan_niet` and `opmerking`
    need a comment."""

    comment = serializers.CharField(required=False, allow_blank=True, default="")

    class Meta:
        model = CouplingResponse
        fields = ("id", "organisation", "answer", "comment", "responded_by", "responded_at")
        read_only_fields = ("id", "organisation", "responded_by", "responded_at")

    def validate(self, attrs):
        # The service runs full_clean: the comment rule answers on `comment`.
        return attrs


class CouplingDetailSerializer(CouplingSerializer):
    """A coupling with its cost split, the reservations of riding along and the partners'
    responses the caller may see."""

    kostenverdeling = CostSplitSerializer(source="detail_split")
    reserveringen = ReservationSerializer(many=True, source="detail_reservations")
    reacties = ResponseSerializer(many=True, source="detail_responses")
    besparing_met_meeliften = serializers.DecimalField(
        max_digits=16,
        decimal_places=2,
        source="detail_savings",
        help_text=_("De besparing door koppelen plus die door meeliften (€)."),
    )
