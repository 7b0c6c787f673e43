"""Filters of the programme's lists: one FilterSet per list, for its page, its API
endpoint (`filterset_class`) and its export, so an export of a filtered list holds the
rows the page and the API show.

The base `impor.filters.FilterSet` limits the choices of any row-naming filter to the
rows the user may see (the partner rule); the querysets themselves come already limited
(`programming.pages.works_visible_to`, `couplings_visible_to`).
"""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from impor.filters import FilterSet
from programming.choices import CouplingDecisionStatus, CouplingKind, WorkKind
from programming.models import Coupling, KpiValue, Work


class WorkFilterSet(FilterSet):
    """The works of a programme: the API list, the map and the works export."""

    jaar = django_filters.NumberFilter(field_name="scheduled_year", label=_("gepland jaar"))
    gebied = django_filters.NumberFilter(field_name="area", label=_("gebied (id)"))
    soort = django_filters.ChoiceFilter(
        field_name="kind", choices=WorkKind.choices, empty_label=_("alle")
    )
    koppelkans = django_filters.NumberFilter(field_name="coupling", label=_("koppelkans (id)"))

    class Meta:
        model = Work
        fields: list[str] = []


class CouplingFilterSet(FilterSet):
    """The couplings of a programme (`pages.coupling_list`, which annotates the decision):
    the couplings page, the API list and the couplings export."""

    besluit = django_filters.ChoiceFilter(
        field_name="decision",
        choices=CouplingDecisionStatus.choices,
        label=_("besluit"),
        empty_label=_("alle"),
    )
    soort = django_filters.ChoiceFilter(
        field_name="kind", choices=CouplingKind.choices, empty_label=_("alle")
    )
    gebied = django_filters.NumberFilter(field_name="area", label=_("gebied (id)"))
    jaar = django_filters.NumberFilter(field_name="year", label=_("gepland jaar"))

    class Meta:
        model = Coupling
        fields: list[str] = []


class KpiFilterSet(FilterSet):
    """The KPI values of a programme (the API list)."""

    code = django_filters.CharFilter(label=_("kengetal"))
    jaar = django_filters.NumberFilter(field_name="year", label=_("jaar"))
    team = django_filters.CharFilter(field_name="team__code", label=_("team (code)"))
    totaal = django_filters.BooleanFilter(
        method="filter_total", label=_("alleen de totalen van het hele programma")
    )

    class Meta:
        model = KpiValue
        fields: list[str] = []

    def filter_total(self, queryset, name, value):
        programme_wide = Q(
            year__isnull=True,
            area__isnull=True,
            budget_line__isnull=True,
            theme__isnull=True,
            team__isnull=True,
        )
        return queryset.filter(programme_wide) if value else queryset.exclude(programme_wide)
