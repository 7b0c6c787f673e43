"""Planned versus realised (programming.realised) on a hand-computed case.

The adopted programme (2026–2035) has two works in one coupling:
- P:A, scheduled 2026, cost € 100.000 on line R with € 10.000 coupling saving (net
  € 90.000), in area "Oost", project theme "Klimaat"; finished in 2026, spent € 120.000.
- M:B, scheduled 2027, € 30.000 on line W in 2027 and € 20.000 in 2028, no area; started
  2027 (the other year than A, no shared coupling key: carried out apart), spent € 10.000.
And P:X, not in the adopted programme: started 2026, spent € 5.000 on R.
The reference year is 2027: the variance counts the planned money of 2026 and 2027.
"""

import datetime
from decimal import Decimal

import pytest

from programming.choices import ProgrammeStatus
from programming.models import Programme, RealisationStatus
from programming.realised import (
    NO_AREA,
    NOT_PLANNED,
    PER_AREA,
    PER_LINE,
    PER_THEME,
    planned_realised,
)
from tests.factories import (
    ActualCostFactory,
    AreaFactory,
    BudgetLineFactory,
    CouplingFactory,
    ProgrammeFactory,
    ProjectFactory,
    RealisationFactory,
    ThemeFactory,
    WorkCostFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 6, 1)


def adopt(programme: Programme) -> Programme:
    Programme.objects.filter(pk=programme.pk).update(
        status=ProgrammeStatus.VASTGESTELD, adopted_on=datetime.date(2025, 11, 6), adopted_by="raad"
    )
    programme.refresh_from_db()
    return programme


@pytest.fixture
def case():
    line_r = BudgetLineFactory(code="R", name="Riolering")
    line_w = BudgetLineFactory(code="W", name="Wegen")
    programme = ProgrammeFactory(first_year=2026, horizon=10)
    coupling = CouplingFactory(programme=programme)
    project = ProjectFactory(code="A")
    project.themes.add(ThemeFactory(name="Klimaat"))
    a = WorkFactory(
        programme=programme,
        key="P:A",
        label="Werk A",
        kind="project",
        project=project,
        area=AreaFactory(name="Oost"),
        window_start=2026,
        preferred_year=2026,
        scheduled_year=2026,
        cost=Decimal("100000"),
        saving=Decimal("10000"),
        coupling=coupling,
    )
    WorkCostFactory(work=a, budget_line=line_r, offset=0, amount=Decimal("100000"))
    b = WorkFactory(
        programme=programme,
        key="M:B",
        label="Werk B",
        preferred_year=2027,
        scheduled_year=2027,
        cost=Decimal("50000"),
        coupling=coupling,
    )
    WorkCostFactory(work=b, budget_line=line_w, offset=0, amount=Decimal("30000"))
    WorkCostFactory(work=b, budget_line=line_w, offset=1, amount=Decimal("20000"))
    adopt(programme)
    ra = RealisationFactory(
        key="P:A",
        status=RealisationStatus.FINISHED,
        actual_start=datetime.date(2026, 3, 1),
        actual_finish=datetime.date(2026, 10, 1),
        coupling_key="K1",
        reason="Meer grondwerk",
    )
    ActualCostFactory(realisation=ra, budget_line=line_r, year=2026, amount=Decimal("120000"))
    rb = RealisationFactory(key="M:B", actual_start=datetime.date(2027, 2, 1))
    ActualCostFactory(realisation=rb, budget_line=line_w, year=2027, amount=Decimal("10000"))
    rx = RealisationFactory(key="P:X", label="Werk X", actual_start=datetime.date(2026, 5, 1))
    ActualCostFactory(realisation=rx, budget_line=line_r, year=2026, amount=Decimal("5000"))
    return programme


def test_per_year_money_works_and_couplings(case):
    result = planned_realised(case, today=TODAY)
    rows = {row.key: row for row in result.rows}
    assert [row.key for row in result.rows] == [str(y) for y in range(2026, 2036)]
    y26, y27, y28 = rows["2026"], rows["2027"], rows["2028"]
    assert (y26.planned_gross, y26.planned_net, y26.realised, y26.variance) == (
        Decimal("100000"),
        Decimal("90000"),
        Decimal("125000"),
        Decimal("35000"),
    )
    assert (y27.planned_gross, y27.planned_net, y27.realised, y27.variance) == (
        Decimal("30000"),
        Decimal("30000"),
        Decimal("10000"),
        Decimal("-20000"),
    )
    assert (y28.planned_net, y28.realised, y28.variance) == (Decimal("20000"), 0, None)
    assert (y26.works_planned, y26.works_started, y26.works_finished) == (1, 2, 1)
    assert (y27.works_planned, y27.works_started, y27.works_finished) == (1, 1, 0)
    assert (y26.couplings_planned, y26.couplings_together, y26.couplings_apart) == (1, 0, 1)
    total = result.total
    assert (total.planned_gross, total.planned_net, total.realised) == (
        Decimal("150000"),
        Decimal("140000"),
        Decimal("135000"),
    )
    # The variance counts the years up to the reference year 2027 only: 135.000 − 120.000.
    assert (total.planned_to_date, total.variance) == (Decimal("120000"), Decimal("15000"))


def test_year_line_cells(case):
    cells = {(year, line): cell for year, line, cell in planned_realised(case, today=TODAY).cells}
    assert cells[2026, "R"].realised == Decimal("125000")
    assert cells[2026, "R"].planned_net == Decimal("90000")
    assert cells[2028, "W"].variance is None
    assert set(cells) == {(2026, "R"), (2027, "W"), (2028, "W")}


def test_per_line_area_theme(case):
    lines = {r.key: r for r in planned_realised(case, PER_LINE, today=TODAY).rows}
    assert (lines["R"].planned_net, lines["R"].realised) == (Decimal("90000"), Decimal("125000"))
    assert (lines["W"].planned_net, lines["W"].realised) == (Decimal("50000"), Decimal("10000"))
    assert (lines["R"].variance, lines["W"].variance) == (Decimal("35000"), Decimal("-20000"))
    assert lines["R"].label == "Riolering"
    areas = planned_realised(case, PER_AREA, today=TODAY).rows
    assert [r.label for r in areas] == ["Oost", "Niet gepland", "Zonder gebied"]
    by_area = {r.key: r for r in areas}
    assert by_area[NOT_PLANNED].realised == Decimal("5000")
    assert by_area[NO_AREA].planned_net == Decimal("50000")
    themes = {r.label: r for r in planned_realised(case, PER_THEME, today=TODAY).rows}
    assert themes["Klimaat"].realised == Decimal("120000")
    assert themes["Zonder thema"].planned_gross == Decimal("50000")


def test_variances_explained(case):
    variances = {(v.key, v.kind): v for v in planned_realised(case, today=TODAY).variances}
    assert set(variances) == {("P:A", "duurder"), ("P:X", "niet-gepland"), ("M:B,P:A", "apart")}
    dearer = variances["P:A", "duurder"]
    assert "120.000" in dearer.text
    assert "90.000" in dearer.text
    assert "30.000" in dearer.text
    assert dearer.reason == "Meer grondwerk"
    assert "2026, 2027" in variances["M:B,P:A", "apart"].text


def test_later_cancelled_and_not_started(case):
    RealisationFactory(key="late", status=RealisationStatus.CANCELLED, actual_start=None)
    from programming.models import Realisation

    Realisation.objects.filter(key="M:B").update(actual_start=datetime.date(2028, 1, 5))
    result = planned_realised(case, today=datetime.date(2028, 6, 1))
    kinds = {(v.key, v.kind) for v in result.variances}
    assert ("M:B", "later-gestart") in kinds
    assert ("late", "vervallen") in kinds
    # Started in the same year no more: 2026 and 2028, still apart.
    assert ("M:B,P:A", "apart") in kinds


def test_together_by_shared_key_or_same_year(case):
    from programming.models import Realisation

    Realisation.objects.filter(key="M:B").update(coupling_key="K1")
    assert planned_realised(case, today=TODAY).total.couplings_together == 1
    Realisation.objects.filter(key="M:B").update(
        coupling_key="", actual_start=datetime.date(2026, 9, 1)
    )
    assert planned_realised(case, today=TODAY).total.couplings_together == 1


def test_no_adopted_version_is_empty():
    programme = ProgrammeFactory()
    result = planned_realised(programme, today=TODAY)
    assert result.adopted is None
    assert result.rows == []


def test_unknown_per_refused(case):
    with pytest.raises(ValueError, match="maand"):
        planned_realised(case, "maand")
