"""The area pages: the register as a tree, the edit page, the area page (anatomy of an
area) with its map data, and the villages overview per kern and year."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from programming.areas.views import PERIOD_YEARS, asset_table
from stakeholders.choices import Role, TaskDomain
from tests.factories import (
    AreaFactory,
    AreaTaskFactory,
    AssetFactory,
    CouplingFactory,
    ProjectFactory,
    UserFactory,
    WorkFactory,
)

pytestmark = pytest.mark.django_db
SQUARE = "POLYGON ((214000 500000, 215000 500000, 215000 501000, 214000 501000, 214000 500000))"


def user_with_role(role: Role):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def reader_client(client):
    client.force_login(user_with_role(Role.VIEWER))
    return client


@pytest.fixture
def area_with_content():
    """A wijk with two buurten, tasks, assets, a project and a computed programme."""
    wijk = AreaFactory(wijk=True, geometry=SQUARE)
    buurten = [AreaFactory(level="buurt", parent=wijk) for _ in range(2)]
    for domain in TaskDomain.values:
        AreaTaskFactory.create_batch(3, area=wijk, domain=domain)
    for buurt in buurten:
        AssetFactory.create_batch(15, area=buurt)
    for project in ProjectFactory.create_batch(5):
        project.areas.add(buurten[0])
    work = WorkFactory(area=buurten[0], label="Riool vervangen Prinsenstraat")
    programme = work.programme
    programme.computed_at = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
    programme.save()
    coupling = CouplingFactory(programme=programme, area=buurten[1])
    WorkFactory.create_batch(20, programme=programme, area=buurten[1], coupling=coupling)
    return wijk


def table_of(response) -> str:
    """The page's first table: the dropdowns of the filter form name areas too."""
    body = response.content.decode()
    return body[body.index("<table") :]


def test_area_pages_send_an_anonymous_visitor_to_the_login_page(client):
    area = AreaFactory()
    for url in (
        reverse("areas:area_list"),
        reverse("areas:area_detail", args=[area.pk]),
        reverse("areas:villages"),
        reverse("areas:area_geojson", args=[area.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_area_list_shows_the_tree_in_bounded_queries(
    reader_client, django_assert_max_num_queries
):
    gemeente = AreaFactory(name="Dalfsen")
    for k in range(3):
        kern = AreaFactory(level="kern", parent=gemeente, name=f"Kern {k}")
        for w in range(3):
            wijk = AreaFactory(level="wijk", parent=kern, name=f"Wijk {k}.{w}")
            AreaFactory.create_batch(4, level="buurt", parent=wijk)
    with django_assert_max_num_queries(8):
        response = reader_client.get(reverse("areas:area_list"))
    body = table_of(response)
    # Depth first: a kern's wijken come before the next kern.
    assert body.index("Kern 0") < body.index("Wijk 0.2") < body.index("Kern 1")


def test_the_area_list_filters_sorts_and_exports(reader_client):
    AreaFactory(name="Lemelerveld", kern=True, population=4000)
    AreaFactory(name="Nieuwleusen", kern=True, population=9000)
    url = reverse("areas:area_list")
    body = table_of(reader_client.get(url, {"name": "lemel"}))
    assert "Lemelerveld" in body
    assert "Nieuwleusen" not in body
    body = table_of(reader_client.get(url, {"level": "kern", "sort": "-population"}))
    assert body.index("Nieuwleusen") < body.index("Lemelerveld")
    response = reader_client.get(url, {"level": "kern", "export": "csv"})
    content = b"".join(response.streaming_content if response.streaming else [response.content])
    assert "Nieuwleusen" in content.decode("utf-8-sig")


def test_the_area_page_shows_the_anatomy_in_bounded_queries(
    reader_client, area_with_content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20):
        response = reader_client.get(reverse("areas:area_detail", args=[area_with_content.pk]))
    body = response.content.decode()
    assert "Opgaven: nu en gewenst" in body
    assert "Wateroverlast bij hevige buien." in body
    assert "riolering" in body  # assets per discipline
    assert "Riool vervangen Prinsenstraat" in body  # timeline from the programme
    assert "Koppelkansen" in body
    assert 'data-geojson="' in body


def test_the_area_asset_table_counts_assets_in_their_preferred_year():
    """A sewer built in 2000 (60 years) ends its life in 2060; rated 6 (zeer slecht) this
    year, the lifecycle rule wants it replaced this year, so the table counts it now."""
    this_year = datetime.date.today().year
    wijk = AreaFactory(wijk=True)
    AssetFactory(
        area=wijk,
        construction_year=2000,
        condition=6,
        condition_date=datetime.date(this_year, 1, 15),
    )
    table = asset_table([wijk.pk])
    assert table["periods"] == [this_year // PERIOD_YEARS * PERIOD_YEARS]
    assert table["rows"][0][2] == 1


def test_the_area_map_aggregates_assets_per_street_and_discipline(
    reader_client, area_with_content, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = reader_client.get(reverse("areas:area_geojson", args=[area_with_content.pk]))
    data = response.json()
    assert data["type"] == "FeatureCollection"
    labels = [f["properties"]["label"] for f in data["features"]]
    # 30 assets in one street and one discipline: one point, not thirty.
    assert sum("Prinsenstraat: 30" in label for label in labels) == 1
    lon, lat = data["features"][0]["geometry"]["coordinates"][0][0]
    assert 6.0 < lon < 6.5
    assert 52.3 < lat < 52.7


def test_the_villages_index_lists_every_kern_with_its_figures_and_a_link(
    reader_client, area_with_content, django_assert_max_num_queries
):
    kernen = [area_with_content.parent, *AreaFactory.create_batch(5, kern=True)]
    with django_assert_max_num_queries(10):
        response = reader_client.get(reverse("areas:villages"))
    body = response.content.decode()
    assert all(reverse("areas:village", args=[kern.pk]) in body for kern in kernen)
    # The index names no single work: those are on the kern's own page.
    assert "Riool vervangen Prinsenstraat" not in body


def test_a_kern_page_lists_its_works_per_year(
    reader_client, area_with_content, django_assert_max_num_queries
):
    kern = area_with_content.parent
    # The index's queries and one for the kern itself, however many works it has.
    with django_assert_max_num_queries(11):
        response = reader_client.get(reverse("areas:village", args=[kern.pk]))
    body = response.content.decode()
    assert kern.name in body
    assert "Riool vervangen Prinsenstraat" in body
    assert '<th scope="row">2029</th>' in body
    # The village's newsletters are one click away; making one only for who may.
    assert reverse("newsletter:archive", args=[kern.pk]) in body
    assert reverse("newsletter:manage_kern", args=[kern.pk]) not in body
    wijk = area_with_content
    assert reader_client.get(reverse("areas:village", args=[wijk.pk])).status_code == 404


def test_a_reader_cannot_edit_an_area(reader_client):
    area = AreaFactory()
    assert reader_client.get(reverse("areas:area_update", args=[area.pk])).status_code == 403


def test_a_bad_area_form_shows_dutch_errors_per_field(client):
    admin = user_with_role(Role.ADMINISTRATOR)
    client.force_login(admin)
    area = AreaFactory()
    response = client.post(
        reverse("areas:area_update", args=[area.pk]),
        {"name": "", "area_type": "woonwijk", "quality_level": "B", "social_priority": 9},
    )
    errors = response.context["form"].errors
    assert errors["name"] == ["Dit veld is vereist."]
    assert "social_priority" in errors
    assert "Dit veld is vereist." in response.content.decode()
