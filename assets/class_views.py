"""Pages of the asset classes (objecttypen): the list, a class's page with its lifecycle
and maintenance defaults and the sources of both, the form that edits the maintenance
defaults (docs/maintenance.md), and the deterioration models fitted on the class's own
inspections with the functional administrator's fit, adopt and reset actions
(docs/lifecycle-learning.md)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404, redirect
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from assets import deterioration
from assets.filters import AssetClassFilterSet
from assets.forms import AssetClassMaintenanceForm
from assets.models import AssetClass, DeteriorationModel
from impor.choices import Discipline
from impor.lists import Column
from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView


class AssetClassListView(ObjectListView):
    queryset = AssetClass.objects.select_related("budget_line")
    filterset_class = AssetClassFilterSet
    default_sort = "name"
    export_name = "objecttypen"
    columns = (
        Column("name", _("naam")),
        Column("discipline", _("discipline"), choices=dict(Discipline.choices)),
        Column("unit", _("eenheid"), sortable=False),
        Column("lifespan", _("levensduur (jaar)"), kind="int"),
        Column("unit_cost", _("vervangingskosten per eenheid (€)"), kind="money"),
        Column("maintenance_cost", _("beheerkosten per eenheid per jaar (€)"), kind="money"),
        Column(
            "maintenance_saving",
            _("besparing bij vervanging per eenheid per jaar (€)"),
            kind="money",
        ),
    )


CHART_WIDTH, CHART_HEIGHT = 720, 300
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 708, 12, 264
#: Regression blue and Markov orange, as the first colours of `impor.charts.PALETTE`.
COLOURS = {"regressie": "#1f5fa8", "markov": "#c2410c"}


@dataclass(frozen=True)
class CurveChart:
    """The fitted curves drawn as SVG lines (condition 1 at the top, 6 at the bottom), the
    90% band of the first model, the default and fitted lifespans as vertical lines, and
    every fifth age as table rows for the same numbers."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    lines: list[dict]
    band: str
    markers: list[dict]
    x_ticks: list[dict]
    y_ticks: list[dict]
    names: list[str]
    rows: list[dict]


def _decimal(value: float) -> str:
    return number_format(value, 1)


def curve_chart(asset_class: AssetClass, models: list[DeteriorationModel]) -> CurveChart | None:
    """The chart of the class's newest fitted models against its default lifespan."""
    if not models:
        return None
    last = max(int(model.curve[-1][0]) for model in models)
    last = max(last, asset_class.lifespan)
    x_scale = (PLOT_RIGHT - PLOT_LEFT) / max(last, 1)
    y_scale = (PLOT_BOTTOM - PLOT_TOP) / 5

    def x(age: float) -> float:
        return round(PLOT_LEFT + age * x_scale, 1)

    def y(condition: float) -> float:
        return round(PLOT_TOP + (condition - 1) * y_scale, 1)

    lines = [
        {
            "name": model.get_method_display(),
            "color": COLOURS.get(model.method, "#4b5563"),
            "points": " ".join(f"{x(age)},{y(mid)}" for age, mid, _low, _high in model.curve),
        }
        for model in models
    ]
    first = models[0].curve
    band = " ".join(
        [f"{x(age)},{y(high)}" for age, _mid, _low, high in first]
        + [f"{x(age)},{y(low)}" for age, _mid, low, _high in reversed(first)]
    )
    markers = [{"x": x(asset_class.lifespan), "label": gettext("standaardlevensduur")}] + [
        {
            "x": x(float(model.lifespan)),
            "label": model.get_method_display(),
            "color": COLOURS.get(model.method, "#4b5563"),
        }
        for model in models
    ]
    step = 10 if last <= 120 else 20
    x_ticks = [{"x": x(age), "label": age} for age in range(0, last + 1, step)]
    y_ticks = [{"y": y(score), "label": score} for score in range(1, 7)]
    by_age = [{int(age): (mid, low, high) for age, mid, low, high in m.curve} for m in models]
    rows = []
    for age in range(0, last + 1, 5):
        cells = []
        for curve in by_age:
            mid, low, high = curve.get(age, (None, None, None))
            cells.append(
                "–" if mid is None else f"{_decimal(mid)} ({_decimal(low)}–{_decimal(high)})"
            )
        rows.append({"age": age, "cells": cells})
    return CurveChart(
        width=CHART_WIDTH,
        height=CHART_HEIGHT,
        plot_left=PLOT_LEFT,
        plot_right=PLOT_RIGHT,
        plot_top=PLOT_TOP,
        plot_bottom=PLOT_BOTTOM,
        lines=lines,
        band=band,
        markers=markers,
        x_ticks=x_ticks,
        y_ticks=y_ticks,
        names=[line["name"] for line in lines],
        rows=rows,
    )


class AssetClassDetailView(ObjectDetailView):
    queryset = AssetClass.objects.select_related("budget_line")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        models = deterioration.latest_models(self.object)
        return context | {
            "deterioration_models": models,
            "deterioration_chart": curve_chart(self.object, models),
            "adopted_model": deterioration.adopted_model(self.object),
            "may_manage_deterioration": self.request.user.has_perm(deterioration.MANAGE),
            "minimum_inspections": deterioration.MIN_INSPECTIONS,
            "minimum_assets": deterioration.MIN_ASSETS,
        }


class DeteriorationActionView(PermissionRequiredMixin, View):
    """A POST of the functional administrator on a class's deterioration models; back to
    the class's page with a message."""

    permission_required = deterioration.MANAGE
    raise_exception = True
    http_method_names = ["post"]

    def post(self, request, pk: int, model_pk: int | None = None):
        asset_class = get_object_or_404(AssetClass, pk=pk)
        self.act(asset_class, model_pk)
        return redirect("assets:assetclass_detail", pk=pk)

    def act(self, asset_class: AssetClass, model_pk: int | None) -> None:
        raise NotImplementedError


class DeteriorationFitView(DeteriorationActionView):
    def act(self, asset_class, model_pk):
        try:
            fitted = deterioration.fit_deterioration(asset_class)
        except deterioration.TooFewInspections as reason:
            messages.error(self.request, str(reason))
            return
        messages.success(
            self.request,
            gettext("Verouderingsmodel berekend op %(n)s inspecties.")
            % {"n": fitted[0].inspections},
        )


class DeteriorationAdoptView(DeteriorationActionView):
    def act(self, asset_class, model_pk):
        model = get_object_or_404(asset_class.deterioration_models, pk=model_pk)
        deterioration.adopt(model, self.request.user)
        messages.success(
            self.request,
            gettext("De levensduur uit eigen inspecties (%(years)s jaar) is overgenomen.")
            % {"years": _decimal(float(model.lifespan))},
        )


class DeteriorationResetView(DeteriorationActionView):
    def act(self, asset_class, model_pk):
        deterioration.reset(asset_class)
        messages.success(self.request, gettext("De standaardlevensduur geldt weer."))


class AssetClassEditView(ObjectEditView):
    """Change a class's maintenance defaults (only an existing class: the lifecycle
    defaults come from the defaults file or the administrator's site)."""

    model = AssetClass
    form_class = AssetClassMaintenanceForm
    detail_url = "assets:assetclass_detail"
    success_message = _("De beheerkosten zijn opgeslagen.")
