"""Filters of the project list (and its export): one FilterSet, one set of rules."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from impor.filters import AreaFilter, FilterSet, subtree_ids
from projects.choices import ProjectKind, ProjectStatus
from projects.models import Project
from stakeholders.models import Actor, Team, Theme


class ProjectFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Zoeken"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Projecttype"), choices=ProjectKind.choices)
    status = django_filters.ChoiceFilter(label=_("Fase"), choices=ProjectStatus.choices)
    owner = django_filters.ModelChoiceFilter(label=_("Eigenaar"), queryset=Actor.objects.all())
    area = AreaFilter(method="in_area")
    year = django_filters.NumberFilter(label=_("Loopt in jaar"), method="in_year")
    theme = django_filters.ModelChoiceFilter(
        label=_("Thema"), field_name="themes", queryset=Theme.objects.all()
    )
    team = django_filters.ModelChoiceFilter(label=_("Team"), queryset=Team.objects.all())

    class Meta:
        model = Project
        fields = ["q", "kind", "status", "owner", "area", "year", "theme", "team"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(code__icontains=value) | Q(name__icontains=value))

    def in_area(self, queryset, name, value):
        """Projects in the area or in any area below it (the tree is at most four deep)."""
        in_scope = Project.areas.through.objects.filter(area_id__in=subtree_ids(value))
        return queryset.filter(pk__in=in_scope.values("project_id"))

    def in_year(self, queryset, name, value):
        return queryset.filter(start_year__lte=value, end_year__gte=value)
