"""The area register: the tree of areas (gemeente › kern › wijk › buurt) and its edit page.

The area page itself shows data of higher layers (tasks, assets, projects, the programme)
and therefore lives in `programming.areas`.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from impor.choices import AreaLevel, AreaType
from impor.filters import FilterSet, area_choices
from impor.lists import Column
from impor.models import Area
from impor.object_views import ObjectEditView, ObjectListView
from impor.widgets import LongSelect


class AreaFilterSet(FilterSet):
    name = django_filters.CharFilter(label=_("Naam bevat"), lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=_("Niveau"), choices=AreaLevel.choices)
    area_type = django_filters.ChoiceFilter(label=_("Gebiedstype"), choices=AreaType.choices)
    parent = django_filters.ChoiceFilter(
        label=_("Ligt in"), choices=area_choices, widget=LongSelect, empty_label=_("Overal")
    )

    class Meta:
        model = Area
        fields = ["name", "level", "area_type", "parent"]


def tree_order(areas: list[tuple[int, int | None, str]]) -> list[int]:
    """The ids of `areas` ((id, parent id, name) rows) depth-first: every area directly
    after its parent, siblings by name."""
    by_parent: dict = {}
    for pk, parent_id, name in sorted(areas, key=lambda row: row[2]):
        by_parent.setdefault(parent_id, []).append((pk, name))
    present = {pk for pk, _parent, _name in areas}
    roots = sorted(
        ((pk, name) for pk, parent, name in areas if parent not in present),
        key=lambda row: row[1],
        reverse=True,
    )
    ordered: list[int] = []
    stack = roots
    while stack:
        pk, _name = stack.pop()
        ordered.append(pk)
        stack.extend(reversed(by_parent.get(pk, [])))
    return ordered


class AreaListView(ObjectListView):
    """All areas as a tree (the default), or flat when sorted on a column; 50 a page.

    The tree is ordered in Python from the ids, parents and names of the filtered areas
    (a city has under two thousand), and only the page's areas are then read in full.
    """

    model = Area
    filterset_class = AreaFilterSet
    template_name = "areas/area_list.html"
    export_name = "gebieden"
    columns = (
        Column("name", _("naam")),
        Column("level", _("niveau"), choices=dict(AreaLevel.choices)),
        Column("parent__name", _("ligt in"), order_by=("parent__name", "name")),
        Column("cbs_code", _("CBS-code")),
        Column("area_type", _("gebiedstype"), choices=dict(AreaType.choices)),
        Column("quality_level", _("kwaliteitsniveau")),
        Column("population", _("inwoners"), kind="int"),
        Column("liveability_score", _("leefbaarheid"), kind="decimal"),
        Column("social_priority", _("sociale prioriteit"), kind="int"),
    )

    def get_queryset(self):
        # Outlines can be large polygons; the list shows none of them.
        return super().get_queryset().select_related("parent").defer("geometry", "parent__geometry")

    def is_tree(self) -> bool:
        return not self.get_sort()

    def paginate_queryset(self, queryset, page_size):
        if not self.is_tree():
            return super().paginate_queryset(queryset, page_size)
        ids = tree_order(list(queryset.values_list("pk", "parent_id", "name")))
        paginator, page, _ids, is_paginated = super().paginate_queryset(ids, page_size)
        areas = queryset.in_bulk(page.object_list)
        page.object_list = [areas[pk] for pk in page.object_list]
        return paginator, page, page.object_list, is_paginated

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = self.is_tree()
        context["areas"] = context["object_list"]
        # CBS code, area type, quality level and liveability: left out on a phone
        # (.impor-priority-low), where name, level, parent and figures must fit.
        context["low_priority_columns"] = (4, 5, 6, 8)
        return context


class AreaForm(forms.ModelForm):
    class Meta:
        model = Area
        fields = [
            "name",
            "cbs_code",
            "area_type",
            "quality_level",
            "population",
            "liveability_score",
            "social_priority",
            "social_tasks",
            "geometry",
        ]
        widgets = {"geometry": forms.Textarea(attrs={"rows": 3})}


class AreaEditView(ObjectEditView):
    """Edit an area's facts. Its place in the tree (level, parent) is set by the import."""

    model = Area
    form_class = AreaForm
    template_name = "areas/area_form.html"
    context_object_name = "area"
    detail_url = "areas:area_detail"
    success_message = _("Het gebied is opgeslagen.")
