"""The page "Ambitie gemeten": per indicator of an ambition the plan's expected course
against the target path and the measured values, as a chart with its table, and the
works that contribute (`programming.monitoring`, the one definition the API and the
workbook sheet "Ambities gemeten" read too). For the whole municipality or one area."""

from django import forms
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from impor.charts import bar_chart
from impor.choices import AreaLevel
from impor.models import Area
from programming.models import Programme
from programming.monitoring import IndicatorCourse, ambition_monitoring
from stakeholders.models import Ambition

AREA = "gebied"


class AreaChoiceForm(forms.Form):
    """Which area to look at (a GET form); empty: the whole municipality."""

    gebied = forms.ModelChoiceField(
        label=_("Gebied"),
        queryset=Area.objects.exclude(level=AreaLevel.GEMEENTE).order_by("level", "name"),
        required=False,
        empty_label=_("Hele gemeente"),
    )


def _float(value) -> float | None:
    return None if value is None else float(value)


def course_chart(course: IndicatorCourse, number: int):
    """The expected and measured values per year as bars, the target path as the line."""
    return bar_chart(
        gettext("%(name)s: verwacht, gemeten en streefwaarde") % {"name": course.indicator.name},
        course.years,
        [
            (gettext("Verwacht volgens plan"), [_float(v) for v in course.expected]),
            (gettext("Gemeten"), [_float(v) for v in course.measured]),
        ],
        [_float(v) for v in course.targets],
        unit=course.indicator.unit,
        limit_label=gettext("Streefwaarde"),
        chart_id=f"indicator-{number}-grafiek",
    )


class AmbitionMonitoringView(PermissionRequiredMixin, TemplateView):
    """Readers of ambitions may see it (partners: 403, they see no ambitions)."""

    permission_required = "stakeholders.view_ambition"
    template_name = "programming/ambition_monitoring.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ambition = get_object_or_404(Ambition, pk=self.kwargs["pk"])
        form = AreaChoiceForm(self.request.GET if AREA in self.request.GET else None)
        area = form.cleaned_data[AREA] if form.is_bound and form.is_valid() else None
        programme = Programme.objects.current()
        monitoring = ambition_monitoring(ambition, programme, area)
        return context | {
            "ambition": ambition,
            "form": form,
            "monitoring": monitoring,
            "courses": [
                (course, course_chart(course, number))
                for number, course in enumerate(monitoring.indicators, start=1)
            ],
        }
