"""Graafrust: no new digging in a street for a few years after it is reconstructed."""

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
