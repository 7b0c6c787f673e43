"""The demo plan keeps its own graafrust rule wherever it can (issue #16 §1)."""

import pytest
from django.core.management import call_command

from programming.engine.graafrust import breaches_at, closed_pairs
from programming.engine.schedule import schedule
from programming.engine.units import spend_of, total_spend, within_budget, work_years
from programming.models import Programme
from programming.selectors import programme_instance
from tests.programming.engine.builders import staged

pytestmark = pytest.mark.django_db


def test_no_break_on_the_demo_that_one_move_could_avoid():
    """For every unit that breaks graafrust in the demo plan, every other start year
    that would break fewer pairs is over a budget: no single move avoids a break."""
    call_command("seed_demo", no_compute=True, verbosity=0)
    instance = programme_instance(Programme.objects.get())
    params = instance.parameters
    data, couplings, _scores, units = staged(instance)
    pairs = closed_pairs(
        data.works, couplings.neighbours, params.graafrust_years, params.graafrust_weight
    )
    plan = schedule(units, data.budget, params, pairs=pairs)
    horizon = data.budget.shape[1]
    year_of = work_years(units, plan.start, len(data.works))
    closers, openers = pairs.closers_of(len(data.works)), pairs.openers_of(len(data.works))
    spend = total_spend(units, plan.start, data.budget.shape)

    def breaks(unit, year):
        return breaches_at(unit.members, year, year_of, closers, openers, pairs.years)

    breaking = [(u, s) for u, s in zip(units, plan.start, strict=True) if s >= 0 and breaks(u, s)]
    assert len(pairs) > 1000, "the demo has streets that are reconstructed and dug"
    assert breaking, "some breaks the windows force remain, so the check below runs"
    for unit, start in breaking:
        here = spend - spend_of(unit.cost, start, horizon)
        for year in unit.years:
            if breaks(unit, year) < breaks(unit, start):
                candidate = here + spend_of(unit.cost, year, horizon)
                assert not within_budget(candidate, data.budget, params.carry_over), (
                    f"unit {unit.members} could move from {start} to {year}"
                )
