"""Ambitions measured (issue #20 §3): per indicator of an ambition, the course the plan
expects against the target path and the measured values, for the whole municipality or
one area. The one definition the page, the API (``/api/v1/ambities/<pk>/monitoring``)
and the workbook sheet "Ambities gemeten" read (docs/monitoring.md, "Ambities gemeten").

The expected course of an indicator in year *y* is its baseline plus the expected
contributions (`projects.IndicatorContribution`) of every work of the programme's
projects that is finished in or before *y*. A work counts from its **finish year**: the
year the programme schedules it to start plus the project's planned duration
(``end_year − start_year``), so a one-year project counts from its scheduled year. A
project that is not scheduled (unfunded) adds nothing and is listed as not planned.

In one area (a kern, wijk or buurt) the course counts the works in that area or below it
(the work's area; the project's areas when the work has none) and starts from the area's
own baseline: its measurement in the indicator's baseline year, else its first
measurement. Without measurements in the area there is no expected course, only the
contributions. Measured values are the municipality's (no area) or the area's own.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from impor.models import Area
from programming.models import Programme, Work
from programming.xlsx import Column, Sheet
from projects.models import IndicatorContribution
from stakeholders.models import Ambition, Indicator


@dataclass(frozen=True)
class ContributingWork:
    """A project expected to move an indicator, with the year it starts counting."""

    project_id: int
    project_code: str
    project_name: str
    expected: Decimal
    #: The work in the programme; None when the project is not scheduled.
    work_id: int | None = None
    start_year: int | None = None
    finish_year: int | None = None
    area: str = ""

    @property
    def scheduled(self) -> bool:
        return self.finish_year is not None


@dataclass
class IndicatorCourse:
    """One indicator: per year of `years` the expected, target and measured value
    (None where there is none), and the works that contribute."""

    indicator: Indicator
    baseline_value: Decimal | None
    baseline_year: int | None
    years: list[int] = field(default_factory=list)
    expected: list[Decimal | None] = field(default_factory=list)
    targets: list[Decimal | None] = field(default_factory=list)
    measured: list[Decimal | None] = field(default_factory=list)
    works: list[ContributingWork] = field(default_factory=list)

    def year_rows(self) -> list[dict]:
        """Per year its expected, target and measured value, as the tables show them."""
        return [
            {"year": year, "expected": expected, "target": target, "measured": measured}
            for year, expected, target, measured in zip(
                self.years, self.expected, self.targets, self.measured, strict=True
            )
        ]


@dataclass
class AmbitionMonitoring:
    ambition: Ambition
    programme: Programme | None
    area: Area | None
    indicators: list[IndicatorCourse]


def _finish_year(work: Work) -> int:
    """The scheduled start plus the project's planned duration (0 for a one-year project)."""
    project = work.project
    return work.scheduled_year + (project.end_year - project.start_year)


def _contributing_works(
    contributions: list[IndicatorContribution], works: dict[int, Work]
) -> list[ContributingWork]:
    rows = []
    for contribution in contributions:
        project = contribution.project
        work = works.get(project.pk)
        rows.append(
            ContributingWork(
                project_id=project.pk,
                project_code=project.code,
                project_name=project.name,
                expected=contribution.expected,
                work_id=work.pk if work else None,
                start_year=work.scheduled_year if work else None,
                finish_year=_finish_year(work) if work else None,
                area=work.area.name if work and work.area else "",
            )
        )
    return sorted(
        rows,
        key=lambda row: (row.finish_year is None, row.finish_year or 0, row.project_code),
    )


def _area_baseline(indicator: Indicator, measured: dict[int, Decimal]):
    """The area's own starting point: its value in the baseline year, else its first."""
    if not measured:
        return None, None
    if indicator.baseline_year in measured:
        return measured[indicator.baseline_year], indicator.baseline_year
    year = min(measured)
    return measured[year], year


def _course(
    indicator: Indicator,
    programme: Programme | None,
    area: Area | None,
    works: list[ContributingWork],
) -> IndicatorCourse:
    measurements = [
        m for m in indicator.measurements.all() if m.area_id == (area.pk if area else None)
    ]
    measured = {m.year: m.value for m in measurements}
    targets = {t.year: t.value for t in indicator.targets.all()}
    if area is None:
        baseline_value, baseline_year = indicator.baseline_value, indicator.baseline_year
    else:
        baseline_value, baseline_year = _area_baseline(indicator, measured)
    first = min([indicator.baseline_year, *measured, *targets])
    last = max(
        [
            indicator.target_year,
            *measured,
            *targets,
            *[w.finish_year for w in works if w.scheduled],
            *([programme.last_year] if programme else []),
        ]
    )
    course = IndicatorCourse(indicator, baseline_value, baseline_year, works=works)
    for year in range(first, last + 1):
        course.years.append(year)
        if baseline_value is None or year < baseline_year:
            course.expected.append(None)
        else:
            added = sum(
                (w.expected for w in works if w.scheduled and w.finish_year <= year),
                Decimal(0),
            )
            course.expected.append(baseline_value + added)
        target = targets.get(year)
        if target is None and year == indicator.target_year:
            target = indicator.target_value
        course.targets.append(target)
        course.measured.append(measured.get(year))
    return course


def ambition_monitoring(
    ambition: Ambition, programme: Programme | None, area: Area | None = None
) -> AmbitionMonitoring:
    """Every indicator of `ambition` with its expected course from `programme` (None:
    no programme computed yet, so only the baseline), its target path and its measured
    values, in the whole municipality or in `area` (see the module's docstring)."""
    indicators = list(
        ambition.indicators.order_by("name", "pk").prefetch_related("measurements", "targets")
    )
    contributions = list(
        IndicatorContribution.objects.filter(indicator__in=indicators)
        .select_related("project")
        .order_by("project__code")
    )
    work_rows = Work.objects.none()
    if programme is not None:
        work_rows = Work.objects.filter(
            programme=programme,
            project_id__in={c.project_id for c in contributions},
            scheduled_year__isnull=False,
        )
        if area is not None:
            within = area.subtree_ids()
            work_rows = work_rows.filter(
                Q(area_id__in=within) | Q(area__isnull=True, project__areas__in=within)
            ).distinct()
    works: dict[int, Work] = {}
    for work in work_rows.select_related("project", "area").order_by("scheduled_year", "pk"):
        known = works.get(work.project_id)
        if known is None or _finish_year(work) > _finish_year(known):
            works[work.project_id] = work
    courses = []
    for indicator in indicators:
        mine = [c for c in contributions if c.indicator_id == indicator.pk]
        if area is not None:
            mine = [c for c in mine if c.project_id in works]
        courses.append(_course(indicator, programme, area, _contributing_works(mine, works)))
    return AmbitionMonitoring(ambition, programme, area, courses)


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def monitoring_sheet(programme: Programme) -> Sheet:
    """The workbook sheet "Ambities gemeten": per ambition, indicator and year the
    expected value from this programme, the target and the measured value (whole
    municipality), from `ambition_monitoring` like the page and the API."""

    def rows():
        for ambition in Ambition.objects.order_by("code"):
            for course in ambition_monitoring(ambition, programme).indicators:
                for row in course.year_rows():
                    yield [
                        ambition.name,
                        course.indicator.name,
                        course.indicator.unit,
                        row["year"],
                        _number(row["expected"]),
                        _number(row["target"]),
                        _number(row["measured"]),
                    ]

    return Sheet(
        _("Ambities gemeten"),
        [
            Column(_("Ambitie"), width=40),
            Column(_("Indicator"), width=40),
            Column(_("Eenheid")),
            Column(_("Jaar"), "year"),
            Column(_("Verwacht volgens plan"), "decimal"),
            Column(_("Streefwaarde"), "decimal"),
            Column(_("Gemeten"), "decimal"),
        ],
        rows(),
        _(
            "Per indicator en jaar: de nulmeting plus de verwachte bijdragen van de geplande "
            "werken vanaf hun eindjaar, de streefwaarde en de gemeten waarde (hele gemeente)."
        ),
    )
