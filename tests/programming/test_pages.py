"""The programme pages and the dashboard: access, forms, decisions and query bounds."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from programming.choices import CouplingDecisionStatus, ProgrammeStatus, RunStatus
from programming.models import CouplingDecision, Programme, ProgrammeRun
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    AreaFactory,
    BudgetLineFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    KpiValueFactory,
    ProgrammeFactory,
    ProgrammeRunFactory,
    UnfundedItemFactory,
    UserFactory,
    WorkCostFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PAGES = (
    "programme_detail",
    "programme_matrix",
    "programme_gantt",
    "programme_budget",
    "programme_map",
    "programme_geojson",
    "programme_couplings",
    "programme_unfunded",
    "programme_scenario",
    "programme_compare",
    "programme_run_status",
)


def _user(role: Role):
    ensure_role_groups()
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def manager(client):
    user = _user(Role.PROGRAMME_MANAGER)
    client.force_login(user)
    return user


@pytest.fixture
def reader(client):
    user = _user(Role.VIEWER)
    client.force_login(user)
    return user


@pytest.fixture
def filled():
    """A computed programme with enough rows in every list to expose N+1 queries: works
    in several areas with costs, couplings with and without decisions, unfunded items,
    KPIs per year and line, an adopted baseline with the same works in other years."""
    baseline = ProgrammeFactory(adopted=True, computed_at="2025-11-01T10:00Z")
    programme = ProgrammeFactory(based_on=baseline, computed_at="2025-12-01T10:00Z")
    areas = [AreaFactory(buurt=True) for _ in range(3)]
    lines = [BudgetLineFactory() for _ in range(2)]
    couplings = [CouplingFactory(programme=programme) for _ in range(6)]
    CouplingDecisionFactory(programme=programme, key=couplings[0].key)
    CouplingDecisionFactory(programme=programme, key=couplings[1].key, rejected=True)
    for i in range(24):
        work = WorkFactory(
            programme=programme,
            key=f"w{i}",
            area=areas[i % 3],
            coupling=couplings[i % 6],
            scheduled_year=2027 + i % 4,
        )
        WorkCostFactory(work=work, budget_line=lines[i % 2], offset=0)
        WorkFactory(programme=baseline, key=f"w{i}", scheduled_year=2031)
    for i in range(8):
        UnfundedItemFactory(work__programme=programme, budget_line=lines[i % 2], year=2026 + i % 4)
    for year in range(2026, 2036):
        for line in lines:
            KpiValueFactory(programme=programme, code="budget", year=year, budget_line=line)
            KpiValueFactory(programme=programme, code="besteding", year=year, budget_line=line)
        KpiValueFactory(programme=programme, code="graafmomenten_sectoraal", year=year)
        KpiValueFactory(programme=programme, code="graafmomenten_integraal", year=year)
    for code, value in (("besparing", 123456.0), ("tekort", 98765.0)):
        KpiValueFactory(programme=programme, code=code, year=None, value=value)
    ProgrammeRunFactory(programme=programme, status=RunStatus.DONE, progress=100)
    return programme


def test_every_programme_page_requires_a_login(client, filled):
    for name in ("dashboard", "programme_list", "programme_create"):
        response = client.get(reverse(f"programming:{name}"))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login"))
    for name in PAGES:
        response = client.get(reverse(f"programming:{name}", args=[filled.pk]))
        assert response.status_code == 302, name


def test_a_reader_sees_every_page(client, reader, filled):
    for name in PAGES:
        response = client.get(reverse(f"programming:{name}", args=[filled.pk]))
        assert response.status_code == 200, name


def test_a_reader_cannot_run_decide_adopt_create_or_copy(client, reader, filled):
    coupling = filled.couplings.order_by("pk").last()
    posts = [
        reverse("programming:programme_run", args=[filled.pk]),
        reverse("programming:coupling_decide", args=[filled.pk, coupling.pk]),
        reverse("programming:programme_adopt", args=[filled.pk]),
        reverse("programming:programme_scenario", args=[filled.pk]),
        reverse("programming:programme_create"),
    ]
    for url in posts:
        assert client.post(url, {"status": "geaccepteerd"}).status_code == 403, url
    assert client.get(reverse("programming:programme_create")).status_code == 403
    assert not ProgrammeRun.objects.filter(programme=filled, status=RunStatus.QUEUED).exists()
    assert not CouplingDecision.objects.filter(key=coupling.key).exists()


def test_the_dashboard_shows_an_empty_state_without_a_computed_programme(client, manager):
    ProgrammeFactory(name="Concept 2026")
    body = client.get(reverse("programming:dashboard")).content.decode()
    assert "Er is nog geen berekend programma" in body
    assert "Bereken het programma Concept 2026" in body


def test_the_dashboard_prefers_the_adopted_programme_and_shows_its_kpis(
    client, manager, filled, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = client.get(reverse("programming:dashboard"))
    body = response.content.decode()
    assert filled.based_on.name in body, "the adopted baseline is the current programme"

    Programme.objects.filter(pk=filled.based_on_id).update(status=ProgrammeStatus.CONCEPT)
    body = client.get(reverse("programming:dashboard")).content.decode()
    assert filled.name in body
    # 10 years × 2 lines × € 24.000 budget, from the money selector.
    assert "€ 480.000" in body, "Dutch money format"
    assert "Gepland (netto)" in body, "net labelled"
    assert "Gepland (bruto)" in body, "gross labelled"
    assert "Koppelkansen die wachten op een besluit" in body
    assert "<svg" in body, "a chart"
    assert "<table" in body, "with its table"


@pytest.mark.parametrize("name", PAGES)
def test_programme_pages_have_bounded_queries(
    client, manager, filled, name, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = client.get(reverse(f"programming:{name}", args=[filled.pk]))
    assert response.status_code == 200


def test_the_list_has_bounded_queries(client, manager, filled, django_assert_max_num_queries):
    for _ in range(10):
        ProgrammeFactory(based_on=filled)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("programming:programme_list"))
    assert response.status_code == 200


def test_years_are_not_written_with_a_thousands_separator(client, manager, filled):
    body = client.get(reverse("programming:programme_matrix", args=[filled.pk])).content.decode()
    assert "2027" in body
    assert "2.027" not in body


def test_a_bad_programme_form_gives_dutch_errors_per_field(client, manager):
    response = client.post(
        reverse("programming:programme_create"),
        {"name": "", "first_year": "2026", "horizon": "12", "price_year": "2025"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["name"] == ["Dit veld is vereist."]
    assert form.errors["horizon"] == ["Zorg ervoor dat deze waarde hoogstens 10 is."]
    assert "utrecht-form-field--invalid" in response.content.decode()


def test_a_programme_manager_creates_a_programme(client, manager, filled):
    data = {
        "name": "IMPOR 2027",
        "first_year": 2027,
        "horizon": 6,
        "framework": filled.framework_id,
        "price_year": 2026,
        "coupling_distance": 25,
        "coupling_overlap": "0,50",
        "measure_grouping": "straat",
        "backlog_years": 3,
        "time_tolerance": 1,
        "graafrust_years": 3,
        "graafrust_weight": 10,
        "opening_cost_share": "0,300",
        "budget_factor": "1,000",
        "time_limit": 5,
    }
    response = client.post(reverse("programming:programme_create"), data)
    assert response.status_code == 302, response.context["form"].errors
    created = Programme.objects.get(name="IMPOR 2027")
    assert (created.horizon, created.created_by) == (6, manager)


def test_accepting_a_coupling_stores_the_decision_and_shows_it(client, manager, filled):
    coupling = filled.couplings.order_by("pk").last()
    url = reverse("programming:coupling_decide", args=[filled.pk, coupling.pk])
    response = client.post(url, {"status": "geaccepteerd", "reason": "Samen met de netbeheerder."})
    assert response.status_code == 302
    decision = CouplingDecision.objects.get(programme=filled, key=coupling.key)
    assert (decision.status, decision.decided_by) == (CouplingDecisionStatus.ACCEPTED, manager)
    listing = client.get(
        reverse("programming:programme_couplings", args=[filled.pk]), {"besluit": "geaccepteerd"}
    )
    assert f"koppeling-{coupling.pk}" in listing.content.decode()


def test_rejecting_a_coupling_needs_a_reason(client, manager, filled):
    coupling = filled.couplings.order_by("pk").last()
    url = reverse("programming:coupling_decide", args=[filled.pk, coupling.pk])
    response = client.post(url, {"status": "afgewezen", "reason": "  "})
    assert response.status_code == 400
    assert response.context["form"].errors["reason"] == [
        "Geef een reden waarom de koppelkans is afgewezen."
    ]
    assert not CouplingDecision.objects.filter(key=coupling.key).exists()

    client.post(url, {"status": "afgewezen", "reason": "Netbeheerder kan pas in 2031."})
    assert CouplingDecision.objects.get(key=coupling.key).status == "afgewezen"


def test_running_queues_a_computation_and_the_status_fragment_polls(client, manager, filled):
    response = client.post(reverse("programming:programme_run", args=[filled.pk]))
    assert response.status_code == 302
    run = ProgrammeRun.objects.filter(programme=filled).first()
    assert (run.status, run.requested_by) == (RunStatus.QUEUED, manager)
    fragment = client.get(
        reverse("programming:programme_run_status", args=[filled.pk]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert "<progress" in fragment
    assert "<html" not in fragment


def test_the_computed_street_shows_its_cluster_on_the_gantt(client, manager, street):  # noqa: F811
    """The street's sewer, asphalt and cable work form one cluster; the Gantt marks it."""
    from programming.services import programme_compute

    programme_compute(street)
    body = client.get(reverse("programming:programme_gantt", args=[street.pk])).content.decode()
    assert "coupling-marker" in body
    assert "Kerkstraat" in body


def test_a_scenario_is_copied_with_other_parameters(client, manager, filled):
    response = client.post(
        reverse("programming:programme_scenario", args=[filled.pk]),
        {
            "name": "Krap budget",
            "budget_factor": "0,8",
            "horizon": 8,
            "framework": filled.framework_id,
            "coupling_distance": 25,
            "time_tolerance": 1,
            "time_limit": 5,
        },
    )
    assert response.status_code == 302
    copy = Programme.objects.get(name="Krap budget")
    assert (copy.based_on, copy.budget_factor, copy.horizon) == (filled, Decimal("0.8"), 8)
    assert copy.decisions.count() == 2, "decisions go along"


def test_the_comparison_lists_works_moved_from_the_adopted_version(client, manager, filled):
    response = client.get(reverse("programming:programme_compare", args=[filled.pk]))
    assert response.context["is_baseline"]
    assert response.context["page_obj"].paginator.count == 24


def test_adopting_needs_a_date_and_freezes_the_programme(client, manager, filled):
    url = reverse("programming:programme_adopt", args=[filled.pk])
    # Computed after its inputs: stale results are not adopted (test_stale).
    Programme.objects.filter(pk=filled.pk).update(computed_at=timezone.now())
    response = client.post(url, {"adopted_by": "raad"})
    assert response.status_code == 400
    assert response.context["form"].errors["adopted_on"] == ["Dit veld is vereist."]

    response = client.post(url, {"adopted_on": "2026-01-15", "adopted_by": "raad"})
    assert response.status_code == 302
    filled.refresh_from_db()
    assert filled.is_adopted
    response = client.post(reverse("programming:programme_run", args=[filled.pk]))
    assert not ProgrammeRun.objects.filter(programme=filled, status=RunStatus.QUEUED).exists()


def test_the_map_features_are_lon_lat_coloured_by_year_and_narrow_to_a_year(client, reader, filled):
    url = reverse("programming:programme_geojson", args=[filled.pk])
    response = client.get(url)
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert len(features) == 32, "24 works and the 8 works of the unfunded items"
    lon, lat = features[0]["geometry"]["coordinates"][0]
    assert 3 < lon < 8, "WGS84 longitude first (RFC 7946)"
    assert 50 < lat < 54
    colours = {f["properties"]["year"]: f["properties"]["color"] for f in features}
    assert set(colours) == {2027, 2028, 2029, 2030, None}, "the unfunded works are unplanned"
    assert len(set(colours.values())) == 5, "one colour per scheduled year, one for none"
    in_2028 = client.get(url, {"jaar": "2028"}).json()["features"]
    assert len(in_2028) == 6
    assert {f["properties"]["year"] for f in in_2028} == {2028}


def test_the_gantt_groups_works_by_area_name_across_pages(client, reader):
    programme = ProgrammeFactory(computed_at="2025-12-01T10:00Z")
    zuid, noord = AreaFactory(name="Zuid", buurt=True), AreaFactory(name="Noord", buurt=True)
    for i in range(70):
        WorkFactory(programme=programme, area=zuid, label=f"Zuid {i:02}", scheduled_year=2027)
    for i in range(60):
        WorkFactory(programme=programme, area=noord, label=f"Noord {i:02}", scheduled_year=2027)
    for i in range(5):
        WorkFactory(programme=programme, area=None, label=f"Los {i}", scheduled_year=2028)
    url = reverse("programming:programme_gantt", args=[programme.pk])

    first = list(client.get(url).context["page_obj"])
    second = list(client.get(url, {"page": 2}).context["page_obj"])
    labels = [w.label for w in first + second]
    # Noord (60) comes before Zuid (70) by name, the works without an area last; 100 a page.
    assert labels == (
        [f"Noord {i:02}" for i in range(60)]
        + [f"Zuid {i:02}" for i in range(70)]
        + [f"Los {i}" for i in range(5)]
    )
    assert len(first) == 100

    only_zuid = client.get(url, {"gebied": str(zuid.pk)}).context["page_obj"]
    assert {w.area_id for w in only_zuid} == {zuid.pk}
    assert only_zuid.paginator.count == 70
    without_area = client.get(url, {"gebied": "geen"}).context["page_obj"]
    assert [w.label for w in without_area] == [f"Los {i}" for i in range(5)]
