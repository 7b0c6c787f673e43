"""The projects as an OGC API feature collection (`projects.ogc`): the project API's
rows and values, a partner's own projects only."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
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
