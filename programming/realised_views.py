"""The programme's page "Gepland en gerealiseerd": the adopted version's plan against what
was really done (`programming.realised`, the one definition the API and the workbook
sheet read too), and the small chart on the dashboard (`realised.dashboard_chart`)."""

from django.views.generic import TemplateView

from programming.realised import (
    COUNT_COLUMNS,
    MONEY_COLUMNS,
    PER,
    PER_YEAR,
    planned_realised,
    realised_chart,
)
from programming.views import ProgrammeMixin


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
