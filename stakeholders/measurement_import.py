"""Measurements of an ambition's indicators from a CSV or Excel file (issue #20 §3), on
the shared import kit (`impor.importing`: the readers, the value parsers, the report).

One row per measurement, with these columns (headers in Dutch or English, any case):

| column | required | what |
|---|---|---|
| indicator | yes | the indicator's name within the ambition, or its id |
| jaar / year | one of both | the year the value holds for |
| datum / date | one of both | the date it was measured; without a year, its year |
| waarde / value | yes | the value, in the indicator's unit (Dutch or English notation) |
| bron / source | no | e.g. Klimaatmonitor |
| gebied / area | no | an area's name or CBS code; empty: the whole municipality |

A row for an indicator, year and area that is stored already updates it; the others are
new. A dry run counts and checks, nothing is stored; a commit stores every row in one
transaction or, when any row has an error, none. Row errors name the row and column:
an unknown indicator or area, a value or year that is not a number, neither a year nor a
date, the same indicator, year and area twice.

Every run, dry or committed, is logged as an `ImportRun` of kind "metingen van
indicatoren" (the import log), as the other imports are.
"""

import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils.translation import gettext as _

from impor.choices import ImportKind
from impor.fields import YEAR_MAX, YEAR_MIN
from impor.importing.columns import normalise
from impor.importing.readers import read_table
from impor.importing.report import ImportReport, RowError, finish_run, read_limits, record_commit
from impor.importing.table import ImportFileError
from impor.importing.values import blank, parse_date, parse_number, parse_text, parse_whole
from impor.models import Area
from stakeholders.models import Ambition, IndicatorMeasurement

#: The columns by field, each with the headers it goes by (normalised).
COLUMNS = {
    "indicator": ("indicator", "indicator_naam", "naam_indicator", "indicator_id"),
    "year": ("jaar", "year", "meetjaar"),
    "date": ("datum", "date", "meetdatum"),
    "value": ("waarde", "value", "meetwaarde"),
    "source": ("bron", "source"),
    "area": ("gebied", "area", "kern", "wijk", "buurt", "cbs_code"),
}
REQUIRED = ("indicator", "value")
#: The decimals a measurement keeps (its model field).
PLACES = Decimal("0.01")


@dataclass
class MeasurementImport:
    report: ImportReport
    #: The measurements that would be (or were) stored, new and changed.
    rows: list[IndicatorMeasurement] = field(default_factory=list)


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    by_header = {normalise(column): column for column in frame.columns}
    mapping = {}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in by_header:
                mapping[name] = by_header[alias]
                break
    return mapping


def _area_lookup() -> dict[str, Area]:
    areas = {}
    for area in Area.objects.all():
        areas[area.name.casefold()] = area
        if area.cbs_code:
            areas[area.cbs_code.casefold()] = area
    return areas


def measurements_from_file(
    path: Path,
    ambition: Ambition,
    *,
    file_name: str,
    commit: bool = False,
    user: Any = None,
) -> MeasurementImport:
    """Read the file's rows into measurements of `ambition`'s indicators: a dry run
    (counts and row errors) unless `commit` (see the module's docstring). `user` is
    who the import log names."""
    started = time.perf_counter()
    report = ImportReport(
        kind=ImportKind.MEASUREMENTS,
        file_name=file_name,
        source="upload",
        messages_name_the_file=False,
    )
    result = MeasurementImport(report=report)

    def finish() -> MeasurementImport:
        if not report.ok:
            result.rows = []
        finish_run(report, path, user=user, started=started, commit=commit, log_the_plan=True)
        return result

    try:
        table = read_table(path, filename=file_name, **read_limits())
    except ImportFileError as exc:
        report.errors.append(RowError(0, "", str(exc)))
        return finish()
    report.warnings.extend(table.warnings)
    frame = table.frame
    mapping = _columns(frame)
    report.mapping = mapping
    missing = [name for name in REQUIRED if name not in mapping]
    if "year" not in mapping and "date" not in mapping:
        missing.append(_("jaar of datum"))
    if missing:
        report.errors.append(
            RowError(
                0, "", _("Deze kolommen ontbreken: %(columns)s.") % {"columns": ", ".join(missing)}
            )
        )
        return finish()
    report.rows = len(frame)

    def column(name: str) -> pd.Series:
        return frame[mapping[name]] if name in mapping else pd.Series([None] * len(frame))

    names = parse_text(column("indicator")).tolist()
    values, bad_values = parse_number(column("value"))
    years, bad_years = parse_whole(column("year"))
    dates, bad_dates = parse_date(column("date"))
    sources = parse_text(column("source")).tolist()
    area_names = parse_text(column("area")).tolist()
    empty_values = blank(column("value")).tolist()

    indicators = {}
    for indicator in ambition.indicators.all():
        indicators[indicator.name.casefold()] = indicator
        indicators[str(indicator.pk)] = indicator
    areas = _area_lookup()
    stored = {
        (m.indicator_id, m.year, m.area_id): m
        for m in IndicatorMeasurement.objects.filter(indicator__ambition=ambition)
    }
    seen: dict[tuple, int] = {}
    for offset in range(len(frame)):
        row = table.first_row + offset
        errors = len(report.errors)
        indicator = indicators.get(names[offset].casefold())
        if indicator is None:
            report.errors.append(
                RowError(
                    row,
                    mapping["indicator"],
                    _("onbekende indicator %(name)s bij deze ambitie") % {"name": names[offset]},
                )
            )
        area = None
        if area_names[offset]:
            area = areas.get(area_names[offset].casefold())
            if area is None:
                report.errors.append(
                    RowError(
                        row,
                        mapping["area"],
                        _("onbekend gebied %(name)s") % {"name": area_names[offset]},
                    )
                )
        if empty_values[offset] or bad_values.iloc[offset]:
            report.errors.append(RowError(row, mapping["value"], _("de waarde is geen getal")))
        if bad_years.iloc[offset]:
            report.errors.append(RowError(row, mapping["year"], _("het jaar is geen geheel getal")))
        if bad_dates.iloc[offset]:
            report.errors.append(RowError(row, mapping["date"], _("de datum is geen datum")))
        date = dates.iloc[offset] if not pd.isna(dates.iloc[offset]) else None
        year = None
        if not pd.isna(years.iloc[offset]):
            year = int(years.iloc[offset])
        elif date is not None:
            year = date.year
        if year is None and not bad_years.iloc[offset] and not bad_dates.iloc[offset]:
            report.errors.append(RowError(row, "", _("geef een jaar of een datum")))
        elif year is not None and not YEAR_MIN <= year <= YEAR_MAX:
            report.errors.append(
                RowError(row, mapping.get("year", ""), _("het jaar ligt buiten het bereik"))
            )
        if len(report.errors) > errors:
            continue
        key = (indicator.pk, year, area.pk if area else None)
        if key in seen:
            report.errors.append(
                RowError(
                    row,
                    "",
                    _("dezelfde indicator, hetzelfde jaar en gebied als rij %(row)s")
                    % {"row": seen[key]},
                )
            )
            continue
        seen[key] = row
        value = Decimal(str(values.iloc[offset])).quantize(PLACES)
        measurement = stored.get(key)
        if measurement is None:
            measurement = IndicatorMeasurement(indicator=indicator, year=year, area=area)
            report.creates += 1
        elif (measurement.value, measurement.date, measurement.source) == (
            value,
            date or measurement.date,
            sources[offset] or measurement.source,
        ):
            report.unchanged += 1
            continue
        else:
            report.updates += 1
        measurement.value = value
        measurement.date = date or measurement.date
        measurement.source = sources[offset][:200] or measurement.source
        result.rows.append(measurement)
    report.valid = report.rows - len({error.row for error in report.errors})
    if not (commit and report.ok):
        return finish()
    with transaction.atomic():
        record_commit(report, path, user=user, started=started)
        for measurement in result.rows:
            measurement.save()
    return result
