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

    Sectoral: the sewer digs in 2028 and the cable in 2027: 2 openings. Integrated: one
    opening in 2028. Savings 0.3 × €100k = €30k in 2028: the cable shares the sewer's
    trench, so it spends €70k. Ambition weight served: sewer 3
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
    assert kpi(result, "graafmomenten_sectoraal", year=2027, area="Hoonhorst") == 1
    assert kpi(result, "graafmomenten_integraal") == 1
    assert kpi(result, "graafmomenten_integraal", year=2028, area="Hoonhorst") == 1
    assert kpi(result, "vermeden_graafmomenten") == 1


def test_savings_realised(result):
    assert kpi(result, "besparing") == pytest.approx(30_000)
    assert kpi(result, "besparing", year=2028) == pytest.approx(30_000)


def test_ambition_served_gap_and_backlog(result):
    assert kpi(result, "ambitie_bediend") == pytest.approx(0.5)
    assert kpi(result, "tekort") == 200_000
    assert kpi(result, "tekort", year=2026, budget_line="kunstwerken") == 200_000
    assert kpi(result, "achterstand") == 1
