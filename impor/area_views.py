"""The area register: the tree of areas (gemeente › kern › wijk › buurt) and its edit page.

The area page itself shows data of higher layers (tasks, assets, projects, the programme)
and therefore lives in `projects.area_views`.
"""

import django_filters
from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.messages.views import SuccessMessageMixin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import UpdateView

from impor.choices import AreaLevel, AreaType
from impor.lists import Column, FilteredListView
from impor.models import Area


class AreaFilterSet(django_filters.FilterSet):
    name = django_filters.CharFilter(label=_("Naam bevat"), lookup_expr="icontains")
    level = django_filters.ChoiceFilter(label=_("Niveau"), choices=AreaLevel.choices)
    area_type = django_filters.ChoiceFilter(label=_("Gebiedstype"), choices=AreaType.choices)
    parent = django_filters.ModelChoiceFilter(
        label=_("Ligt in"),
        queryset=Area.objects.exclude(level=AreaLevel.BUURT).only("pk", "name", "level"),
    )

    class Meta:
        model = Area
        fields = ["name", "level", "area_type", "parent"]


def tree_order(areas: list[Area]) -> list[Area]:
    """Depth-first order: every area directly after its parent, siblings by name."""
    by_parent: dict = {}
    for area in sorted(areas, key=lambda a: a.name):
        by_parent.setdefault(area.parent_id, []).append(area)
    present = {a.pk for a in areas}
    roots = [a for a in areas if a.parent_id not in present]
    ordered: list[Area] = []
    stack = sorted(roots, key=lambda a: a.name, reverse=True)
    while stack:
        area = stack.pop()
        ordered.append(area)
        stack.extend(reversed(by_parent.get(area.pk, [])))
    return ordered


class AreaListView(FilteredListView):
    """All areas as a tree (the default), or flat and paginated when sorted on a column.

    The tree is built in Python from the filtered rows: a municipality has hundreds of
    areas, not thousands, so the whole tree fits one page.
    """

    permission_required = "impor.view_area"
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

    def get_paginate_by(self, queryset):
        return None if self.is_tree() else self.paginate_by

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tree"] = self.is_tree()
        if self.is_tree():
            context["areas"] = tree_order(list(context["object_list"]))
        else:
            context["areas"] = context["object_list"]
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


class AreaUpdateView(PermissionRequiredMixin, SuccessMessageMixin, UpdateView):
    """Edit an area's facts. Its place in the tree (level, parent) is set by the import."""

    permission_required = "impor.change_area"
    raise_exception = True
    model = Area
    form_class = AreaForm
    template_name = "areas/area_form.html"
    context_object_name = "area"
    success_message = _("Het gebied is opgeslagen.")

    def get_success_url(self) -> str:
        return reverse("areas:area_detail", args=[self.object.pk])
