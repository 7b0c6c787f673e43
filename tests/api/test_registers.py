"""Every register endpoint: a viewer reads, writing follows the model permissions, bad
input is a 400 naming the field, and a list costs a fixed number of queries."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests import factories
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

#: (resource, factory, valid new row as a function of a fresh related row, a bad row and
#: the field it names)
ENDPOINTS = [
    ("gebieden", factories.AreaFactory, None, None),
    (
        "actoren",
        factories.ActorFactory,
        lambda: {
            "name": "Waterschap Drents Overijsselse Delta",
            "is_internal": False,
            "kind": "waterschap",
            "domain": "fysiek",
        },
        (
            lambda: {"name": "X", "is_internal": True, "kind": "waterschap", "domain": "fysiek"},
            "non_field_errors",
        ),
    ),
    (
        "themas",
        factories.ThemeFactory,
        lambda: {"code": "hittestress", "name": "Hittestress"},
        (lambda: {"code": "geen code!", "name": "Hitte"}, "code"),
    ),
    (
        "ambities",
        factories.AmbitionFactory,
        lambda: {"code": "groen", "name": "Groene kernen"},
        (lambda: {"code": "groen", "name": "Groen", "horizon_year": 1500}, "horizon_year"),
    ),
    (
        "budgetregels",
        factories.BudgetLineFactory,
        lambda: {
            "code": "groen",
            "name": "Groen",
            "owner": factories.ActorFactory().pk,
            "amounts": [{"year": 2027, "amount": "1000.00"}],
        },
        (lambda: {"code": "groen", "name": "Groen", "owner": 0}, "owner"),
    ),
    (
        "gebiedsopgaven",
        factories.AreaTaskFactory,
        lambda: {
            "area": factories.AreaFactory(kern=True).pk,
            "domain": "sociaal",
            "title": "Ontmoeting",
        },
        (
            lambda: {
                "area": factories.AreaFactory(kern=True).pk,
                "domain": "sociaal",
                "title": "Ontmoeting",
                "priority": 9,
            },
            "priority",
        ),
    ),
    (
        "objecttypen",
        factories.AssetClassFactory,
        lambda: {
            "code": "lamp",
            "name": "Lichtmast",
            "discipline": "verlichting",
            "unit": "st",
            "geometry_kind": "punt",
            "lifespan": 40,
            "unit_cost": "900.00",
            "price_year": 2024,
            "source": "CROW",
        },
        (
            lambda: {
                "code": "lamp",
                "name": "Lichtmast",
                "discipline": "verlichting",
                "unit": "st",
                "geometry_kind": "punt",
                "lifespan": 0,
                "unit_cost": "900.00",
                "price_year": 2024,
                "source": "CROW",
            },
            "lifespan",
        ),
    ),
    (
        "beheerobjecten",
        factories.AssetFactory,
        lambda: {
            "source": "gbi",
            "external_id": "N1",
            "asset_class": factories.AssetClassFactory().pk,
            "quantity": "10.00",
            "construction_year": 1980,
            "geometry": {"type": "Point", "coordinates": [6.2606, 52.5066]},
        },
        (
            lambda: {
                "source": "gbi",
                "external_id": "N1",
                "asset_class": factories.AssetClassFactory().pk,
                "quantity": "10.00",
                "construction_year": 2999,
            },
            "construction_year",
        ),
    ),
    (
        "inspecties",
        factories.InspectionFactory,
        lambda: {"asset": factories.AssetFactory().pk, "date": "2024-05-01", "condition": 4},
        (
            lambda: {"asset": factories.AssetFactory().pk, "date": "2024-05-01", "condition": 7},
            "condition",
        ),
    ),
    (
        "meldingen",
        factories.ReportFactory,
        lambda: {"external_id": "M-1", "reported_on": "2024-05-01", "category": "verzakking"},
        (
            lambda: {
                "external_id": "M-1",
                "reported_on": "2024-05-01",
                "closed_on": "2024-01-01",
                "category": "verzakking",
            },
            "non_field_errors",
        ),
    ),
    (
        "projecten",
        factories.ProjectFactory,
        lambda: {
            "code": "P-NIEUW",
            "name": "Riool",
            "kind": "beheer",
            "owner": factories.ActorFactory().pk,
            "start_year": 2027,
            "end_year": 2028,
        },
        (
            lambda: {
                "code": "P-NIEUW",
                "name": "Riool",
                "kind": "beheer",
                "owner": factories.ActorFactory().pk,
                "start_year": 2028,
                "end_year": 2027,
            },
            "non_field_errors",
        ),
    ),
    (
        "financieringen",
        factories.FundingFactory,
        lambda: {
            "project": factories.ProjectFactory().pk,
            "budget_line": factories.BudgetLineFactory().pk,
            "year": 2027,
            "amount": "100.00",
        },
        (
            lambda: {
                "project": factories.ProjectFactory().pk,
                "budget_line": factories.BudgetLineFactory().pk,
                "year": 2027,
                "amount": "-1",
            },
            "amount",
        ),
    ),
    (
        "projectrollen",
        factories.ProjectRoleFactory,
        lambda: {
            "project": factories.ProjectFactory().pk,
            "actor": factories.ActorFactory().pk,
            "role": "trekker",
        },
        (
            lambda: {
                "project": factories.ProjectFactory().pk,
                "actor": factories.ActorFactory().pk,
                "role": "baas",
            },
            "role",
        ),
    ),
    (
        "registeritems",
        factories.RegisterEntryFactory,
        lambda: {
            "project": factories.ProjectFactory().pk,
            "kind": "kans",
            "description": "Samen met de netbeheerder",
        },
        (
            lambda: {
                "project": factories.ProjectFactory().pk,
                "kind": "risico",
                "description": "Kabels",
                "impact": 6,
            },
            "impact",
        ),
    ),
    (
        "projectopdrachten",
        factories.ProjectBriefFactory,
        lambda: {"project": factories.ProjectFactory().pk, "leading_task": "Klimaatadaptatie"},
        (
            lambda: {"project": factories.ProjectFactory().pk, "budget_deviation_pct": 150},
            "budget_deviation_pct",
        ),
    ),
]
WRITABLE = [e for e in ENDPOINTS if e[2] is not None]
#: Who may write what (stakeholders.roles): editors the assets and projects, programme
#: managers also themes, ambitions and budget lines; actors and asset classes neither.
EDITOR_WRITES = {
    "gebiedsopgaven",
    "beheerobjecten",
    "inspecties",
    "meldingen",
    "projecten",
    "financieringen",
    "projectrollen",
    "registeritems",
    "projectopdrachten",
}
MANAGER_WRITES = EDITOR_WRITES | {"themas", "ambities", "budgetregels"}


@pytest.mark.parametrize(
    ("resource", "factory", "good", "bad"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_a_viewer_reads_list_and_detail(
    viewer, resource, factory, good, bad, django_assert_max_num_queries
):
    rows = factory.create_batch(3)
    with django_assert_max_num_queries(12):
        response = viewer.get(f"/api/v1/{resource}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] >= 3
    assert body["count_capped"] is False
    detail = viewer.get(f"/api/v1/{resource}/{rows[0].pk}")
    assert detail.status_code == 200
    assert detail.json()["id"] == rows[0].pk


@pytest.mark.parametrize(
    ("resource", "factory", "good", "bad"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS]
)
def test_the_list_costs_the_same_queries_for_more_rows(
    viewer, resource, factory, good, bad, django_assert_num_queries
):
    factory.create_batch(2)
    viewer.get(f"/api/v1/{resource}")  # the user's permissions are read once, then cached
    with CaptureQueriesContext(connection) as few:
        viewer.get(f"/api/v1/{resource}")
    factory.create_batch(8)
    with django_assert_num_queries(len(few)):
        viewer.get(f"/api/v1/{resource}")


@pytest.mark.parametrize(
    ("resource", "factory", "good", "bad"), WRITABLE, ids=[e[0] for e in WRITABLE]
)
def test_a_viewer_cannot_write(viewer, resource, factory, good, bad):
    response = viewer.post(f"/api/v1/{resource}", good(), format="json")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert factory._meta.model.objects.count() == 0


@pytest.mark.parametrize(
    ("resource", "factory", "good", "bad"), WRITABLE, ids=[e[0] for e in WRITABLE]
)
def test_writing_follows_the_role(editor, manager, resource, factory, good, bad):
    model = factory._meta.model
    before = model.objects.count()
    created = editor.post(f"/api/v1/{resource}", good(), format="json")
    if resource in EDITOR_WRITES:
        assert created.status_code == 201, created.json()
    else:
        assert created.status_code == 403
        created = manager.post(f"/api/v1/{resource}", good(), format="json")
        assert created.status_code == (201 if resource in MANAGER_WRITES else 403), created.json()
    if created.status_code == 201:
        assert model.objects.count() == before + 1
        assert created.json()["id"] == model.objects.latest("pk").pk


@pytest.mark.parametrize(
    ("resource", "factory", "good", "bad"), WRITABLE, ids=[e[0] for e in WRITABLE]
)
def test_bad_input_is_a_400_naming_the_field(resource, factory, good, bad):
    admin = factories.UserFactory()
    admin.groups.add(Group.objects.get(name="beheerder"))
    client = client_for(admin)
    make, field = bad
    data = make()
    model = factory._meta.model
    before = model.objects.count()
    response = client.post(f"/api/v1/{resource}", data, format="json")
    assert response.status_code == 400, response.json()
    assert response["Content-Type"] == "application/problem+json"
    assert field in {row["name"] for row in response.json()["invalidParams"]}
    assert model.objects.count() == before


def test_a_budget_line_is_written_with_its_annual_amounts(manager):
    owner = factories.ActorFactory()
    response = manager.post(
        "/api/v1/budgetregels",
        {
            "code": "riool",
            "name": "Riolering",
            "owner": owner.pk,
            "amounts": [{"year": 2027, "amount": "5.00"}, {"year": 2028, "amount": "6.00"}],
        },
        format="json",
    )
    assert response.status_code == 201
    line_id = response.json()["id"]
    changed = manager.patch(
        f"/api/v1/budgetregels/{line_id}",
        {"amounts": [{"year": 2029, "amount": "7.00"}]},
        format="json",
    )
    assert changed.json()["amounts"] == [{"year": 2029, "amount": "7.00"}]


def test_duplicate_years_of_a_budget_line_leave_it_unchanged(manager):
    amount = factories.BudgetAmountFactory(year=2027)
    response = manager.patch(
        f"/api/v1/budgetregels/{amount.budget_line_id}",
        {"amounts": [{"year": 2030, "amount": "1.00"}, {"year": 2030, "amount": "2.00"}]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "amounts"
    assert list(amount.budget_line.amounts.values_list("year", flat=True)) == [2027]


def test_an_ambition_lists_its_indicators(viewer):
    indicator = factories.IndicatorFactory()
    body = viewer.get(f"/api/v1/ambities/{indicator.ambition_id}").json()
    assert [i["name"] for i in body["indicators"]] == [indicator.name]
