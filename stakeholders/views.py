"""Pages of the stakeholders: actors and the process matrix, themes, ambitions with their
indicators, budget lines with their annual amounts, teams with their hours per year, and
each organisation's areas of interest with the alerts about them (inbox, settings,
webhooks)."""

import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import DeleteView, FormView, ListView, TemplateView

from impor import geometry
from impor.choices import Discipline
from impor.formsets import FormsetsMixin
from impor.lists import Column
from impor.object_views import ObjectDetailView, ObjectEditView, ObjectListView, ObjectViewMixin
from impor.per_year import (
    PerYearDetailMixin,
    PerYearEditMixin,
    per_year_formset,
    per_year_totals,
)
from stakeholders import alert_text
from stakeholders.choices import ActorKind, Domain, Involvement, ProcessStep
from stakeholders.filters import (
    ActorFilterSet,
    AmbitionFilterSet,
    AreaOfInterestFilterSet,
    BudgetLineFilterSet,
    TeamFilterSet,
    ThemeFilterSet,
)
from stakeholders.forms import (
    ActorForm,
    AlertSettingsForm,
    AreaOfInterestForm,
    BudgetLineForm,
    ContactFormSet,
    IndicatorForm,
    IndicatorMeasurementFormSet,
    InterestUploadForm,
    MeasurementUploadForm,
    ProcessPositionFormSet,
    TeamForm,
    WebhookForm,
)
from stakeholders.measurement_import import measurements_from_file
from stakeholders.models import (
    Actor,
    Ambition,
    AreaOfInterest,
    AreaOfInterestSource,
    BudgetLine,
    Indicator,
    IndicatorMeasurement,
    Notification,
    ProcessPosition,
    Team,
    Theme,
    WebhookDelivery,
    WebhookEndpoint,
)
from stakeholders.services import (
    InterestUpload,
    alert_settings_of,
    interest_areas_from_file,
    notifications_mark_read,
)

YES_NO = {True: _("ja"), False: _("nee")}
#: How far an involvement reaches, to show whether an actor wants more or less of a step.
INVOLVEMENT_RANK = {value: rank for rank, value in enumerate(Involvement.values)}


# --- actors ----------------------------------------------------------------------------


class ActorListView(ObjectListView):
    queryset = Actor.objects.annotate(contact_count=Count("contacts"))
    filterset_class = ActorFilterSet
    default_sort = "name"
    export_name = "actoren"
    columns = (
        Column("name", _("naam")),
        Column("short_name", _("afkorting")),
        Column("is_internal", _("gemeentelijk"), choices=YES_NO),
        Column("kind", _("soort"), choices=dict(ActorKind.choices)),
        Column("domain", _("domein"), choices=dict(Domain.choices)),
        Column("email", _("e-mailadres"), sortable=False),
        Column("contact_count", _("contactpersonen"), kind="int"),
    )


class ActorDetailView(ObjectDetailView):
    queryset = Actor.objects.select_related("parent").prefetch_related(
        "contacts",
        "areas_of_interest",
        "budget_lines",
        "ambitions",
        "units",
        Prefetch("process_positions", queryset=ProcessPosition.objects.order_by()),
    )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        positions = {p.step: p for p in self.object.process_positions.all()}
        context["positions"] = [(label, positions.get(step)) for step, label in ProcessStep.choices]
        return context


class ActorEditView(FormsetsMixin, ObjectEditView):
    """A new actor or an actor's changes, with its contacts and process positions."""

    model = Actor
    form_class = ActorForm
    detail_url = "stakeholders:actor_detail"
    formset_classes = {"contacts": ContactFormSet, "positions": ProcessPositionFormSet}
    formset_legends = {"contacts": _("Contactpersonen"), "positions": _("Positie in het proces")}
    success_message = _("De wijzigingen zijn opgeslagen.")


class ProcessMatrixView(PermissionRequiredMixin, TemplateView):
    """Actors × process steps: where each actor stands now and where it wants to be.

    The matrix of the Dalfsen beeldvormingssessie: one row per actor, one column per step,
    each cell the position now and the desired one, marked when the actor wants more or
    less involvement.
    """

    permission_required = "stakeholders.view_processposition"
    raise_exception = True
    template_name = "stakeholders/process_matrix.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        internal = self.request.GET.get("gemeentelijk")
        actors = Actor.objects.prefetch_related(
            Prefetch("process_positions", queryset=ProcessPosition.objects.order_by())
        ).order_by("-is_internal", "name")
        if internal in ("ja", "nee"):
            actors = actors.filter(is_internal=internal == "ja")
        labels = dict(Involvement.choices)
        rows = []
        for actor in actors:
            by_step = {p.step: p for p in actor.process_positions.all()}
            cells = []
            for step in ProcessStep.values:
                position = by_step.get(step)
                if position is None:
                    cells.append(None)
                    continue
                change = INVOLVEMENT_RANK[position.desired] - INVOLVEMENT_RANK[position.now]
                cells.append(
                    {
                        "now": labels[position.now],
                        "desired": labels[position.desired],
                        "change": "meer" if change > 0 else "minder" if change < 0 else "",
                        "notes": position.notes,
                    }
                )
            rows.append({"actor": actor, "cells": cells})
        context["steps"] = ProcessStep.choices
        context["rows"] = rows
        context["internal"] = internal or ""
        return context


# --- themes and ambitions --------------------------------------------------------------


class ThemeListView(ObjectListView):
    queryset = Theme.objects.annotate(
        ambition_count=Count("ambitions", distinct=True),
        task_count=Count("area_tasks", distinct=True),
    )
    filterset_class = ThemeFilterSet
    default_sort = "name"
    export_name = "themas"
    columns = (
        Column("name", _("naam")),
        Column("code", _("code")),
        Column("ambition_count", _("ambities"), kind="int"),
        Column("task_count", _("gebiedsopgaven"), kind="int"),
    )


class ThemeDetailView(ObjectDetailView):
    queryset = Theme.objects.prefetch_related("ambitions__owner")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["tasks"] = self.object.area_tasks.select_related("area", "owner").order_by(
            "-priority", "title"
        )
        return context


class AmbitionListView(ObjectListView):
    queryset = Ambition.objects.select_related("owner").annotate(
        indicator_count=Count("indicators")
    )
    filterset_class = AmbitionFilterSet
    default_sort = "code"
    export_name = "ambities"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("owner__name", _("eigenaar")),
        Column("horizon_year", _("horizonjaar"), kind="year"),
        Column("indicator_count", _("indicatoren"), kind="int"),
    )


def _measurements():
    return IndicatorMeasurement.objects.select_related("area").order_by(
        "year", F("area__name").asc(nulls_first=True)
    )


class AmbitionDetailView(ObjectDetailView):
    """An ambition with its indicators: baseline, target and every measurement."""

    queryset = Ambition.objects.select_related("owner").prefetch_related(
        "themes",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.order_by("name").prefetch_related(
                Prefetch("measurements", queryset=_measurements()), "targets"
            ),
        ),
    )


class IndicatorEditView(FormsetsMixin, ObjectEditView):
    """An indicator with its target path (a value per year) and its measurements (value,
    year, date, source and area), saved together or not at all; then back to the
    ambition's page."""

    model = Indicator
    form_class = IndicatorForm
    success_message = _("De indicator is opgeslagen.")
    formset_legends = {
        "targets": _("Tussendoelen per jaar"),
        "measurements": _("Metingen"),
    }

    def all_formset_classes(self) -> dict:
        return {
            "targets": per_year_formset(Indicator, "targets", "value"),
            "measurements": IndicatorMeasurementFormSet,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["cancel_url"] = self.get_success_url()
        return context

    def get_success_url(self) -> str:
        return reverse("stakeholders:ambition_detail", args=[self.object.ambition_id])


#: The session key of the upload of measurements waiting for "Opslaan".
MEASUREMENT_UPLOAD_KEY = "measurement_upload"
MEASUREMENT_PERMISSIONS = (
    "stakeholders.add_indicatormeasurement",
    "stakeholders.change_indicatormeasurement",
)


def _measurement_upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "measurement-uploads"


class MeasurementUploadView(PermissionRequiredMixin, FormView):
    """Upload measurements of an ambition's indicators; the answer is the dry run's
    report, with "Opslaan" when it has no errors."""

    permission_required = MEASUREMENT_PERMISSIONS
    raise_exception = True
    form_class = MeasurementUploadForm
    template_name = "stakeholders/measurement_upload.html"

    def dispatch(self, request, *args, **kwargs):
        self.ambition = get_object_or_404(Ambition, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "ambition": self.ambition}

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        directory = _measurement_upload_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        result = measurements_from_file(
            path, self.ambition, file_name=upload.name, user=self.request.user
        )
        if result.report.ok:
            self.request.session[MEASUREMENT_UPLOAD_KEY] = {
                "file": path.name,
                "file_name": upload.name,
                "ambition": self.ambition.pk,
            }
        else:
            path.unlink(missing_ok=True)
        return _measurement_report(self.request, result, self.ambition)


class MeasurementUploadApplyView(PermissionRequiredMixin, View):
    """Opslaan: read the file of the dry run again and store its measurements, all or
    none."""

    permission_required = MEASUREMENT_PERMISSIONS
    raise_exception = True

    def post(self, request, pk: int):
        ambition = get_object_or_404(Ambition, pk=pk)
        pending = request.session.get(MEASUREMENT_UPLOAD_KEY) or {}
        path = _measurement_upload_dir() / Path(str(pending.get("file", ""))).name
        if pending.get("ambition") != ambition.pk or not path.is_file():
            messages.error(
                request, gettext("Deze controle is verlopen. Upload het bestand opnieuw.")
            )
            return redirect("stakeholders:measurement_upload", pk=ambition.pk)
        del request.session[MEASUREMENT_UPLOAD_KEY]
        try:
            result = measurements_from_file(
                path, ambition, file_name=pending["file_name"], commit=True, user=request.user
            )
        finally:
            path.unlink(missing_ok=True)
        if not result.report.ok:
            return _measurement_report(request, result, ambition)
        messages.success(
            request,
            ngettext(
                "%(count)s meting opgeslagen.", "%(count)s metingen opgeslagen.", len(result.rows)
            )
            % {"count": len(result.rows)},
        )
        return redirect("stakeholders:ambition_detail", pk=ambition.pk)


def _measurement_report(request, result, ambition):
    return render(
        request,
        "stakeholders/measurement_upload_report.html",
        {
            "report": result.report,
            "ambition": ambition,
            "measurements": result.rows,
            "errors": result.report.errors[:500],
            "hidden_errors": max(len(result.report.errors) - 500, 0),
        },
    )


# --- budget lines ----------------------------------------------------------------------


class BudgetLineListView(ObjectListView):
    queryset = BudgetLine.objects.select_related("owner").annotate(
        **per_year_totals("amounts", "amount")
    )
    filterset_class = BudgetLineFilterSet
    default_sort = "code"
    export_name = "budgetregels"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("owner__name", _("eigenaar")),
        Column("year_count", _("jaren"), kind="int"),
        Column("total", _("totaal (€)"), kind="money"),
    )


class BudgetLineDetailView(PerYearDetailMixin, ObjectDetailView):
    queryset = BudgetLine.objects.select_related("owner").prefetch_related(
        "amounts", "asset_classes"
    )
    year_rows = "amounts"
    year_value = "amount"


class BudgetLineEditView(PerYearEditMixin, ObjectEditView):
    """A new budget line or a budget line's changes, with its amounts per year."""

    model = BudgetLine
    form_class = BudgetLineForm
    detail_url = "stakeholders:budgetline_detail"
    year_rows = "amounts"
    year_value = "amount"
    year_rows_legend = _("Bedragen per jaar")
    success_message = _("De wijzigingen zijn opgeslagen.")


# --- teams (issue #19 §3) ---------------------------------------------------------------


class TeamListView(ObjectListView):
    queryset = Team.objects.select_related("actor").annotate(**per_year_totals("hours", "hours"))
    filterset_class = TeamFilterSet
    default_sort = "code"
    export_name = "teams"
    columns = (
        Column("code", _("code")),
        Column("name", _("naam")),
        Column("actor__name", _("organisatie of afdeling")),
        Column("discipline", _("vakdiscipline"), choices=dict(Discipline.choices)),
        Column("year_count", _("jaren"), kind="int"),
        Column("total", _("uren"), kind="int"),
    )


class TeamDetailView(PerYearDetailMixin, ObjectDetailView):
    queryset = Team.objects.select_related("actor").prefetch_related("hours")
    year_rows = "hours"
    year_value = "hours"


class TeamEditView(PerYearEditMixin, ObjectEditView):
    """A new team or a team's changes, with its available hours per year."""

    model = Team
    form_class = TeamForm
    detail_url = "stakeholders:team_detail"
    year_rows = "hours"
    year_value = "hours"
    year_rows_legend = _("Beschikbare uren per jaar")
    success_message = _("De wijzigingen zijn opgeslagen.")


# --- areas of interest (issue #17 §4) -------------------------------------------------


class InterestPagesMixin:
    """The interest pages are named ``interest_*`` (the partner menu links to
    ``interest_list``), not after the model."""

    def page_url(self, page: str, *args) -> str:
        try:
            return reverse(f"stakeholders:interest_{page}", args=args)
        except NoReverseMatch:
            return ""


class InterestListView(InterestPagesMixin, ObjectListView):
    template_name = "stakeholders/interest_list.html"
    queryset = AreaOfInterest.objects.select_related("organisation")
    filterset_class = AreaOfInterestFilterSet
    default_sort = "name"
    export_name = "interessegebieden"
    columns = (
        Column("name", _("naam")),
        Column("organisation__name", _("organisatie")),
        Column("buffer", _("buffer (m)"), kind="int"),
        Column("source", _("herkomst"), choices=dict(AreaOfInterestSource.choices)),
        Column("updated_at", _("gewijzigd op"), kind="date"),
    )


class InterestDetailView(InterestPagesMixin, ObjectDetailView):
    """An area of interest on a map, with its facts in a table for those who do not use
    the map."""

    queryset = AreaOfInterest.objects.select_related("organisation", "created_by")
    template_name = "stakeholders/interest_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        area = self.object
        shape = geometry.parse(area.geometry)
        grown = shape.buffer(area.buffer) if area.buffer else shape
        xmin, ymin, xmax, ymax = grown.bounds
        context.update(
            geojson_url=reverse("stakeholders:interest_geojson", args=[area.pk]),
            surface_ha=grown.area / 10_000,
            shape_kind=shape.geom_type,
            bounds=(round(xmin), round(ymin), round(xmax), round(ymax)),
            can_delete=self.request.user.has_perm("stakeholders.delete_areaofinterest"),
            delete_url=reverse("stakeholders:interest_delete", args=[area.pk]),
        )
        return context


class InterestGeoJsonView(PermissionRequiredMixin, View):
    """The area and, with a buffer, its grown outline, as GeoJSON in WGS84 for the map."""

    permission_required = "stakeholders.view_areaofinterest"
    raise_exception = True

    def get(self, request, pk):
        area = get_object_or_404(AreaOfInterest.objects.visible_to(request.user), pk=pk)
        shape = geometry.parse(area.geometry)
        features = []
        if area.buffer:
            features.append(
                (
                    geometry.to_geojson(geometry.to_storage(shape.buffer(area.buffer))),
                    {"label": gettext("met buffer"), "color": "#8fcae7"},
                )
            )
        features.append(
            (geometry.to_geojson(area.geometry), {"label": area.name, "color": "#00689e"})
        )
        return JsonResponse(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": shape_json, "properties": properties}
                    for shape_json, properties in features
                ],
            },
            content_type="application/geo+json",
        )


class InterestEditView(InterestPagesMixin, ObjectEditView):
    """Draw or type a new area of interest, or change one."""

    model = AreaOfInterest
    form_class = AreaOfInterestForm
    template_name = "stakeholders/interest_form.html"
    detail_url = "stakeholders:interest_detail"
    success_message = _("Het interessegebied is opgeslagen.")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        if self.creating:
            form.instance.created_by = self.request.user
            form.instance.source = AreaOfInterestSource.GETEKEND
        return super().form_valid(form)


class InterestDeleteView(InterestPagesMixin, ObjectViewMixin, DeleteView):
    model = AreaOfInterest
    permission_action = "delete"
    template_name = "stakeholders/interest_confirm_delete.html"

    def get_success_url(self) -> str:
        return reverse("stakeholders:interest_list")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, gettext("Het interessegebied is verwijderd."))
        return response


#: The session key of the upload of areas waiting for "Opslaan".
INTEREST_UPLOAD_KEY = "interest_upload"


def _interest_upload_dir() -> Path:
    return Path(settings.VAR_DIR) / "interest-uploads"


class InterestUploadView(PermissionRequiredMixin, FormView):
    """Upload areas (polygons) or a network (lines, points) with a buffer; the answer is
    the dry run's report, with "Opslaan" when it has no errors."""

    permission_required = "stakeholders.add_areaofinterest"
    raise_exception = True
    form_class = InterestUploadForm
    template_name = "stakeholders/interest_upload.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        user = self.request.user
        upload = form.cleaned_data["file"]
        suffix = Path(upload.name).suffix.lower()
        directory = _interest_upload_dir()
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{uuid.uuid4().hex}{suffix}"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        organisation = user.partner_organisation or form.cleaned_data["organisation"]
        options = InterestUpload(
            organisation=organisation,
            name=form.cleaned_data["name"],
            buffer=form.cleaned_data["buffer"],
            per_feature=form.cleaned_data["per_feature"],
            name_column=form.cleaned_data["name_column"],
        )
        result = interest_areas_from_file(path, options, user=user, file_name=upload.name)
        if result.report.ok:
            self.request.session[INTEREST_UPLOAD_KEY] = {
                "file": path.name,
                "file_name": upload.name,
                "organisation": organisation.pk,
                "name": options.name,
                "buffer": options.buffer,
                "per_feature": options.per_feature,
                "name_column": options.name_column,
            }
        else:
            path.unlink(missing_ok=True)
        return _upload_report(self.request, result, organisation)


class InterestUploadApplyView(PermissionRequiredMixin, View):
    """Opslaan: read the file of the dry run again and store its areas, all or none."""

    permission_required = "stakeholders.add_areaofinterest"
    raise_exception = True

    def post(self, request):
        pending = request.session.pop(INTEREST_UPLOAD_KEY, None) or {}
        path = _interest_upload_dir() / Path(str(pending.get("file", ""))).name
        if not pending or not path.is_file():
            messages.error(
                request, gettext("Deze controle is verlopen. Upload het bestand opnieuw.")
            )
            return redirect("stakeholders:interest_upload")
        organisation = request.user.partner_organisation or get_object_or_404(
            Actor, pk=pending["organisation"]
        )
        options = InterestUpload(
            organisation=organisation,
            name=pending["name"],
            buffer=pending["buffer"],
            per_feature=pending["per_feature"],
            name_column=pending["name_column"],
        )
        try:
            result = interest_areas_from_file(
                path, options, user=request.user, file_name=pending["file_name"], commit=True
            )
        finally:
            path.unlink(missing_ok=True)
        if not result.report.ok:
            return _upload_report(request, result, organisation)
        messages.success(
            request,
            ngettext(
                "%(count)s interessegebied opgeslagen.",
                "%(count)s interessegebieden opgeslagen.",
                len(result.areas),
            )
            % {"count": len(result.areas)},
        )
        return redirect("stakeholders:interest_list")


def _upload_report(request, result, organisation):
    return render(
        request,
        "stakeholders/interest_upload_report.html",
        {
            "report": result.report,
            "organisation": organisation,
            "areas": result.areas,
            "errors": result.report.errors[:500],
            "hidden_errors": max(len(result.report.errors) - 500, 0),
        },
    )


# --- inbox, alert settings, feed and webhooks ------------------------------------------


class InboxView(LoginRequiredMixin, ListView):
    """The user's notifications, newest first; unread ones marked, and a button to mark
    them read."""

    template_name = "stakeholders/inbox.html"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user).select_related(
            "alert__organisation"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = [
            {
                "notification": notification,
                "title": alert_text.title(notification.alert),
                "lines": alert_text.sentences(notification.alert),
                "url": notification.alert.data.get("programme", {}).get("url", ""),
            }
            for notification in context["page_obj"]
        ]
        context["unread"] = Notification.objects.visible_to(self.request.user).unread().count()
        return context

    def post(self, request):
        ids = request.POST.getlist("notification")
        marked = notifications_mark_read(
            request.user, [int(i) for i in ids if i.isdigit()] if ids else None
        )
        messages.success(
            request,
            ngettext("%(count)s melding gelezen.", "%(count)s meldingen gelezen.", marked)
            % {"count": marked},
        )
        return redirect("stakeholders:inbox")


class AlertSettingsView(LoginRequiredMixin, TemplateView):
    """How the user hears of alerts (e-mail at once, a digest, none), the secret feed
    address, and the webhooks of the user's organisation."""

    template_name = "stakeholders/inbox_settings.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        subscription = alert_settings_of(user)
        context["form"] = kwargs.get("form") or AlertSettingsForm(instance=subscription)
        context["feed_url"] = self.request.build_absolute_uri(
            reverse("stakeholders:inbox_feed", args=[subscription.feed_token])
        )
        context["webhooks"] = WebhookEndpoint.objects.visible_to(user)
        context["can_add_webhook"] = user.organisation_id is not None and user.has_perm(
            "stakeholders.add_webhookendpoint"
        )
        return context

    def post(self, request):
        subscription = alert_settings_of(request.user)
        if "rotate" in request.POST:
            subscription.rotate_feed_token()
            messages.success(
                request, gettext("De feed heeft een nieuw adres; het oude werkt niet meer.")
            )
            return redirect("stakeholders:inbox_settings")
        form = AlertSettingsForm(request.POST, instance=subscription)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        form.save()
        messages.success(request, gettext("De wijzigingen zijn opgeslagen."))
        return redirect("stakeholders:inbox_settings")


class WebhookPagesMixin:
    def page_url(self, page: str, *args) -> str:
        try:
            return reverse(f"stakeholders:webhook_{page}", args=args)
        except NoReverseMatch:
            return ""


class WebhookDetailView(WebhookPagesMixin, ObjectDetailView):
    """A webhook with its secret (for the receiver's signature check) and its delivery
    log: status, attempts, answer code and the next attempt."""

    model = WebhookEndpoint
    template_name = "stakeholders/webhook_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["deliveries"] = (
            WebhookDelivery.objects.visible_to(self.request.user)
            .filter(endpoint=self.object)
            .select_related("alert")[:100]
        )
        context["list_url"] = reverse("stakeholders:inbox_settings")
        return context


class WebhookEditView(WebhookPagesMixin, ObjectEditView):
    model = WebhookEndpoint
    form_class = WebhookForm
    template_name = "stakeholders/webhook_form.html"
    detail_url = "stakeholders:webhook_detail"
    success_message = _("De webhook is opgeslagen.")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.organisation_id is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        if self.creating:
            form.instance.organisation_id = self.request.user.organisation_id
            form.instance.created_by = self.request.user
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["list_url"] = reverse("stakeholders:inbox_settings")
        return context


class WebhookDeleteView(WebhookPagesMixin, ObjectViewMixin, DeleteView):
    model = WebhookEndpoint
    permission_action = "delete"
    template_name = "stakeholders/webhook_confirm_delete.html"

    def get_success_url(self) -> str:
        return reverse("stakeholders:inbox_settings")
