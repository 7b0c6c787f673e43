"""Schedule: years within windows and budgets, the most value, and what does not fit."""

import threading

import numpy as np
import pytest

from programming.engine import columns as col
from programming.engine import heuristic, run
from programming.engine.couplings import Couplings
from programming.engine.frames import prepare
from programming.engine.heuristic import solve_greedily
from programming.engine.units import build_units, cost_rows
from tests.programming.engine.builders import budget, by_key, instance, line, work


def spend(result, inst, line, year):
    """Spend on a line in a year, computed from the instance and the scheduled years."""
    years = {w.key: w.scheduled_year for w in result.works}
    return sum(
        amount
        for w in inst.works
        if years[w.key] is not None
        for offset, amount in enumerate(w.costs.get(line, ()))
        if years[w.key] + offset == year
    )


def tight_budget():
    """Three works that can only start in 2026, €100 of budget in 2026.

    A (value 55, €55), B (value 45, €45), C (value 12, €10). A + B costs exactly €100 for
    value 100; any set with C leaves out A or B (C + A = 67, C + B = 57). The optimum is
    {A, B}, and C is unfunded: adding it to 2026 needs 100 + 10 − 100 = €10 more.
    Greedy by value density (C 1.2, A 1.0, B 1.0) takes C, then A, then cannot fit B:
    value 67, so the exact optimum is not the greedy answer.
    """
    return instance(
        [
            work("A", value=55, cost=("wegen", 55)),
            work("B", value=45, cost=("wegen", 45)),
            work("C", value=12, cost=("wegen", 10)),
        ],
        [budget("wegen", 100)],
    )


def test_tight_budget_reaches_the_proven_optimum_and_reports_the_gap():
    result = run(tight_budget())
    works = by_key(result)

    assert (works["A"].scheduled_year, works["B"].scheduled_year) == (2026, 2026)
    assert works["C"].scheduled_year is None
    assert result.stats.solver == "milp"
    assert result.stats.status == "optimal"
    assert result.stats.value == pytest.approx(100)
    assert result.stats.best_bound == pytest.approx(result.stats.objective, rel=1e-6)


def test_plain_greedy_by_density_misses_the_optimum_of_the_tight_budget():
    """The heuristic's fallback rule takes C first (densest), then A, and cannot fit B:
    value 67 instead of 100, which is why the exact MILP is used where it can be."""
    inst = tight_budget()
    data = prepare(inst)
    units = build_units(
        data.works,
        data.works[col.VALUE],
        data.works[col.VALUE],
        data.feasible,
        data.tensor,
        Couplings((), np.empty((0, 2), dtype=int)),
        inst.parameters.first_year,
        inst.parameters.opening_cost_share,
    )
    touched = cost_rows([unit.cost for unit in units])
    plan = solve_greedily(units, data.budget, carry_over=False, touched=touched)
    assert sum(u.value for u, s in zip(units, plan.start, strict=True) if s >= 0) == 67


def test_heuristic_reports_the_lp_bound():
    """The LP relaxation schedules C, and 90 of A + B's 100: bound 12 + 90 = 102."""
    result = run(tight_budget(), method="heuristic")
    assert result.stats.solver == "heuristic"
    assert result.stats.best_bound == pytest.approx(102, rel=1e-3)
    assert result.stats.value <= 100


def test_explicit_value_overrides_the_score():
    """Both cost the whole budget. 'urgent' scores high (condition 6); 'wens' has a low
    score but the programme manager gave it the explicit value 1000, so it wins."""
    result = run(
        instance(
            [
                work("urgent", condition=6, risk=1.0, cost=("wegen", 100)),
                work("wens", value=1000, cost=("wegen", 100)),
            ],
            [budget("wegen", 100, years=1)],
        )
    )
    works = by_key(result)
    assert works["wens"].scheduled_year == 2026
    assert works["urgent"].scheduled_year is None
    assert works["urgent"].score > works["wens"].score


def test_must_do_work_is_scheduled_before_a_more_valuable_one():
    result = run(
        instance(
            [
                work("waardevol", value=90, cost=("wegen", 100)),
                work("wettelijk", value=10, must_do=True, cost=("wegen", 100)),
            ],
            [budget("wegen", 100, years=1)],
        )
    )
    works = by_key(result)
    assert works["wettelijk"].scheduled_year == 2026
    assert works["waardevol"].scheduled_year is None
    assert result.stats.status == "optimal"


def test_must_do_works_that_cannot_all_fit_are_reported():
    """Two must-do works of €100 each, €150 budget: one fits, the other is left out (its
    gap: test_unfunded.py); the budget is never exceeded."""
    inst = instance(
        [
            work("m1", value=20, must_do=True, cost=("wegen", 100)),
            work("m2", value=10, must_do=True, cost=("wegen", 100)),
        ],
        [budget("wegen", 150, years=1)],
    )
    result = run(inst)
    works = by_key(result)
    assert result.stats.status == "must_do_infeasible"
    assert works["m1"].scheduled_year == 2026
    assert works["m2"].scheduled_year is None
    assert spend(result, inst, "wegen", 2026) <= 150


def carry_over_case(carry_over):
    """€100 a year; a work of €150 that can only start in 2027."""
    return instance(
        [work("brug", value=50, window=(2027, 2027), cost=("kunstwerken", 150))],
        [budget("kunstwerken", 100)],
        carry_over=carry_over,
    )


def test_with_carry_over_unspent_budget_moves_to_the_next_year():
    """2026's unspent €100 carries to 2027: €200 available, the €150 work fits."""
    result = run(carry_over_case(True))
    assert by_key(result)["brug"].scheduled_year == 2027
    assert result.unfunded == ()


def test_cost_profile_spreads_spend_over_consecutive_years():
    """Two works spend €50 a year for three years and may start in 2026 or 2027; the
    budget is €70 a year. Started in the same year they would spend €100 a year, so they
    start a year apart: spend 50, 100, 100, 50 — which also exceeds €70. Only one fits:
    its profile 50/50/50 stays under €70 in every year."""
    inst = instance(
        [
            work("w1", value=10, window=(2026, 2027), cost=("groen", [50, 50, 50])),
            work("w2", value=9, window=(2026, 2027), cost=("groen", [50, 50, 50])),
        ],
        [budget("groen", 70)],
    )
    result = run(inst)
    works = by_key(result)
    assert works["w1"].scheduled_year == 2026
    assert works["w2"].scheduled_year is None
    assert [spend(result, inst, "groen", y) for y in range(2026, 2030)] == [50, 50, 50, 0]


def test_cost_profiles_interleave_when_the_budget_allows():
    """Profiles of €60 then €20, budget €80 a year. Started together they would spend
    €120 in the first year; started a year apart they spend 60, 60 + 20 = 80, 20. The
    more valuable w1 keeps its preferred year 2026, w2 starts in 2027."""
    inst = instance(
        [
            work("w1", value=10, window=(2026, 2027), cost=("groen", [60, 20])),
            work("w2", value=9, window=(2026, 2027), cost=("groen", [60, 20])),
        ],
        [budget("groen", 80)],
    )
    result = run(inst)
    assert [w.scheduled_year for w in result.works] == [2026, 2027]
    assert [spend(result, inst, "groen", y) for y in range(2026, 2030)] == [60, 80, 20, 0]


def test_work_prefers_its_preferred_year_when_the_budget_leaves_the_choice():
    result = run(
        instance(
            [work("a", value=10, window=(2026, 2030), preferred_year=2029, cost=("wegen", 5))],
            [budget("wegen", 100)],
        )
    )
    assert result.works[0].scheduled_year == 2029


def test_window_outside_the_horizon_is_not_scheduled():
    result = run(
        instance(
            [
                work("later", value=10, window=(2035, 2038)),
                work("toegestaan", value=10, window=(2026, 2031), allowed_years=[2033]),
            ],
            [budget("wegen", 100)],
        )
    )
    assert [w.scheduled_year for w in result.works] == [None, None]


def test_allowed_years_replace_the_window():
    result = run(
        instance(
            [work("a", value=10, window=(2026, 2031), allowed_years=[2028, 2030])],
            [budget("wegen", 100)],
        )
    )
    assert result.works[0].scheduled_year == 2028


def test_milp_stopped_by_the_time_limit_still_returns_a_plan_within_budget():
    """400 works with spread-out costs competing for budgets at 60% of demand: HiGHS does
    not prove this optimal within 10 s, let alone 0.05 s. The engine keeps the better of
    the MILP's incumbent and the heuristic, reports a bound and a gap, and stays within
    every budget."""
    rng = np.random.default_rng(7)
    works = [
        work(
            f"w{i}",
            window=(2026 + int(s), 2026 + int(s) + int(rng.integers(0, 4))),
            cost=(f"L{int(rng.integers(0, 5))}", [float(rng.lognormal(11, 1))]),
            condition=int(rng.integers(1, 7)),
            risk=float(rng.random()),
        )
        for i, s in enumerate(rng.integers(0, 6, size=400))
    ]
    per_line_year = 0.6 * sum(w.total_cost for w in works) / 5 / 6
    inst = instance(works, [budget(f"L{k}", per_line_year) for k in range(5)], time_limit=0.05)
    result = run(inst, method="milp")

    assert result.stats.status.startswith(("time_limit", "no_solution"))
    assert result.stats.best_bound is not None
    assert result.stats.gap is not None
    for k in range(5):
        for year in range(2026, 2032):
            assert spend(result, inst, f"L{k}", year) <= per_line_year * (1 + 1e-6)


def test_coupling_savings_let_two_works_fit_a_budget_they_do_not_fit_apart():
    """A sewer (€800k) and a cable (€100k) in one street may go in 2026 or 2027, on one
    line with €870k in 2026 and nothing in 2027. Apart they cost €900k: only one fits.
    Coupled, the cable shares the sewer's trench and saves its opening part
    (0.3 × €100k = €30k): €870k, exactly the budget. So both go in 2026, together."""
    works = [
        work("riool", opens_street=True, window=(2026, 2027), cost=("grp", 800_000),
             geometry=line(0, 100)),
        work("kabel", opens_street=True, window=(2026, 2027), preferred_year=2027,
             cost=("grp", 100_000), geometry=line(0, 100, 5)),
    ]  # fmt: skip
    lines = [budget("grp", {2026: 870_000, 2027: 0.0})]
    result = run(instance(works, lines, horizon=4))
    years = {w.key: w.scheduled_year for w in result.works}
    assert years == {"riool": 2026, "kabel": 2026}
    assert {w.key: w.saving for w in result.works} == {"riool": 0, "kabel": 30_000}
    assert result.stats.status == "optimal"


@pytest.mark.parametrize("method", ["milp", "heuristic"])
def test_the_callers_work_runs_once_on_its_thread_and_changes_nothing(method):
    """`run`'s `meanwhile` (the services read the previous results with it) is called
    exactly once, on the calling thread, and the plan is the one computed without it."""
    calls = []
    result = run(tight_budget(), method, meanwhile=lambda _: calls.append(threading.get_ident()))

    assert calls == [threading.get_ident()]
    alone = run(tight_budget(), method)
    assert [w.scheduled_year for w in result.works] == [w.scheduled_year for w in alone.works]
    assert result.stats.objective == alone.stats.objective


def test_the_callers_work_runs_while_highs_solves_the_lp(monkeypatch):
    """For the heuristic, `meanwhile` runs while the LP relaxation is being solved: the
    solve waits for it here (up to 10 s, so a regression fails instead of hanging)."""
    called = threading.Event()
    seen = []
    solve = heuristic.solve_relaxation

    def solve_after_the_callers_work(*args):
        seen.append(called.wait(timeout=10))
        return solve(*args)

    monkeypatch.setattr(heuristic, "solve_relaxation", solve_after_the_callers_work)
    result = run(tight_budget(), "heuristic", meanwhile=lambda _: called.set())

    assert seen == [True]
    assert result.stats.best_bound == pytest.approx(102, rel=1e-3)
