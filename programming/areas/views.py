"""The area page (anatomy of an area), its map and the villages overview.

These pages combine the area (impor), its tasks (stakeholders), its assets (assets), its
projects (projects) and the computed programme, so they live in the top layer.
"""

from collections import defaultdict

from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import Count, F, Max, Min
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DetailView, TemplateView

from assets import lifecycle
from assets.filters import lifecycle_expressions
from assets.models import Asset
from impor.choices import AreaLevel, Discipline
from impor.geometry import to_geojson
from impor.models import Area
from programming.areas import selectors
from programming.models import Programme
from projects.selectors import projects_visible_to
from stakeholders.choices import TaskDomain

#: The map shows at most this many asset features: one per street and discipline (the
#: centre of their joint bounding box), the largest groups first.
MAP_ASSET_FEATURES = 2000
#: Replacement years are grouped in periods of this many years in the asset table.
PERIOD_YEARS = 5
AREA_COLOUR = "#00689e"
PROJECT_COLOUR = "#c0392b"
DISCIPLINE_COLOURS = {
    Discipline.RIOLERING: "#8c510a",
    Discipline.VERHARDING: "#636363",
    Discipline.GROEN: "#1a9850",
    Discipline.VERLICHTING: "#fdae61",
    Discipline.KUNSTWERKEN: "#5e3c99",
    Discipline.WATER: "#2c7bb6",
    Discipline.SPELEN: "#d7191c",
    Discipline.VRI: "#e66101",
    Discipline.MEUBILAIR: "#878787",
}


def _replacement_year():
    """The year each asset is due for replacement: its preferred year by the lifecycle rule
    (`assets.lifecycle`, end of life brought forward by a poor condition), this year as
    reference year. One query reads the asset classes."""
    return lifecycle_expressions()[lifecycle.PREFERRED_YEAR]


def asset_table(area_ids: list[int]) -> dict:
    """Assets per discipline and period of their replacement year (two queries: the asset
    classes for the lifecycle rule, then the counts).

    Returns ``{"periods": [start, ...], "rows": [(label, [count per period], total)]}``.
    """
    rows = (
        Asset.objects.filter(area_id__in=area_ids)
        .annotate(replacement=_replacement_year())
        .values("asset_class__discipline", "replacement")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict = defaultdict(lambda: defaultdict(int))
    periods = set()
    for row in rows:
        period = row["replacement"] // PERIOD_YEARS * PERIOD_YEARS
        periods.add(period)
        counts[row["asset_class__discipline"]][period] += row["n"]
    ordered = sorted(periods)
    labels = dict(Discipline.choices)
    disciplines = sorted(counts, key=lambda d: list(labels).index(d) if d in labels else 99)
    table = [
        (labels.get(d, d), [counts[d].get(p, 0) for p in ordered], sum(counts[d].values()))
        for d in disciplines
    ]
    summary = [
        (
            labels.get(d, d),
            [_in_bucket(counts[d], bucket) for bucket in SUMMARY_BUCKETS],
            sum(counts[d].values()),
        )
        for d in disciplines
    ]
    return {
        "periods": ordered,
        "period_years": PERIOD_YEARS,
        "rows": table,
        "summary_starts": _bucket_starts(),
        "summary": summary,
    }


#: The area page's summary of the asset table: overdue, this decade, the two after, later
#: (as (from, to) offsets in years from the start of this year's period; None is open).
SUMMARY_BUCKETS = ((None, 0), (0, 10), (10, 30), (30, None))


def _bucket_starts() -> list[tuple[int | None, int | None]]:
    """The summary's columns as (first year, last year), None for an open end."""
    base = timezone.localdate().year // PERIOD_YEARS * PERIOD_YEARS
    return [
        (None if low is None else base + low, None if high is None else base + high - 1)
        for low, high in SUMMARY_BUCKETS
    ]


def _in_bucket(counts: dict[int, int], bucket: tuple[int | None, int | None]) -> int:
    """How many of one discipline's assets fall due in a summary column."""
    base = timezone.localdate().year // PERIOD_YEARS * PERIOD_YEARS
    low, high = bucket
    return sum(
        n
        for period, n in counts.items()
        if (low is None or period >= base + low) and (high is None or period < base + high)
    )


class AreaDetailView(PermissionRequiredMixin, DetailView):
    """Anatomy of an area: tasks now and desired, assets, projects, couplings and works."""

    permission_required = "impor.view_area"
    raise_exception = True
    model = Area
    template_name = "areas/area_detail.html"
    context_object_name = "area"

    def get_queryset(self):
        return Area.objects.select_related("parent")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        ids = area.subtree_ids()
        tasks = area.tasks.select_related("theme", "owner").order_by("-priority", "title")
        context["task_groups"] = [
            (label, [t for t in tasks if t.domain == value]) for value, label in TaskDomain.choices
        ]
        context["ancestors"] = selectors.area_ancestors(area)
        context["children"] = area.children.order_by("name")
        context["assets"] = asset_table(ids)
        context["projects"] = (
            projects_visible_to(self.request.user)
            .filter(areas__in=ids)
            .distinct()
            .select_related("owner")
            .order_by("start_year", "code")
        )
        programme = Programme.objects.current()
        context["programme"] = programme
        if programme is not None:
            works = selectors.area_works(programme, ids).order_by(
                F("scheduled_year").asc(nulls_last=True), "street", "label"
            )
            context["work_count"] = works.count()
            context["works"] = list(works[: selectors.TIMELINE_LIMIT])
            context["years"] = list(range(programme.first_year, programme.last_year + 1))
            context["timeline"] = [
                (work, [_timeline_cell(work, year) for year in context["years"]])
                for work in context["works"]
            ]
            context["couplings"] = selectors.area_couplings(programme, ids)[:100]
        context["geojson_url"] = reverse("areas:area_geojson", args=[area.pk])
        context["map_legend"] = [
            (str(_("gebied")), AREA_COLOUR),
            (str(_("project")), PROJECT_COLOUR),
            *((str(label), DISCIPLINE_COLOURS[value]) for value, label in Discipline.choices),
        ]
        return context


class AreaGeoJSONView(PermissionRequiredMixin, View):
    """The area outline, its projects and its assets aggregated per street and discipline.

    An area may hold 50,000 assets; the map gets one point per street and discipline (at
    the centre of their joint bounding box, which the asset table stores), at most
    MAP_ASSET_FEATURES of them, the largest groups first.
    """

    permission_required = "impor.view_area"
    raise_exception = True

    def get(self, request, pk):
        area = get_object_or_404(Area, pk=pk)
        ids = area.subtree_ids()
        features = []
        if area.geometry:
            features.append(
                _feature(
                    area.geometry, AREA_COLOUR, str(area), reverse("areas:area_detail", args=[pk])
                )
            )
        replacement = _replacement_year()
        groups = (
            Asset.objects.filter(area_id__in=ids, bbox_xmin__isnull=False)
            .values("street", "asset_class__discipline")
            .annotate(
                n=Count("pk"),
                xmin=Min("bbox_xmin"),
                ymin=Min("bbox_ymin"),
                xmax=Max("bbox_xmax"),
                ymax=Max("bbox_ymax"),
                first=Min(replacement),
                last=Max(replacement),
            )
            .order_by("-n")[:MAP_ASSET_FEATURES]
        )
        labels = dict(Discipline.choices)
        for g in groups:
            centre = f"POINT ({(g['xmin'] + g['xmax']) / 2} {(g['ymin'] + g['ymax']) / 2})"
            label = _("%(street)s: %(n)s × %(discipline)s, vervanging %(first)s–%(last)s") % {
                "street": g["street"] or _("zonder straat"),
                "n": g["n"],
                "discipline": labels.get(g["asset_class__discipline"], ""),
                "first": g["first"],
                "last": g["last"],
            }
            colour = DISCIPLINE_COLOURS.get(g["asset_class__discipline"], "#878787")
            features.append(_feature(centre, colour, str(label), None))
        projects = (
            projects_visible_to(request.user)
            .filter(areas__in=ids)
            .exclude(geometry="")
            .distinct()
            .only("pk", "code", "name", "geometry")
        )
        for project in projects:
            features.append(
                _feature(
                    project.geometry,
                    PROJECT_COLOUR,
                    str(project),
                    reverse("projects:project_detail", args=[project.pk]),
                )
            )
        return JsonResponse({"type": "FeatureCollection", "features": features})


def _timeline_cell(work, year: int) -> str:
    """What the area timeline shows for `work` in `year`: "planned", "possible" or ""."""
    if year == work.scheduled_year:
        return "planned"
    if work.window_start <= year <= work.window_end:
        return "possible"
    return ""


def _feature(wkt: str, colour: str, label: str, url: str | None) -> dict:
    return {
        "type": "Feature",
        "geometry": to_geojson(wkt),
        "properties": {"color": colour, "label": label, "url": url},
    }


class VillagesView(PermissionRequiredMixin, TemplateView):
    """The index of the villages pages: every kern with its key figures (planned works,
    their cost, projects, years), each linking to its own page. One page with every kern's
    works grew to forty thousand pixels."""

    permission_required = "impor.view_area"
    raise_exception = True
    template_name = "areas/villages.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = Programme.objects.current()
        context["programme"] = programme
        context["kernen"] = selectors.villages_index(programme)
        return context


class VillageView(PermissionRequiredMixin, TemplateView):
    """Per year what is planned in one kern: the information channel the villages asked
    for. Same permission as the index; the projects shown are those the index counts."""

    permission_required = "impor.view_area"
    raise_exception = True
    template_name = "areas/village_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kern = get_object_or_404(
            Area.objects.defer("geometry"), pk=kwargs["pk"], level=AreaLevel.KERN
        )
        programme = Programme.objects.current()
        context["programme"] = programme
        context["kern"] = kern
        overview = selectors.villages_overview(programme)
        context["years"] = next(item["years"] for item in overview if item["kern"].pk == kern.pk)
        return context
