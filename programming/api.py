"""The programme endpoints of the REST API (/api/v1/programmas, /api/v1/beoordelingskaders).

Views parse the request, call the same service or read as the pages (`programming.services`,
`programming.pages`, `programming.selectors`) and render. Who may do what mirrors the
pages: model permissions for reading and writing, `change_programme` to compute and adopt,
`add_programme` to copy into a scenario, a coupling-decision permission to decide. A
partner (a user of an external organisation) reads the programmes, and of their content
only its own works and the couplings that involve them; anything else answers 404.
"""

import dataclasses
import json
from dataclasses import asdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, ProtectedError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from impor.api.exceptions import Conflict
from impor.api.geo import ACCEPT_CRS, HEADER_OF, response_crs
from impor.api.history import HistoryMixin
from impor.api.permissions import ModelPermissions
from impor.api.renderers import GeoJSONRenderer
from impor.geometry import feature_collection, to_geojson_many
from impor.visibility import partner_of
from programming import couplings, pages, services, tasks, workbook
from programming.explain import work_explanation
from programming.filtersets import CouplingFilterSet, KpiFilterSet, WorkFilterSet
from programming.models import (
    AssessmentFramework,
    Coupling,
    CouplingReservation,
    CouplingResponse,
    KpiValue,
    Programme,
    ProgrammeFrozen,
    ProgrammeRun,
)
from programming.money import YearMoney, programme_money
from programming.selectors import adopted_baseline, moved_works
from programming.serializers import (
    AdoptSerializer,
    AssessmentFrameworkSerializer,
    ComparisonSerializer,
    CostSharingSerializer,
    CostSplitSerializer,
    CouplingDetailSerializer,
    CouplingSerializer,
    DecisionSerializer,
    KpiSummarySerializer,
    KpiValueSerializer,
    ProgrammeSerializer,
    ReservationSerializer,
    ResponseSerializer,
    RunSerializer,
    ScenarioSerializer,
    UnfundedItemSerializer,
    WorkFeatureCollectionSerializer,
    WorkSerializer,
)
from stakeholders.models import Actor

#: The cost items of a coupling's shared opening, as `programming.couplings` names them.
COST_ITEM_NAMES = tuple(name for name, _share in couplings.COST_ITEMS)

# --- shared parts ----------------------------------------------------------------------


def requires_any(*perms: str) -> type[BasePermission]:
    """A permission class: a logged-in user holding at least one of `perms`, as the
    page of the same action demands."""

    class RequiresAny(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated) and any(user.has_perm(p) for p in perms)

    return RequiresAny


class ProgrammePermissions(ModelPermissions):
    """Model permissions, and partners (who may view works) read the programmes too: they
    need the list to find the couplings that concern them."""

    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS and user and user.has_perm("programming.view_work"):
            return True
        return super().has_permission(request, view)


def _conflict(exc: ValueError) -> Conflict:
    return Conflict(detail=str(exc))


def _absolute(request: Request, name: str, *args) -> str:
    """The absolute URL of one of these routes, whatever namespace includes them."""
    namespace = request.resolver_match.namespace if request.resolver_match else ""
    return request.build_absolute_uri(
        reverse(f"{namespace}:{name}" if namespace else name, args=args)
    )


class ProgrammeChildMixin:
    """An endpoint below /programmas/{pk}: looks the programme up once (404 if absent)."""

    def get_programme(self) -> Programme:
        if getattr(self, "swagger_fake_view", False):
            # drf-spectacular reads the querysets' models without a request URL.
            return Programme(pk=0)
        if not hasattr(self, "_programme"):
            self._programme = get_object_or_404(Programme, pk=self.kwargs["pk"])
        return self._programme


# --- programmes and frameworks ---------------------------------------------------------


@extend_schema(tags=["programma's"])
@extend_schema(
    methods=["PUT", "PATCH"],
    responses={200: ProgrammeSerializer, 409: OpenApiResponse(description="Vastgesteld.")},
)
class ProgrammeViewSet(
    HistoryMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Programmes and their settings. An adopted programme is frozen (409 on a change);
    programmes are not deleted here, as on the pages."""

    queryset = Programme.objects.order_by("-first_year", "name", "pk")
    serializer_class = ProgrammeSerializer
    permission_classes = [ProgrammePermissions]
    # Partners read programmes for their couplings; the history shows every decision.
    history_permission = "programming.view_programme"

    def perform_create(self, serializer) -> None:
        serializer.save(created_by=self.request.user)

    def perform_update(self, serializer) -> None:
        try:
            serializer.save()
        except ProgrammeFrozen as exc:  # the guard in Programme.save
            raise _conflict(exc) from exc


@extend_schema(tags=["beoordelingskaders"])
@extend_schema(methods=["DELETE"], responses={204: None, 409: OpenApiResponse(description="")})
class AssessmentFrameworkViewSet(HistoryMixin, viewsets.ModelViewSet):
    """Assessment frameworks with their weighted criteria. Writing replaces the criteria
    as a whole when `criteria` is given; a framework a programme uses is not deleted."""

    queryset = AssessmentFramework.objects.prefetch_related("criteria").order_by("name", "pk")
    serializer_class = AssessmentFrameworkSerializer
    permission_classes = [ModelPermissions]

    def _save(self, serializer, framework: AssessmentFramework | None) -> None:
        data = serializer.validated_data
        serializer.instance = services.framework_save(
            framework,
            name=data.get("name", framework.name if framework else ""),
            description=data.get("description", framework.description if framework else ""),
            criteria=[dict(c) for c in data["criteria"]] if "criteria" in data else None,
        )

    def perform_create(self, serializer) -> None:
        self._save(serializer, None)

    def perform_update(self, serializer) -> None:
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance: AssessmentFramework) -> None:
        try:
            instance.delete()
        except ProtectedError as exc:
            raise Conflict(_("Een programma gebruikt dit afwegingskader.")) from exc


# --- computation -----------------------------------------------------------------------


@extend_schema(tags=["berekeningen"])
class RunListView(ProgrammeChildMixin, generics.ListCreateAPIView):
    """The programme's computations, the newest first; POST queues a new one (202) and
    says in `Location` where to follow its progress."""

    serializer_class = RunSerializer

    def get_permissions(self):
        if self.request.method == "POST":
            return [requires_any("programming.change_programme")()]
        return [ModelPermissions()]

    def get_queryset(self):
        runs = ProgrammeRun.objects.filter(programme=self.get_programme())
        if not getattr(self, "swagger_fake_view", False):  # the schema has no database
            services.runs_fail_stale(runs)
        return runs.order_by("-created_at", "-pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "pk" in self.kwargs:
            context["results_url"] = _absolute(self.request, "programme_works", self.kwargs["pk"])
        return context

    @extend_schema(
        request=None,
        responses={
            202: RunSerializer,
            409: OpenApiResponse(
                description=_(
                    "Een vastgesteld programma wordt niet berekend, en een programma dat al "
                    "berekend wordt niet nog eens tegelijk."
                )
            ),
        },
    )
    def post(self, request, *args, **kwargs):
        programme = self.get_programme()
        try:
            run = tasks.programme_enqueue(programme, user=request.user)
        except ValueError as exc:
            raise _conflict(exc) from exc
        return Response(
            self.get_serializer(run).data,
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": _absolute(request, "programme_run", programme.pk, run.pk)},
        )


@extend_schema(tags=["berekeningen"])
class RunDetailView(ProgrammeChildMixin, generics.RetrieveAPIView):
    """One computation: status, progress (0–100), start and end, error and results."""

    serializer_class = RunSerializer
    permission_classes = [ModelPermissions]
    lookup_url_kwarg = "run"

    def get_queryset(self):
        runs = ProgrammeRun.objects.filter(programme=self.get_programme())
        if not getattr(self, "swagger_fake_view", False):  # the schema has no database
            services.runs_fail_stale(runs)
        return runs

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "pk" in self.kwargs:
            context["results_url"] = _absolute(self.request, "programme_works", self.kwargs["pk"])
        return context


# --- results ---------------------------------------------------------------------------


class WorkMixin(ProgrammeChildMixin):
    serializer_class = WorkSerializer
    permission_classes = [ModelPermissions]

    def get_queryset(self):
        return pages.works_visible_to(self.request.user, self.get_programme()).order_by(
            "scheduled_year", "-score", "pk"
        )


@extend_schema(tags=["resultaten"])
class WorkListView(WorkMixin, generics.ListAPIView):
    """The programme's works, by year. `Accept: application/geo+json` gives the same page
    as a GeoJSON FeatureCollection in CRS84 (lon/lat), or in RD New with
    `Accept-Crs: EPSG:28992`; `Link` points to the next and previous page."""

    filterset_class = WorkFilterSet

    def get_renderers(self):
        return [*super().get_renderers(), GeoJSONRenderer()]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        response_crs(request)  # an unsupported Accept-Crs is refused before any work

    @extend_schema(
        parameters=[ACCEPT_CRS],
        responses={
            (200, "application/json"): WorkSerializer(many=True),
            (200, "application/geo+json"): WorkFeatureCollectionSerializer,
        },
    )
    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "geojson":
            return self.list(request, *args, **kwargs)
        crs = response_crs(request)
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        rows = self.get_serializer(page, many=True).data
        wkts = [work.geometry for work in page]
        # One vectorised reprojection for the page; works without geometry get null.
        drawn = iter(to_geojson_many([wkt for wkt in wkts if wkt], crs=crs))
        geometries = [next(drawn) if wkt else "null" for wkt in wkts]
        links = [
            {"rel": rel, "href": href, "type": GeoJSONRenderer.media_type}
            for rel, href in (
                ("next", self.paginator.get_next_link()),
                ("prev", self.paginator.get_previous_link()),
            )
            if href
        ]
        collection = feature_collection(zip(geometries, map(dict, rows), strict=True))
        response = HttpResponse(
            f'{collection[:-1]},"links":{json.dumps(links)}}}',
            content_type=GeoJSONRenderer.media_type,
        )
        response["Content-Crs"] = HEADER_OF[crs]
        return response


@extend_schema(tags=["resultaten"])
class WorkDetailView(WorkMixin, generics.RetrieveAPIView):
    lookup_url_kwarg = "work"


@extend_schema(tags=["resultaten"], responses={200: OpenApiTypes.OBJECT})
class WorkExplanationView(WorkMixin, generics.GenericAPIView):
    """Why the work is planned when it is ("Waarom dit jaar", as on the work page): its
    window and years, its coupling, the budget pressure on its lines, its score per
    criterion, graafrust around it and, when it is not funded, the reason and the gap.
    Visible to whom the work is visible; other works a partner may not see are not named."""

    lookup_url_kwarg = "work"

    def get_queryset(self):
        return super().get_queryset().select_related("programme", "coupling")

    def get(self, request, *args, **kwargs):
        return Response(work_explanation(self.get_object(), user=request.user))


class CouplingMixin(ProgrammeChildMixin):
    serializer_class = CouplingSerializer
    permission_classes = [ModelPermissions]

    def get_queryset(self):
        programme = self.get_programme()
        works = pages.works_visible_to(self.request.user, programme)
        return pages.couplings_visible_to(self.request.user, programme).prefetch_related(
            Prefetch("works", works.only("pk", "coupling").order_by("pk"), "visible_works")
        )


@extend_schema(tags=["resultaten"])
class CouplingListView(CouplingMixin, generics.ListAPIView):
    """The couplings, the best first, with the decision on each and their works' ids."""

    filterset_class = CouplingFilterSet


@extend_schema(tags=["resultaten"])
class CouplingDetailView(CouplingMixin, generics.RetrieveAPIView):
    """One coupling with its cost split (`kostenverdeling`), the reservations of riding
    along and the partners' responses (a partner: only its own), and the savings with
    riding along counted."""

    lookup_url_kwarg = "coupling"
    serializer_class = CouplingDetailSerializer

    def get_object(self):
        coupling = super().get_object()
        user = self.request.user
        programme = self.get_programme()
        coupling.programme = programme
        split = couplings.coupling_split(coupling, list(couplings.member_works(coupling)))
        partner = partner_of(user)
        coupling.detail_split = dataclasses.replace(
            split,
            parties=couplings.partner_split(split, partner.pk if partner is not None else None),
        )
        rows = CouplingReservation.objects.filter(programme=programme, key=coupling.key)
        coupling.detail_savings = coupling.savings + sum(
            (couplings.reservation_saving(r) for r in rows), Decimal(0)
        )
        coupling.detail_reservations = list(rows.visible_to(user))
        coupling.detail_responses = list(
            CouplingResponse.objects.filter(programme=programme, key=coupling.key).visible_to(user)
        )
        return coupling


class CouplingActionMixin(ProgrammeChildMixin):
    """A write on one coupling the caller may see (404 otherwise, as a missing one)."""

    def get_coupling(self) -> Coupling:
        programme = self.get_programme()
        coupling = get_object_or_404(
            pages.couplings_visible_to(self.request.user, programme), pk=self.kwargs["coupling"]
        )
        coupling.programme = programme
        return coupling


@extend_schema(tags=["resultaten"])
class CouplingRespondView(CouplingActionMixin, APIView):
    """A partner answers a coupling it takes part in, for its own organisation:
    `akkoord`, `kan_niet` or `opmerking` (the last two with a comment)."""

    permission_classes = [requires_any("programming.add_couplingresponse")]

    @extend_schema(
        request=ResponseSerializer,
        responses={
            201: ResponseSerializer,
            409: OpenApiResponse(description=_("Een vastgesteld programma verandert niet meer.")),
        },
    )
    def post(self, request, pk: int, coupling: int):
        found = self.get_coupling()
        serializer = ResponseSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            response = services.coupling_respond(
                found, user=request.user, **serializer.validated_data
            )
        except ValueError as exc:
            raise _conflict(exc) from exc
        return Response(ResponseSerializer(response).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["resultaten"])
class CouplingReservationView(CouplingActionMixin, APIView):
    """Ride along: reserve room in the coupling's trench for a duct, sleeve or cable."""

    permission_classes = [requires_any("programming.add_couplingreservation")]

    @extend_schema(
        request=ReservationSerializer,
        responses={
            201: ReservationSerializer,
            409: OpenApiResponse(description=_("Een vastgesteld programma verandert niet meer.")),
        },
    )
    def post(self, request, pk: int, coupling: int):
        found = self.get_coupling()
        serializer = ReservationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organisation = self._organisation(data.pop("organisation_id", None))
        try:
            reservation = services.reservation_add(
                found, user=request.user, organisation=organisation, **data
            )
        except ValueError as exc:
            raise _conflict(exc) from exc
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)

    def _organisation(self, pk: int | None) -> Actor | None:
        """The organisation asked for. A partner names only its own; any other id, of an
        organisation that exists or not, gets the same answer."""
        if pk is None:
            return None
        partner = partner_of(self.request.user)
        if partner is not None:
            if pk != partner.pk:
                raise ValidationError(
                    {"organisation": [_("U kunt alleen voor uw eigen organisatie reageren.")]}
                )
            return self.request.user.partner_organisation
        found = Actor.objects.filter(pk=pk).first()
        if found is None:
            raise ValidationError({"organisation": [_("Kies een partij van deze koppelkans.")]})
        return found


@extend_schema(tags=["resultaten"])
class CouplingCostSharingView(CouplingActionMixin, APIView):
    """Set how the coupling's shared opening cost is split (who may decide on couplings)."""

    permission_classes = [
        requires_any(
            "programming.add_couplingcostsharing", "programming.change_couplingcostsharing"
        )
    ]

    @extend_schema(
        request=CostSharingSerializer,
        responses={
            200: CostSplitSerializer,
            409: OpenApiResponse(description=_("Een vastgesteld programma verandert niet meer.")),
        },
    )
    def put(self, request, pk: int, coupling: int):
        found = self.get_coupling()
        serializer = CostSharingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        try:
            services.coupling_cost_sharing_save(
                found,
                user=request.user,
                rule=data.pop("rule"),
                agreed=data.pop("agreed", None),
                items={name: data.get(name) for name in COST_ITEM_NAMES},
            )
        except ValueError as exc:
            raise _conflict(exc) from exc
        split = couplings.coupling_split(found, list(couplings.member_works(found)))
        return Response(CostSplitSerializer(split).data)


@extend_schema(tags=["resultaten"])
class CouplingDecideView(ProgrammeChildMixin, APIView):
    """Accept or reject a coupling (or put it back to proposed); a rejection needs a
    reason. The decision counts from the next computation on."""

    permission_classes = [
        requires_any("programming.add_couplingdecision", "programming.change_couplingdecision")
    ]

    @extend_schema(
        request=DecisionSerializer,
        responses={
            200: DecisionSerializer,
            409: OpenApiResponse(description=_("Een vastgesteld programma verandert niet meer.")),
        },
    )
    def post(self, request, pk: int, coupling: int):
        programme = self.get_programme()
        found = get_object_or_404(Coupling, pk=coupling, programme=programme)
        serializer = DecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            decision = services.coupling_decide(
                programme, found, user=request.user, **serializer.validated_data
            )
        except ValueError as exc:
            raise _conflict(exc) from exc
        return Response(DecisionSerializer(decision).data)


@extend_schema(tags=["resultaten"])
class UnfundedListView(ProgrammeChildMixin, generics.ListAPIView):
    """What does not fit the budgets: the gap per work, budget line and year."""

    serializer_class = UnfundedItemSerializer
    permission_classes = [ModelPermissions]

    def get_queryset(self):
        return pages.unfunded_items(self.get_programme())


@extend_schema(tags=["resultaten"])
class KpiListView(ProgrammeChildMixin, generics.ListAPIView):
    """The KPI values per code, year, area, budget line and theme; `totaal=true` gives
    the programme-wide totals only."""

    serializer_class = KpiValueSerializer
    permission_classes = [ModelPermissions]
    filterset_class = KpiFilterSet

    def get_queryset(self):
        return KpiValue.objects.filter(programme=self.get_programme()).order_by(
            "code", "year", "pk"
        )


def _year_money(year: YearMoney, with_status: bool) -> dict:
    return {
        "year": year.year,
        "within_budget": year.within_budget if with_status else None,
        **asdict(year.money),
    }


@extend_schema(tags=["resultaten"], responses=KpiSummarySerializer)
class KpiSummaryView(ProgrammeChildMixin, generics.GenericAPIView):
    """The money per budget line and year (`programming.money`: budget, planned gross,
    coupling savings, planned net, unused budget, shortfall) and the street openings,
    the same figures as the dashboard and the council workbook."""

    serializer_class = KpiSummarySerializer
    permission_classes = [ModelPermissions]
    queryset = KpiValue.objects.all()

    def get(self, request, pk: int):
        programme = self.get_programme()
        money = programme_money(programme)
        openings = pages.programme_openings(programme)
        data = {
            "within_budget": money.within_budget,
            "must_do_unfunded": money.must_do_unfunded,
            "total": asdict(money.cell()),
            "years": [_year_money(y, True) for y in money.per_year()],
            "lines": [
                {
                    "budget_line": line.pk,
                    "code": line.code,
                    "name": line.name,
                    "total": asdict(money.cell(line.code)),
                    "years": [_year_money(y, False) for y in money.per_year(line.code)],
                }
                for line in money.lines
            ],
            "openings": {
                "sectoral": openings.sectoral,
                "integrated": openings.integrated,
                "avoided": openings.avoided,
                "bound": openings.bound,
                "gap": openings.gap,
                "graafrust_breaks": openings.graafrust_breaks,
                "years": [
                    {
                        "year": y.year,
                        "sectoral": y.sectoral,
                        "integrated": y.integrated,
                        "avoided": y.avoided,
                    }
                    for y in openings.years
                ],
            },
        }
        return Response(self.get_serializer(data).data)


# --- scenarios, comparison and adoption ------------------------------------------------


@extend_schema(tags=["programma's"])
class ScenarioCreateView(ProgrammeChildMixin, APIView):
    """Copy the programme into a scenario with other parameters (201); compute it next."""

    permission_classes = [requires_any("programming.add_programme")]

    @extend_schema(request=ScenarioSerializer, responses={201: ProgrammeSerializer})
    def post(self, request, pk: int):
        source = self.get_programme()
        serializer = ScenarioSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        name = changes.pop("name")
        copy = services.programme_copy(source, name=name, user=request.user, **changes)
        return Response(
            ProgrammeSerializer(copy).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": _absolute(request, "programme_detail", copy.pk)},
        )


class ComparisonMixin(ProgrammeChildMixin):
    """Compares the programme with another: the KPIs and counts as on the comparison page,
    and the works that moved, a page at a time (a city has tens of thousands)."""

    permission_classes = [ModelPermissions]
    queryset = Programme.objects.all()

    def compare(self, request: Request, other: Programme) -> Response:
        programme = self.get_programme()
        summary = pages.comparison(programme, other)
        paginator = self.pagination_class()
        moved = paginator.paginate_queryset(
            moved_works(programme, other)
            .select_related(None)
            .only("pk", "key", "label", "discipline", "place", "asset_count", "scheduled_year"),
            request,
            view=self,
        )
        data = {
            "other": other.pk,
            "kpis": summary["kpis"],
            "added": summary["added"],
            "dropped": summary["dropped"],
            "count": paginator.page.paginator.count,
            "next": paginator.get_next_link(),
            "previous": paginator.get_previous_link(),
            "results": [
                {
                    "id": work.pk,
                    "key": work.key,
                    "label": work.name,
                    "scheduled_year": work.scheduled_year,
                    "other_year": work.other_year,
                }
                for work in moved
            ],
        }
        return Response(ComparisonSerializer(data).data)


@extend_schema(tags=["programma's"])
class ComparisonView(ComparisonMixin, generics.GenericAPIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "met", OpenApiTypes.INT, required=True, description=_("Het andere programma.")
            ),
            OpenApiParameter("page", OpenApiTypes.INT),
        ],
        responses={200: ComparisonSerializer},
    )
    def get(self, request, pk: int):
        programme = self.get_programme()
        other = request.query_params.get("met", "")
        found = None
        if other.isdigit():
            found = Programme.objects.exclude(pk=programme.pk).filter(pk=int(other)).first()
        if found is None:
            raise ValidationError(
                {"met": _("Kies een ander, bestaand programma om mee te vergelijken.")}
            )
        return self.compare(request, found)


@extend_schema(tags=["programma's"])
class BaselineDifferenceView(ComparisonMixin, generics.GenericAPIView):
    """The difference from the adopted version this programme is measured against."""

    @extend_schema(
        parameters=[OpenApiParameter("page", OpenApiTypes.INT)],
        responses={200: ComparisonSerializer},
    )
    def get(self, request, pk: int):
        baseline = adopted_baseline(self.get_programme())
        if baseline is None:
            raise NotFound(_("Er is geen vastgesteld programma om mee te vergelijken."))
        return self.compare(request, baseline)


@extend_schema(tags=["programma's"])
class AdoptView(ProgrammeChildMixin, APIView):
    """Adopt (vaststellen) a computed programme: it is frozen from then on."""

    permission_classes = [requires_any("programming.change_programme")]

    @extend_schema(
        request=AdoptSerializer,
        responses={
            200: ProgrammeSerializer,
            409: OpenApiResponse(description=_("Al vastgesteld, of nog niet berekend.")),
        },
    )
    def post(self, request, pk: int):
        programme = self.get_programme()
        serializer = AdoptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            services.programme_adopt(programme, **serializer.validated_data)
        except ValueError as exc:
            raise _conflict(exc) from exc
        return Response(ProgrammeSerializer(programme).data)


class XlsxRenderer(BaseRenderer):
    """Lets a client ask for the workbook by its media type; an error still leaves as
    JSON (problem+json through the exception handler)."""

    media_type = workbook.XLSX_CONTENT_TYPE
    format = "xlsx"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return JSONRenderer().render(data)


@extend_schema(tags=["programma's"])
class WorkbookView(ProgrammeChildMixin, generics.GenericAPIView):
    """The council workbook (raadswerkboek) of the programme as an Excel file, the same
    as the programme page offers."""

    permission_classes = [ModelPermissions]
    queryset = Programme.objects.all()

    def get_renderers(self):
        return [*super().get_renderers(), XlsxRenderer()]

    @extend_schema(
        responses={
            (200, workbook.XLSX_CONTENT_TYPE): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("Het raadswerkboek (.xlsx).")
            )
        }
    )
    def get(self, request, pk: int):
        return workbook.workbook_response(self.get_programme())
