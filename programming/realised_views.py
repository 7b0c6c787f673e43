"""The programme's page "Gepland en gerealiseerd": the adopted version's plan against what
was really done (`programming.realised`, the one definition the API and the workbook
sheet read too), and the small chart on the dashboard."""

from django.utils.translation import gettext
from django.views.generic import TemplateView

from impor.charts import BarChart, bar_chart
from programming.models import Programme
from programming.money import whole_euros
from programming.realised import (
    COUNT_COLUMNS,
    MONEY_COLUMNS,
    NET,
    PER,
    PER_YEAR,
    REALISED,
    PlannedRealised,
    planned_realised,
)
from programming.views import ProgrammeMixin


def realised_chart(result: PlannedRealised, chart_id: str = "gepland-gerealiseerd") -> BarChart:
    """Planned net against realised per year, as bars with their table."""
    rows = [row for row in result.rows if row.planned_net or row.realised]
    return bar_chart(
        gettext("Gepland (netto) en gerealiseerd per jaar"),
        [row.label for row in rows],
        [
            (str(NET), [whole_euros(row.planned_net) for row in rows]),
            (str(REALISED), [whole_euros(row.realised) for row in rows]),
        ],
        chart_id=chart_id,
    )


def dashboard_chart(programme: Programme | None, user) -> BarChart | None:
    """The dashboard's small chart: None without a programme, an adopted version or any
    money planned or realised."""
    if programme is None:
        return None
    result = planned_realised(programme, PER_YEAR, user)
    if result.adopted is None or not (result.total.planned_net or result.total.realised):
        return None
    return realised_chart(result, "gepland-gerealiseerd-dashboard")


class PlannedRealisedView(ProgrammeMixin, TemplateView):
    """The table per year × budget line, the switch per year, line, area or theme, the
    chart with its table, and the deviations explained. Same permission as the other
    programme tabs (partners: 403)."""

    template_name = "programming/programme_realised.html"
    tab = "gepland-gerealiseerd"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        per = self.request.GET.get("per", PER_YEAR)
        if per not in PER:
            per = PER_YEAR
        result = planned_realised(self.programme, per, self.request.user)
        return context | {
            "result": result,
            "per": per,
            "per_label": PER[per],
            "per_choices": [(code, name) for code, name in PER.items()],
            "money_columns": MONEY_COLUMNS,
            "count_columns": COUNT_COLUMNS,
            "chart": realised_chart(result) if result.adopted and per == PER_YEAR else None,
        }
