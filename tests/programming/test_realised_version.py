"""A new version of an adopted programme starts from reality (realised.version_adjustments):
finished and cancelled works out, running works pinned to their real start, late works
moved, the actual spend of the works left out booked against the budget, and the
comparison with the adopted version names the realisation as the cause of a move."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.engine.changes import BUDGET, EXCLUDE, PIN, WINDOW
from programming.engine.instance import BudgetLine, Instance, Parameters, Work
from programming.freshness import stale_reasons
from programming.models import RealisationStatus
from programming.models import Work as WorkRow
from programming.realised import version_adjustments, with_realisations
from programming.services import programme_adopt, programme_compute, programme_copy
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    ActualCostFactory,
    BudgetLineFactory,
    ProgrammeFactory,
    RealisationFactory,
    UserFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2027, 6, 1)


def _work(key: str, start: int, end: int) -> Work:
    return Work(
        key=key,
        kind="maatregel",
        label=key,
        window_start=start,
        window_end=end,
        preferred_year=start,
        costs={"R": (100_000.0,)},
    )


@pytest.fixture
def version():
    """An adopted programme (2026–2035) and a version copied from it."""
    adopted = ProgrammeFactory(first_year=2026, horizon=10, adopted=True)
    return ProgrammeFactory(first_year=2026, horizon=10, based_on=adopted)


def _instance(programme) -> Instance:
    works = (
        _work("gereed", 2026, 2030),
        _work("vervallen", 2026, 2030),
        _work("loopt", 2027, 2030),
        _work("vroeg", 2028, 2030),
        _work("laat", 2026, 2030),
        _work("zonder", 2026, 2030),
    )
    return Instance(
        works=works,
        budget_lines=(BudgetLine("R", {y: 150_000.0 for y in range(2026, 2036)}),),
        parameters=Parameters(first_year=programme.first_year, horizon=programme.horizon),
    )


def test_adjustments_of_a_version(version):
    line = BudgetLineFactory(code="R")
    done = RealisationFactory(
        key="gereed",
        status=RealisationStatus.FINISHED,
        actual_start=datetime.date(2026, 2, 1),
        actual_finish=datetime.date(2026, 11, 1),
    )
    ActualCostFactory(realisation=done, budget_line=line, year=2026, amount=Decimal("120000"))
    ActualCostFactory(realisation=done, budget_line=line, year=2027, amount=Decimal("500000"))
    RealisationFactory(key="vervallen", status=RealisationStatus.CANCELLED, actual_start=None)
    running = RealisationFactory(key="loopt", actual_start=datetime.date(2026, 4, 1))
    ActualCostFactory(realisation=running, budget_line=line, year=2026, amount=Decimal("50000"))
    RealisationFactory(key="vroeg", actual_start=datetime.date(2029, 1, 5))
    RealisationFactory(key="uitgesteld", status=RealisationStatus.POSTPONED, actual_start=None)
    # "laat": planned in the adopted version for 2026, no realisation, not started.
    WorkRow.objects.bulk_create(
        [
            WorkFactory.build(
                programme=version.based_on,
                key="laat",
                window_start=2026,
                preferred_year=2026,
                scheduled_year=2026,
                asset_class=None,
            )
        ]
    )
    changes = {
        (a.key, a.change.kind): a.change
        for a in version_adjustments(version, _instance(version), TODAY)
    }
    assert set(changes) == {
        ("gereed", EXCLUDE),
        ("vervallen", EXCLUDE),
        ("loopt", WINDOW),
        ("vroeg", PIN),
        ("laat", WINDOW),
        ("", BUDGET),
    }
    assert (changes["loopt", WINDOW].window_start, changes["loopt", WINDOW].window_end) == (
        2026,
        2026,
    ), "started 2026, outside its window 2027–2030: a window of that one year"
    assert changes["vroeg", PIN].year == 2029
    assert (changes["laat", WINDOW].window_start, changes["laat", WINDOW].window_end) == (
        2027,
        2030,
    )
    booked = [
        a.change for a in version_adjustments(version, _instance(version), TODAY) if not a.key
    ]
    # 2026: € 120.000 of the finished work; 2027: € 500.000 spent, only € 150.000 budget.
    assert sorted((c.year, c.amount) for c in booked) == [(2026, -120_000.0), (2027, -150_000.0)]
    applied = with_realisations(version, _instance(version))
    assert {w.key for w in applied.works} == {"loopt", "vroeg", "laat", "zonder"}
    assert applied.budget_lines[0].amounts[2026] == 30_000.0


def test_no_adjustments_without_an_adopted_ancestor():
    programme = ProgrammeFactory()
    RealisationFactory(key="gereed", status=RealisationStatus.FINISHED)
    assert version_adjustments(programme, _instance(programme), TODAY) == []


def test_a_new_version_leaves_out_the_finished_work_and_shows_the_cause(street, client):  # noqa: F811
    programme_compute(street)
    programme_adopt(street, adopted_on=datetime.date(2026, 1, 10), adopted_by="raad")
    works = {w.key: w for w in street.works.all()}
    cable = next(key for key in works if key.startswith("P:"))
    sewer = next(key for key in works if key.startswith("M:") and key != cable)
    RealisationFactory(
        key=sewer,
        status=RealisationStatus.FINISHED,
        actual_start=datetime.date(2026, 3, 1),
        actual_finish=datetime.date(2026, 9, 1),
    )
    start = 2029 if works[cable].scheduled_year != 2029 else 2027
    RealisationFactory(key=cable, actual_start=datetime.date(start, 2, 1))
    version = programme_copy(street, name="Versie 2027")
    programme_compute(version)
    after = {w.key: w.scheduled_year for w in version.works.all()}
    assert sewer not in after
    assert after[cable] == start
    ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(user)
    page = client.get(reverse("programming:programme_compare", args=[version.pk]))
    assert f"realisatie: gestart in {start}" in page.content.decode()


def test_a_realisation_makes_a_computed_version_stale_but_not_another_programme(street):  # noqa: F811
    """A version of an adopted programme is computed from what really happened, so a
    realisation recorded after its computation makes it stale; a programme that
    descends from no adopted one does not read realisations and stays up to date."""
    other = ProgrammeFactory(first_year=2026, horizon=10)
    programme_compute(street)
    programme_compute(other)
    programme_adopt(street, adopted_on=datetime.date(2026, 1, 10), adopted_by="raad")
    version = programme_copy(street, name="Versie 2027")
    programme_compute(version)
    assert stale_reasons(version) == []
    RealisationFactory(key="P:E-1", status=RealisationStatus.RUNNING)
    assert [str(r) for r in stale_reasons(version)] == ["de realisatie van een werk"]
    assert stale_reasons(other) == []
