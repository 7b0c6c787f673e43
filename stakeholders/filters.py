"""Filters of the stakeholder lists: actors, themes, ambitions, budget lines and teams."""

import django_filters
from django.utils.translation import gettext_lazy as _

from impor.choices import Discipline
from impor.filters import FilterSet
from stakeholders.choices import ActorKind, Domain
from stakeholders.models import Actor, Ambition, AreaOfInterest, BudgetLine, Team, Theme

YES_NO = [("true", _("ja")), ("false", _("nee"))]


class ActorFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))
    is_internal = django_filters.ChoiceFilter(
        choices=YES_NO, label=_("Gemeentelijk"), empty_label=_("Alle"), method="filter_internal"
    )
    kind = django_filters.ChoiceFilter(
        choices=ActorKind.choices, label=_("Soort"), empty_label=_("Alle soorten")
    )
    domain = django_filters.ChoiceFilter(
        choices=Domain.choices, label=_("Domein"), empty_label=_("Alle domeinen")
    )

    class Meta:
        model = Actor
        fields: list[str] = []

    def filter_internal(self, queryset, name, value):
        return queryset.filter(is_internal=value == "true")


class ThemeFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))

    class Meta:
        model = Theme
        fields: list[str] = []


class AmbitionFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))
    owner = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.order_by("name"), label=_("Eigenaar"), empty_label=_("Alle")
    )

    class Meta:
        model = Ambition
        fields: list[str] = []


class BudgetLineFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))
    owner = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.order_by("name"), label=_("Eigenaar"), empty_label=_("Alle")
    )

    class Meta:
        model = BudgetLine
        fields: list[str] = []


class TeamFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))
    actor = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.order_by("name"),
        label=_("Organisatie of afdeling"),
        empty_label=_("Alle"),
    )
    discipline = django_filters.ChoiceFilter(
        choices=Discipline.choices, label=_("Vakdiscipline"), empty_label=_("Alle")
    )

    class Meta:
        model = Team
        fields: list[str] = []


class AreaOfInterestFilterSet(FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", label=_("Naam bevat"))
    organisation = django_filters.ModelChoiceFilter(
        queryset=Actor.objects.order_by("name"),
        label=_("Organisatie"),
        empty_label=_("Alle organisaties"),
    )

    class Meta:
        model = AreaOfInterest
        fields: list[str] = []
