"""Charts drawn on the server as SVG, each with a table of the same numbers.

A chart must be readable without JavaScript and by a screen reader, so a view builds a
`BarChart` here and `templates/components/bar_chart.html` renders it as an SVG picture
plus an accessible table (caption, header cells with scope). Numbers are formatted in the
active language when the chart is built: "€ 1.234.567" in Dutch, "€ 1,234,567" in English.

    chart = bar_chart(
        _("Besteding tegen budget per jaar"),
        categories=[2026, 2027],
        series=[(_("Riolering"), [1.2e6, 0.8e6]), (_("Wegen"), [0.5e6, 0.9e6])],
        limits=[2.0e6, 1.5e6],
    )
    {% include "components/bar_chart.html" with chart=chart %}
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

#: Series colours: distinguishable with colour-blindness and at least 3:1 against white.
PALETTE = ("#1f5fa8", "#c2410c", "#15803d", "#7e22ce", "#a16207", "#0e7490", "#be185d", "#4b5563")

WIDTH = 720
HEIGHT = 320
MARGIN_LEFT = 110  # room for "€ 12.000.000"
MARGIN_RIGHT = 12
MARGIN_TOP = 16
MARGIN_BOTTOM = 36
GROUP_GAP = 0.25  # share of a category's width left empty between groups


def format_amount(value: float | None, unit: str = "€") -> str:
    """A rounded amount in the active language: "€ 1.234.567", "12 km"; "–" for none."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = number_format(round(value), 0, force_grouping=True)
    if not unit:
        return number
    if unit == "€":
        return f"€ {number}"
    return f"{number} {unit}"


@dataclass(frozen=True)
class ChartBar:
    x: float
    y: float
    width: float
    height: float
    color: str
    title: str


@dataclass(frozen=True)
class ChartLimit:
    x1: float
    x2: float
    y: float
    title: str


@dataclass(frozen=True)
class ChartTick:
    y: float
    label: str


@dataclass(frozen=True)
class ChartCategory:
    x: float
    label: str


@dataclass(frozen=True)
class ChartRow:
    category: str
    cells: tuple[str, ...]
    limit: str | None


@dataclass(frozen=True)
class BarChart:
    """Everything `components/bar_chart.html` draws; coordinates in SVG user units."""

    id: str
    title: str
    unit: str
    width: int
    height: int
    plot_left: float
    plot_right: float
    plot_top: float
    plot_bottom: float
    bars: tuple[ChartBar, ...]
    limits: tuple[ChartLimit, ...]
    ticks: tuple[ChartTick, ...]
    categories: tuple[ChartCategory, ...]
    legend: tuple[tuple[str, str], ...]
    limit_label: str | None
    series_names: tuple[str, ...]
    rows: tuple[ChartRow, ...]


def nice_step(maximum: float, steps: int = 5) -> float:
    """A round tick step (1, 2, 2.5 or 5 × 10ⁿ) that covers `maximum` in about `steps`."""
    if maximum <= 0:
        return 1.0
    raw = maximum / steps
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude  # pragma: no cover - the loop always returns


def bar_chart(
    title: str,
    categories: Sequence[object],
    series: Sequence[tuple[str, Sequence[float | None]]],
    limits: Sequence[float | None] | None = None,
    *,
    unit: str = "€",
    limit_label: str | None = None,
    colors: Sequence[str] = PALETTE,
    chart_id: str | None = None,
) -> BarChart:
    """A grouped bar chart: one group per category, one bar per series, and an optional
    limit (the budget) per category drawn as a dashed line across its group.

    Steps: check the lengths; scale the y axis from 0 to a round maximum over all values
    and limits; place the groups and bars; format the table cells. Negative values are
    drawn as zero-height bars (the table shows the real number); None means no value.
    """
    labels = [str(category) for category in categories]
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(
                f"series {name!r} has {len(values)} values for {len(labels)} categories"
            )
    if limits is not None and len(limits) != len(labels):
        raise ValueError(f"{len(limits)} limits for {len(labels)} categories")
    if limits is not None and limit_label is None:
        limit_label = _("Budget")

    plot_left, plot_right = float(MARGIN_LEFT), float(WIDTH - MARGIN_RIGHT)
    plot_top, plot_bottom = float(MARGIN_TOP), float(HEIGHT - MARGIN_BOTTOM)
    numbers = [v for _name, values in series for v in values if v is not None]
    numbers += [v for v in (limits or []) if v is not None]
    step = nice_step(max([0.0, *numbers]))
    top_value = step * max(1, math.ceil(max([0.0, *numbers]) / step))

    def y_of(value: float) -> float:
        share = max(0.0, value) / top_value
        return round(plot_bottom - share * (plot_bottom - plot_top), 1)

    ticks = []
    tick_count = round(top_value / step)
    for i in range(tick_count + 1):
        ticks.append(ChartTick(y=y_of(i * step), label=format_amount(i * step, unit)))

    group_width = (plot_right - plot_left) / max(1, len(labels))
    inner = group_width * (1 - GROUP_GAP)
    bar_width = inner / max(1, len(series))
    bars, limit_lines, category_labels = [], [], []
    for c, label in enumerate(labels):
        group_left = plot_left + c * group_width + (group_width - inner) / 2
        category_labels.append(
            ChartCategory(x=round(plot_left + (c + 0.5) * group_width, 1), label=label)
        )
        for s, (name, values) in enumerate(series):
            value = values[c]
            if value is None:
                continue
            y = y_of(value)
            bars.append(
                ChartBar(
                    x=round(group_left + s * bar_width, 1),
                    y=y,
                    width=round(max(1.0, bar_width - 2), 1),
                    height=round(plot_bottom - y, 1),
                    color=colors[s % len(colors)],
                    title=f"{name}, {label}: {format_amount(value, unit)}",
                )
            )
        if limits is not None and limits[c] is not None:
            limit_lines.append(
                ChartLimit(
                    x1=round(group_left - 2, 1),
                    x2=round(group_left + inner + 2, 1),
                    y=y_of(limits[c]),
                    title=f"{limit_label}, {label}: {format_amount(limits[c], unit)}",
                )
            )

    rows = tuple(
        ChartRow(
            category=label,
            cells=tuple(format_amount(values[c], unit) for _name, values in series),
            limit=format_amount(limits[c], unit) if limits is not None else None,
        )
        for c, label in enumerate(labels)
    )
    return BarChart(
        id=chart_id or f"chart-{slugify(title) or 'bars'}",
        title=title,
        unit=unit,
        width=WIDTH,
        height=HEIGHT,
        plot_left=plot_left,
        plot_right=plot_right,
        plot_top=plot_top,
        plot_bottom=plot_bottom,
        bars=tuple(bars),
        limits=tuple(limit_lines),
        ticks=tuple(ticks),
        categories=tuple(category_labels),
        legend=tuple((name, colors[s % len(colors)]) for s, (name, _values) in enumerate(series)),
        limit_label=limit_label if limits is not None else None,
        series_names=tuple(name for name, _values in series),
        rows=rows,
    )
