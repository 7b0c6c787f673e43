"""The API's filter backend: django-filter, with the visibility rule on every filter that
names a row (`impor.filters.VisibleChoicesMixin`), also for the FilterSets it builds
from a view's `filterset_fields`."""

from django_filters import rest_framework as filters

from impor.filters import VisibleChoicesMixin


class FilterSet(VisibleChoicesMixin, filters.FilterSet):
    """django-filter's API FilterSet with the visibility rule."""


class FilterBackend(filters.DjangoFilterBackend):
    filterset_base = FilterSet
