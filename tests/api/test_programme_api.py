"""The programme endpoints: programmes and frameworks, computing, results, decisions,
scenarios, comparison and adoption — per role, with partner isolation and query bounds."""

from decimal import Decimal

import pytest
from django.utils import timezone

from programming.choices import ProgrammeStatus, RunStatus
from programming.models import (
    AssessmentFramework,
    CouplingDecision,
    Programme,
    ProgrammeRun,
)
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import (
    AreaFactory,
    BudgetLineFactory,
    CouplingDecisionFactory,
    CouplingFactory,
    CriterionFactory,
    KpiValueFactory,
    ProgrammeFactory,
    ProgrammeRunFactory,
    ProjectFactory,
    UnfundedItemFactory,
    WorkCostFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
API = "/api/v1/programmas"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _invalid(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status"} <= set(body)
    return {row["name"]: row["reason"] for row in body["invalidParams"]}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


@pytest.fixture
def filled(enexis, vechthorst):
    """A computed programme like the pages' fixture: 24 works in three areas with costs,
    six couplings (one accepted, one rejected), unfunded items, KPIs per year and line,
    an adopted baseline with the same works in another year. Works 0–2 are Enexis's
    (one by its project, one as owner), work 3 Vechthorst's, joined in coupling 0 and 3."""
    baseline = ProgrammeFactory(adopted=True, computed_at="2025-11-01T10:00Z")
    programme = ProgrammeFactory(based_on=baseline, computed_at="2025-12-01T10:00Z")
    areas = [AreaFactory(buurt=True) for _ in range(3)]
    lines = [BudgetLineFactory() for _ in range(2)]
    couplings = [CouplingFactory(programme=programme) for _ in range(6)]
    CouplingDecisionFactory(programme=programme, key=couplings[0].key)
    CouplingDecisionFactory(programme=programme, key=couplings[1].key, rejected=True)
    owners = {
        0: {"project": ProjectFactory(owner=enexis)},
        1: {"owner": enexis},
        2: {"owner": enexis, "geometry": ""},
        3: {"owner": vechthorst, "project": ProjectFactory(owner=vechthorst)},
    }
    for i in range(24):
        work = WorkFactory(
            programme=programme,
            key=f"w{i}",
            area=areas[i % 3],
            coupling=couplings[i % 6],
            scheduled_year=2027 + i % 4,
            **owners.get(i, {}),
        )
        WorkCostFactory(work=work, budget_line=lines[i % 2], offset=0)
        WorkFactory(programme=baseline, key=f"w{i}", scheduled_year=2031)
    for i in range(8):
        UnfundedItemFactory(work__programme=programme, budget_line=lines[i % 2], year=2026 + i % 4)
    for year in range(2026, 2036):
        for line in lines:
            KpiValueFactory(programme=programme, code="budget", year=year, budget_line=line)
            KpiValueFactory(programme=programme, code="besteding", year=year, budget_line=line)
    for code, value in (("besparing", 123456.0), ("tekort", 98765.0)):
        KpiValueFactory(programme=programme, code=code, year=None, value=value)
        KpiValueFactory(programme=baseline, code=code, year=None, value=value / 2)
    ProgrammeRunFactory(programme=programme, status=RunStatus.DONE, progress=100)
    programme.areas = areas
    return programme


# --- programmes ------------------------------------------------------------------------


def test_a_viewer_lists_and_reads_programmes(viewer, filled, django_assert_max_num_queries):
    for _ in range(5):
        ProgrammeFactory(based_on=filled)
    with django_assert_max_num_queries(6):
        response = viewer.get(API)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    detail = viewer.get(f"{API}/{filled.pk}").json()
    assert (detail["name"], detail["based_on"], detail["status"]) == (
        filled.name,
        filled.based_on_id,
        "concept",
    )
    assert viewer.get(f"{API}/{filled.pk}/").status_code == 404, "no trailing slash"


def test_anonymous_callers_get_401_problem_json(client, filled):
    for url in (API, f"{API}/{filled.pk}/werken", f"{API}/{filled.pk}/koppelkansen"):
        _problem(client.get(url), 401)
    _problem(client.post(f"{API}/{filled.pk}/berekeningen"), 401)


def test_a_programme_manager_creates_a_programme_as_the_form_does(manager, filled):
    response = manager.post(
        API,
        {
            "name": "IMPOR 2027",
            "first_year": 2027,
            "horizon": 6,
            "framework": filled.framework_id,
            "price_year": 2026,
            "budget_factor": "0.900",
        },
    )
    assert response.status_code == 201, response.content
    created = Programme.objects.get(name="IMPOR 2027")
    assert (created.horizon, created.budget_factor, created.status) == (
        6,
        Decimal("0.9"),
        "concept",
    )
    assert created.created_by is not None


def test_a_bad_programme_is_refused_per_field_in_dutch(manager, filled):
    reasons = _invalid(
        manager.post(API, {"name": "", "first_year": 2026, "horizon": 12, "price_year": 2025})
    )
    assert set(reasons) == {"name", "horizon", "framework"}
    assert reasons["horizon"].startswith("Zorg ervoor dat deze waarde"), "Dutch"
    assert "10" in reasons["horizon"]
    assert Programme.objects.count() == 2


def test_settings_change_on_a_concept_but_an_adopted_programme_is_frozen(manager, filled):
    response = manager.patch(f"{API}/{filled.pk}", {"coupling_distance": 40})
    assert response.status_code == 200, response.content
    filled.refresh_from_db()
    assert filled.coupling_distance == 40

    baseline = filled.based_on
    _problem(manager.patch(f"{API}/{baseline.pk}", {"coupling_distance": 40}), 409)
    baseline.refresh_from_db()
    assert baseline.coupling_distance == 25


def test_programmes_are_not_deleted_through_the_api_as_on_the_pages(manager, filled):
    assert manager.delete(f"{API}/{filled.pk}").status_code == 405
    assert Programme.objects.filter(pk=filled.pk).exists()


def test_a_viewer_cannot_create_compute_decide_copy_or_adopt(viewer, filled):
    coupling = filled.couplings.order_by("pk").last()
    posts = {
        API: {"name": "X"},
        f"{API}/{filled.pk}/berekeningen": {},
        f"{API}/{filled.pk}/koppelkansen/{coupling.pk}/besluit": {"status": "geaccepteerd"},
        f"{API}/{filled.pk}/scenarios": {"name": "Kopie"},
        f"{API}/{filled.pk}/vaststellen": {"adopted_on": "2026-01-15", "adopted_by": "raad"},
        "/api/v1/beoordelingskaders": {"name": "Nieuw"},
    }
    for url, data in posts.items():
        _problem(viewer.post(url, data), 403)
    _problem(viewer.patch(f"{API}/{filled.pk}", {"horizon": 5}), 403)
    assert Programme.objects.count() == 2
    assert not ProgrammeRun.objects.filter(status=RunStatus.QUEUED).exists()
    assert not CouplingDecision.objects.filter(key=coupling.key).exists()
    filled.refresh_from_db()
    assert (filled.status, filled.horizon) == (ProgrammeStatus.CONCEPT, 10)


# --- assessment frameworks -------------------------------------------------------------


def test_frameworks_are_read_with_their_criteria(viewer, filled):
    CriterionFactory(framework=filled.framework, code="urgentie", weight=Decimal("3"))
    response = viewer.get("/api/v1/beoordelingskaders")
    assert response.status_code == 200
    row = next(r for r in response.json()["results"] if r["id"] == filled.framework_id)
    assert row["criteria"] == [{"code": "urgentie", "weight": "3.00", "description": ""}]


def test_a_programme_manager_writes_a_framework_and_its_criteria_as_a_whole(manager):
    created = manager.post(
        "/api/v1/beoordelingskaders",
        {
            "name": "Kader 2027",
            "criteria": [{"code": "urgentie", "weight": "3"}, {"code": "kosten", "weight": "1"}],
        },
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    response = manager.put(
        f"/api/v1/beoordelingskaders/{pk}",
        {"name": "Kader 2027", "criteria": [{"code": "sociaal", "weight": "2"}]},
    )
    assert response.status_code == 200, response.content
    framework = AssessmentFramework.objects.get(pk=pk)
    assert list(framework.criteria.values_list("code", "weight")) == [("sociaal", Decimal("2"))]


def test_a_bad_criterion_is_named_by_its_row_and_nothing_is_stored(manager, filled):
    CriterionFactory(framework=filled.framework, code="urgentie")
    reasons = _invalid(
        manager.put(
            f"/api/v1/beoordelingskaders/{filled.framework_id}",
            {
                "name": "Nieuwe naam",
                "criteria": [{"code": "kosten", "weight": "1"}, {"code": "kosten", "weight": "2"}],
            },
        )
    )
    assert reasons == {"criteria.1.code": "Elk criterium komt één keer voor."}
    filled.framework.refresh_from_db()
    assert filled.framework.name != "Nieuwe naam"
    assert list(filled.framework.criteria.values_list("code", flat=True)) == ["urgentie"]


def test_a_framework_in_use_is_not_deleted(manager, filled):
    _problem(manager.delete(f"/api/v1/beoordelingskaders/{filled.framework_id}"), 409)
    assert AssessmentFramework.objects.filter(pk=filled.framework_id).exists()


# --- computing -------------------------------------------------------------------------


def test_computing_answers_202_with_a_run_to_follow(manager, street, settings):  # noqa: F811
    """The immediate task backend computes within the request, so the run is done."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    response = manager.post(f"{API}/{street.pk}/berekeningen")
    assert response.status_code == 202, response.content
    run = ProgrammeRun.objects.get(programme=street)
    assert response["Location"].endswith(f"{API}/{street.pk}/berekeningen/{run.pk}")

    followed = manager.get(response["Location"]).json()
    assert (followed["status"], followed["progress"]) == (RunStatus.DONE, 100)
    assert followed["started_at"]
    assert followed["finished_at"]
    assert followed["message"] == ""
    assert followed["results"].endswith(f"{API}/{street.pk}/werken")
    assert manager.get(followed["results"]).json()["count"] == 3


def test_a_queued_run_shows_its_progress_and_no_results_yet(viewer, filled):
    run = ProgrammeRunFactory(programme=filled, status=RunStatus.RUNNING, progress=30)
    body = viewer.get(f"{API}/{filled.pk}/berekeningen/{run.pk}").json()
    assert (body["status"], body["progress"], body["results"]) == ("bezig", 30, None)
    other = ProgrammeRunFactory()
    _problem(viewer.get(f"{API}/{filled.pk}/berekeningen/{other.pk}"), 404)
    assert viewer.get(f"{API}/{filled.pk}/berekeningen").json()["count"] == 2


def test_an_adopted_programme_is_not_computed(manager, filled):
    body = _problem(manager.post(f"{API}/{filled.based_on_id}/berekeningen"), 409)
    assert "vastgesteld" in body["detail"]
    assert not ProgrammeRun.objects.filter(programme=filled.based_on).exists()


# --- results ---------------------------------------------------------------------------


def test_works_are_listed_and_filtered_by_year_area_kind_and_coupling(viewer, filled):
    url = f"{API}/{filled.pk}/werken"
    assert viewer.get(url).json()["count"] == 32, "24 works and the 8 of the unfunded items"
    assert viewer.get(url, {"jaar": 2028}).json()["count"] == 6
    area = filled.areas[0]
    in_area = viewer.get(url, {"gebied": area.pk}).json()["results"]
    assert len(in_area) == 8
    assert {w["area"] for w in in_area} == {area.pk}
    assert viewer.get(url, {"soort": "partner"}).json()["count"] == 0
    coupling = filled.couplings.order_by("pk").first()
    assert viewer.get(url, {"koppelkans": coupling.pk}).json()["count"] == 4
    reasons = _invalid(viewer.get(url, {"jaar": "volgend jaar", "soort": "weg"}))
    assert set(reasons) == {"jaar", "soort"}


def test_works_come_as_geojson_in_crs84_or_rd_new(viewer, filled):
    url = f"{API}/{filled.pk}/werken"
    response = viewer.get(url, {"jaar": 2027}, HTTP_ACCEPT="application/geo+json")
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == "OGC:CRS84"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    lon, lat = next(f for f in body["features"] if f["geometry"])["geometry"]["coordinates"][0]
    assert 3 < lon < 8, "longitude first (RFC 7946)"
    assert 50 < lat < 54
    assert {f["properties"]["scheduled_year"] for f in body["features"]} == {2027}

    rd = viewer.get(url, HTTP_ACCEPT="application/geo+json", HTTP_ACCEPT_CRS="EPSG:28992")
    assert rd["Content-Crs"] == "EPSG:28992"
    features = {f["properties"]["key"]: f for f in rd.json()["features"]}
    assert features["w0"]["geometry"]["coordinates"][0] == [214500, 500800]
    assert features["w2"]["geometry"] is None, "a work without geometry has none"
    _problem(viewer.get(url, HTTP_ACCEPT="application/geo+json", HTTP_ACCEPT_CRS="EPSG:3857"), 406)


def test_couplings_show_their_decision_and_works(viewer, filled):
    url = f"{API}/{filled.pk}/koppelkansen"
    body = viewer.get(url).json()
    assert body["count"] == 6
    first = filled.couplings.order_by("pk").first()
    row = next(r for r in body["results"] if r["id"] == first.pk)
    assert row["decision"] == "geaccepteerd"
    assert row["work_count"] == 4
    assert len(row["works"]) == 4
    rejected = viewer.get(url, {"besluit": "afgewezen"}).json()["results"]
    assert [r["decision_reason"] for r in rejected] == ["De netbeheerder kan pas in 2031."]
    assert viewer.get(url, {"besluit": "voorgesteld"}).json()["count"] == 4
    assert viewer.get(f"{url}/{first.pk}").json()["key"] == first.key


def test_unfunded_items_and_kpis_are_listed(viewer, filled):
    unfunded = viewer.get(f"{API}/{filled.pk}/niet-gedekt").json()
    assert unfunded["count"] == 8
    assert unfunded["results"][0]["gap"] == "24000.00"
    kpis = viewer.get(f"{API}/{filled.pk}/kpis").json()
    assert kpis["count"] == 42
    spend = viewer.get(f"{API}/{filled.pk}/kpis", {"code": "besteding", "jaar": 2027}).json()
    assert spend["count"] == 2
    assert all(r["budget_line"] for r in spend["results"])
    totals = viewer.get(f"{API}/{filled.pk}/kpis", {"totaal": "true"}).json()["results"]
    assert {r["code"]: r["value"] for r in totals} == {"besparing": 123456.0, "tekort": 98765.0}


@pytest.mark.parametrize(
    "path", ["", "/werken", "/koppelkansen", "/niet-gedekt", "/kpis", "/berekeningen"]
)
def test_result_lists_have_bounded_queries(viewer, filled, path, django_assert_max_num_queries):
    for i in range(30):
        work = WorkFactory(programme=filled, coupling=filled.couplings.first())
        UnfundedItemFactory(work=work, year=2026 + i % 4)
    with django_assert_max_num_queries(8):
        response = viewer.get(f"{API}/{filled.pk}{path}")
    assert response.status_code == 200


def test_geojson_works_have_bounded_queries(viewer, filled, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = viewer.get(f"{API}/{filled.pk}/werken", HTTP_ACCEPT="application/geo+json")
    assert len(response.json()["features"]) == 32


# --- decisions -------------------------------------------------------------------------


def test_a_programme_manager_accepts_a_coupling(manager, filled):
    coupling = filled.couplings.order_by("pk").last()
    response = manager.post(
        f"{API}/{filled.pk}/koppelkansen/{coupling.pk}/besluit",
        {"status": "geaccepteerd", "reason": "Samen met de netbeheerder."},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "geaccepteerd"
    decision = CouplingDecision.objects.get(programme=filled, key=coupling.key)
    assert decision.decided_by is not None
    listed = manager.get(f"{API}/{filled.pk}/koppelkansen/{coupling.pk}").json()
    assert listed["decision"] == "geaccepteerd"


def test_a_rejection_without_reason_is_refused_on_reason(manager, filled):
    coupling = filled.couplings.order_by("pk").last()
    url = f"{API}/{filled.pk}/koppelkansen/{coupling.pk}/besluit"
    reasons = _invalid(manager.post(url, {"status": "afgewezen", "reason": "  "}))
    assert reasons == {"reason": "Geef een reden waarom de koppelkans is afgewezen."}
    assert set(_invalid(manager.post(url, {"status": "misschien"}))) == {"status"}
    assert not CouplingDecision.objects.filter(key=coupling.key).exists()


def test_decisions_on_an_adopted_programme_or_a_foreign_coupling_are_refused(manager, filled):
    baseline = filled.based_on
    coupling = CouplingFactory(programme=baseline)
    url = f"{API}/{baseline.pk}/koppelkansen/{coupling.pk}/besluit"
    _problem(manager.post(url, {"status": "geaccepteerd"}), 409)
    foreign = f"{API}/{filled.pk}/koppelkansen/{coupling.pk}/besluit"
    _problem(manager.post(foreign, {"status": "geaccepteerd"}), 404)
    assert not CouplingDecision.objects.filter(key=coupling.key).exists()


# --- scenarios, comparison, adoption ---------------------------------------------------


def test_a_scenario_is_a_copy_with_other_parameters(manager, filled):
    response = manager.post(
        f"{API}/{filled.pk}/scenarios", {"name": "Krap budget", "budget_factor": "0.8"}
    )
    assert response.status_code == 201, response.content
    copy = Programme.objects.get(name="Krap budget")
    assert response["Location"].endswith(f"{API}/{copy.pk}")
    assert (copy.based_on, copy.budget_factor, copy.horizon) == (filled, Decimal("0.8"), 10)
    assert copy.decisions.count() == 2, "decisions go along"
    reasons = _invalid(manager.post(f"{API}/{filled.pk}/scenarios", {"name": "Krap budget"}))
    assert set(reasons) == {"name"}


def test_the_comparison_gives_kpis_counts_and_moved_works_a_page_at_a_time(viewer, filled):
    baseline = filled.based_on
    body = viewer.get(f"{API}/{filled.pk}/vergelijking", {"met": baseline.pk}).json()
    assert (body["other"], body["count"], body["added"], body["dropped"]) == (
        baseline.pk,
        24,
        8,
        0,
    )
    assert {"code": "besparing", "current": 123456.0, "other": 61728.0, "change": 61728.0} in (
        body["kpis"]
    )
    assert {w["other_year"] for w in body["results"]} == {2031}
    assert set(_invalid(viewer.get(f"{API}/{filled.pk}/vergelijking"))) == {"met"}
    assert set(_invalid(viewer.get(f"{API}/{filled.pk}/vergelijking", {"met": filled.pk}))) == {
        "met"
    }


def test_the_difference_from_the_adopted_version(viewer, filled):
    body = viewer.get(f"{API}/{filled.pk}/verschil-met-vastgesteld").json()
    assert (body["other"], body["count"]) == (filled.based_on_id, 24)
    Programme.objects.filter(pk=filled.based_on_id).update(status="concept")
    _problem(viewer.get(f"{API}/{filled.pk}/verschil-met-vastgesteld"), 404)


def test_adopting_needs_a_date_and_freezes_the_programme(manager, filled):
    url = f"{API}/{filled.pk}/vaststellen"
    # Computed after its inputs: stale results are not adopted (test_stale).
    Programme.objects.filter(pk=filled.pk).update(computed_at=timezone.now())
    assert set(_invalid(manager.post(url, {"adopted_by": "raad"}))) == {"adopted_on"}
    response = manager.post(url, {"adopted_on": "2026-01-15", "adopted_by": "raad"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["adopted_on"]) == (
        "vastgesteld",
        "2026-01-15",
    )
    _problem(manager.post(url, {"adopted_on": "2026-02-01", "adopted_by": "college"}), 409)
    filled.refresh_from_db()
    assert (str(filled.adopted_on), filled.adopted_by) == ("2026-01-15", "raad")


def test_a_programme_not_yet_computed_is_not_adopted(manager):
    programme = ProgrammeFactory()
    url = f"{API}/{programme.pk}/vaststellen"
    body = _problem(manager.post(url, {"adopted_on": "2026-01-15", "adopted_by": "raad"}), 409)
    assert "Bereken" in body["detail"]


def test_the_council_workbook_downloads_as_xlsx(viewer, filled):
    response = viewer.get(f"{API}/{filled.pk}/raadswerkboek")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "raadswerkboek" in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:2] == b"PK", "a zip container"
    asked = viewer.get(f"{API}/{filled.pk}/raadswerkboek", HTTP_ACCEPT=XLSX)
    assert asked.status_code == 200
    _problem(viewer.get(f"{API}/{filled.pk + 1000}/raadswerkboek"), 404)


# --- partners --------------------------------------------------------------------------


def test_a_partner_reads_the_programmes(enexis_client, filled):
    assert enexis_client.get(API).json()["count"] == 2
    assert enexis_client.get(f"{API}/{filled.pk}").status_code == 200


def test_a_partner_sees_only_its_own_works(enexis_client, filled):
    url = f"{API}/{filled.pk}/werken"
    keys = {w["key"] for w in enexis_client.get(url).json()["results"]}
    assert keys == {"w0", "w1", "w2"}
    geo = enexis_client.get(url, HTTP_ACCEPT="application/geo+json").json()
    assert {f["properties"]["key"] for f in geo["features"]} == {"w0", "w1", "w2"}
    theirs = filled.works.get(key="w3")
    _problem(enexis_client.get(f"{url}/{theirs.pk}"), 404)
    by_filter = enexis_client.get(url, {"koppelkans": theirs.coupling_id}).json()["results"]
    assert by_filter == []
    mine = filled.works.get(key="w0")
    assert enexis_client.get(f"{url}/{mine.pk}").json()["key"] == "w0"


def test_a_partner_sees_only_couplings_with_its_works_and_only_its_works_in_them(
    enexis_client, filled
):
    url = f"{API}/{filled.pk}/koppelkansen"
    rows = enexis_client.get(url).json()["results"]
    mine = {filled.works.get(key=k).coupling_id for k in ("w0", "w1", "w2")}
    assert {r["id"] for r in rows} == mine
    own_ids = set(filled.works.filter(key__in=["w0", "w1", "w2"]).values_list("pk", flat=True))
    assert {pk for r in rows for pk in r["works"]} == own_ids
    theirs = filled.works.get(key="w3").coupling_id
    assert theirs not in mine
    _problem(enexis_client.get(f"{url}/{theirs}"), 404)


def test_a_partner_cannot_decide_nor_read_budgets_and_leaves_data_unchanged(enexis_client, filled):
    coupling = filled.works.get(key="w0").coupling
    before = CouplingDecision.objects.get(key=coupling.key).status
    _problem(
        enexis_client.post(
            f"{API}/{filled.pk}/koppelkansen/{coupling.pk}/besluit", {"status": "afgewezen"}
        ),
        403,
    )
    for path in (
        "niet-gedekt",
        "kpis",
        "berekeningen",
        "raadswerkboek",
        f"vergelijking?met={filled.based_on_id}",
    ):
        _problem(enexis_client.get(f"{API}/{filled.pk}/{path}"), 403)
    _problem(enexis_client.patch(f"{API}/{filled.pk}", {"horizon": 5}), 403)
    assert CouplingDecision.objects.get(key=coupling.key).status == before
    filled.refresh_from_db()
    assert filled.horizon == 10


def test_another_partner_sees_its_own_work_only(vechthorst, filled):
    client = client_for(user_with_role(Role.PARTNER, organisation=vechthorst))
    keys = [w["key"] for w in client.get(f"{API}/{filled.pk}/werken").json()["results"]]
    assert keys == ["w3"]
