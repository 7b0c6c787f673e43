"""Projects' brief and project pages with what the programme says about them."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from programming.briefs.selectors import brief_programme_check
from programming.models import Coupling, Programme
from programming.nearby import graafrust_periods, nearby_works
from programming.partner import coupling_url
from projects.views import ProjectBriefDetailView, ProjectDetailView


class ProjectBriefCheckView(ProjectBriefDetailView):
    """Projects' brief page, which also tests the brief against the programme when asked
    (``?toets=1``): a test that reads the programme's works cannot run in projects."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_check"] = True
        if self.request.GET.get("toets"):
            context["check"] = brief_programme_check(self.object, self.request.user)
        return context


class DistanceForm(forms.Form):
    """The distance "In de buurt" looks around the project (GET ``afstand``)."""

    afstand = forms.IntegerField(
        label=_("Afstand (m)"),
        min_value=0,
        validators=[MaxValueValidator(1000)],
        required=False,
    )


class ProjectNearbyView(ProjectDetailView):
    """Projects' project page with "In de buurt": the current programme's works near the
    project in place and time, the couplings its works take part in and the graafrust
    periods of reconstructions nearby (`programming.nearby`), as far as the user may see
    them."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = self.object
        user = self.request.user
        programme = Programme.objects.current()
        form = DistanceForm(self.request.GET or None)
        distance = None
        if form.is_valid() and form.cleaned_data["afstand"] is not None:
            distance = form.cleaned_data["afstand"]
        if distance is None and programme is not None:
            distance = programme.coupling_distance
        window = (project.earliest_start, project.end_year + project.shift_late)
        couplings = []
        if programme is not None:
            couplings = [
                (coupling, coupling_url(coupling))
                for coupling in Coupling.objects.visible_to(user)
                .filter(programme=programme, works__project=project)
                .select_related("area")
                .distinct()
                .order_by("year", "-score")
            ]
        context["nearby"] = {
            "programme": programme,
            "form": form,
            "distance": distance,
            "window": window,
            "works": nearby_works(
                project.geometry, window, user, programme, distance, exclude_project=project.pk
            ),
            "couplings": couplings,
            "graafrust": graafrust_periods(
                project.geometry, window, user, programme, distance, exclude_project=project.pk
            ),
        }
        return context
