"""The projects as an OGC API feature collection (`projects.ogc`): the project API's
rows and values, a partner's own projects only."""

import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from impor.ogc.collections import collection_for
from stakeholders.choices import Role
from stakeholders.roles import ensure_role_groups
from tests.factories import ActorFactory, AreaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _user(role: Role, **fields):
    ensure_role_groups()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def projects():
    grid = ActorFactory(partner=True, name="Netbeheerder")
    square = ProjectFactory(code="G-1", cost_estimate=Decimal("400000.50"))
    square.areas.add(AreaFactory(kern=True))
    cable = ProjectFactory(code="E-1", owner=grid, start_year=2028, end_year=2029)
    return grid, square, cable


def test_a_municipal_user_reads_every_project_with_the_apis_values(projects):
    _grid, square, cable = projects
    user = _user(Role.VIEWER)
    collection = collection_for(user, "projects")
    rows = list(collection.queryset(user).order_by("pk"))
    assert [row.pk for row in rows] == [square.pk, cable.pk]
    client = APIClient()
    client.force_authenticate(user)
    for project, mine in zip(rows, collection.properties(user, rows), strict=True):
        theirs = client.get(f"/api/v1/projecten/{project.pk}").json()
        for name in (
            "code",
            "name",
            "kind",
            "status",
            "certainty",
            "owner",
            "lead",
            "street",
            "start_year",
            "end_year",
            "shift_early",
            "shift_late",
            "scale",
            "opens_street",
        ):
            assert mine[name] == theirs[name], name
        assert sorted(mine["areas"]) == sorted(theirs["areas"])
        assert mine["cost_estimate"] == float(theirs["cost_estimate"])
    first = collection.properties(user, rows)[0]
    assert first["cost_estimate"] == 400000.5
    assert first["owner_name"] == square.owner.name


def test_a_partner_reads_only_its_own_projects(projects):
    grid, _square, cable = projects
    user = _user(Role.PARTNER, organisation=grid)
    collection = collection_for(user, "projects")
    assert [row.pk for row in collection.queryset(user)] == [cable.pk]


def test_who_may_not_read_projects_does_not_get_the_collection():
    assert collection_for(UserFactory(), "projects") is None


# --- through the service: /api/v1/ogc/collections/<id>/items --------------------------

ITEMS = "/api/v1/ogc/collections/projects/items"


def _ids(client, **params) -> list[int]:
    response = client.get(ITEMS, params)
    assert response.status_code == 200, response.content
    return [feature["id"] for feature in json.loads(response.content)["features"]]


def test_the_items_filter_on_the_queryables_and_the_years(projects):
    grid, square, cable = projects
    client = APIClient()
    client.force_authenticate(_user(Role.VIEWER))
    assert _ids(client) == [square.pk, cable.pk]
    assert _ids(client, owner=grid.pk) == [cable.pk]
    assert _ids(client, start_year="2028") == [cable.pk]
    assert _ids(client, status=square.status) == [square.pk, cable.pk]
    assert _ids(client, datetime="2029-01-01") == [cable.pk], "runs 2028 to 2029"
    response = client.get(ITEMS, {"owner": "Netbeheerder"})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "owner"


def test_a_partner_gets_404_for_another_organisations_project(projects):
    grid, square, cable = projects
    client = APIClient()
    client.force_authenticate(_user(Role.PARTNER, organisation=grid))
    assert _ids(client) == [cable.pk]
    assert client.get(f"{ITEMS}/{cable.pk}").status_code == 200
    assert client.get(f"{ITEMS}/{square.pk}").status_code == 404


def test_an_items_page_costs_the_same_queries_for_3_or_30_projects():
    client = APIClient()
    client.force_authenticate(_user(Role.VIEWER))
    counts = []
    for size in (3, 30):
        for project in ProjectFactory.create_batch(size):
            project.areas.add(AreaFactory(kern=True))
        client.get(ITEMS)  # the user's permissions are read once, on the first request
        with CaptureQueriesContext(connection) as queries:
            assert client.get(ITEMS, {"limit": 1000}).status_code == 200
        counts.append(len(queries))
    # The programmes (which collections there are), the count, the page and its areas.
    assert counts[0] == counts[1] <= 4, counts


def test_the_area_queryable_gives_a_project_in_two_areas_once(projects):
    _grid, square, cable = projects
    north, south = AreaFactory(kern=True), AreaFactory(kern=True)
    square.areas.add(north, south)
    cable.areas.add(south)
    client = APIClient()
    client.force_authenticate(_user(Role.VIEWER))
    assert _ids(client, area=north.pk) == [square.pk]
    assert _ids(client, area=f"{north.pk},{south.pk}") == [square.pk, cable.pk]
