"""The programme's page "Capaciteit": per team and year the hours available, planned,
free or over, and what the unfunded works would need (`programming.capacity.capacity_use`,
the one definition the API and the council workbook read too); and the form on a work's
page that sets the programme's own hours and maintenance effect for it."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext
from django.views import View
from django.views.generic import TemplateView

from impor.charts import bar_chart
from programming import pages
from programming.capacity import capacity_use, works_holding
from programming.capacity_forms import WorkSettingForm
from programming.models import ProgrammeFrozen, WorkSetting
from programming.views import ProgrammeMixin


class CapacityView(ProgrammeMixin, TemplateView):
    """A table team × year with over-capacity marked in words and by colour, a chart per
    team (available hours as the limit line) with its table, and per team and year the
    works that hold the hours, on demand. Same permission as the other programme tabs
    (partners: 403)."""

    template_name = "programming/capacity.html"
    tab = "capaciteit"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        use = capacity_use(self.programme)
        holding = works_holding(self.programme)
        teams = []
        for number, team in enumerate(use.teams, 1):
            chart = bar_chart(
                gettext("%(team)s: geplande en gevraagde uren per jaar") % {"team": team.name},
                [y.year for y in team.years],
                [
                    (gettext("Gepland"), [y.planned for y in team.years]),
                    (
                        gettext("Gevraagd door niet-gedekte werken"),
                        [y.unfunded for y in team.years],
                    ),
                ],
                limits=[y.available for y in team.years],
                unit=gettext("uur"),
                limit_label=gettext("Beschikbaar"),
                chart_id=f"team-{number}",
            )
            years = [(y, holding.get((team.pk, y.year))) for y in team.years]
            teams.append({"team": team, "chart": chart, "years": years})
        return context | {"use": use, "teams": teams}


class WorkSettingView(ProgrammeMixin, View):
    """Save the programme's own hours and maintenance effect for one work (by its key, so
    the setting outlives recomputation); both empty removes the setting. The programme
    needs recomputing to use it (the stale banner says so). Programme managers only; an
    adopted programme refuses."""

    permission_required = ("programming.add_worksetting", "programming.change_worksetting")

    def post(self, request, *args, **kwargs):
        work = get_object_or_404(
            pages.works_visible_to(request.user, self.programme), pk=kwargs["work"]
        )
        setting = WorkSetting.objects.filter(programme=self.programme, key=work.key).first()
        form = WorkSettingForm(
            request.POST, instance=setting or WorkSetting(programme=self.programme, key=work.key)
        )
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form.fields[name].label if name in form.fields else ""
                messages.error(
                    request, f"{label}: {' '.join(errors)}" if label else " ".join(errors)
                )
            return redirect("programming:programme_work", pk=self.programme.pk, work=work.pk)
        try:
            if form.cleaned_data["hours"] is None and form.cleaned_data["maintenance"] is None:
                if setting is not None:
                    setting.delete()
            else:
                form.save()
        except ProgrammeFrozen:
            messages.error(request, gettext("Dit programma is vastgesteld en verandert niet meer."))
        else:
            messages.success(
                request,
                gettext(
                    "De instelling is opgeslagen. Bereken het programma opnieuw om haar te "
                    "gebruiken."
                ),
            )
        return redirect("programming:programme_work", pk=self.programme.pk, work=work.pk)
