"""Demo data for "Ambities gemeten" (#20 §3), called from ``seed_demo``'s build: a target
path per year for every indicator, measurements 2022–2026 (the municipality's, and per
kern for the disconnected paving), and the expected contributions of the projects that
contribute to each indicator's ambition.

Deterministic (no random numbers), so the demo's monitoring page and tests agree: the
measured values follow the target path with a lag, as a plan in motion does.
"""

import datetime
from decimal import Decimal

from impor.choices import AreaLevel
from impor.models import Area
from projects.models import AmbitionContribution, IndicatorContribution
from stakeholders.models import Indicator, IndicatorMeasurement, IndicatorTarget

MEASURED_YEARS = range(2022, 2027)
#: The share of the planned progress the measurements show (they lag behind the path).
LAG = Decimal("0.7")
#: How many projects contribute to each indicator, and the share of the gap from
#: baseline to target each is expected to close.
CONTRIBUTORS = 4
SHARE = Decimal("0.06")
SOURCES = ("Klimaatmonitor", "Waarstaatjegemeente.nl", "Eigen telling gemeente Dalfsen")
#: The indicator measured per kern too, so the page shows an area's own course.
PER_KERN = "Verhard oppervlak afgekoppeld van het riool"
CENT = Decimal("0.01")


def _path(indicator: Indicator, year: int) -> Decimal:
    """The straight line from baseline to target in `year`."""
    span = indicator.target_year - indicator.baseline_year
    if span == 0:
        return indicator.target_value
    share = Decimal(min(max(year - indicator.baseline_year, 0), span)) / Decimal(span)
    gap = indicator.target_value - indicator.baseline_value
    return (indicator.baseline_value + share * gap).quantize(CENT)


def build_monitoring() -> dict[str, int]:
    """Targets, measurements and expected contributions for every demo indicator."""
    targets, measurements, contributions = [], [], []
    kernen = list(Area.objects.filter(level=AreaLevel.KERN).order_by("name"))
    by_ambition: dict[int, list[int]] = {}
    for row in AmbitionContribution.objects.order_by("-weight", "project__code").values(
        "ambition_id", "project_id"
    ):
        by_ambition.setdefault(row["ambition_id"], []).append(row["project_id"])
    indicators = Indicator.objects.order_by("ambition__code", "name")
    for number, indicator in enumerate(indicators):
        source = SOURCES[number % len(SOURCES)]
        for year in range(indicator.baseline_year + 1, indicator.target_year + 1):
            targets.append(
                IndicatorTarget(indicator=indicator, year=year, value=_path(indicator, year))
            )
        for year in MEASURED_YEARS:
            if year < indicator.baseline_year:
                continue
            planned = _path(indicator, year) - indicator.baseline_value
            measurements.append(
                IndicatorMeasurement(
                    indicator=indicator,
                    year=year,
                    value=(indicator.baseline_value + LAG * planned).quantize(CENT),
                    date=datetime.date(year, 12, 31) if year < 2026 else datetime.date(2026, 6, 30),
                    source=source,
                )
            )
        if indicator.name == PER_KERN:
            for offset, kern in enumerate(kernen):
                for year in (2022, 2025):
                    value = indicator.baseline_value + Decimal(offset * 3 - 4)
                    if year == 2025:
                        value += Decimal(offset + 2)
                    measurements.append(
                        IndicatorMeasurement(
                            indicator=indicator,
                            year=year,
                            value=value,
                            date=datetime.date(year, 12, 31),
                            source=source,
                            area=kern,
                        )
                    )
        gap = indicator.target_value - indicator.baseline_value
        for project_id in by_ambition.get(indicator.ambition_id, [])[:CONTRIBUTORS]:
            contributions.append(
                IndicatorContribution(
                    project_id=project_id,
                    indicator=indicator,
                    expected=(gap * SHARE).quantize(CENT),
                )
            )
    IndicatorTarget.objects.bulk_create(targets)
    IndicatorMeasurement.objects.bulk_create(measurements)
    IndicatorContribution.objects.bulk_create(contributions)
    return {
        "targets": len(targets),
        "measurements": len(measurements),
        "contributions": len(contributions),
    }
