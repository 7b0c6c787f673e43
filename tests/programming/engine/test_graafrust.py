"""Graafrust: no new digging in a street for a few years after it is reconstructed."""

import pytest

from programming.engine import run
from tests.programming.engine.builders import budget, by_key, instance, line, point, work


def test_late_partner_work_breaks_graafrust():
    """The street is reconstructed in 2027 and closed to digging until 2027 + 3 = 2030.

    - the sewer digs in 2027 itself, together with the reconstruction: no break;
    - the fibre operator can only dig in 2029, inside (2027, 2030]: a break;
    - the heat network digs in 2031, after the closed period: no break;
    - the cable in 2029 lies 200 m away, in another place: no break.
    """
    result = run(
        instance(
            [
                work(
                    "herinrichting",
                    reconstructs_street=True,
                    window=(2027, 2027),
                    geometry=line(0, 100),
                ),
                work("riool", opens_street=True, window=(2027, 2027), geometry=line(0, 100, 3)),
                work(
                    "glasvezel",
                    kind="partner",
                    opens_street=True,
                    window=(2029, 2029),
                    geometry=point(50, 5),
                ),
                work(
                    "warmtenet",
                    kind="partner",
                    opens_street=True,
                    window=(2031, 2031),
                    geometry=point(60, 5),
                ),
                work(
                    "kabel",
                    kind="partner",
                    opens_street=True,
                    window=(2029, 2029),
                    geometry=point(300, 0),
                ),
            ],
            [budget("wegen", 100)],
        )
    )
    flagged = {key for key, w in by_key(result).items() if w.breaks_graafrust}
    assert flagged == {"glasvezel"}


def test_graafrust_of_zero_years_never_breaks():
    result = run(
        instance(
            [
                work("herinrichting", reconstructs_street=True, geometry=point(0)),
                work("glasvezel", opens_street=True, window=(2027, 2027), geometry=point(5)),
            ],
            [budget("wegen", 100)],
            graafrust_years=0,
        )
    )
    assert not any(w.breaks_graafrust for w in result.works)


def street(**fields):
    """A work along the same 100 m of street (all three lie along each other)."""
    fields.setdefault("geometry", line(0, 100))
    return fields


# The three works of one street: a reconstruction R and two street-opening works, the
# sewer S and the cable C, each worth 50 points (more than a break's 10). Their coupling
# is rejected, so each is scheduled on its own and only graafrust ties their years.
# Graafrust is 3 years: an opening in (R, R + 3] breaks it.
def kerkstraat(reconstruction_window=(2026, 2028), cable_window=(2028, 2029), **parameters):
    return instance(
        [
            work(
                "R",
                **street(reconstructs_street=True, window=reconstruction_window),
                preferred_year=reconstruction_window[0],
                cost=("wegen", 100),
                value=50.0,
            ),
            work("S", **street(opens_street=True, window=(2027, 2029)), value=50.0),
            work(
                "C",
                kind="partner",
                **street(opens_street=True, window=cable_window),
                preferred_year=2028,
                value=50.0,
            ),
        ],
        parameters.pop("lines", [budget("wegen", 100)]),
        rejected=[("C", "R", "S")],
        **parameters,
    )


def years_of(result):
    return {key: w.scheduled_year for key, w in by_key(result).items()}


@pytest.mark.parametrize("method", ["milp", "heuristic"])
def test_the_schedule_digs_before_it_paves(method):
    """Left to the year tie-break R would take its preferred year 2026, and S (2027) and
    C (2028) would both dig in its closed period: two breaks. S and C can never start
    after 2029 and R never before 2026, so digging after the closed period (≥ R + 4 ≥
    2030) is impossible: the only plans without a break have R in the year of both
    openings or after them, R ≥ S and R ≥ C. C starts in 2028 or 2029 and R's window
    ends in 2028, so R = C = 2028, and S keeps its preferred year 2027: no break."""
    result = run(kerkstraat(), method=method)
    assert years_of(result) == {"R": 2028, "S": 2027, "C": 2028}
    assert not any(w.breaks_graafrust for w in result.works)


def test_a_break_the_budget_forces_names_the_full_line():
    """The road budget has money in 2026 only, so R can only be reconstructed in 2026.
    C moves to 2026 (with R, no break); S can only start in 2027–2029, all inside
    (2026, 2029]: it breaks graafrust, because the years that would avoid it (R in 2027
    or 2028) have no road budget."""
    lines = [budget("wegen", {2026: 100.0})]
    result = run(kerkstraat(cable_window=(2026, 2029), lines=lines))
    works = by_key(result)
    assert years_of(result) == {"R": 2026, "S": 2027, "C": 2026}
    assert [key for key, w in works.items() if w.breaks_graafrust] == ["S"]
    assert works["S"].graafrust_cause == "budget wegen in 2027 vol"


def test_a_break_the_windows_force_says_so():
    """R can only be done in 2026 and S only in 2027–2029: every pair of years breaks."""
    result = run(kerkstraat(reconstruction_window=(2026, 2026), cable_window=(2026, 2029)))
    works = by_key(result)
    assert works["S"].breaks_graafrust
    assert works["S"].graafrust_cause == "vensters overlappen niet"
    assert not works["C"].breaks_graafrust


def test_a_break_costs_less_than_leaving_a_valuable_work_out():
    """A break costs `graafrust_weight` points. The windows force it (R in 2026, C in
    2027). At 10 points both are done: 80 + 50 − 10 = 120 beats R alone (80). At 60
    points R alone (80) beats both (80 + 50 − 60 = 70): the cable is left out."""

    def forced(weight):
        return instance(
            [
                work("R", **street(reconstructs_street=True), value=80.0),
                work("C", **street(opens_street=True, window=(2027, 2027)), value=50.0),
            ],
            [budget("wegen", 100)],
            rejected=[("C", "R")],
            graafrust_weight=weight,
        )

    assert years_of(run(forced(10.0))) == {"R": 2026, "C": 2027}
    assert years_of(run(forced(60.0)))["C"] is None
