"""The programme's page "Beheerlasten": the investment and the change in annual
maintenance cost per year, in total, per budget line and per area
(`programming.maintenance.maintenance_by_year`, the one definition the API and the
council workbook read too)."""

from django.utils.translation import gettext
from django.views.generic import TemplateView

from impor.charts import bar_chart
from programming.maintenance import maintenance_by_year
from programming.money import whole_euros
from programming.views import ProgrammeMixin


class MaintenanceView(ProgrammeMixin, TemplateView):
    """Per year: investment, change and level of the annual maintenance cost, with a chart
    of what the works add and save (a table of the same figures under it); per line and
    per area on demand. Same permission as the other programme tabs (partners: 403)."""

    template_name = "programming/maintenance.html"
    tab = "beheerlasten"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        maintenance = maintenance_by_year(self.programme)
        years = maintenance.years
        chart = bar_chart(
            gettext("Beheerlasten per jaar: toegevoegd en bespaard (€ per jaar)"),
            [y.year for y in years],
            [
                (gettext("Extra beheerkosten"), [whole_euros(y.added) for y in years]),
                (gettext("Bespaard op beheer"), [whole_euros(y.saved) for y in years]),
            ],
            chart_id="beheerlasten-per-jaar",
        )
        return context | {
            "maintenance": maintenance,
            "chart": chart,
            "last_year": self.programme.last_year,
        }
