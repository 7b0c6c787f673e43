"""Filters shared by the registers (and the API, #6)."""

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from impor.choices import AreaLevel
from impor.models import Area
from impor.visibility import limit_choices
from impor.widgets import LongSelect


class VisibleChoicesMixin:
    """A filter that names a row (an owner, a budget line, a project) offers and accepts
    only the rows the user may see (`impor.visibility`): for a partner, another
    organisation's id is no valid choice, exactly like an id that does not exist."""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        limit_choices(self.filters, getattr(request, "user", None))


class FilterSet(VisibleChoicesMixin, django_filters.FilterSet):
    """The base of every list's FilterSet, for its page, its export and the API."""


def area_choices() -> list[tuple[int, str]]:
    """The gemeente, kernen and wijken to filter on, by level and name: a city has over a
    thousand buurten, too many for one list. Plain rows, no model instances."""
    return list(
        Area.objects.exclude(level=AreaLevel.BUURT)
        .order_by("level", "name")
        .values_list("pk", "name")
    )


class AreaFilter(django_filters.ChoiceFilter):
    """Rows in a chosen area or any area inside it (`field_name` holds the area id)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("Gebied"))
        kwargs.setdefault("empty_label", _("Alle gebieden"))
        kwargs.setdefault("help_text", _("Een kern of wijk, met alle buurten die erin liggen."))
        super().__init__(*args, choices=area_choices, widget=LongSelect, **kwargs)

    def filter(self, qs: QuerySet, value) -> QuerySet:
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**{f"{self.field_name}__in": subtree_ids(value)})


def subtree_ids(area_id) -> list[int]:
    """The ids of the area `area_id` and of every area inside it."""
    return Area(pk=int(area_id)).subtree_ids()
