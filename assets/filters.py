"""Filters of the asset list, and the lifecycle as database annotations so the list can
filter and sort on urgency and remaining life at a million rows.

`with_lifecycle` repeats the rule of `assets.lifecycle` (steps 1–8 and 10) in SQL. The
class-dependent parts — the condition caps and the price factor — are computed in Python
with `lifecycle.condition_caps` and `lifecycle.price_index_at` from the (few) asset
classes, and enter the query as constants per class, so the two implementations cannot
drift on those; `tests/assets/test_pages.py` checks that both give the same years, urgency
and value.
"""

from collections import defaultdict

import django_filters
from django.db.models import (
    Case,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assets import lifecycle
from assets.choices import Condition
from assets.models import Asset, AssetClass
from assets.selectors import price_index
from impor.choices import Discipline
from impor.filters import AreaFilter, FilterSet

URGENCY_CHOICES = [
    (lifecycle.URGENCY_OVERDUE, _("achterstallig")),
    (lifecycle.URGENCY_URGENT, _("urgent (0–2 jaar)")),
    (lifecycle.URGENCY_WITHIN_5, _("binnen 5 jaar")),
    (lifecycle.URGENCY_WITHIN_10, _("binnen 10 jaar")),
    (lifecycle.URGENCY_LATER, _("later")),
]


def with_lifecycle(
    queryset: QuerySet[Asset],
    *,
    reference_year: int | None = None,
    price_year: int | None = None,
) -> QuerySet[Asset]:
    """`queryset` annotated with `lifespan_years`, `end_of_life`, `preferred_year`,
    `remaining_life`, `urgency` and `replacement_value` (euros at `price_year`).

    One extra query reads the asset classes. Defaults as in `assets.selectors`: this year
    as reference year, the reference year as price year.
    """
    reference_year = timezone.localdate().year if reference_year is None else reference_year
    price_year = reference_year if price_year is None else price_year
    index = price_index()
    classes_by_cap: dict[tuple[int, int], list[int]] = defaultdict(list)
    classes_by_factor: dict[float, list[int]] = defaultdict(list)
    for class_id, rule, class_price_year in AssetClass.objects.values_list(
        "pk", "condition_rule", "price_year"
    ):
        for score, cap in enumerate(lifecycle.condition_caps(rule)):
            if score and cap == cap:  # NaN: no cap for this score
                classes_by_cap[score, int(cap)].append(class_id)
        factor = float(
            lifecycle.price_index_at(index, price_year)
            / lifecycle.price_index_at(index, class_price_year)
        )
        classes_by_factor[factor].append(class_id)
    # One WHEN per (score, cap) and per price factor, not per class: a few conditions
    # keep the query quick to compile and to evaluate over a million rows.
    caps = [
        When(Q(asset_class_id__in=class_ids, condition=score), then=Value(cap))
        for (score, cap), class_ids in classes_by_cap.items()
    ]
    factors = [
        When(asset_class_id__in=class_ids, then=Value(factor))
        for factor, class_ids in classes_by_factor.items()
    ]

    lifespan = Coalesce("lifespan_override", "asset_class__lifespan")
    end_of_life = F("construction_year") + lifespan
    cap = Case(*caps, default=None, output_field=IntegerField()) if caps else Value(None)
    condition_year = Coalesce(ExtractYear("condition_date"), Value(reference_year))
    # Least() is NULL on SQLite when an argument is NULL; Coalesce makes "no cap" mean
    # "end of life" on every database.
    preferred = Coalesce(Least(end_of_life, condition_year + cap), end_of_life)
    price_factor = Case(*factors, default=Value(1.0), output_field=FloatField())
    unit_cost = Coalesce("unit_cost_override", "asset_class__unit_cost")
    remaining = F("preferred_year") - Value(reference_year)
    bounds = lifecycle.URGENCY_BOUNDS
    return queryset.annotate(
        lifespan_years=lifespan,
        end_of_life=end_of_life,
        preferred_year=Cast(preferred, IntegerField()),
        remaining_life=Cast(remaining, IntegerField()),
        urgency=Case(
            When(remaining_life__lt=bounds[0], then=Value(lifecycle.URGENCY_OVERDUE)),
            When(remaining_life__lt=bounds[1], then=Value(lifecycle.URGENCY_URGENT)),
            When(remaining_life__lt=bounds[2], then=Value(lifecycle.URGENCY_WITHIN_5)),
            When(remaining_life__lt=bounds[3], then=Value(lifecycle.URGENCY_WITHIN_10)),
            default=Value(lifecycle.URGENCY_LATER),
        ),
        replacement_value=Cast("quantity", FloatField())
        * Cast(unit_cost, FloatField())
        * price_factor,
    )


class AssetFilterSet(FilterSet):
    """The filters of the asset list (and its export). Expects `with_lifecycle` rows."""

    discipline = django_filters.ChoiceFilter(
        label=_("Beheerdiscipline"),
        choices=Discipline.choices,
        empty_label=_("Alle disciplines"),
        method="filter_discipline",
    )
    asset_class = django_filters.ModelChoiceFilter(
        queryset=AssetClass.objects.order_by("name"),
        label=_("Objecttype"),
        empty_label=_("Alle objecttypen"),
    )
    area = AreaFilter(field_name="area_id")
    street = django_filters.CharFilter(
        field_name="street", lookup_expr="icontains", label=_("Straat bevat")
    )
    urgency = django_filters.ChoiceFilter(
        field_name="urgency",
        label=_("Urgentie (restlevensduur)"),
        choices=URGENCY_CHOICES,
        empty_label=_("Alle"),
    )
    condition = django_filters.ChoiceFilter(
        field_name="condition",
        label=_("Conditie (NEN 2767)"),
        choices=Condition.choices,
        empty_label=_("Alle"),
    )
    construction_year_from = django_filters.NumberFilter(
        field_name="construction_year", lookup_expr="gte", label=_("Aanlegjaar vanaf")
    )
    construction_year_to = django_filters.NumberFilter(
        field_name="construction_year", lookup_expr="lte", label=_("Aanlegjaar tot en met")
    )

    class Meta:
        model = Asset
        fields: list[str] = []

    def filter_discipline(self, queryset: QuerySet[Asset], name: str, value: str):
        # The discipline's few asset classes as constants: PostgreSQL then walks the
        # list's sort index and stops after a page, instead of joining a million rows.
        class_ids = list(AssetClass.objects.filter(discipline=value).values_list("pk", flat=True))
        return queryset.filter(asset_class_id__in=class_ids)
