"""Pages of programming: the dashboard and the programme views (issue #5).

Views parse the request, call one service or page read (`programming.pages`) and render.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import CreateView, ListView, TemplateView

from assets.municipality import is_set_up
from assets.setup_views import SETUP_PERMISSIONS
from impor.charts import BarChart, bar_chart
from impor.geometry import feature_collection, to_geojson_many
from impor.visibility import partner_of
from programming import capacity, couplings, exports, pages, realised, services, tasks, workbook
from programming.explain import unfunded_sentences, work_explanation
from programming.filtersets import CouplingFilterSet, WorkFilterSet
from programming.forms import (
    AdoptForm,
    CostSharingForm,
    CouplingDecisionForm,
    ProgrammeForm,
    ReservationForm,
    ResponseForm,
)
from programming.models import (
    Coupling,
    CouplingCostSharing,
    CouplingResponse,
    Programme,
    ProgrammeRun,
)
from programming.money import (
    BUDGET,
    NET,
    SHORTFALL,
    YearMoney,
    programme_money,
    whole_euros,
)
from programming.money import (
    CODES as MONEY_CODES,
)
from programming.selectors import adopted_baseline, kpi_totals
from programming.wording import NAME_PARTS, work_name
from stakeholders.models import Actor

PAGE_SIZE = 50

#: KPI codes and how the pages name them.
KPI_LABELS = {
    "besparing": _("koppelvoordeel (€)"),
    "tekort": _("tekort: geld dat de niet-gedekte werken financiert (€)"),
    "graafmomenten_sectoraal": _("graafmomenten sectoraal"),
    "graafmomenten_integraal": _("graafmomenten integraal"),
    "vermeden_graafmomenten": _("vermeden graafmomenten"),
    "graafmomenten_ondergrens": _("ondergrens graafmomenten"),
    "graafrust_doorbrekingen": _("graafrust doorbroken"),
    "optimaliteitsgat": _("optimaliteitsgat (0–1)"),
    "ambitie_bediend": _("deel van de ambities bediend"),
    "achterstand": _("achterstand (werken)"),
    "besteding": _("gepland netto (€)"),
    "besteding_bruto": _("gepland bruto (€)"),
    "budget": _("budget (€)"),
    "uren_besparing": _("uren bespaard doordat gekoppelde werken hun voorbereiding delen"),
}
#: KPI codes the programme page shows through `programming.money` and `pages.Openings`.
SHOWN_APART = {*MONEY_CODES, *pages.OPENING_CODES, "vermeden_graafmomenten"}


def _page(request: HttpRequest, items, size: int = PAGE_SIZE):
    return Paginator(items, size).get_page(request.GET.get("page"))


def _latest_run(programme: Programme) -> ProgrammeRun | None:
    services.runs_fail_stale(programme.runs.all())
    return programme.runs.select_related("requested_by").first()


class DashboardView(TemplateView):
    """The start page: the current programme's KPIs and what awaits a decision."""

    template_name = "programming/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if not user.has_perm("programming.view_programme"):
            return context | {"may_view": False}
        programme = Programme.objects.current()
        context |= {
            "may_view": True,
            "programme": programme,
            "runs": pages.recent_runs(),
            "decisions": pages.recent_decisions(),
            "may_add": user.has_perm("programming.add_programme"),
            "concept": Programme.objects.filter(computed_at__isnull=True).first(),
            # Only without a programme, so the usual dashboard costs no query for it.
            "setup_needed": programme is None
            and user.has_perms(SETUP_PERMISSIONS)
            and not is_set_up(),
        }
        if programme is not None:
            money = programme_money(programme)
            years = money.per_year()
            context |= {
                "kpis": kpi_totals(programme),
                "money": money,
                "total": money.cell(),
                "years": years,
                "chart": _spend_chart(
                    gettext("Gepland (netto) en budget per jaar"), years, "besteding-per-jaar"
                ),
                "openings": pages.programme_openings(programme),
                "awaiting": pages.couplings_awaiting_decision(programme),
                "realised_chart": realised.dashboard_chart(programme, user),
            }
        return context


def _spend_chart(title: str, years: list[YearMoney], chart_id: str) -> BarChart:
    """Planned net spend and the shortfall per year as bars, the budget as the limit line
    (`programming.money` defines the terms)."""
    return bar_chart(
        title,
        [y.year for y in years],
        [
            (str(NET), [whole_euros(y.money.net) for y in years]),
            (str(SHORTFALL), [whole_euros(y.money.shortfall) for y in years]),
        ],
        limits=[whole_euros(y.money.budget) for y in years],
        limit_label=str(BUDGET),
        chart_id=chart_id,
    )


class ProgrammeListView(PermissionRequiredMixin, ListView):
    permission_required = "programming.view_programme"
    template_name = "programming/programme_list.html"
    paginate_by = PAGE_SIZE

    def get_queryset(self):
        return Programme.objects.select_related("framework", "based_on").order_by(
            "-first_year", "name"
        )


class ProgrammeCreateView(PermissionRequiredMixin, CreateView):
    permission_required = "programming.add_programme"
    form_class = ProgrammeForm
    template_name = "programming/programme_form.html"

    def form_valid(self, form):
        form.instance.created_by = self.request.user
        self.object = form.save()
        messages.success(self.request, gettext("Het programma is aangemaakt. Bereken het nu."))
        return redirect("programming:programme_detail", pk=self.object.pk)


class ProgrammeMixin(PermissionRequiredMixin):
    """A page about one programme: loads it and the tab navigation's context."""

    permission_required = "programming.view_programme"
    tab = "overzicht"

    def dispatch(self, request, *args, **kwargs):
        self.programme = get_object_or_404(
            Programme.objects.select_related("framework", "based_on"), pk=kwargs["pk"]
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        return context | {
            "programme": self.programme,
            "tab": self.tab,
            "years": pages.programme_years(self.programme),
            "may_run": user.has_perm("programming.change_programme")
            and not self.programme.is_adopted,
            "may_decide": _may_decide(user) and not self.programme.is_adopted,
        }


def _may_decide(user) -> bool:
    return user.has_perm("programming.add_couplingdecision") or user.has_perm(
        "programming.change_couplingdecision"
    )


class ProgrammeDetailView(ProgrammeMixin, TemplateView):
    template_name = "programming/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        return context | {
            "run": _latest_run(programme),
            # Money and openings come from their selectors, as on the dashboard.
            "kpis": [
                (KPI_LABELS.get(code, code), value)
                for code, value in kpi_totals(programme).items()
                if code not in SHOWN_APART
            ],
            "total": programme_money(programme).cell(),
            "counts": programme.works.aggregate(
                total=Count("pk"), unscheduled=Count("pk", filter=Q(scheduled_year__isnull=True))
            ),
            "coupling_count": programme.couplings.count(),
            "openings": pages.programme_openings(programme),
            "baseline": adopted_baseline(programme),
            "scenarios": programme.scenarios.order_by("name"),
        }


@require_POST
def programme_run(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a (re)computation; the detail page follows its progress."""
    if not request.user.has_perm("programming.change_programme"):
        raise PermissionDenied
    programme = get_object_or_404(Programme, pk=pk)
    try:
        tasks.programme_enqueue(programme, user=request.user)
    except ValueError as exc:
        messages.error(request, str(exc))
    return redirect(reverse("programming:programme_detail", args=[pk]) + "#berekening")


class RunStatusView(ProgrammeMixin, TemplateView):
    """The latest run's progress: the fragment htmx polls every second, or a whole page
    for a browser without JavaScript."""

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["programming/_run_status.html"]
        return ["programming/programme_run.html"]

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"run": _latest_run(self.programme)}


class MatrixView(ProgrammeMixin, TemplateView):
    """Year × area: the number of works and their cost per area per year."""

    template_name = "programming/programme_matrix.html"
    tab = "matrix"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = _page(self.request, pages.areas_with_works(self.programme))
        cells = pages.area_year_matrix(self.programme, [a["area_id"] for a in page])
        years = [*context["years"], None]
        totals = pages.year_totals(self.programme)
        money = programme_money(self.programme)
        rows = [
            {
                "area": a["area__name"] or gettext("zonder gebied"),
                "area_id": a["area_id"],
                "cells": [cells[a["area_id"]].get(y) for y in years],
            }
            for a in page
        ]
        return context | {
            "page_obj": page,
            "rows": rows,
            "columns": years,
            "totals": [totals.get(y) for y in years],
            "money_years": money.per_year(),
            "money_total": money.cell(),
        }


class GanttView(ProgrammeMixin, TemplateView):
    """The timeline per area: a table with a column per year, readable without CSS."""

    template_name = "programming/programme_gantt.html"
    tab = "planning"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.request.GET.get("gebied", "")
        areas = pages.areas_with_works(self.programme)
        shown = [a for a in areas if area in ("", str(a["area_id"] or "geen"))]
        page = _page(self.request, pages.gantt_works(self.programme, shown or areas), 100)
        years = context["years"]
        for work in page:
            end = (work.scheduled_year or 0) + work.years - 1
            work.cells = [
                {
                    "year": y,
                    "planned": work.scheduled_year is not None and work.scheduled_year <= y <= end,
                    "start": y == work.scheduled_year,
                    "window": work.window_start <= y <= work.window_end,
                }
                for y in years
            ]
        return context | {
            "page_obj": page,
            "area": area if shown and area else "",
            "areas": areas,
        }


class BudgetView(ProgrammeMixin, TemplateView):
    template_name = "programming/programme_budget.html"
    tab = "budget"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        money = programme_money(self.programme)
        lines = []
        for number, line in enumerate(money.lines, 1):
            years = money.per_year(line.code)
            lines.append(
                {
                    "line": line.name,
                    "years": years,
                    "total": money.cell(line.code),
                    "chart": _spend_chart(
                        gettext("%(line)s: gepland (netto) en budget per jaar")
                        % {"line": line.name},
                        years,
                        f"budgetregel-{number}",
                    ),
                }
            )
        return context | {"lines": lines, "money": money, "total": money.cell()}


class MapView(ProgrammeMixin, TemplateView):
    template_name = "programming/programme_map.html"
    tab = "kaart"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        totals = pages.year_totals(self.programme)
        legend = [
            {
                "year": y,
                "colour": pages.year_colour(self.programme, y),
                "n": (totals.get(y) or {}).get("n", 0),
                "cost": (totals.get(y) or {}).get("cost", 0),
            }
            for y in [*context["years"], None]
        ]
        return context | {
            "year_legend": legend,
            "map_legend": [
                (str(row["year"] or gettext("niet gepland")), row["colour"]) for row in legend
            ],
            "limit": pages.MAP_LIMIT,
        }


class GeoJsonView(ProgrammeMixin, View):
    """The works as a GeoJSON FeatureCollection in WGS84, coloured by scheduled year.

    At most MAP_LIMIT works, the highest scored first; the works list's filters narrow
    them (`?jaar=` to one year)."""

    def get(self, request, *args, **kwargs):
        located = self.programme.works.exclude(geometry="").exclude(geometry__isnull=True)
        works = WorkFilterSet(request.GET, queryset=located, request=request).qs
        rows = list(
            works.order_by("-score", "pk").values_list(
                "pk", "label", "scheduled_year", "geometry", "coupling_id", *NAME_PARTS
            )[: pages.MAP_LIMIT]
        )
        gantt = reverse("programming:programme_gantt", args=[self.programme.pk])
        # A coupled work's popup opens its coupling's page, which lies below the list's.
        couplings_url = reverse("programming:programme_couplings", args=[self.programme.pk])
        unplanned = str(gettext("niet gepland"))
        properties = (
            {
                "label": f"{work_name(label, *parts)} ({year or unplanned})",
                "color": pages.year_colour(self.programme, year),
                "year": year,
                "url": gantt if coupling is None else f"{couplings_url}{coupling}/",
                "id": pk,
            }
            for pk, label, year, _wkt, coupling, *parts in rows
        )
        geometries = to_geojson_many([row[3] for row in rows])
        return HttpResponse(
            feature_collection(zip(geometries, properties, strict=True)),
            content_type="application/geo+json",
        )


class CouplingListView(ProgrammeMixin, TemplateView):
    template_name = "programming/programme_couplings.html"
    tab = "koppelkansen"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        couplings = CouplingFilterSet(
            self.request.GET, queryset=pages.coupling_list(self.programme), request=self.request
        )
        query = self.request.GET.copy()
        query.pop("page", None)
        page = _page(self.request, couplings.qs)
        # The partners' answers beside the decision, for this page's couplings at once.
        answers: dict[str, list] = {}
        for response in (
            CouplingResponse.objects.filter(programme=self.programme, key__in=[c.key for c in page])
            .visible_to(self.request.user)
            .select_related("organisation")
        ):
            answers.setdefault(response.key, []).append(response)
        for coupling in page:
            coupling.responses = answers.get(coupling.key, [])
        return context | {
            "page_obj": page,
            "filter": couplings,
            "export_query": query.urlencode(),
        }


class CouplingDecideView(ProgrammeMixin, View):
    """POST a decision on one coupling; a rejection without reason comes back with the
    form and its field error."""

    def has_permission(self):
        return _may_decide(self.request.user)

    def post(self, request, *args, **kwargs):
        coupling = get_object_or_404(
            Coupling.objects.select_related("area"), pk=kwargs["coupling"], programme=self.programme
        )
        form = CouplingDecisionForm(request.POST, coupling=coupling, user=request.user)
        decision = None
        if form.is_valid():
            try:
                decision = services.coupling_decide(
                    self.programme,
                    coupling,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    user=request.user,
                )
            except ValueError as exc:
                messages.error(request, str(exc))
                return redirect("programming:programme_couplings", pk=self.programme.pk)
            except ValidationError as exc:
                form.add_error(None, exc)
        if decision is None:
            return render(
                request,
                "programming/coupling_decide.html",
                {"programme": self.programme, "coupling": coupling, "form": form},
                status=400,
            )
        messages.success(
            request,
            gettext("Besluit opgeslagen: %(status)s. Bereken het programma opnieuw om het te zien.")
            % {"status": decision.get_status_display()},
        )
        if request.POST.get("terug") == "koppelkans":  # decided on the coupling's own page
            return redirect(
                "programming:coupling_detail", pk=self.programme.pk, coupling=coupling.pk
            )
        return redirect(
            reverse("programming:programme_couplings", args=[self.programme.pk])
            + f"#koppeling-{coupling.pk}"
        )


class UnfundedView(ProgrammeMixin, TemplateView):
    template_name = "programming/programme_unfunded.html"
    tab = "niet-gedekt"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        page = _page(self.request, pages.unfunded_items(self.programme))
        reasons = unfunded_sentences(page.object_list, user=self.request.user)
        for item in page:
            item.reason_text = reasons[item.pk]
        return context | {"gaps": pages.unfunded_gaps(self.programme), "page_obj": page}


class AdoptView(ProgrammeMixin, TemplateView):
    permission_required = "programming.change_programme"
    template_name = "programming/programme_adopt.html"
    tab = "vaststellen"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", AdoptForm())
        return context

    def post(self, request, *args, **kwargs):
        form = AdoptForm(request.POST)
        if form.is_valid():
            try:
                services.programme_adopt(self.programme, **form.cleaned_data)
            except ValueError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, gettext("Het programma is vastgesteld."))
                return redirect("programming:programme_detail", pk=self.programme.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class WorkDetailView(ProgrammeMixin, TemplateView):
    """One work of the programme and why it is planned when it is (`programming.explain`,
    the same explanation as the API's `uitleg`). A work the user may not see is a 404."""

    template_name = "programming/work_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        work = get_object_or_404(
            pages.works_visible_to(user, self.programme).select_related("coupling", "area"),
            pk=self.kwargs["work"],
        )
        work.programme = self.programme
        return context | {
            "work": work,
            "title": work.name,
            "uitleg": work_explanation(work, user=user),
            "capacity": capacity.work_capacity(work, user),
        }


class WorkbookView(ProgrammeMixin, View):
    """The council workbook (raadswerkboek) of the programme as an Excel download."""

    def get(self, request, *args, **kwargs):
        return workbook.workbook_response(self.programme)


class ProgrammeExportView(ProgrammeMixin, View):
    """A CSV or GeoJSON export of the programme's works or couplings for the GIS team.

    The rows are those the list shows under the same query (`?besluit=…`, `?jaar=…`: the
    list's FilterSet). It needs the view permission of the rows it exports (partners have
    it and get only their own rows, see `programming.exports`), not that of the whole
    programme."""

    exports = {
        "werken.csv": ("programming.view_work", exports.works_csv),
        "werken.geojson": ("programming.view_work", exports.works_geojson),
        "koppelkansen.csv": ("programming.view_coupling", exports.couplings_csv),
        "koppelkansen.geojson": ("programming.view_coupling", exports.couplings_geojson),
    }
    export = ""

    def get_permission_required(self):
        return [self.exports[self.export][0]]

    def get(self, request, *args, **kwargs):
        return self.exports[self.export][1](request, self.programme)


class CouplingMixin:
    """A page about one coupling, for everyone who may see it: a municipal user with the
    programme view permission, a partner whose works take part in it. Any other coupling,
    of this programme or not, is a 404, exactly like one that does not exist."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        self.programme = get_object_or_404(Programme, pk=kwargs["pk"])
        self.partner = partner_of(user)
        if self.partner is None and not user.has_perm("programming.view_programme"):
            raise PermissionDenied
        if self.partner is not None and not user.has_perm("programming.view_coupling"):
            raise PermissionDenied
        self.coupling = get_object_or_404(
            couplings.visible_couplings(user, self.programme).select_related("area"),
            pk=kwargs["coupling"],
        )
        self.coupling.programme = self.programme
        return super().dispatch(request, *args, **kwargs)


class CouplingDetailView(CouplingMixin, TemplateView):
    """The coupling page: its works and their owners on a map and in a table, the shared
    cost of its one opening and each party's part, riding along, what else happens
    nearby, graafrust, and the decisions and partners' responses (`programming.couplings`)."""

    template_name = "programming/coupling_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        detail = couplings.coupling_detail(self.coupling, user)
        may_decide = self.partner is None and _may_decide(user) and not self.programme.is_adopted
        sharing = detail.sharing or CouplingCostSharing(
            programme=self.programme, key=self.coupling.key
        )
        parties = detail.parties
        open_programme = not self.programme.is_adopted
        context |= {
            "programme": self.programme,
            "coupling": self.coupling,
            "detail": detail,
            "partner": self.partner,
            "may_view_programme": user.has_perm("programming.view_programme"),
            "may_decide": may_decide,
            "may_share": may_decide and user.has_perm("programming.change_couplingcostsharing"),
            "may_reserve": open_programme and user.has_perm("programming.add_couplingreservation"),
            "may_respond": open_programme
            and self.partner is not None
            and user.has_perm("programming.add_couplingresponse"),
            "geojson_url": reverse(
                "programming:coupling_geojson", args=[self.programme.pk, self.coupling.pk]
            ),
            "map_legend": [
                (gettext("deze koppelkans"), COUPLING_COLOUR),
            ],
        }
        context.setdefault(
            "decision_form",
            CouplingDecisionForm(coupling=self.coupling, user=user),
        )
        context.setdefault("sharing_form", CostSharingForm(instance=sharing, parties=parties))
        context.setdefault(
            "reservation_form",
            ReservationForm(parties=None if self.partner is not None else parties),
        )
        context.setdefault("response_form", ResponseForm())
        return context


#: The colour of a coupling's works on its map.
COUPLING_COLOUR = "#d62728"


class CouplingGeoJsonView(CouplingMixin, View):
    """The coupling's works as GeoJSON: for a partner another party's work is its owner,
    kind and location, without label, id or link."""

    def get(self, request, *args, **kwargs):
        detail_url = reverse(
            "programming:coupling_detail", args=[self.programme.pk, self.coupling.pk]
        )
        works = list(
            self.coupling.works.exclude(geometry="")
            .select_related("owner", "project__owner", "asset_class")
            .order_by("pk")
        )
        own = (
            {w.pk for w in self.coupling.works.visible_to(request.user)}
            if self.partner is not None
            else None
        )
        properties = []
        for work in works:
            kind = work.asset_class.name if work.asset_class else work.get_kind_display()
            owner = couplings.party(work)[1]
            if own is not None and work.pk not in own:
                properties.append(
                    {"label": f"{owner}: {kind}", "color": COUPLING_COLOUR, "url": detail_url}
                )
            else:
                properties.append(
                    {
                        "label": f"{work.name} ({owner})",
                        "color": COUPLING_COLOUR,
                        "url": reverse(
                            "programming:programme_work", args=[self.programme.pk, work.pk]
                        ),
                        "id": work.pk,
                    }
                )
        geometries = to_geojson_many([w.geometry for w in works])
        return HttpResponse(
            feature_collection(zip(geometries, properties, strict=True)),
            content_type="application/geo+json",
        )


class CouplingActionView(CouplingMixin, View):
    """A POST from the coupling page: on success back to the page, on a field error the
    page again with the form and its errors (400)."""

    permission = ""
    form_name = ""

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(self.permission):
            raise PermissionDenied
        form = self.form(request)
        if form.is_valid():
            try:
                message = self.act(form)
            except ValidationError as exc:
                _add_errors(form, exc)
            except ValueError as exc:
                messages.error(request, str(exc))
                return self._back()
            else:
                messages.success(request, message)
                return self._back()
        page = CouplingDetailView(request=request, kwargs=kwargs, args=args)
        page.programme, page.coupling, page.partner = self.programme, self.coupling, self.partner
        context = page.get_context_data(**{self.form_name: form})
        return render(request, page.template_name, context, status=400)

    def _back(self):
        return redirect(
            "programming:coupling_detail", pk=self.programme.pk, coupling=self.coupling.pk
        )


def _add_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError on the form: per field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class CouplingCostSharingView(CouplingActionView):
    """Set the split rule and the shared cost items (who may decide on couplings)."""

    permission = "programming.change_couplingcostsharing"
    form_name = "sharing_form"

    def form(self, request):
        if self.partner is not None or not _may_decide(request.user):
            raise PermissionDenied
        sharing = CouplingCostSharing.objects.filter(
            programme=self.programme, key=self.coupling.key
        ).first() or CouplingCostSharing(programme=self.programme, key=self.coupling.key)
        parties = list(couplings.parties_of(couplings.member_works(self.coupling)))
        return CostSharingForm(request.POST, instance=sharing, parties=parties)

    def act(self, form) -> str:
        services.coupling_cost_sharing_save(
            self.coupling,
            user=self.request.user,
            rule=form.cleaned_data["rule"],
            items=form.items(),
            agreed=form.agreed(),
        )
        return gettext("De kostenverdeling is opgeslagen.")


class CouplingReservationView(CouplingActionView):
    """Ride along: add a reservation to the coupling's opening."""

    permission = "programming.add_couplingreservation"
    form_name = "reservation_form"

    def form(self, request):
        parties = None
        if self.partner is None:
            parties = list(couplings.parties_of(couplings.member_works(self.coupling)))
        return ReservationForm(request.POST, parties=parties)

    def act(self, form) -> str:
        data = form.cleaned_data
        organisation = None
        if data.get("organisation"):
            organisation = Actor.objects.filter(pk=data["organisation"]).first()
        services.reservation_add(
            self.coupling,
            user=self.request.user,
            kind=data["kind"],
            length=data["length"],
            note=data["note"],
            organisation=organisation,
        )
        return gettext("De reservering is toegevoegd.")


class CouplingRespondView(CouplingActionView):
    """A partner answers the coupling for its own part."""

    permission = "programming.add_couplingresponse"
    form_name = "response_form"

    def form(self, request):
        if self.partner is None:
            raise PermissionDenied
        return ResponseForm(request.POST)

    def act(self, form) -> str:
        services.coupling_respond(
            self.coupling,
            user=self.request.user,
            answer=form.cleaned_data["answer"],
            comment=form.cleaned_data["comment"],
        )
        return gettext("Uw reactie is opgeslagen.")
