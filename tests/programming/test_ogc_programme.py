"""A programme's works and couplings as OGC API feature collections (`programming.ogc`):
the exports' rows, values and geometries, the programme API's permissions."""

import json
from decimal import Decimal

import pytest
import shapely
from django.contrib.auth.models import Group
from django.urls import reverse

from impor.ogc.collections import collection_for, collections_for
from programming.exports import work_columns
from programming.models import Coupling, Work
from stakeholders.choices import Role
from stakeholders.models import Actor
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    CouplingFactory,
    ProgrammeFactory,
    UserFactory,
    WorkCostFactory,
    WorkFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)
from tests.programming.test_workbook import computed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

WEST = "LINESTRING (214000 502500, 214100 502500)"
EAST = "LINESTRING (214100 502500, 214200 502500)"


def _user(role: Role, **fields):
    ensure_role_groups()
    user = UserFactory(**fields)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def _page(collection, user):
    rows = list(collection.queryset(user).order_by("pk"))
    return rows, collection.properties(user, rows), collection.geometries(user, rows)


@pytest.fixture
def shared():
    """A coupling of the municipality's sewer work (west half of the street) and a grid
    operator's cable work (east half), and a second partner's work elsewhere."""
    programme = ProgrammeFactory()
    grid = ActorFactory(partner=True, name="Netbeheerder")
    water = ActorFactory(partner=True, name="Waterbedrijf")
    coupling = CouplingFactory(programme=programme, street="Kerkstraat")
    sewer = WorkFactory(programme=programme, coupling=coupling, geometry=WEST)
    cable = WorkFactory(
        programme=programme, kind="partner", owner=grid, coupling=coupling, geometry=EAST
    )
    pipe = WorkFactory(programme=programme, kind="partner", owner=water)
    return programme, grid, coupling, sewer, cable, pipe


def test_a_municipal_user_reads_every_work_and_the_whole_coupling(shared):
    programme, _grid, coupling, sewer, cable, pipe = shared
    user = _user(Role.VIEWER)
    works = collection_for(user, f"programme-{programme.pk}-works")
    rows, properties, _geometries = _page(works, user)
    assert [row.pk for row in rows] == sorted([sewer.pk, cable.pk, pipe.pk])
    couplings = collection_for(user, f"programme-{programme.pk}-couplings")
    rows, properties, geometries = _page(couplings, user)
    assert [row.pk for row in rows] == [coupling.pk]
    assert properties[0]["work_count"] == 2
    drawn = shapely.from_wkt(geometries[0])
    assert drawn.equals(shapely.from_wkt("LINESTRING (214000 502500, 214200 502500)")), (
        "the union of both halves is the whole street"
    )


def test_a_partner_reads_its_own_works_and_its_coupling_drawn_from_them(shared):
    programme, grid, coupling, _sewer, cable, pipe = shared
    user = _user(Role.PARTNER, organisation=grid)
    works = collection_for(user, f"programme-{programme.pk}-works")
    rows, properties, _geometries = _page(works, user)
    assert [row.pk for row in rows] == [cable.pk], "not the municipality's, not the water's"
    assert properties[0]["owner"] == grid.pk
    couplings = collection_for(user, f"programme-{programme.pk}-couplings")
    rows, _properties, geometries = _page(couplings, user)
    assert [row.pk for row in rows] == [coupling.pk]
    assert shapely.from_wkt(geometries[0]).equals(shapely.from_wkt(EAST)), (
        "drawn from its own work only: the sewer's half is not shown"
    )
    water_user = _user(Role.PARTNER, organisation=pipe.owner)
    couplings = collection_for(water_user, f"programme-{programme.pk}-couplings")
    assert list(couplings.queryset(water_user)) == [], "no coupling concerns the water company"


def test_who_may_read_the_programme_collections():
    programme = ProgrammeFactory()
    ids = {f"programme-{programme.pk}-works", f"programme-{programme.pk}-couplings"}
    viewer = _user(Role.VIEWER)
    assert ids <= {c.id for c in collections_for(viewer)}
    partner = _user(Role.PARTNER, organisation=ActorFactory(partner=True))
    assert ids <= {c.id for c in collections_for(partner)}, "partners read works and couplings"
    nobody = UserFactory()
    assert not [c.id for c in collections_for(nobody) if c.id.startswith("programme-")]
    assert collection_for(nobody, f"programme-{programme.pk}-works") is None


def test_the_works_properties_are_the_exports_values(client, computed):  # noqa: F811
    """Every property that the works export has holds the export's value (a choice: its
    code, whose label the export shows), for every work: GIS layer and file agree."""
    user = _user(Role.VIEWER)
    client.force_login(user)
    url = reverse("programming:programme_export_werken_geojson", args=[computed.pk])
    exported = {
        f["properties"]["Sleutel"]: f["properties"]
        for f in json.loads(b"".join(client.get(url).streaming_content))["features"]
    }
    works = collection_for(user, f"programme-{computed.pk}-works")
    rows, properties, geometries = _page(works, user)
    assert len(rows) == len(exported) == 4
    names = {"project__code": "project_code", "area__name": "area_name", "coupling_id": "coupling"}
    for row, mine in zip(rows, properties, strict=True):
        theirs = exported[mine["key"]]
        assert theirs["Nummer"] == row.pk
        for field, column in work_columns():
            if field == "pk":
                continue
            value = mine[names.get(field, field)]
            expected = theirs[column.header]
            assert (column.convert(value) if column.choices else value) == expected, field
    cable = next(p for p in properties if p["key"] == "P:E-1")
    assert cable["kind"] == "partner"
    assert cable["cost"] == 300000.0, "euros, as a JSON number"
    assert cable["funded"] is True
    assert cable["project"] == Work.objects.get(key="P:E-1").project_id
    assert all(geometries), "every work of the Kerkstraat has its geometry"


def test_the_works_budget_lines_are_its_cost_lines_once_each():
    programme = ProgrammeFactory()
    work = WorkFactory(programme=programme, scheduled_year=None)
    sewers, roads = BudgetLineFactory(), BudgetLineFactory()
    for line, offset in ((sewers, 0), (sewers, 1), (roads, 0)):
        WorkCostFactory(work=work, budget_line=line, offset=offset, amount=Decimal(1000))
    user = _user(Role.VIEWER)
    works = collection_for(user, f"programme-{programme.pk}-works")
    [properties] = works.properties(user, [work])
    assert properties["budget_lines"] == sorted([sewers.pk, roads.pk])
    assert properties["funded"] is False
    assert properties["scheduled_year"] is None


def test_the_couplings_properties_are_the_exports_values(client, computed):  # noqa: F811
    user = _user(Role.VIEWER)
    client.force_login(user)
    url = reverse("programming:programme_export_koppelkansen_geojson", args=[computed.pk])
    exported = {
        f["properties"]["Nummer"]: f
        for f in json.loads(b"".join(client.get(url).streaming_content))["features"]
    }
    couplings = collection_for(user, f"programme-{computed.pk}-couplings")
    rows, properties, geometries = _page(couplings, user)
    assert len(rows) == len(exported) == Coupling.objects.filter(programme=computed).count()
    for row, mine, wkt in zip(rows, properties, geometries, strict=True):
        theirs = exported[row.pk]["properties"]
        assert mine["street"] == theirs["Straat"]
        assert mine["savings"] == theirs["Besparing (€)"]
        assert mine["work_count"] == theirs["Werken"]
        assert mine["decision"] == "voorgesteld"
        assert theirs["Besluit"] == "voorgesteld"
        assert mine["shared_cost"] == theirs["Gedeelde kosten (€)"]
        assert mine["cost_split"] == theirs["Kostenverdeling (€ per partij)"]
        assert shapely.from_wkt(wkt).geom_type == exported[row.pk]["geometry"]["type"]


def test_a_partner_of_the_computed_programme_sees_its_cable_and_its_coupling(computed):  # noqa: F811
    grid = Actor.objects.get(name="Netbeheerder")
    user = _user(Role.PARTNER, organisation=grid)
    works = collection_for(user, f"programme-{computed.pk}-works")
    assert [row.key for row in works.queryset(user)] == ["P:E-1"]
    couplings = collection_for(user, f"programme-{computed.pk}-couplings")
    cable = Work.objects.get(key="P:E-1")
    assert [row.pk for row in couplings.queryset(user)] == [cable.coupling_id]
