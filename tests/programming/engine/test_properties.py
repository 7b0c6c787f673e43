"""Invariants of the engine on random small municipalities (hypothesis)."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from programming.engine import run
from programming.engine.instance import BudgetLine, Instance, Parameters, Work

FIRST_YEAR = 2026
LINES = ("riolering", "wegen")
PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@st.composite
def works(draw, key: str, must_do: bool) -> Work:
    """A work near a few spots on one street (so works couple), or located by text only."""
    start = draw(st.integers(FIRST_YEAR - 2, FIRST_YEAR + 7))
    end = start + draw(st.integers(0, 3))
    preferred = draw(st.integers(start, end))
    located = draw(st.booleans())
    costs = {
        line: tuple(draw(st.lists(st.integers(0, 100).map(float), min_size=1, max_size=3)))
        for line in draw(st.sets(st.sampled_from(LINES), min_size=1))
    }
    allowed = draw(
        st.none() | st.lists(st.integers(start, end), min_size=1, max_size=3, unique=True)
    )
    return Work(
        key=key,
        kind=draw(st.sampled_from(["maatregel", "project", "partner"])),
        label=key,
        window_start=start,
        window_end=end,
        preferred_year=preferred,
        costs=costs,
        geometry=f"POINT ({205000 + 20 * draw(st.integers(0, 4))} 503000)" if located else None,
        street=None if located else draw(st.sampled_from(["Kerkstraat", "Hoofdweg", None])),
        area=draw(st.sampled_from(["Dalfsen", "Lemelerveld", None])),
        allowed_years=None if allowed is None else tuple(allowed),
        must_do=must_do and draw(st.booleans()),
        opens_street=draw(st.booleans()),
        reconstructs_street=draw(st.booleans()),
        certainty=draw(st.sampled_from(["idee", "voorgenomen", "vastgesteld"])),
        value=draw(st.none() | st.floats(0, 100)),
        condition=draw(st.none() | st.integers(1, 6)),
        remaining_life=draw(st.none() | st.floats(-5, 30)),
        risk=draw(st.none() | st.floats(0, 1)),
        ambition_weight=draw(st.floats(0, 5)),
        social_priority=draw(st.none() | st.integers(1, 5)),
    )


@st.composite
def municipalities(draw, must_do: bool = True) -> Instance:
    count = draw(st.integers(1, 10))
    horizon = draw(st.integers(4, 6))
    years = range(FIRST_YEAR, FIRST_YEAR + horizon)
    return Instance(
        works=tuple(draw(works(f"w{i}", must_do)) for i in range(count)),
        budget_lines=tuple(
            BudgetLine(line, {year: float(draw(st.integers(0, 200))) for year in years})
            for line in LINES
        ),
        parameters=Parameters(
            first_year=FIRST_YEAR,
            horizon=horizon,
            carry_over=draw(st.booleans()),
            time_tolerance=draw(st.integers(0, 2)),
        ),
    )


#: Savings are reported to the cent, so a spend recomputed from them may be a cent off.
CENT = 0.01


def spend_by_line_and_year(instance: Instance, result) -> dict[tuple[str, int], float]:
    """What the scheduled works spend, each cost entry lowered by the part of the work's
    cost its cluster saves (the saving applies to the whole cost profile)."""
    outcome = {w.key: w for w in result.works}
    spend: dict[tuple[str, int], float] = {}
    for w in instance.works:
        year = outcome[w.key].scheduled_year
        if year is None:
            continue
        total = sum(sum(amounts) for amounts in w.costs.values())
        keep = 1.0 - outcome[w.key].saving / total if total else 1.0
        for line, amounts in w.costs.items():
            for offset, amount in enumerate(amounts):
                slot = (line, year + offset)
                spend[slot] = spend.get(slot, 0.0) + amount * keep
    return spend


@PROPERTY_SETTINGS
@given(municipalities(), st.sampled_from(["milp", "heuristic"]))
def test_scheduled_works_lie_in_their_window_and_the_horizon(instance, method):
    result = run(instance, method=method)
    params = instance.parameters
    for work, outcome in zip(instance.works, result.works, strict=True):
        if outcome.scheduled_year is not None:
            assert outcome.scheduled_year in work.years
            assert params.first_year <= outcome.scheduled_year <= params.last_year
        else:
            assert outcome.unfunded_reason is not None


@PROPERTY_SETTINGS
@given(municipalities(), st.sampled_from(["milp", "heuristic"]))
def test_no_budget_line_is_exceeded_beyond_carry_over(instance, method):
    result = run(instance, method=method)
    spend = spend_by_line_and_year(instance, result)
    for line in instance.budget_lines:
        available = 0.0
        for year in instance.parameters.years:
            used = spend.get((line.code, year), 0.0)
            if instance.parameters.carry_over:
                available += line.amounts[year] - used
                assert available >= -CENT - 1e-6 * max(line.amounts[year], 1.0)
            else:
                assert used <= line.amounts[year] + CENT + 1e-6 * max(line.amounts[year], 1.0)


@PROPERTY_SETTINGS
@given(municipalities())
def test_clusters_have_a_common_year_and_accepted_members_share_one(instance):
    """Every proposed cluster's window lies in each member's permitted years; once all
    are accepted, each cluster's members are scheduled in one year or not at all."""
    first = run(instance)
    for cluster in first.clusters:
        members = [w for w in instance.works if w.key in cluster.members]
        for year in (cluster.window_start, cluster.window_end):
            assert all(year in w.years for w in members)

    accepted = replace(instance, accepted_clusters=tuple(c.members for c in first.clusters))
    second = run(accepted)
    years = {w.key: w.scheduled_year for w in second.works}
    for cluster in second.clusters:
        assert cluster.status == "geaccepteerd"
        assert len({years[k] for k in cluster.members}) == 1


@PROPERTY_SETTINGS
@given(municipalities())
def test_integrated_openings_never_exceed_sectoral_openings(instance):
    kpis = {k.code: k.value for k in run(instance).kpis if k.year is None and k.area is None}
    assert kpis["graafmomenten_integraal"] <= kpis["graafmomenten_sectoraal"]


@PROPERTY_SETTINGS
@given(municipalities(must_do=False))
def test_milp_objective_is_at_least_the_heuristics(instance):
    exact = run(instance, method="milp").stats
    greedy = run(instance, method="heuristic").stats
    assert exact.status == "optimal"
    assert exact.objective >= greedy.objective - 1e-6 * max(1.0, abs(greedy.objective))


@PROPERTY_SETTINGS
@given(municipalities(must_do=False))
def test_heuristic_and_milp_agree_when_everything_fits(instance):
    """With budgets far above all costs (and no graafrust, which may keep two works of
    one street apart) both schedule every work in its target year."""
    rich = replace(
        instance,
        budget_lines=tuple(
            BudgetLine(b.code, dict.fromkeys(b.amounts, 1e9)) for b in instance.budget_lines
        ),
        parameters=replace(instance.parameters, graafrust_years=0),
    )
    exact, greedy = run(rich, method="milp"), run(rich, method="heuristic")
    assert [w.scheduled_year for w in exact.works] == [w.scheduled_year for w in greedy.works]
