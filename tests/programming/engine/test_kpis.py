"""KPIs: spend against budget, street openings sectoral versus integrated, savings."""

import pytest

from programming.engine import run
from tests.programming.engine.builders import budget, instance, point, work


def kpi(result, code, **dims):
    """The value of one KPI row; dimensions not given must be empty ("all")."""
    wanted = {"year": None, "area": None, "budget_line": None, "theme": None, **dims}
    [row] = [
        k
        for k in result.kpis
        if k.code == code and all(getattr(k, d) == v for d, v in wanted.items())
    ]
    return row.value


@pytest.fixture(scope="module")
def result():
    """In Hoonhorst, a sewer (€800k, preferred 2028) and a cable (€100k, preferred 2027)
    are coupled and accepted; their only common year is 2028, so both dig then. A lighting
    job elsewhere (not opening the street, €50k) runs in 2026; a bridge of €500k does not
    fit its €300k line.

    Sectoral: the sewer and the cable each dig alone in their scheduled year 2028: 2
    openings. Integrated: one opening in 2028. No plan can do with less than one: the
    windows 2028–2029 and 2026–2028 share 2028. Savings 0.3 × €100k = €30k in 2028: the
    cable shares the sewer's trench, so it spends €70k. Ambition weight served: sewer 3
    + lighting 1 of 3 + 1 + 4 (bridge) = 0.5. Gap: 500 − 300 = €200k on kunstwerken in
    2026. The bridge is in condition 6 and not scheduled: a backlog of 1.
    """
    works = [
        work(
            "riool",
            opens_street=True,
            window=(2028, 2029),
            preferred_year=2028,
            cost=("riolering", 800_000),
            geometry=point(0),
            area="Hoonhorst",
            themes=("rioolvervanging", "klimaatadaptatie"),
            ambition_weight=3,
        ),
        work(
            "kabel",
            kind="partner",
            opens_street=True,
            window=(2026, 2028),
            preferred_year=2027,
            cost=("enexis", 100_000),
            geometry=point(5),
            area="Hoonhorst",
        ),
        work("lampen", cost=("verlichting", 50_000), area="Dalfsen", ambition_weight=1),
        work("brug", cost=("kunstwerken", 500_000), condition=6, ambition_weight=4),
    ]
    lines = [
        budget(code, amount)
        for code, amount in [
            ("riolering", 1e6),
            ("enexis", 1e6),
            ("verlichting", 1e5),
            ("kunstwerken", 3e5),
        ]
    ]
    return run(instance(works, lines, accepted=[("riool", "kabel")]))


def test_spend_per_year_and_line_against_budget(result):
    assert kpi(result, "besteding", year=2028, budget_line="riolering") == 800_000
    assert kpi(result, "budget", year=2028, budget_line="riolering") == 1_000_000
    assert kpi(result, "besteding", year=2026, budget_line="verlichting") == 50_000


def test_spend_per_theme_counts_a_work_in_each_of_its_themes(result):
    assert kpi(result, "besteding_thema", year=2028, theme="rioolvervanging") == 800_000
    assert kpi(result, "besteding_thema", year=2028, theme="klimaatadaptatie") == 800_000


def test_spend_per_area(result):
    assert kpi(result, "besteding_gebied", year=2028, area="Hoonhorst") == 870_000


def test_spend_is_after_the_coupling_savings(result):
    """The cable is the cheaper opener of the accepted cluster: it saves its opening part."""
    assert kpi(result, "besteding", year=2028, budget_line="enexis") == pytest.approx(70_000)
    saving = {w.key: w.saving for w in result.works}
    assert saving == {"riool": 0, "kabel": 30_000, "lampen": 0, "brug": 0}


def test_integrated_openings_count_a_cluster_once(result):
    assert kpi(result, "graafmomenten_sectoraal") == 2
    assert kpi(result, "graafmomenten_sectoraal", year=2028, area="Hoonhorst") == 2
    assert kpi(result, "graafmomenten_sectoraal", year=2028) == 2
    assert kpi(result, "graafmomenten_integraal") == 1
    assert kpi(result, "graafmomenten_integraal", year=2028, area="Hoonhorst") == 1
    assert kpi(result, "vermeden_graafmomenten") == 1
    assert kpi(result, "graafmomenten_ondergrens") == 1


def test_sectoral_openings_are_counted_in_the_scheduled_year_not_the_preferred_one(result):
    """The cable prefers 2027 but digs in 2028 with the sewer: no opening in 2027 either way."""
    assert not [k for k in result.kpis if k.code.startswith("graafmomenten") and k.year == 2027]


def test_gross_spend_less_savings_is_net_spend_in_every_line_and_year(result):
    """The cable's €100k is planned gross on enexis in 2028; it saves €30k coupled."""
    assert kpi(result, "besteding_bruto", year=2028, budget_line="enexis") == 100_000
    assert kpi(result, "besparing", year=2028, budget_line="enexis") == pytest.approx(30_000)
    assert kpi(result, "besteding_bruto", year=2028, budget_line="riolering") == 800_000
    cells = {
        (k.code, k.year, k.budget_line): k.value
        for k in result.kpis
        if k.budget_line is not None and k.code in ("besteding", "besteding_bruto", "besparing")
    }
    gross = {(y, line): v for (code, y, line), v in cells.items() if code == "besteding_bruto"}
    assert len(gross) == 3
    for (year, line), value in gross.items():
        net = cells["besteding", year, line]
        assert value - cells.get(("besparing", year, line), 0.0) == pytest.approx(net)


def test_no_graafrust_breaks_and_a_proven_optimum(result):
    assert kpi(result, "graafrust_doorbrekingen") == 0
    assert kpi(result, "optimaliteitsgat") == pytest.approx(0, abs=1e-6)


def test_a_break_that_the_windows_force_is_counted():
    """The asphalt may only go in 2026, the sewer beside it only in 2027: one year into
    the asphalt's three years of graafrust, whatever the schedule does."""
    works = [
        work("asfalt", reconstructs_street=True, cost=("wegen", 10), geometry=point(0)),
        work("riool", opens_street=True, window=(2027, 2027), cost=("riolering", 10),
             geometry=point(5)),
    ]  # fmt: skip
    result = run(instance(works, [budget("wegen", 100), budget("riolering", 100)]))
    assert kpi(result, "graafrust_doorbrekingen") == 1


def test_spend_after_the_last_year_is_left_out():
    """Horizon 2026–2029. An accepted coupling of a sewer (€100 + €100) and a cable
    (€10 + €10) can only start in 2029: its second year, 2030, lies outside. So 2029 has
    gross €10 on enexis, a saving of 0.3 × €10 = €3 and net €7; there is no 2030 row,
    and the savings in total are the €3 inside the horizon, not €6."""
    works = [
        work("riool", opens_street=True, window=(2029, 2029), cost=("riolering", [100, 100]),
             geometry=point(0)),
        work("kabel", opens_street=True, window=(2029, 2029), cost=("enexis", [10, 10]),
             geometry=point(5)),
    ]  # fmt: skip
    lines = [budget("riolering", 1000), budget("enexis", 1000)]
    result = run(instance(works, lines, horizon=4, accepted=[("riool", "kabel")]))
    assert kpi(result, "besteding_bruto", year=2029, budget_line="enexis") == 10
    assert kpi(result, "besparing", year=2029, budget_line="enexis") == pytest.approx(3)
    assert kpi(result, "besteding", year=2029, budget_line="enexis") == pytest.approx(7)
    assert kpi(result, "besparing") == pytest.approx(3)
    assert all(k.year is None or k.year <= 2029 for k in result.kpis)


def test_savings_realised(result):
    assert kpi(result, "besparing") == pytest.approx(30_000)
    assert kpi(result, "besparing", year=2028) == pytest.approx(30_000)


def test_ambition_served_gap_and_backlog(result):
    assert kpi(result, "ambitie_bediend") == pytest.approx(0.5)
    assert kpi(result, "tekort") == 200_000
    assert kpi(result, "tekort", year=2026, budget_line="kunstwerken") == 200_000
    assert kpi(result, "achterstand") == 1
