"""Maintenance cost after realisation (beheerlasten, #19 §4): the effect per work, the one
selector `maintenance_by_year`, and the page, API and workbook that read it."""

import csv
import io
from decimal import Decimal

import openpyxl
import pandas as pd
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from assets.models import AssetClass
from assets.services import DEFAULT_CLASSES, asset_classes_load_defaults
from impor.templatetags.impor_format import euro, euro_cents
from programming.engine.instance import KIND_MEASURE, KIND_PARTNER, KIND_PROJECT, Work
from programming.engine.measures import MAINTENANCE, NEED_COLUMNS, group_measures
from programming.maintenance import maintenance_by_year, project_defaults, with_maintenance
from programming.models import KpiValue, WorkSetting
from programming.selectors import programme_instance
from programming.services import programme_compute
from programming.workbook import write_workbook
from projects.choices import ProjectKind
from stakeholders.choices import Role
from stakeholders.models import Theme
from tests.api.conftest import client_for
from tests.factories import (
    ActorFactory,
    AreaFactory,
    AssetFactory,
    BudgetLineFactory,
    FundingFactory,
    KpiValueFactory,
    ProgrammeFactory,
    ProjectFactory,
    ThemeFactory,
    UserFactory,
    WorkCostFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


# --- defaults per asset class ------------------------------------------------------------


def test_every_default_class_has_maintenance_figures_with_a_source():
    with DEFAULT_CLASSES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        assert row["maintenance_source"].strip(), f"{row['code']} names no source"
        assert Decimal(row["maintenance_cost"]) >= 0
        assert Decimal(row["maintenance_saving"]) >= 0


def test_loading_fills_classes_without_maintenance_figures_and_keeps_a_municipalitys_own():
    asset_classes_load_defaults()
    # An existing database: one class from before the columns existed, one set by hand.
    AssetClass.objects.filter(code="boom").update(
        maintenance_cost=0, maintenance_saving=0, maintenance_source=""
    )
    AssetClass.objects.filter(code="asfalt").update(
        maintenance_cost=Decimal("0.9"), maintenance_source="Eigen wegbeheerplan 2025"
    )
    asset_classes_load_defaults()
    tree = AssetClass.objects.get(code="boom")
    assert (tree.maintenance_cost, tree.maintenance_saving) == (Decimal(30), Decimal(15))
    assert "Databank Gemeentelijk Groenbeheer" in tree.maintenance_source
    asphalt = AssetClass.objects.get(code="asfalt")
    assert asphalt.maintenance_cost == Decimal("0.9")
    assert asphalt.maintenance_source == "Eigen wegbeheerplan 2025"


# --- the effect per work -----------------------------------------------------------------


def _need(asset, where, quantity_saving, *, earliest=2027, latest=2030):
    return (
        asset, "riolering", "buurt-1", where, earliest, latest, 2028, 1000.0, "grp", 3.0,
        2.0, True, False, "gemeente", 0.0, 0.0, 10.0, 10.0,
    ), quantity_saving  # fmt: skip


def test_a_measure_saves_the_sum_of_its_assets_class_savings():
    """Two sewer pipes in one street, 200 m and 50 m at €4 per m per year saved: one
    measure that lowers the annual maintenance cost by 200 × 4 + 50 × 4 = €1,000."""
    rows = [_need(1, "Kerkstraat", -200 * 4.0), _need(2, "Kerkstraat", -50 * 4.0)]
    needs = pd.DataFrame.from_records([r for r, _m in rows], columns=list(NEED_COLUMNS))
    needs[MAINTENANCE] = [m for _r, m in rows]
    (measure,) = group_measures(needs, first_year=2026, horizon=10).works
    assert measure.maintenance == -1000.0


def test_needs_without_the_maintenance_column_give_measures_without_an_effect():
    needs = pd.DataFrame.from_records([_need(1, "Kerkstraat", 0)[0]], columns=list(NEED_COLUMNS))
    (measure,) = group_measures(needs, first_year=2026, horizon=10).works
    assert measure.maintenance == 0.0


def test_the_instance_carries_each_measures_saving_from_the_class_defaults(street):  # noqa: F811
    """Kerkstraat: 200 m concrete sewer at €4 and 1,400 m² asphalt at €1.20 saved per
    unit and year (assets/data/asset_classes.csv); the grid operator's work adds nothing."""
    works = {w.key: w for w in programme_instance(street).works}
    effects = {w.label_parts["discipline"]: w.maintenance for w in works.values() if w.label_parts}
    assert effects == {"riolering": -800.0, "verharding": -1680.0}
    assert works["P:E-1"].maintenance == 0.0


@pytest.fixture
def redesign():
    """A municipal redesign for climate adaptation of €700,000 with a 50 m sewer pipe in
    its scope: new planting for a tenth of its cost at €35 per m² is 2,000 m², at €1.50 per
    m² a year €3,000 more; the pipe replaced saves 50 × €4 = €200: €2,800 a year."""
    asset_classes_load_defaults()
    project = ProjectFactory(
        code="K-1", kind=ProjectKind.HERSTRUCTURERING, owner=ActorFactory(), cost_estimate=0
    )
    project.themes.add(ThemeFactory(code="klimaatadaptatie"))
    FundingFactory(project=project, year=2026, amount=Decimal(700_000))
    pipe = AssetFactory(asset_class=AssetClass.objects.get(code="riool-beton"), quantity=50)
    project.assets.add(pipe)
    return project


def _project_work(key, kind=KIND_PROJECT, cost=700_000.0):
    return Work(
        key=key, kind=kind, label=key, window_start=2026, window_end=2027, preferred_year=2026,
        costs={"groen": (cost,)},
    )  # fmt: skip


def test_a_project_without_its_own_figure_gets_its_scope_savings_plus_new_green(redesign):
    assert project_defaults([_project_work("P:K-1")]) == {"P:K-1": Decimal("2800.00")}


def test_a_replacement_project_adds_no_new_green(redesign):
    redesign.kind = ProjectKind.BEHEER
    redesign.save()
    assert project_defaults([_project_work("P:K-1")]) == {"P:K-1": Decimal("-200.00")}


def test_a_neighbourhood_project_for_health_adds_play_and_a_mobility_project_does_not():
    """€240,000 for health in a neighbourhood: a twentieth, €12,000, buys one metal play
    object (its unit cost) that costs €300 a year to maintain."""
    asset_classes_load_defaults()
    for code, kind in (("W-1", ProjectKind.WIJKGERICHT), ("T-1", ProjectKind.TRANSITIE)):
        project = ProjectFactory(code=code, kind=kind, owner=ActorFactory())
        project.themes.add(
            Theme.objects.get_or_create(code="gezondheid", defaults={"name": "Gezondheid"})[0]
        )
    defaults = project_defaults(
        [_project_work("P:W-1", cost=240_000.0), _project_work("P:T-1", cost=240_000.0)]
    )
    assert defaults == {"P:W-1": Decimal("300.00"), "P:T-1": Decimal("0.00")}


def test_a_projects_own_figure_replaces_the_default(redesign):
    redesign.maintenance = Decimal("1234.50")
    redesign.save()
    (work,) = with_maintenance(ProgrammeFactory(), [_project_work("P:K-1")])
    assert work.maintenance == 1234.5


def test_a_programmes_setting_wins_and_partner_works_add_nothing(redesign):
    programme = ProgrammeFactory()
    measure = Work(
        key="M:riolering:abc:1", kind=KIND_MEASURE, label="riool", window_start=2026,
        window_end=2027, preferred_year=2026, maintenance=-800.0,
    )  # fmt: skip
    partner = _project_work("P:E-9", kind=KIND_PARTNER)
    partner = Work(**{**partner.__dict__, "maintenance": 500.0})
    WorkSetting.objects.create(programme=programme, key="P:K-1", maintenance=Decimal("-10"))
    works = {
        w.key: w for w in with_maintenance(programme, [measure, partner, _project_work("P:K-1")])
    }
    assert works["P:K-1"].maintenance == -10.0, "the setting replaces the project default"
    assert works["M:riolering:abc:1"] is measure, "an untouched measure is not copied"
    assert works["P:E-9"].maintenance == 0.0
    WorkSetting.objects.create(programme=programme, key="M:riolering:abc:1", maintenance=-5)
    works = {w.key: w for w in with_maintenance(programme, [measure])}
    assert works["M:riolering:abc:1"].maintenance == -5.0


# --- the one selector ---------------------------------------------------------------------


@pytest.fixture
def three_works():
    """A programme of 2026–2030 with three scheduled works and an unscheduled one:

    A  2026, costs in 2026 and 2027 on line L1, area Noord: −€100 a year from 2028;
    B  2028, cost in 2028 on line L2 (larger) and L1, area Zuid: +€300 a year from 2029;
    C  2029, costs 2029–2031 on L1: −€50 from 2032, after the horizon;
    D  not scheduled, +€1,000: never counts.
    Gross spend of L1 in 2026 is €40 (KPI ``besteding_bruto``)."""
    programme = ProgrammeFactory(first_year=2026, horizon=5, computed_at=timezone.now())
    scheduled = {"window_start": 2026, "window_end": 2030, "preferred_year": 2026}
    l1 = BudgetLineFactory(code="l1", name="Riolering")
    l2 = BudgetLineFactory(code="l2", name="Groen")
    north, south = AreaFactory(name="Noord"), AreaFactory(name="Zuid")
    a = WorkFactory(
        programme=programme, scheduled_year=2026, maintenance=-100, area=north, **scheduled
    )
    WorkCostFactory(work=a, budget_line=l1, offset=0, amount=30)
    WorkCostFactory(work=a, budget_line=l1, offset=1, amount=10)
    b = WorkFactory(
        programme=programme, scheduled_year=2028, maintenance=300, area=south, **scheduled
    )
    WorkCostFactory(work=b, budget_line=l2, offset=0, amount=90)
    WorkCostFactory(work=b, budget_line=l1, offset=0, amount=10)
    c = WorkFactory(
        programme=programme, scheduled_year=2029, maintenance=-50, area=north, **scheduled
    )
    for offset in range(3):
        WorkCostFactory(work=c, budget_line=l1, offset=offset, amount=5)
    WorkFactory(programme=programme, scheduled_year=None, maintenance=1000)
    KpiValueFactory(
        programme=programme, code="besteding_bruto", year=2026, budget_line=l1, value=40
    )
    KpiValueFactory(programme=programme, code="budget", year=2026, budget_line=l1, value=100)
    return programme


def _by_year(years, term):
    return {y.year: getattr(y, term) for y in years}


def test_a_work_counts_from_the_year_after_its_last_cost_year(three_works):
    maintenance = maintenance_by_year(three_works)
    assert _by_year(maintenance.years, "change") == {
        2026: 0,
        2027: 0,
        2028: -100,
        2029: 300,
        2030: 0,
    }
    assert _by_year(maintenance.years, "level") == {
        2026: 0,
        2027: 0,
        2028: -100,
        2029: 200,
        2030: 200,
    }
    assert _by_year(maintenance.years, "added")[2030] == 300
    assert _by_year(maintenance.years, "saved")[2030] == 100
    assert maintenance.works == 3, "C changes the cost only after the horizon"
    assert _by_year(maintenance.years, "investment")[2026] == Decimal("40.00")


def test_per_line_a_work_counts_on_its_largest_line_and_per_area_on_its_area(three_works):
    maintenance = maintenance_by_year(three_works)
    lines = {group.name: group for group in maintenance.lines}
    assert lines["Riolering"].level == -100
    assert _by_year(lines["Riolering"].years, "investment")[2026] == Decimal("40.00")
    assert lines["Groen"].level == 300, "B's largest cost is on L2"
    areas = {group.name: group.level for group in maintenance.areas}
    assert areas == {"Noord": -100, "Zuid": 300}


# --- page, API and workbook: one definition -----------------------------------------------


@pytest.fixture
def computed(street):  # noqa: F811
    programme_compute(street)
    return street


def _page_levels(html: str) -> dict[str, str]:
    """The first table's level cell per year, as the page writes it."""
    table = html.split("caption>Alle werken", 1)[1].split("</table>", 1)[0]
    levels = {}
    for row in table.split('<tr data-year="')[1:]:
        year = row.split('"', 1)[0]
        levels[year] = row.split('data-term="level">', 1)[1].split("<", 1)[0]
    return levels


def test_page_api_and_workbook_show_the_selectors_figures(computed, client):
    maintenance = maintenance_by_year(computed)
    assert maintenance.level == Decimal("-2480.00"), "both measures of Kerkstraat are done"
    user = user_with_role(Role.VIEWER)
    client.force_login(user)
    page = client.get(reverse("programming:programme_maintenance", args=[computed.pk]))
    assert page.status_code == 200
    levels = _page_levels(page.content.decode())
    assert levels[str(computed.last_year)] == euro(Decimal(-2480))

    api = client_for(user).get(f"/api/v1/programmas/{computed.pk}/beheerlasten")
    assert api.status_code == 200
    body = api.json()
    assert Decimal(body["level"]) == maintenance.level
    assert [Decimal(y["level"]) for y in body["years"]] == [y.level for y in maintenance.years]
    assert [Decimal(y["investment"]) for y in body["years"]] == [
        y.investment for y in maintenance.years
    ]

    target = io.BytesIO()
    write_workbook(computed, target)
    target.seek(0)
    sheet = openpyxl.load_workbook(target, data_only=True)["Beheerlasten"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Totaal"]
    assert [Decimal(str(row[5])) for row in rows] == [y.level for y in maintenance.years]
    assert [Decimal(str(row[3])) for row in rows] == [y.investment for y in maintenance.years]


def test_the_selector_equals_the_engines_kpi_per_year(computed):
    kpis = dict(
        KpiValue.objects.filter(
            programme=computed,
            code="beheerlasten",
            year__isnull=False,
            area__isnull=True,
            budget_line__isnull=True,
            theme__isnull=True,
        ).values_list("year", "value")
    )
    if not kpis:
        pytest.skip("the engine does not yet produce the KPI beheerlasten per year (H1)")
    maintenance = maintenance_by_year(computed)
    for year in maintenance.years:
        assert float(year.level) == pytest.approx(kpis.get(year.year, 0.0), abs=0.01), year.year


# --- who may see it -----------------------------------------------------------------------


def test_anonymous_users_are_sent_to_log_in_and_refused_by_the_api(client, three_works):
    page = client.get(reverse("programming:programme_maintenance", args=[three_works.pk]))
    assert page.status_code == 302
    api = client.get(f"/api/v1/programmas/{three_works.pk}/beheerlasten")
    assert api.status_code in (401, 403)


def test_a_partner_sees_neither_page_nor_api(client, three_works):
    partner = user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True))
    client.force_login(partner)
    page = client.get(reverse("programming:programme_maintenance", args=[three_works.pk]))
    assert page.status_code == 403
    api = client_for(partner).get(f"/api/v1/programmas/{three_works.pk}/beheerlasten")
    assert api.status_code == 403


def test_an_unknown_programme_is_not_found(client):
    client_api = client_for(user_with_role(Role.VIEWER))
    assert client_api.get("/api/v1/programmas/999999/beheerlasten").status_code == 404


def test_a_viewer_sees_the_per_line_and_per_area_tables(client, three_works):
    client.force_login(user_with_role(Role.VIEWER))
    html = client.get(
        reverse("programming:programme_maintenance", args=[three_works.pk])
    ).content.decode()
    for name in ("Riolering", "Groen", "Noord", "Zuid"):
        assert name in html
    assert reverse("assets:assetclass_list") in html, "the sources of the defaults are linked"


# --- the asset class pages ----------------------------------------------------------------


def test_the_asset_class_page_shows_the_maintenance_defaults_with_their_source(client):
    asset_classes_load_defaults()
    tree = AssetClass.objects.get(code="boom")
    client.force_login(user_with_role(Role.VIEWER))
    html = client.get(reverse("assets:assetclass_detail", args=[tree.pk])).content.decode()
    assert euro_cents(Decimal(30)) in html
    assert euro_cents(Decimal(15)) in html
    assert "Databank Gemeentelijk Groenbeheer" in html
    listing = client.get(reverse("assets:assetclass_list")).content.decode()
    assert tree.name in listing


def test_an_administrator_edits_the_maintenance_defaults_and_bad_input_is_refused(client):
    asset_classes_load_defaults()
    tree = AssetClass.objects.get(code="boom")
    url = reverse("assets:assetclass_update", args=[tree.pk])
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    refused = client.post(
        url,
        {"maintenance_cost": "-1", "maintenance_saving": "15", "maintenance_source": "x"},
    )
    assert refused.status_code == 200
    assert "maintenance_cost" in refused.context["form"].errors
    tree.refresh_from_db()
    assert tree.maintenance_cost == Decimal(30), "nothing stored"
    saved = client.post(
        url,
        {"maintenance_cost": "42", "maintenance_saving": "12", "maintenance_source": "Bomenplan"},
    )
    assert saved.status_code == 302
    tree.refresh_from_db()
    assert (tree.maintenance_cost, tree.maintenance_source) == (Decimal(42), "Bomenplan")


def test_a_viewer_may_not_edit_the_maintenance_defaults(client):
    asset_classes_load_defaults()
    tree = AssetClass.objects.get(code="boom")
    client.force_login(user_with_role(Role.VIEWER))
    url = reverse("assets:assetclass_update", args=[tree.pk])
    assert client.post(url, {"maintenance_cost": "1"}).status_code == 403


def test_a_programmes_setting_reaches_the_stored_work_and_the_selector(street):  # noqa: F811
    """The municipality takes over the upkeep of the grid operator's work in Kerkstraat
    (€500 a year): the plan's level becomes −€2,480 + €500."""
    WorkSetting.objects.create(programme=street, key="P:E-1", maintenance=Decimal(500))
    programme_compute(street)
    assert street.works.get(key="P:E-1").maintenance == Decimal("500.00")
    assert maintenance_by_year(street).level == Decimal("-1980.00")
