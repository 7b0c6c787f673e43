"""Filters of the asset list, and the lifecycle as database annotations so the list can
filter and sort on urgency and remaining life at a million rows.

`lifecycle_expressions` runs the one definition of the rule, `lifecycle.derive`, on
Django expressions instead of arrays (`SqlBackend`). The class-dependent parameters — the
condition caps and the price factor — are computed in Python with
`lifecycle.condition_caps` and `lifecycle.price_factors` from the (few) asset classes and
enter the query as constants per class. `tests/assets/test_lifecycle_paths.py` checks that
the database, the numpy path and the asset page give the same numbers for every asset.
"""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import django_filters
import numpy as np
from django.db.models import (
    Case,
    Expression,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractYear, Least, Round
from django.db.models.lookups import LessThan
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


def _expression(value: Any) -> Any:
    return value if hasattr(value, "resolve_expression") else Value(value)


class SqlBackend:
    """The lifecycle rule's operations as Django expressions, NULL for a missing value."""

    def first_set(self, value: Any, fallback: Any) -> Coalesce:
        return Coalesce(value, _expression(fallback))

    def at_most(self, value: Any, limit: Any) -> Coalesce:
        # Least() is NULL on SQLite when an argument is NULL; Coalesce makes "no limit"
        # mean `value` on every database.
        return Coalesce(Least(value, limit), value)

    def classify(self, value: Any, bounds: Sequence[int], labels: Sequence[str]) -> Case:
        whens = [
            When(LessThan(value, bound), then=Value(label))
            for bound, label in zip(bounds, labels, strict=False)
        ]
        return Case(*whens, default=Value(labels[-1]))


def _class_parameters(price_year: int) -> tuple[Expression, Expression]:
    """The condition cap and the price factor of each asset's class, as CASE expressions.

    One query reads the asset classes. One WHEN per (score, cap) and per price factor, not
    per class: a few conditions keep the query quick to compile and to evaluate over a
    million rows.
    """
    index = price_index()
    classes_by_cap: dict[tuple[int, int], list[int]] = defaultdict(list)
    classes_by_factor: dict[float, list[int]] = defaultdict(list)
    rows = list(AssetClass.objects.values_list("pk", "condition_rule", "price_year"))
    factors = lifecycle.price_factors(
        index, np.array([row[2] for row in rows], dtype="float64"), price_year
    )
    for (class_id, rule, _price_year), factor in zip(rows, factors, strict=True):
        for score, cap in enumerate(lifecycle.condition_caps(rule)):
            if score and cap == cap:  # NaN: no cap for this score
                classes_by_cap[score, int(cap)].append(class_id)
        classes_by_factor[float(factor)].append(class_id)
    caps = [
        When(Q(asset_class_id__in=class_ids, condition=score), then=Value(cap))
        for (score, cap), class_ids in classes_by_cap.items()
    ]
    price_factors = [
        When(asset_class_id__in=class_ids, then=Value(factor))
        for factor, class_ids in classes_by_factor.items()
    ]
    no_cap = Value(None, output_field=IntegerField())
    cap = Case(*caps, default=no_cap, output_field=IntegerField()) if caps else no_cap
    factor = Case(*price_factors, default=Value(1.0), output_field=FloatField())
    return cap, factor


def lifecycle_expressions(
    *, reference_year: int | None = None, price_year: int | None = None
) -> dict[str, Any]:
    """The lifecycle rule's `lifecycle.OUTPUT_COLUMNS` as expressions on `Asset` rows.

    One query reads the asset classes. Defaults as in `assets.selectors`: this year as
    reference year, the reference year as price year. Years are cast to integers, the
    replacement value is a float (euros at `price_year`).
    """
    reference_year = timezone.localdate().year if reference_year is None else reference_year
    price_year = reference_year if price_year is None else price_year
    cap, factor = _class_parameters(price_year)
    columns = lifecycle.derive(
        lifecycle.RuleInputs(
            construction_year=F("construction_year"),
            lifespan_override=F("lifespan_override"),
            # Step 1: an adopted fitted lifespan in whole years, half up, else the default.
            class_lifespan=Coalesce(
                Cast(Round("asset_class__fitted_lifespan"), IntegerField()),
                F("asset_class__lifespan"),
                output_field=IntegerField(),
            ),
            condition_year=ExtractYear("condition_date"),
            condition_cap=cap,
            window_early=F("asset_class__window_early"),
            window_late=F("asset_class__window_late"),
            quantity=Cast("quantity", FloatField()),
            unit_cost_override=Cast("unit_cost_override", FloatField()),
            class_unit_cost=Cast("asset_class__unit_cost", FloatField()),
            price_factor=factor,
        ),
        SqlBackend(),
        reference_year=reference_year,
    )
    return {
        name: Cast(column, IntegerField()) if name in lifecycle.YEAR_COLUMNS else column
        for name, column in columns.items()
    }


def with_lifecycle(
    queryset: QuerySet[Asset],
    *,
    reference_year: int | None = None,
    price_year: int | None = None,
) -> QuerySet[Asset]:
    """`queryset` annotated with `lifespan_years`, `end_of_life`, `preferred_year`,
    `remaining_life`, `urgency` and `replacement_value` (euros at `price_year`), from
    `lifecycle_expressions` (one query for the asset classes, same defaults)."""
    columns = lifecycle_expressions(reference_year=reference_year, price_year=price_year)
    return queryset.annotate(
        lifespan_years=columns[lifecycle.LIFESPAN],
        end_of_life=columns[lifecycle.END_OF_LIFE],
        preferred_year=columns[lifecycle.PREFERRED_YEAR],
        remaining_life=columns[lifecycle.REMAINING_LIFE],
        urgency=columns[lifecycle.URGENCY],
        replacement_value=columns[lifecycle.REPLACEMENT_VALUE],
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


class AssetClassFilterSet(FilterSet):
    """The asset classes' list (objecttypen): by name and discipline."""

    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))
    discipline = django_filters.ChoiceFilter(
        choices=Discipline.choices, label=_("Beheerdiscipline"), empty_label=_("Alle")
    )

    class Meta:
        model = AssetClass
        fields: list[str] = []
