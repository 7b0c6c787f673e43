"""KPIs of a computed programme, one row per figure (code, year, area, line, theme, value).

An empty dimension means "all": a row with a year and no area is the year's total.

=========================  =======================================================
code                       figure
=========================  =======================================================
budget                     budget per year × line (programme years)
besteding_bruto            planned costs of the scheduled works per year × line,
                           before coupling savings (gross)
besparing                  savings realised: the opening parts saved by works done in
                           a cluster unit (savings.py, units.py): per year × line, per
                           year and in total
besteding                  spend per year × line after those savings (net):
                           besteding = besteding_bruto − besparing in every cell
besteding_thema            net spend per year × theme (a work counts in each theme)
besteding_gebied           net spend per year × area
graafmomenten_sectoraal    street openings if every scheduled opening work dug alone,
                           in its scheduled year: per year × area, per year, in total
graafmomenten_integraal    street openings as scheduled: the opening works of a cluster
                           that start in the same year count once (in the area of the
                           most expensive one): per year × area, per year, in total
vermeden_graafmomenten     sectoral − integrated openings, in total (never negative)
graafmomenten_ondergrens   no plan of these opening works, given their feasible years
                           and the clusters, can have fewer openings (bound.py), total
graafrust_doorbrekingen    scheduled works that open a street in its graafrust, total
optimaliteitsgat           the schedule's relative gap to the solver's bound (0–1;
                           0 when there is no bound), total
ambitie_bediend            share of the total ambition weight that is scheduled (0–1)
tekort                     unfunded gap per year × line and in total: the sum of the
                           unfunded works' gaps (unfunded.py)
achterstand                works past their end of life (remaining life ≤ 0 or
                           condition 6) that are not scheduled
uren_beschikbaar           a team's available hours per year × team (teams only)
uren_gepland               a team's planned hours per year × team: the hours of the
                           scheduled units in the years they run, after shared
                           preparation (capacity.py); never above uren_beschikbaar
uren_gevraagd_niet_gedekt  the hours unscheduled works would need, per year × team:
                           each one's hours profile started in its preferred year
uren_besparing             preparation hours saved by coupling, per year (the unit's
                           start year) × team, and per team in total
beheerlasten               the change in annual maintenance cost in a year: the sum
                           of `maintenance` of the scheduled works whose last cost
                           year lies before it; per year, per year × line (the
                           work's main line: its largest cost line), per year × area,
                           and programme-wide (no year: the value in the last year)
=========================  =======================================================

Hours are never money: the money figures count the cost entries alone, and the hour
figures (teams only, with the team column set) only appear when the instance declares
teams; beheerlasten rows only when a work has a maintenance effect.

Both opening counts run over the same works — the scheduled opening works — in the same
years — their scheduled years — so they compare one programme done sectorally and
integrally: integrated ≤ sectoral in every year and area, and the openings avoided are
never negative.

Per-year rows lie inside the horizon (first year … last year): the spend of a work that
starts near the end and runs on after the last year is left out, and so are its savings;
the totals are the sums of those rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, cast

import numpy as np
import pandas as pd

from programming.engine import columns as col
from programming.engine.bound import openings_lower_bound
from programming.engine.couplings import Couplings
from programming.engine.frames import Prepared
from programming.engine.instance import Parameters, UnfundedRow
from programming.engine.units import Unit, total_spend

BUDGET = "budget"
SPEND = "besteding"
SPEND_GROSS = "besteding_bruto"
SPEND_THEME = "besteding_thema"
SPEND_AREA = "besteding_gebied"
OPENINGS_SECTORAL = "graafmomenten_sectoraal"
OPENINGS_INTEGRATED = "graafmomenten_integraal"
OPENINGS_AVOIDED = "vermeden_graafmomenten"
OPENINGS_BOUND = "graafmomenten_ondergrens"
GRAAFRUST_BREAKS = "graafrust_doorbrekingen"
OPTIMALITY_GAP = "optimaliteitsgat"
SAVINGS = "besparing"
AMBITION_SERVED = "ambitie_bediend"
UNFUNDED_GAP = "tekort"
BACKLOG = "achterstand"
HOURS_AVAILABLE = "uren_beschikbaar"
HOURS_PLANNED = "uren_gepland"
HOURS_UNFUNDED = "uren_gevraagd_niet_gedekt"
HOURS_SAVED = "uren_besparing"
MAINTENANCE = "beheerlasten"
#: The KPI frame's team column (Kpi.team).
TEAM = "team"

#: Columns of the spend frame: the amount a cost entry saves by coupling, and its amount
#: before that saving.
SAVED = "saved"
GROSS = "gross"
KPI_COLUMNS = [col.CODE, col.YEAR, col.AREA, col.BUDGET_LINE, col.THEME, TEAM, col.VALUE]


def compute_kpis(
    works: pd.DataFrame,
    costs: pd.DataFrame,
    years: np.ndarray,
    discount: np.ndarray,
    couplings: Couplings,
    budget: np.ndarray,
    lines: tuple[str, ...],
    params: Parameters,
    unfunded: Sequence[UnfundedRow],
    feasible: np.ndarray,
    breaks: np.ndarray,
    optimality_gap: float | None,
) -> pd.DataFrame:
    """All KPI rows of a programme.

    Steps:
    1. Budget, and gross spend, savings and net spend per year × line (inside the
       horizon); net spend × theme, × area.
    2. Street openings sectoral and integrated, the openings avoided, and the lower
       bound on openings (`feasible`: works × programme years).
    3. Savings realised, ambition weight served, unfunded gap, backlog, graafrust
       breaks (`breaks`: per work) and the schedule's optimality gap.
    """
    spend = spend_frame(works, costs, years, discount, params)
    frames = [
        budget_rows(budget, lines, params),
        spend_rows(spend),
        opening_rows(works, years, couplings, feasible),
        savings_rows(spend),
        summary_rows(works, years, unfunded),
        _rows(
            [
                {col.CODE: GRAAFRUST_BREAKS, col.VALUE: float(np.sum(breaks))},
                {col.CODE: OPTIMALITY_GAP, col.VALUE: float(optimality_gap or 0.0)},
            ]
        ),
    ]
    return pd.concat(frames, ignore_index=True)[KPI_COLUMNS]


def spend_frame(
    works: pd.DataFrame,
    costs: pd.DataFrame,
    years: np.ndarray,
    discount: np.ndarray,
    params: Parameters,
) -> pd.DataFrame:
    """One row per cost entry of a scheduled work spent inside the horizon, with the
    calendar year it is spent, the amount before and after coupling savings and the
    amount saved."""
    work = costs[col.WORK].to_numpy(dtype=int)
    start = years[work] if len(costs) else np.array([])
    saved = costs[col.AMOUNT].to_numpy(dtype=float) * discount[work]
    spend = costs.assign(
        **{
            col.YEAR: start + costs[col.OFFSET],
            col.AMOUNT: costs[col.AMOUNT] - saved,
            SAVED: saved,
            GROSS: costs[col.AMOUNT],
        }
    )
    inside = spend[col.YEAR].between(params.first_year, params.last_year)
    spend = spend[inside].copy()
    spend[col.YEAR] = spend[col.YEAR].astype(int)
    rows = works.iloc[spend[col.WORK].to_numpy(dtype=int)]
    spend[col.AREA] = rows[col.AREA].to_numpy()
    spend[col.THEMES] = rows[col.THEMES].to_numpy()
    return spend


def budget_rows(budget: np.ndarray, lines: tuple[str, ...], params: Parameters) -> pd.DataFrame:
    return _rows(
        {col.CODE: BUDGET, col.YEAR: year, col.BUDGET_LINE: line, col.VALUE: budget[i, t]}
        for i, line in enumerate(lines)
        for t, year in enumerate(params.years)
    )


def spend_rows(spend: pd.DataFrame) -> pd.DataFrame:
    """Net spend per year × line, × area, × theme; gross spend and savings per year × line."""
    by_line = spend.groupby([col.YEAR, col.BUDGET_LINE], as_index=False)[
        [col.AMOUNT, GROSS, SAVED]
    ].sum()
    by_area = (
        spend.dropna(subset=[col.AREA])
        .groupby([col.YEAR, col.AREA], as_index=False)[[col.AMOUNT]]
        .sum()
    )
    themed = spend.explode(col.THEMES).dropna(subset=[col.THEMES])
    by_theme = (
        themed.groupby([col.YEAR, col.THEMES], as_index=False)[[col.AMOUNT]]
        .sum()
        .rename(columns={col.THEMES: col.THEME})
    )
    return (
        pd.concat(
            [
                by_line[[col.YEAR, col.BUDGET_LINE, col.AMOUNT]].assign(**{col.CODE: SPEND}),
                by_line[[col.YEAR, col.BUDGET_LINE, GROSS]]
                .rename(columns={GROSS: col.AMOUNT})
                .assign(**{col.CODE: SPEND_GROSS}),
                by_line[[col.YEAR, col.BUDGET_LINE, SAVED]]
                .rename(columns={SAVED: col.AMOUNT})
                .assign(**{col.CODE: SAVINGS}),
                by_area.assign(**{col.CODE: SPEND_AREA}),
                by_theme.assign(**{col.CODE: SPEND_THEME}),
            ],
            ignore_index=True,
        )
        .rename(columns={col.AMOUNT: col.VALUE})
        .reindex(columns=KPI_COLUMNS)
    )


def opening_rows(
    works: pd.DataFrame, years: np.ndarray, couplings: Couplings, feasible: np.ndarray
) -> pd.DataFrame:
    """Street openings of the scheduled opening works in their scheduled year: sectoral
    (each digs alone), integrated (a cluster's works in one year dig once), the openings
    avoided, and the lower bound on integrated openings (bound.py)."""
    cluster = couplings.cluster_of(len(works))
    openers = works.assign(**{col.SCHEDULED_YEAR: years, col.CLUSTER: cluster})
    opening = (openers[col.OPENS_STREET] & openers[col.SCHEDULED_YEAR].notna()).to_numpy()
    openers = openers[opening]
    sectoral = openers.assign(**{col.YEAR: openers[col.SCHEDULED_YEAR].astype(int)})
    # A work in no cluster is its own group; a cluster's openings in one year are one.
    group = openers[col.CLUSTER].where(openers[col.CLUSTER] >= 0, -1 - openers.index.to_series())
    integrated = (
        sectoral.assign(group=group)
        .sort_values(col.TOTAL_COST, ascending=False, kind="stable")
        .drop_duplicates(["group", col.YEAR])
    )
    bound = openings_lower_bound(opening, feasible, cluster)
    counted = [
        _count_openings(sectoral, OPENINGS_SECTORAL),
        _count_openings(integrated, OPENINGS_INTEGRATED),
        _rows(
            [
                {col.CODE: OPENINGS_AVOIDED, col.VALUE: float(len(sectoral) - len(integrated))},
                {col.CODE: OPENINGS_BOUND, col.VALUE: float(bound)},
            ]
        ),
    ]
    return pd.concat(counted, ignore_index=True)


def _count_openings(openings: pd.DataFrame, code: str) -> pd.DataFrame:
    by_area = openings.dropna(subset=[col.AREA]).groupby([col.YEAR, col.AREA]).size()
    by_year = openings.groupby(col.YEAR).size()
    # pandas-stubs types a MultiIndex label as Hashable; here it is a (year, area) pair.
    area_counts = cast("Iterable[tuple[tuple[int, str], int]]", by_area.items())
    return _rows(
        [
            *(
                {col.CODE: code, col.YEAR: y, col.AREA: a, col.VALUE: n}
                for (y, a), n in area_counts
            ),
            *({col.CODE: code, col.YEAR: y, col.VALUE: n} for y, n in by_year.items()),
            {col.CODE: code, col.VALUE: len(openings)},
        ]
    )


def savings_rows(spend: pd.DataFrame) -> pd.DataFrame:
    """Savings realised per year and in total (the amounts saved on the spend)."""
    per_year = spend.groupby(col.YEAR)[SAVED].sum()
    per_year = per_year[per_year > 0]
    return _rows(
        [
            *({col.CODE: SAVINGS, col.YEAR: y, col.VALUE: v} for y, v in per_year.items()),
            {col.CODE: SAVINGS, col.VALUE: float(per_year.sum())},
        ]
    )


def summary_rows(
    works: pd.DataFrame, years: np.ndarray, unfunded: Sequence[UnfundedRow]
) -> pd.DataFrame:
    """Ambition weight served, unfunded gap per year × line and in total, backlog."""
    scheduled = ~np.isnan(years)
    weight = works[col.AMBITION_WEIGHT].to_numpy(dtype=float)
    served = float(weight[scheduled].sum() / weight.sum()) if weight.sum() > 0 else 0.0
    gaps: dict[tuple[int, str], float] = {}
    for row in unfunded:
        if row.year is not None and row.budget_line is not None:
            gaps[row.year, row.budget_line] = gaps.get((row.year, row.budget_line), 0.0) + row.gap
    overdue = (works[col.REMAINING_LIFE] <= 0) | (works[col.CONDITION] >= 6)
    return _rows(
        [
            {col.CODE: AMBITION_SERVED, col.VALUE: served},
            *(
                {col.CODE: UNFUNDED_GAP, col.YEAR: y, col.BUDGET_LINE: line, col.VALUE: gap}
                for (y, line), gap in sorted(gaps.items())
            ),
            {col.CODE: UNFUNDED_GAP, col.VALUE: float(sum(r.gap for r in unfunded))},
            {col.CODE: BACKLOG, col.VALUE: float((overdue.to_numpy() & ~scheduled).sum())},
        ]
    )


def capacity_rows(
    teams: Sequence[str],
    available: np.ndarray,
    planned: np.ndarray,
    wanted: np.ndarray,
    saved: np.ndarray,
    params: Parameters,
) -> pd.DataFrame:
    """The hour figures per team (teams × horizon arrays): available, planned, wanted
    by unscheduled works and saved by shared preparation (module docstring)."""
    rows: list[dict[str, Any]] = []
    for k, team in enumerate(teams):
        for code, matrix in (
            (HOURS_AVAILABLE, available),
            (HOURS_PLANNED, planned),
            (HOURS_UNFUNDED, wanted),
        ):
            rows.extend(
                {col.CODE: code, col.YEAR: year, TEAM: team, col.VALUE: float(matrix[k, t])}
                for t, year in enumerate(params.years)
            )
        rows.extend(
            {col.CODE: HOURS_SAVED, col.YEAR: year, TEAM: team, col.VALUE: float(saved[k, t])}
            for t, year in enumerate(params.years)
            if saved[k, t] > 0
        )
        rows.append({col.CODE: HOURS_SAVED, TEAM: team, col.VALUE: float(saved[k].sum())})
    return _rows(rows)


def resource_kpis(
    data: Prepared,
    units: Sequence[Unit],
    start: np.ndarray,
    years: np.ndarray,
    params: Parameters,
) -> pd.DataFrame:
    """The hour figures (when the instance has teams) and beheerlasten of a plan:
    `start` per unit (year index, −1 not placed), `years` per work (NaN not scheduled)."""
    frames = []
    if data.teams:
        horizon = params.horizon
        money = len(data.lines)
        planned = total_spend(units, start, data.budget.shape)[money:]
        wanted = np.zeros((len(data.teams), horizon))
        preferred = data.works[col.PREFERRED_YEAR].to_numpy(dtype=int) - params.first_year
        for i in np.flatnonzero(np.isnan(years)):
            profile = data.tensor[i, money:]
            for offset in np.flatnonzero(profile.any(axis=0)):
                t = int(preferred[i] + offset)
                if 0 <= t < horizon:
                    wanted[:, t] += profile[:, offset]
        saved = np.zeros((len(data.teams), horizon))
        for unit, year in zip(units, start, strict=True):
            if year >= 0 and unit.hours_saved:
                saved[:, int(year)] += unit.hours_saved
        available = data.budget[money:]
        frames.append(capacity_rows(data.teams, available, planned, wanted, saved, params))
    if data.maintenance is not None:
        frames.append(
            maintenance_rows(
                data.works, data.maintenance, years, data.money_tensor, data.lines, params
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else _rows([])


def maintenance_rows(
    works: pd.DataFrame,
    maintenance: np.ndarray,
    years: np.ndarray,
    tensor: np.ndarray,
    lines: tuple[str, ...],
    params: Parameters,
) -> pd.DataFrame:
    """beheerlasten (module docstring): `maintenance` per work (€/year), `years` the
    scheduled start years (NaN: not scheduled), `tensor` the money cost per work × line
    × offset, whose largest line is the work's main line."""
    if not (maintenance != 0).any():
        return _rows([])
    index = np.flatnonzero(~np.isnan(years) & (maintenance != 0))
    per_line = tensor[index].sum(axis=2)
    has_line = per_line.max(axis=1, initial=0.0) > 0
    main = np.asarray(lines, dtype=object)[per_line.argmax(axis=1)] if len(lines) else None
    effects = pd.DataFrame(
        {
            "from": years[index] + works[col.DURATION].to_numpy(dtype=int)[index],
            col.BUDGET_LINE: np.where(has_line, main, None),
            col.AREA: works[col.AREA].to_numpy()[index],
            col.VALUE: maintenance[index],
        }
    )
    frames = []
    for year in params.years:
        active = effects[effects["from"] <= year]
        total = float(active[col.VALUE].sum())
        frames.append(_rows([{col.CODE: MAINTENANCE, col.YEAR: year, col.VALUE: total}]))
        for dimension in (col.BUDGET_LINE, col.AREA):
            summed = (
                active.dropna(subset=[dimension])
                .groupby(dimension, as_index=False)[col.VALUE]
                .sum()
            )
            frames.append(summed.assign(**{col.CODE: MAINTENANCE, col.YEAR: year}))
    last = effects.loc[effects["from"] <= params.last_year, col.VALUE].sum()
    frames.append(_rows([{col.CODE: MAINTENANCE, col.VALUE: float(last)}]))
    return pd.concat(frames, ignore_index=True).reindex(columns=KPI_COLUMNS)


def _rows(rows: Any) -> pd.DataFrame:
    return pd.DataFrame(list(rows)).reindex(columns=KPI_COLUMNS)
