"""'Waarom dit jaar': the explanation of one work on its page and in the API
(programming.explain)."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.explain import work_explanation
from programming.models import Work
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    CouplingFactory,
    CriterionFactory,
    KpiValueFactory,
    ProgrammeFactory,
    UnfundedItemFactory,
    UserFactory,
    WorkCostFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1/programmas"


@pytest.fixture
def programme():
    """2026–2035, graafrust 3 years; Wegen has € 200.000 in 2027, of which the plan spends
    € 150.000 net, so € 50.000 is unused."""
    programme = ProgrammeFactory(graafrust_years=3, computed_at="2025-12-01T10:00Z")
    for code, weight in (("urgentie", 30), ("koppeling", 15)):
        CriterionFactory(framework=programme.framework, code=code, weight=Decimal(weight))
    line = BudgetLineFactory(code="wegen", name="Wegen")
    for code, value in (("budget", 200_000.0), ("besteding", 150_000.0)):
        KpiValueFactory(programme=programme, code=code, year=2027, budget_line=line, value=value)
    programme.line = line
    return programme


def _explained(work: Work, **kwargs) -> dict:
    work = Work.objects.select_related("programme", "coupling").get(pk=work.pk)
    return work_explanation(work, **kwargs)


def test_a_work_moved_out_of_a_full_preferred_year_says_which_line_is_full(programme):
    """The work needs € 100.000 on Wegen in 2027 and only € 50.000 is unused there, so its
    preferred year is full on that line; no coupling or graafrust is involved."""
    work = WorkFactory(
        programme=programme, preferred_year=2027, scheduled_year=2028, street="Kerkstraat",
        opens_street=False, score=0.6, score_breakdown={"urgentie": 0.5, "koppeling": 0.1},
    )  # fmt: skip
    WorkCostFactory(work=work, budget_line=programme.line, offset=0, amount=Decimal(100_000))

    uitleg = _explained(work)

    assert uitleg["timing"]["sentence"] == (
        "Gepland in 2028 in plaats van 2027 (voorkeursjaar): in 2027 is budgetregel Wegen vol."
    )
    assert [c["code"] for c in uitleg["timing"]["causes"]] == ["budget"]
    year = next(c for c in uitleg["budget"][0]["years"] if c["year"] == 2027)
    assert (year["budget"], year["net"], year["unused"], year["need_if_preferred"]) == (
        Decimal("200000.00"), Decimal("150000.00"), Decimal("50000.00"), Decimal(100_000),
    )  # fmt: skip
    assert [(c["code"], c["weight"], c["points"]) for c in uitleg["priority"]["criteria"]] == [
        ("urgentie", Decimal(30), 0.5),
        ("koppeling", Decimal(15), 0.1),
    ]
    assert uitleg["coupling"] is None
    assert uitleg["unfunded"] == []


def test_a_work_in_its_preferred_year_says_so(programme):
    work = WorkFactory(programme=programme, preferred_year=2029, scheduled_year=2029)
    assert _explained(work)["timing"]["sentence"] == "Gepland in 2029, het voorkeursjaar."


def test_a_work_moved_to_its_couplings_common_year_names_the_coupling(programme):
    coupling = CouplingFactory(
        programme=programme, street="Kerkstraat", year=2029, window_start=2028,
        window_end=2030, savings=Decimal(45_000), openings_avoided=1,
    )  # fmt: skip
    work = WorkFactory(
        programme=programme, preferred_year=2028, scheduled_year=2029, coupling=coupling,
        saving=Decimal(12_000),
    )  # fmt: skip
    cable = WorkFactory(programme=programme, label="Kabel Kerkstraat", coupling=coupling)

    uitleg = _explained(work)

    assert uitleg["timing"]["sentence"] == (
        "Gepland in 2029 in plaats van 2028 (voorkeursjaar): het werk gebeurt samen met 1 "
        "ander werk van zijn koppelkans, in hun gezamenlijke jaar 2029."
    )
    assert uitleg["coupling"]["sentence"] == (
        "Dit werk zit in een koppelkans met 1 ander werk in Kerkstraat. Samen besparen ze "
        "€ 45.000 en gaat de straat 1 keer minder open. Dit werk wordt daardoor € 12.000 "
        "goedkoper."
    )
    assert [w["id"] for w in uitleg["coupling"]["works"]] == [cable.pk]


def test_a_work_kept_out_of_its_preferred_year_by_graafrust_names_the_reconstruction(
    programme,
):
    """The road is rebuilt in 2026 (two works) and partly in 2025; graafrust of 3 years
    closes 2027–2029 to a work that opens the street, so the sewer preferred in 2027 is
    planned in 2030. The latest reconstruction (2026) is the one that closes it longest."""
    paving = WorkFactory(
        programme=programme, label="Herinrichting Kerkstraat", street="Kerkstraat",
        window_start=2026, preferred_year=2026, scheduled_year=2026, opens_street=False,
        reconstructs_street=True,
    )  # fmt: skip
    sewer = WorkFactory(
        programme=programme, street="Kerkstraat", window_start=2027, window_end=2031,
        preferred_year=2027, scheduled_year=2030, opens_street=True,
    )  # fmt: skip

    WorkFactory(
        programme=programme, label="Stoep Kerkstraat", street="Kerkstraat", window_start=2026,
        preferred_year=2026, scheduled_year=2026, opens_street=False, reconstructs_street=True,
    )  # fmt: skip
    earlier = WorkFactory(
        programme=programme, street="Kerkstraat", window_start=2025, preferred_year=2025,
        scheduled_year=2025, opens_street=False, reconstructs_street=True,
    )  # fmt: skip

    uitleg = _explained(sewer)

    assert uitleg["timing"]["sentence"] == (
        "Gepland in 2030 in plaats van 2027 (voorkeursjaar): graafrust: in 2026 wordt de "
        "straat opnieuw aangelegd (Herinrichting Kerkstraat en 1 ander werk), dus de straat "
        "gaat tot en met 2029 niet open."
    )
    assert uitleg["timing"]["causes"][0]["works"][0]["id"] == paving.pk
    assert earlier.pk in [w["id"] for w in uitleg["graafrust"]["works"]]
    assert uitleg["graafrust"]["breaks"] is False


def test_a_reconstruction_waits_for_an_opening_after_its_preferred_year(programme):
    """A cable opens the street in 2029; a road rebuilt in 2027 would be dug open again
    within its 3 years of graafrust (2029 − 2027 = 2 ≤ 3), so the rebuild is planned with
    the cable, in 2029."""
    WorkFactory(
        programme=programme, label="Kabel Kerkstraat", street="Kerkstraat", window_start=2029,
        preferred_year=2029, scheduled_year=2029, opens_street=True,
    )  # fmt: skip
    rebuild = WorkFactory(
        programme=programme, street="Kerkstraat", window_start=2027, window_end=2031,
        preferred_year=2027, scheduled_year=2029, opens_street=False, reconstructs_street=True,
    )  # fmt: skip

    assert _explained(rebuild)["timing"]["sentence"] == (
        "Gepland in 2029 in plaats van 2027 (voorkeursjaar): graafrust: in 2029 gaat de "
        "straat open (Kabel Kerkstraat), dus opnieuw aanleggen in 2027 zou te vroeg zijn."
    )


def test_a_one_year_window_is_said_plainly(programme):
    work = WorkFactory(programme=programme, window_start=2028, window_end=2028,
                       preferred_year=2028, scheduled_year=2028)  # fmt: skip
    assert _explained(work)["timing"]["window"] == "Dit werk kan alleen in 2028 starten."


def test_a_work_that_breaks_graafrust_gives_the_cause(programme):
    work = WorkFactory(
        programme=programme, breaks_graafrust=True, graafrust_cause="vensters overlappen niet"
    )
    assert _explained(work)["graafrust"]["sentence"] == (
        "Dit werk doorbreekt de graafrust: vensters overlappen niet."
    )


def test_an_unfunded_work_gives_its_reason_gap_and_the_works_filling_the_line(programme):
    first = WorkFactory(programme=programme, key="M:wegen:1", label="Asfalt Dorpsstraat")
    work = WorkFactory(programme=programme, scheduled_year=None)
    UnfundedItemFactory(
        work=work, budget_line=programme.line, year=2029, gap=Decimal(30_000),
        reason="In 2029 is Wegen vol met werken die meer waarde hebben: M:wegen:1.",
        code="budget_vol", facts={"line": "wegen", "years": [2029], "by": ["M:wegen:1"]},
    )  # fmt: skip

    uitleg = _explained(work)

    assert uitleg["timing"]["sentence"].startswith("Niet gepland")
    assert uitleg["graafrust"]["sentence"].startswith("Het werk is niet gepland."), (
        "an unplanned work neither keeps nor breaks graafrust"
    )
    [item] = uitleg["unfunded"]
    assert (item["code"], item["line"], item["year"], item["gap"]) == (
        "budget_vol", "wegen", 2029, Decimal(30_000),
    )  # fmt: skip
    assert item["gap_sentence"] == "Met € 30.000 meer op Wegen in 2029 past het werk."
    assert item["code_label"] == "budget vol door werken met meer prioriteit"
    assert [w["id"] for w in item["works"]] == [first.pk]


def _busy_work(programme, size: int) -> Work:
    """A coupled, unfunded work in a street with `size` neighbours and coupled works."""
    coupling = CouplingFactory(programme=programme, street="Kerkstraat", year=2029)
    work = WorkFactory(
        programme=programme, street="Kerkstraat", coupling=coupling, scheduled_year=None
    )
    for i in range(size):
        WorkFactory(
            programme=programme, key=f"buur-{size}-{i}", street="Kerkstraat", coupling=coupling
        )
        WorkCostFactory(work=work, budget_line=BudgetLineFactory(), offset=0)
    UnfundedItemFactory(
        work=work,
        budget_line=programme.line,
        facts={"by": [f"buur-{size}-{i}" for i in range(size)], "closed_by": []},
    )
    return Work.objects.select_related("programme", "coupling").get(pk=work.pk)


def test_the_explanation_takes_the_same_queries_for_a_busy_work(
    programme, django_assert_num_queries
):
    """Money (3), costs, unfunded rows, weights, coupled works, neighbours, named works."""
    small, busy = _busy_work(programme, 1), _busy_work(programme, 8)
    with django_assert_num_queries(9):
        work_explanation(small)
    with django_assert_num_queries(9):
        uitleg = work_explanation(busy)
    assert len(uitleg["coupling"]["works"]) == 8


def test_the_work_page_shows_why_this_year_with_links(client, programme):
    first = WorkFactory(programme=programme, key="M:wegen:1", label="Asfalt Dorpsstraat")
    work = WorkFactory(programme=programme, scheduled_year=None, label="Riool Kerkstraat")
    UnfundedItemFactory(
        work=work, budget_line=programme.line, year=2029, gap=Decimal(30_000),
        code="budget_vol", facts={"by": ["M:wegen:1"]},
    )  # fmt: skip
    user = UserFactory()
    user.groups.add(Group.objects.get(name=Role.VIEWER.value))
    client.force_login(user)

    response = client.get(reverse("programming:programme_work", args=[programme.pk, work.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Waarom dit jaar" in html
    assert "Met € 30.000 meer op Wegen in 2029 past het werk." in html
    assert reverse("programming:programme_work", args=[programme.pk, first.pk]) in html


def test_the_api_explains_a_work_as_visible_as_the_work(programme):
    """A partner reads the explanation of its own work, not of another's (404), and the
    other organisation's work in its coupling is not named."""
    enexis = ActorFactory(name="Enexis Netbeheer", partner=True)
    vechthorst = ActorFactory(name="Vechthorst", partner=True)
    coupling = CouplingFactory(programme=programme, street="Kerkstraat")
    own = WorkFactory(programme=programme, owner=enexis, coupling=coupling)
    other = WorkFactory(programme=programme, owner=vechthorst, coupling=coupling, label="Geheim")
    partner = client_for(user_with_role(Role.PARTNER, organisation=enexis))

    response = partner.get(f"{API}/{programme.pk}/werken/{own.pk}/uitleg")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["work"]["id"] == own.pk
    assert body["coupling"]["works"] == [
        {"id": None, "key": None, "label": "een werk van een andere organisatie"}
    ]
    assert "Geheim" not in response.content.decode()
    assert partner.get(f"{API}/{programme.pk}/werken/{other.pk}/uitleg").status_code == 404
    viewer = client_for(user_with_role(Role.VIEWER))
    named = viewer.get(f"{API}/{programme.pk}/werken/{own.pk}/uitleg").json()
    assert [w["label"] for w in named["coupling"]["works"]] == ["Geheim"]


def test_an_unfunded_works_facts_keep_another_organisations_works_secret(programme):
    """The facts of a partner's unfunded work name the works that fill its line, share
    its coupling and close its years by graafrust (paved before it, dug after it). A
    work of another organisation is named neither in the reason nor in the facts (its
    key holds that organisation's project code); a municipal user reads them all."""
    enexis = ActorFactory(name="Enexis Netbeheer", partner=True)
    vechthorst = ActorFactory(name="Vechthorst", partner=True)
    own = WorkFactory(programme=programme, owner=enexis, scheduled_year=None)
    WorkFactory(programme=programme, owner=enexis, key="P:EIGEN-1", label="Eigen kabel")
    for key in ("P:VH-1", "P:VH-2", "P:VH-3", "P:VH-4"):
        WorkFactory(programme=programme, owner=vechthorst, key=key, label=f"Geheim {key}")
    UnfundedItemFactory(
        work=own, budget_line=programme.line, year=2029, code="budget_vol",
        facts={"line": "wegen", "years": [2029], "by": ["P:VH-1", "P:EIGEN-1"],
               "members": ["P:VH-2"]},
    )  # fmt: skip
    UnfundedItemFactory(
        work=own, budget_line=None, year=None, gap=Decimal(0), code="graafrust",
        facts={"closed_years": [2029], "money_fits": True,
               "closed_by": [{"work": "P:VH-3", "year": 2027}],
               "dug_by": [{"work": "P:VH-4", "year": 2030}]},
    )  # fmt: skip
    url = f"{API}/{programme.pk}/werken/{own.pk}/uitleg"

    response = client_for(user_with_role(Role.PARTNER, organisation=enexis)).get(url)

    assert response.status_code == 200, response.content
    assert "VH" not in response.content.decode()
    by_code = {item["code"]: item for item in response.json()["unfunded"]}
    full, graafrust = by_code["budget_vol"], by_code["graafrust"]
    assert full["facts"]["by"] == [None, "P:EIGEN-1"]
    assert full["facts"]["members"] == [None]
    assert "een werk van een andere organisatie, Eigen kabel" in full["reason"]
    assert graafrust["facts"]["closed_by"] == [{"work": None, "year": 2027}]
    assert graafrust["facts"]["dug_by"] == [{"work": None, "year": 2030}]
    named = {
        item["code"]: item
        for item in client_for(user_with_role(Role.VIEWER)).get(url).json()["unfunded"]
    }
    assert named["budget_vol"]["facts"]["by"] == ["P:VH-1", "P:EIGEN-1"]
    assert "Geheim P:VH-4 (2030)" in named["graafrust"]["reason"], "the digging work is named"
