"""A programme's works and couplings as OGC API feature collections (`programming.ogc`):
the exports' rows, values and geometries, the programme API's permissions."""

import json
from decimal import Decimal

import pytest
import shapely
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from impor.ogc.collections import collection_for, collections_for
from impor.ogc.params import RD_NEW
from programming.exports import work_columns
from programming.models import Coupling, RealisationStatus, Work
from stakeholders.choices import Role
from stakeholders.models import Actor
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    ActorFactory,
    BudgetLineFactory,
    CouplingFactory,
    ProgrammeFactory,
    RealisationFactory,
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
    [properties] = works.properties(user, list(works.queryset(user)))
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
        assert shapely.from_wkt(wkt).geom_type == exported[row.pk]["geometry"]["type"]


def test_a_partner_of_the_computed_programme_sees_its_cable_and_its_coupling(computed):  # noqa: F811
    grid = Actor.objects.get(name="Netbeheerder")
    user = _user(Role.PARTNER, organisation=grid)
    works = collection_for(user, f"programme-{computed.pk}-works")
    assert [row.key for row in works.queryset(user)] == ["P:E-1"]
    couplings = collection_for(user, f"programme-{computed.pk}-couplings")
    cable = Work.objects.get(key="P:E-1")
    assert [row.pk for row in couplings.queryset(user)] == [cable.coupling_id]


# --- through the service: /api/v1/ogc/collections/<id>/items --------------------------

OGC = "/api/v1/ogc/collections"


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _items(client, collection_id: str, **params) -> dict:
    response = client.get(f"{OGC}/{collection_id}/items", params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def _follow(client, url: str) -> tuple[list[dict], list[int | None]]:
    """Every feature of the pages from `url` to the last, and each page's numberMatched."""
    features: list[dict] = []
    matched: list[int | None] = []
    while url:
        body = json.loads(client.get(url).content)
        matched.append(body.get("numberMatched"))
        features.extend(body["features"])
        url = next((link["href"] for link in body["links"] if link["rel"] == "next"), "")
    return features, matched


def test_the_items_carry_the_works_apis_values(computed):  # noqa: F811
    """Money equal to the cent, a scheduled year, the work's name as the API words it."""
    client = _client(_user(Role.VIEWER))
    body = _items(client, f"programme-{computed.pk}-works")
    assert body["numberMatched"] == body["numberReturned"] == 4
    for feature in body["features"]:
        work = client.get(f"/api/v1/programmas/{computed.pk}/werken/{feature['id']}").json()
        mine = feature["properties"]
        for name in ("key", "kind", "label", "project", "area", "owner", "street", "certainty"):
            assert mine[name] == work[name], name
        for name in ("window_start", "window_end", "preferred_year", "scheduled_year"):
            assert mine[name] == work[name], name
        assert mine["cost"] == float(Decimal(work["cost"]))
        assert mine["saving"] == float(Decimal(work["saving"]))
        assert mine["coupling"] == work["coupling"]
        assert feature["geometry"] is not None


def test_the_works_queryables_filter_the_items(shared):
    programme, grid, coupling, sewer, cable, pipe = shared
    client = _client(_user(Role.VIEWER))
    works = f"programme-{programme.pk}-works"

    def ids(**params) -> list[int]:
        return [f["id"] for f in _items(client, works, **params)["features"]]

    assert ids(kind="partner") == [cable.pk, pipe.pk]
    assert ids(owner=grid.pk) == [cable.pk]
    assert ids(coupling=coupling.pk) == [sewer.pk, cable.pk]
    assert ids(scheduled_year="2029") == [sewer.pk, cable.pk, pipe.pk]
    assert ids(scheduled_year="2030") == []
    assert ids(datetime="2032-01-01/..") == [], "every window ends in 2031"
    assert ids(datetime="2031-06-01") == [sewer.pk, cable.pk, pipe.pk]
    response = client.get(f"{OGC}/{works}/items", {"scheduled_year": "volgend jaar"})
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "scheduled_year"
    couplings = f"programme-{programme.pk}-couplings"
    assert _items(client, couplings, decision="voorgesteld")["numberMatched"] == 1
    assert _items(client, couplings, decision="afgewezen")["numberMatched"] == 0
    assert _items(client, couplings, year="2027")["numberMatched"] == 1


def test_paging_to_the_end_reads_every_work_once(shared):
    programme, *_rest = shared
    WorkFactory.create_batch(4, programme=programme)
    client = _client(_user(Role.VIEWER))
    features, matched = _follow(client, f"{OGC}/programme-{programme.pk}-works/items?limit=2")
    ids = [f["id"] for f in features]
    assert ids == sorted(Work.objects.filter(programme=programme).values_list("pk", flat=True))
    assert matched == [len(ids), None, None, None] == [7, None, None, None]


def test_a_partner_gets_404_for_another_organisations_work(shared):
    programme, grid, coupling, sewer, cable, pipe = shared
    client = _client(_user(Role.PARTNER, organisation=grid))
    works = f"{OGC}/programme-{programme.pk}-works/items"
    assert client.get(f"{works}/{cable.pk}").status_code == 200
    for other in (sewer, pipe):
        response = client.get(f"{works}/{other.pk}")
        assert response.status_code == 404, other.key
    absent = client.get(f"{works}/999999").json()
    assert {**absent, "instance": ""} == {**response.json(), "instance": ""}, "no oracle"
    assert client.get(f"{OGC}/assets/items").status_code == 404, "partners read no assets"
    couplings = _items(client, f"programme-{programme.pk}-couplings", crs=RD_NEW)
    [feature] = couplings["features"]
    assert feature["id"] == coupling.pk
    assert shapely.geometry.shape(feature["geometry"]).equals(shapely.from_wkt(EAST))


def _queries_per_page(client, url: str) -> int:
    client.get(url)  # the user's permissions are read once, on the first request
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("what", ["works", "couplings"])
def test_a_page_costs_the_same_queries_for_3_or_30_works(what):
    """Each work in a coupling of its own, with a cost on a budget line."""
    client = _client(_user(Role.VIEWER))
    counts = []
    for size in (3, 30):
        programme = ProgrammeFactory()
        for _n in range(size):
            work = WorkFactory(programme=programme, coupling=CouplingFactory(programme=programme))
            WorkCostFactory(work=work)
        url = f"{OGC}/programme-{programme.pk}-{what}/items?limit=1000"
        counts.append(_queries_per_page(client, url))
    # The programmes, the count, the page, then the works' names and lines (2) or the
    # couplings' drawing (1).
    assert counts[0] == counts[1] <= 5, counts


def test_the_budget_line_queryable_gives_each_work_once(shared):
    """The sewer is charged to the sewer line in two years: one feature, not two."""
    programme, _grid, _coupling, sewer, cable, _pipe = shared
    sewers, grid_line = BudgetLineFactory(), BudgetLineFactory()
    for work, line, offset in ((sewer, sewers, 0), (sewer, sewers, 1), (cable, grid_line, 0)):
        WorkCostFactory(work=work, budget_line=line, offset=offset)
    client = _client(_user(Role.VIEWER))
    works = f"programme-{programme.pk}-works"
    body = _items(client, works, budget_line=sewers.pk)
    assert [f["id"] for f in body["features"]] == [sewer.pk]
    assert body["numberMatched"] == 1
    both = _items(client, works, budget_line=f"{sewers.pk},{grid_line.pk}")
    assert [f["id"] for f in both["features"]] == [sewer.pk, cable.pk]


def test_a_couplings_box_is_the_box_of_the_works_the_user_may_see(shared):
    """The bbox filter and the extent read each coupling's box from its works, as the
    box of their union: the municipality's is the whole street, the grid operator's the
    east half only."""
    programme, grid, coupling, *_works = shared
    couplings = f"programme-{programme.pk}-couplings"
    west = "214010,502490,214060,502510"
    for user, box, found in (
        (_user(Role.VIEWER), (214000, 502500, 214200, 502500), [coupling.pk]),
        (_user(Role.PARTNER, organisation=grid), (214100, 502500, 214200, 502500), []),
    ):
        collection = collection_for(user, couplings)
        assert collection.spatial_extent(user) == box
        client = _client(user)
        params = {"bbox": west, "bbox-crs": RD_NEW}
        assert [f["id"] for f in _items(client, couplings, **params)["features"]] == found
    assert _items(_client(_user(Role.VIEWER)), couplings, bbox="0,0,1,1")["features"] == []


def _extent(client, collection_id: str) -> list[float]:
    return client.get(f"{OGC}/{collection_id}").json()["extent"]["spatial"]["bbox"][0]


def test_a_kept_extent_is_each_users_own_and_a_computation_renews_it(shared):
    """The extent is kept a while per user (a GIS client asks it twice when it adds a
    layer): the municipality's whole street is never the grid operator's answer, and a
    computation that moves the works shows the new extent at once."""
    programme, grid, _coupling, sewer, _cable, _pipe = shared
    works = f"programme-{programme.pk}-works"
    manager, partner = _client(_user(Role.VIEWER)), _client(_user(Role.PARTNER, organisation=grid))
    whole = _extent(manager, works)
    east = _extent(partner, works)
    assert east[0] > whole[0], "the partner's extent starts where its cable does"
    assert _extent(partner, works) == east
    assert _extent(manager, works) == whole

    Work.objects.filter(pk=sewer.pk).update(geometry="LINESTRING (213000 502500, 213100 502500)")
    assert _extent(manager, works) == whole, "kept: nothing says the works changed"
    programme.computed_at = programme.created_at.replace(year=programme.created_at.year + 1)
    programme.save(update_fields=["computed_at"])
    assert _extent(manager, works)[0] < whole[0], "a new computation is read afresh"


def test_a_works_status_is_its_realisation_and_filters_the_items(shared):
    """`status` is what the Realisatie tab recorded for the work's key (null: nothing),
    read and filtered on the realisations the user may see."""
    programme, grid, _coupling, sewer, cable, pipe = shared
    RealisationFactory(key=sewer.key, status=RealisationStatus.FINISHED)
    RealisationFactory(key=cable.key, owner=grid, status=RealisationStatus.RUNNING)
    works = f"programme-{programme.pk}-works"
    client = _client(_user(Role.VIEWER))
    statuses = {f["id"]: f["properties"]["status"] for f in _items(client, works)["features"]}
    assert statuses == {sewer.pk: "gereed", cable.pk: "uitvoering", pipe.pk: None}
    assert [f["id"] for f in _items(client, works, status="gereed")["features"]] == [sewer.pk]
    both = _items(client, works, status="gereed,uitvoering")["features"]
    assert [f["id"] for f in both] == [sewer.pk, cable.pk]

    partner = _client(_user(Role.PARTNER, organisation=grid))
    (feature,) = _items(partner, works)["features"]
    assert feature["properties"]["status"] == "uitvoering"
    assert _items(partner, works, status="gereed")["features"] == [], "the sewer is not its"
