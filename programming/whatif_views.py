"""The programme's page "Extra geld": what extra money on one budget line in one year
buys (`programming.whatif`, the one definition the API and the workbook sheet read too)."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from impor.charts import bar_chart
from programming.engine.staging import stage
from programming.views import ProgrammeMixin
from programming.whatif import (
    AMOUNTS,
    AUTOMATIC_STEPS,
    LINE,
    YEAR,
    WhatIfError,
    default_choice,
    extra_money,
    money_words,
    parse_amounts,
    whatif_instance,
)
from stakeholders.models import BudgetLine


class ExtraMoneyForm(forms.Form):
    """The question: a line, a year and optionally the amounts (a GET form)."""

    budgetregel = forms.ChoiceField(label=_("Budgetregel"))
    jaar = forms.ChoiceField(label=_("Jaar"))
    bedragen = forms.CharField(
        label=_("Bedragen (optioneel)"),
        required=False,
        help_text=_(
            "Extra geld per stap, gescheiden door komma's, bijvoorbeeld: 500.000, 1,2 mln. "
            "Leeg: vanzelf de bedragen waarbij het volgende werk doorgaat."
        ),
    )

    def __init__(self, *args, years: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[LINE].choices = list(BudgetLine.objects.values_list("code", "name"))
        self.fields[YEAR].choices = [(str(year), str(year)) for year in years]


class ExtraMoneyView(ProgrammeMixin, TemplateView):
    """Chosen line and year (default: where the LP's shadow prices say money helps most),
    the curve as two charts with their tables, the works per step with links, and the
    council's sentence. Same permission as the other programme tabs (partners: 403)."""

    template_name = "programming/whatif_money.html"
    tab = "extra-geld"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = self.programme
        query = self.request.GET
        staged = None
        years = list(range(programme.first_year, programme.last_year + 1))
        if LINE not in query and YEAR not in query:
            try:
                staged = stage(whatif_instance(programme))
            except WhatIfError as error:
                form = ExtraMoneyForm(None, years=years)
                return context | {"form": form, "answer": None, "charts": [], "refused": error}
            chosen = default_choice(programme, staged)
            query = query.copy()
            if chosen:
                query[LINE], query[YEAR] = chosen[0], str(chosen[1])
        form = ExtraMoneyForm(query if LINE in query else None, years=years)
        answer = None
        if LINE in query:
            try:
                amounts = parse_amounts(query.get(AMOUNTS, ""))
                answer = extra_money(
                    programme,
                    query.get(LINE, ""),
                    query.get(YEAR),
                    amounts or None,
                    AUTOMATIC_STEPS,
                    staged,
                )
            except WhatIfError as error:
                if error.field is None:
                    return context | {"form": form, "answer": None, "charts": [], "refused": error}
                form.is_valid()
                form.add_error(error.field if error.field in form.fields else None, error.message)
                self.response_status = 400
        return context | {"form": form, "answer": answer, "charts": _charts(answer)}

    def render_to_response(self, context, **response_kwargs):
        response_kwargs.setdefault("status", getattr(self, "response_status", 200))
        return super().render_to_response(context, **response_kwargs)


def _charts(answer) -> list:
    """Money → value gained, and money → street openings saved: one chart each (their
    units differ), each with its table."""
    if answer is None or not answer.steps:
        return []
    labels = [money_words(step.extra) for step in answer.steps]
    return [
        bar_chart(
            gettext("Waarde die erbij komt (punten) per bedrag extra"),
            labels,
            [(gettext("Waarde erbij"), [step.value_gained for step in answer.steps])],
            unit="",
            chart_id="extra-geld-waarde",
        ),
        bar_chart(
            gettext("Graafmomenten minder per bedrag extra"),
            labels,
            [(gettext("Keer minder open"), [step.openings_saved for step in answer.steps])],
            unit="",
            chart_id="extra-geld-graafmomenten",
        ),
    ]
