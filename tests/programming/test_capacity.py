"""Capacity on the Django side (issue #19 §3): the hours defaults, which team a work asks,
the overrides, what the computation stores, and the one selector behind the capacity
page, the API and the workbook sheet."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from assets.models import Asset, AssetClass
from assets.services import asset_classes_load_defaults
from programming import capacity
from programming.capacity import capacity_use, default_hours, split_hours, with_hours
from programming.choices import CouplingDecisionStatus, WorkKind
from programming.engine.instance import Work
from programming.models import CouplingDecision, KpiValue, WorkHours, WorkSetting
from programming.models import Work as WorkRow
from programming.selectors import programme_instance
from programming.services import programme_compute
from programming.workbook import workbook_sheets
from projects.choices import Certainty, ProjectKind
from projects.models import Project
from stakeholders.choices import Role
from stakeholders.models import BudgetAmount, Team
from tests.api.conftest import client_for, user_with_role
from tests.factories import (
    ActorFactory,
    AreaFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
    TeamFactory,
    TeamHoursFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STREET = "LINESTRING (214000 502500, 214200 502500)"


# --- hours defaults, hand-computed -----------------------------------------------------


def test_the_default_hours_follow_the_vat_share_of_the_size_class():
    # € 100.000 is small: 20 % of it is € 20.000, at € 100 an hour 200 hours.
    assert default_hours(WorkKind.MEASURE, 100_000) == 200
    # € 500.000 is middle-sized (15 %), a project adds 5 points: 20 % → 1.000 hours.
    assert default_hours(WorkKind.PROJECT, 500_000) == 1000
    # € 2 mln is large: 10 % → 2.000 hours.
    assert default_hours(WorkKind.PARTNER, 2_000_000) == 2000
    # € 5.000 would be 10 hours: the minimum of 40 holds.
    assert default_hours(WorkKind.MEASURE, 5_000) == 40


def test_preparation_starts_the_work_and_supervision_follows_the_money():
    # 200 hours: 120 preparation (60 %) in the first year, 80 supervision split 60:40
    # like the cost over the two years: 48 and 32.
    hours, preparation = split_hours(200, {"riool": (50_000, 40_000), "wegen": (10_000,)})
    assert preparation == 120
    assert hours == (168.0, 32.0)
    # A work without cost keeps all hours in its first year.
    assert split_hours(40, {}) == ((40.0,), 24.0)


def test_a_year_is_full_when_no_work_fits_any_more_and_over_when_planned_exceeds():
    from programming.capacity import TeamYear

    assert TeamYear(2027, 1000.0, 970.0, 0.0).full  # 30 left: less than the smallest work
    assert not TeamYear(2027, 1000.0, 950.0, 0.0).full  # 50 left
    over = TeamYear(2027, 1000.0, 1120.0, 0.0)
    assert over.over
    assert over.over_hours == 120
    unlimited = TeamYear(2027, None, 5000.0, 0.0)
    assert not unlimited.full
    assert not unlimited.over
    assert unlimited.free is None


# --- which team, and the overrides -----------------------------------------------------


def _work(key: str, kind: str = WorkKind.MEASURE, **kwargs) -> Work:
    defaults = {
        "label": key,
        "window_start": 2027,
        "window_end": 2029,
        "preferred_year": 2027,
        "costs": {"riool": (100_000.0,)},
    }
    return Work(key=key, kind=kind, **{**defaults, **kwargs})


def test_a_work_asks_the_team_of_its_discipline_its_project_or_its_owner():
    programme = ProgrammeFactory(first_year=2026, horizon=6)
    municipality = ActorFactory(name="Gemeente")
    grid = ActorFactory(partner=True, name="Netbeheerder")
    TeamFactory(code="riool", actor=municipality, discipline="riolering")
    TeamFactory(code="groen-a", actor=municipality, discipline="groen")
    TeamFactory(code="groen-b", actor=municipality, discipline="groen")  # two: unclear
    TeamFactory(code="wegen", actor=municipality, discipline="verharding")
    TeamFactory(code="net", actor=grid, discipline="")
    ProjectFactory(code="P1", owner=municipality, team=None, hours=None)
    ProjectFactory(code="P2", owner=grid, team=None, hours=None)
    works = with_hours(
        programme,
        [
            _work("M:riool", label_parts={"discipline": "riolering"}),
            _work("M:groen", label_parts={"discipline": "groen"}),
            # The municipality has four teams: its own project names none.
            _work("P:P1", WorkKind.PROJECT, owner="Gemeente"),
            # The grid operator has one team: its work asks that one.
            _work("P:P2", WorkKind.PARTNER, owner="Netbeheerder"),
        ],
    )
    assert [set(w.hours) for w in works] == [{"riool"}, set(), set(), {"net"}]
    assert works[0].hours["riool"] == (200.0,)
    assert works[0].preparation_hours == {"riool": 120.0}


def test_the_programme_setting_wins_over_the_project_and_the_project_over_the_default():
    programme = ProgrammeFactory(first_year=2026, horizon=6)
    team = TeamFactory(code="wegen", discipline="verharding")
    ProjectFactory(code="P1", team=team, hours=300)
    ProjectFactory(code="P2", team=team, hours=300)
    WorkSetting.objects.create(programme=programme, key="P:P2", hours=50)
    WorkSetting.objects.create(programme=ProgrammeFactory(), key="P:P1", hours=7)  # another
    works = with_hours(
        programme,
        [
            _work("P:P1", WorkKind.PROJECT),
            _work("P:P2", WorkKind.PROJECT),
            _work("P:P3", WorkKind.PROJECT),  # no such project: no team
        ],
    )
    assert works[0].hours == {"wegen": (300.0,)}
    assert works[1].hours == {"wegen": (50.0,)}
    assert works[2].hours == {}


def test_only_teams_with_hours_in_the_horizon_bind():
    programme = ProgrammeFactory(first_year=2026, horizon=4)
    riool = TeamFactory(code="riool")
    TeamHoursFactory(team=riool, year=2027, hours=800)
    TeamHoursFactory(team=riool, year=2035, hours=900)  # beyond the horizon
    TeamFactory(code="leeg")
    teams = capacity.capacity_teams(programme)
    assert [(t.code, t.hours) for t in teams] == [("riool", {2027: 800.0})]


# --- a computed programme ---------------------------------------------------------------


@pytest.fixture
def street():
    """Kerkstraat: a 1965 concrete sewer and an asphalt layer of 2010 (asset measures), and
    a grid operator's cable work in 2028 (its one team asks the hours). The sewer team
    has hours in every year, the roads team in none (no limit)."""
    outline = (
        "POLYGON ((210000 495000, 220000 495000, 220000 505000, 210000 505000, 210000 495000))"
    )
    gemeente = AreaFactory(name="Dalfsen", geometry=outline)
    buurt = AreaFactory(buurt=True, parent=gemeente, name="Centrum", geometry=outline)
    municipality = ActorFactory(name="Gemeente")
    grid = ActorFactory(partner=True, name="Netbeheerder")
    lines = {}
    for code in ("grp-riolering", "wegen", "enexis"):
        line = lines[code] = BudgetLineFactory(
            code=code, owner=grid if code == "enexis" else municipality
        )
        BudgetAmount.objects.bulk_create(
            BudgetAmount(budget_line=line, year=year, amount=Decimal(5_000_000))
            for year in range(2026, 2036)
        )
    asset_classes_load_defaults()
    for external_id, code, year, quantity in (
        ("R1", "riool-beton", 1965, 200),
        ("A1", "asfalt", 2010, 1400),
    ):
        Asset.objects.create(
            source="gbi", external_id=external_id, asset_class=AssetClass.objects.get(code=code),
            area=buurt, street="Kerkstraat", geometry=STREET, quantity=quantity,
            construction_year=year,
        )  # fmt: skip
    cable = ProjectFactory(
        code="E-1", name="Netversterking Kerkstraat", kind=ProjectKind.TRANSITIE, owner=grid,
        street="Kerkstraat", geometry=STREET, start_year=2028, end_year=2028, shift_early=1,
        shift_late=1, opens_street=True, certainty=Certainty.VASTGESTELD,
    )  # fmt: skip
    cable.areas.add(buurt)
    FundingFactory(project=cable, budget_line=lines["enexis"], year=2028, amount=Decimal(300_000))
    sewer = TeamFactory(code="riolering", name="Team Riolering", actor=municipality)
    for year in range(2026, 2036):
        TeamHoursFactory(team=sewer, year=year, hours=2000)
    TeamFactory(code="wegen", name="Team Wegen", actor=municipality, discipline="verharding")
    TeamFactory(code="net", name="Team Netbeheerder", actor=grid, discipline="")
    programme = ProgrammeFactory(first_year=2026, horizon=10, price_year=2025)
    for code in ("urgentie", "koppeling", "ambitie"):
        CriterionFactory(framework=programme.framework, code=code, weight=Decimal(10))
    return programme


def test_the_computation_stores_every_works_hours_and_the_team_of_a_kpi(street, monkeypatch):
    from contextlib import contextmanager
    from dataclasses import replace

    from programming import services
    from programming.engine import Planned
    from programming.engine.instance import Kpi

    real_plan = services.plan
    results = []

    @contextmanager
    def with_team_kpi(instance, method=None, **options):
        with real_plan(instance, method, **options) as planned:

            def result():
                whole = planned.result()
                results.append(whole)
                extra = Kpi(code="test_uren", value=12.5, year=2027, team="riolering")
                return replace(whole, kpis=(*whole.kpis, extra))

            yield Planned(planned.results, result, planned.fixed)

    monkeypatch.setattr(services, "plan", with_team_kpi)
    programme_compute(street)

    instance = programme_instance(street)
    expected = {
        (w.key, team): round(sum(hours), 1)
        for w in instance.works
        for team, hours in w.hours.items()
    }
    assert {team for _key, team in expected} == {"riolering", "wegen", "net"}
    stored = {}
    for key, team, hours in WorkHours.objects.filter(work__programme=street).values_list(
        "work__key", "team__code", "hours"
    ):
        stored[key, team] = round(stored.get((key, team), 0) + float(hours), 1)
    # A work placed in one unit with others shares its preparation: the engine says how
    # many hours it saves, and the stored hours are the instance's less those.
    (result,) = results
    saved = {(w.key, team): h for w in result.works for team, h in w.hours_saved.items()}
    assert stored == {
        key: round(hours - saved.get(key, 0), 1)
        for key, hours in expected.items()
        if round(hours - saved.get(key, 0), 1) > 0
    }
    kpi = KpiValue.objects.get(programme=street, code="test_uren")
    assert (kpi.team.code, kpi.year, kpi.value) == ("riolering", 2027, 12.5)


def test_stored_hours_of_an_accepted_coupling_add_up_to_the_engines(street):
    """The Kerkstraat's coupling accepted, and the cable work prepared by the sewer team
    too: placed as one unit, the sewer and the cable share one design and tender of that
    team, so the stored hours are less than asked, and the stored hours of the
    scheduled works per team and year are the engine's planned hours (`uren_gepland`)."""
    Project.objects.filter(code="E-1").update(team=Team.objects.get(code="riolering"))
    programme_compute(street)
    cluster = street.couplings.get()
    members = list(cluster.works.values_list("key", flat=True))
    CouplingDecision.objects.create(
        programme=street, key=cluster.key, status=CouplingDecisionStatus.ACCEPTED
    )
    programme_compute(street)
    works = {w.key: w for w in programme_instance(street).works}
    wanted = sum(sum(h) for key in members for h in works[key].hours.values())
    stored = WorkHours.objects.filter(work__programme=street, work__key__in=members)
    assert 0 < sum(float(h.hours) for h in stored) < wanted
    planned: dict[tuple[str, int], float] = {}
    for row in WorkHours.objects.filter(
        work__programme=street, work__scheduled_year__isnull=False
    ).select_related("work", "team"):
        year = row.work.scheduled_year + row.offset
        planned[row.team.code, year] = planned.get((row.team.code, year), 0) + float(row.hours)
    kpis = KpiValue.objects.filter(
        programme=street, code="uren_gepland", team__isnull=False, value__gt=0
    ).select_related("team")
    assert kpis.exists()
    for kpi in kpis:
        assert planned.pop((kpi.team.code, kpi.year)) == pytest.approx(kpi.value, abs=0.1)
    # Only teams with hours bind and have the KPI (wegen has none: no limit).
    bound = {kpi.team.code for kpi in kpis}
    assert not {k for k in planned if k[0] in bound and k[1] <= street.last_year}


def test_page_api_and_workbook_show_the_same_capacity(street, client):
    programme_compute(street)
    use = capacity_use(street)
    sewer = next(t for t in use.teams if t.code == "riolering")
    roads = next(t for t in use.teams if t.code == "wegen")
    assert sewer.available == 20_000
    assert roads.available is None
    planned = {(t.code, y.year): y.planned for t in use.teams for y in t.years}
    assert sum(planned.values()) > 0
    # Planned is what the scheduled works' stored hours add up to in their years.
    total = sum(
        float(h.hours)
        for h in WorkHours.objects.filter(
            work__programme=street, work__scheduled_year__isnull=False
        )
        if h.work.scheduled_year + h.offset <= street.last_year
    )
    assert sum(planned.values()) == pytest.approx(total)

    manager = client_for(user_with_role(Role.PROGRAMME_MANAGER))
    body = manager.get(f"/api/v1/programmas/{street.pk}/capaciteit").json()
    api = {(t["code"], y["year"]): y["planned"] for t in body["teams"] for y in t["years"]}
    assert api == planned
    assert body["years"] == list(range(2026, 2036))

    sheet = next(s for s in workbook_sheets(street) if s.name == "Capaciteit")
    rows = list(sheet.rows)
    workbook = {(name, year): value for name, _org, year, _a, value, *_rest in rows}
    names = {t.name: t.code for t in use.teams}
    assert {(names[n], y): v for (n, y), v in workbook.items()} == planned

    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(user)
    page = client.get(reverse("programming:programme_capacity", args=[street.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Team Riolering" in html
    assert "geen grens" in html
    year, hours = next((y.year, y.planned) for y in sewer.years if y.planned)
    assert f"{round(hours):n}".replace(",", ".") in html or f"{round(hours)}" in html
    assert f'data-year="{year}"' in html


def test_the_selector_equals_the_engines_planned_hours(street):
    programme_compute(street)
    kpis = KpiValue.objects.filter(programme=street, code="uren_gepland", team__isnull=False)
    assert kpis.exists()
    use = capacity_use(street)
    planned = {(t.pk, y.year): y.planned for t in use.teams for y in t.years}
    for kpi in kpis:
        assert planned[kpi.team_id, kpi.year] == pytest.approx(kpi.value, abs=0.1), kpi
    asked = {(t.pk, y.year): y.unfunded for t in use.teams for y in t.years}
    for kpi in KpiValue.objects.filter(
        programme=street, code="uren_gevraagd_niet_gedekt", year__lte=street.last_year
    ):
        assert asked[kpi.team_id, kpi.year] == pytest.approx(kpi.value, abs=0.1), kpi
    available = KpiValue.objects.filter(programme=street, code="uren_beschikbaar")
    for kpi in available:
        team = next(t for t in use.teams if t.pk == kpi.team_id)
        cell = next(y for y in team.years if y.year == kpi.year)
        assert cell.available == pytest.approx(kpi.value)


def test_capacity_needs_a_login_and_partners_are_refused(street, client):
    url = reverse("programming:programme_capacity", args=[street.pk])
    assert client.get(url).status_code == 302
    partner = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True))
    client.force_login(partner)
    assert client.get(url).status_code == 403
    api = client_for(partner)
    assert api.get(f"/api/v1/programmas/{street.pk}/capaciteit").status_code in (403, 404)


def test_a_programme_manager_sets_a_works_hours_and_bad_input_is_refused(street, client):
    programme_compute(street)
    work = WorkRow.objects.filter(programme=street, key="P:E-1").get()
    url = reverse("programming:programme_work_setting", args=[street.pk, work.pk])
    reader = UserFactory()
    reader.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(reader)
    page = client.get(reverse("programming:programme_work", args=[street.pk, work.pk]))
    assert "Team Netbeheerder" in page.content.decode()
    assert 'name="hours"' not in page.content.decode()
    assert client.post(url, {"hours": "10"}).status_code == 403

    manager = user_with_role(Role.PROGRAMME_MANAGER)
    client.force_login(manager)
    page = client.get(reverse("programming:programme_work", args=[street.pk, work.pk]))
    assert 'name="hours"' in page.content.decode()
    response = client.post(url, {"hours": "-5", "maintenance": ""}, follow=True)
    assert "Uren" in response.content.decode()
    assert not WorkSetting.objects.exists()
    client.post(url, {"hours": "120", "maintenance": "-250"})
    setting = WorkSetting.objects.get(programme=street, key="P:E-1")
    assert (setting.hours, setting.maintenance) == (120, Decimal("-250"))
    instance = programme_instance(street)
    cable = next(w for w in instance.works if w.key == "P:E-1")
    assert sum(cable.hours["net"]) == 120
    client.post(url, {"hours": "", "maintenance": ""})
    assert not WorkSetting.objects.exists()


def test_an_adopted_programme_keeps_its_work_settings(street, client):
    programme_compute(street)
    work = WorkRow.objects.filter(programme=street, key="P:E-1").get()
    # Adopted after computing (the adoption itself is tested elsewhere).
    type(street).objects.filter(pk=street.pk).update(
        status="vastgesteld", adopted_on=date(2025, 11, 6), adopted_by="raad"
    )
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    url = reverse("programming:programme_work_setting", args=[street.pk, work.pk])
    response = client.post(url, {"hours": "10"}, follow=True)
    assert "vastgesteld" in response.content.decode()
    assert not WorkSetting.objects.exists()
    page = client.get(reverse("programming:programme_work", args=[street.pk, work.pk]))
    assert 'name="hours"' not in page.content.decode()


def test_stored_hours_follow_the_engines_sharing_not_the_year_of_a_coupling():
    """A and B (60 hours each, 30 of them preparation, one team) are a proposed
    coupling that landed in 2026 as two units of their own: the cluster has a year,
    but the engine shared nothing (`hours_saved` empty), so both keep all 60 hours.
    Had the engine placed them as one unit, B would save its 30 preparation hours,
    taken from its first year."""
    from dataclasses import replace

    from programming.engine import run
    from programming.engine.instance import Cluster
    from tests.programming.engine.builders import budget, instance, work

    works = [
        work("A", cost=("W", 10), hours={"wegen": (60,)}, preparation_hours={"wegen": 30}),
        work("B", cost=("W", 10), hours={"wegen": (40, 20)}, preparation_hours={"wegen": 30}),
    ]
    inst = instance(works, [budget("W", 100)], horizon=4)
    result = run(inst)
    cluster = Cluster("k", ("A", "B"), "kans", "voorgesteld", 2026, 2026, 2026, 0.0, 1)
    apart = replace(result, clusters=(cluster,))
    assert sorted(capacity.stored_hours(inst, apart)) == [
        ("A", "wegen", 0, 60.0),
        ("B", "wegen", 0, 40.0),
        ("B", "wegen", 1, 20.0),
    ]
    shared = replace(
        result,
        works=tuple(
            replace(w, hours_saved={"wegen": 30.0}) if w.key == "B" else w for w in result.works
        ),
    )
    assert sorted(capacity.stored_hours(inst, shared)) == [
        ("A", "wegen", 0, 60.0),
        ("B", "wegen", 0, 10.0),
        ("B", "wegen", 1, 20.0),
    ]
