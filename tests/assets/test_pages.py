"""The asset pages: list with filters, sort and export; the asset page; the edit form."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from assets.filters import with_lifecycle
from assets.models import Asset
from assets.selectors import asset_lifecycle_frame
from impor.choices import Discipline
from stakeholders.roles import ensure_role_groups
from tests.factories import (
    AreaFactory,
    AssetClassFactory,
    AssetFactory,
    InspectionFactory,
    ReportFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

LIST = reverse("assets:asset_list")


@pytest.fixture
def log_in_as(client):
    """Log the client in as a new user in the group of `role` (lezer, bewerker, …)."""
    groups = ensure_role_groups()

    def log_in(role: str):
        user = UserFactory()
        user.groups.add(groups[role])
        client.force_login(user)
        return user

    return log_in


@pytest.fixture
def sewer_and_roads():
    """Three sewers (1960, 1975, 1990) and two road sections in one village."""
    sewer = AssetClassFactory(discipline=Discipline.RIOLERING)
    road = AssetClassFactory(
        code="asfalt", name="Asfalt", discipline=Discipline.VERHARDING, unit="m2", lifespan=30
    )
    village = AreaFactory(kern=True, name="Nieuwleusen")
    for year in (1960, 1975, 1990):
        AssetFactory(asset_class=sewer, area=village, construction_year=year)
    for year in (1980, 2000):
        AssetFactory(asset_class=road, area=village, construction_year=year, street="Kerkweg")
    return sewer, road


def test_the_list_sends_an_anonymous_visitor_to_the_login_page(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/")


def test_the_asset_page_sends_an_anonymous_visitor_to_the_login_page(client):
    asset = AssetFactory()
    response = client.get(reverse("assets:asset_detail", args=[asset.pk]))
    assert response.status_code == 302
    assert response.url.startswith("/inloggen/")


def test_a_user_without_the_view_permission_gets_403(client):
    client.force_login(UserFactory())
    assert client.get(LIST).status_code == 403


def test_the_list_needs_a_bounded_number_of_queries(
    client, log_in_as, django_assert_max_num_queries
):
    for asset in AssetFactory.create_batch(30):
        InspectionFactory.create_batch(2, asset=asset)
        ReportFactory(asset=asset)
    log_in_as("lezer")
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == 30


def test_the_list_filters_on_discipline_and_sorts_on_construction_year(
    client, log_in_as, sewer_and_roads
):
    log_in_as("lezer")
    response = client.get(LIST, {"discipline": "riolering", "sort": "-construction_year"})
    years = [asset.construction_year for asset in response.context["page_obj"]]
    assert years == [1990, 1975, 1960]
    assert 'aria-sort="descending"' in response.content.decode()


def test_the_list_filters_on_urgency_as_the_lifecycle_rule_says(client, log_in_as):
    sewer = AssetClassFactory(lifespan=60)
    this_year = datetime.date.today().year
    overdue = AssetFactory(asset_class=sewer, construction_year=this_year - 70)
    AssetFactory(asset_class=sewer, construction_year=this_year - 10, condition=None)
    log_in_as("lezer")
    response = client.get(LIST, {"urgency": "achterstallig"})
    assert [asset.pk for asset in response.context["page_obj"]] == [overdue.pk]


def test_the_excel_export_holds_the_filtered_and_sorted_rows(client, log_in_as, sewer_and_roads):
    log_in_as("lezer")
    response = client.get(
        LIST, {"discipline": "riolering", "sort": "construction_year", "export": "xlsx"}
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    assert header[2] == "Discipline"
    assert header[7] == "Aanlegjaar"
    assert [row[7] for row in data] == [1960, 1975, 1990]
    assert {row[2] for row in data} == {"riolering"}
    assert workbook.active.freeze_panes == "A2"
    assert workbook.active.auto_filter.ref == "A1:M4"


def test_the_csv_export_is_written_for_dutch_excel(client, log_in_as, sewer_and_roads):
    log_in_as("lezer")
    response = client.get(LIST, {"street": "kerk", "sort": "-construction_year", "export": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][0] == "Id"
    assert [row[7] for row in rows[1:]] == ["2000", "1980"]
    assert rows[1][5] == "40,00"  # decimal comma
    assert {row[2] for row in rows[1:]} == {"verharding"}


def test_an_unknown_export_format_is_not_found(client, log_in_as):
    log_in_as("lezer")
    assert client.get(LIST, {"export": "pdf"}).status_code == 404


def test_the_sql_lifecycle_gives_the_numbers_of_the_lifecycle_rule():
    sewer = AssetClassFactory(condition_rule={"4": 10, "5": 5, "6": 0})
    for condition, year, override in [
        (None, 1950, None),
        (3, 1975, 80),
        (4, 2000, None),
        (5, 2010, None),
        (6, 2015, None),
    ]:
        AssetFactory(
            asset_class=sewer,
            condition=condition,
            construction_year=year,
            lifespan_override=override,
            unit_cost_override=Decimal("750.00") if override else None,
        )
    AssetFactory(condition=5, condition_date=None)
    frame = asset_lifecycle_frame(reference_year=2026, price_year=2026)
    for asset in with_lifecycle(Asset.objects.all(), reference_year=2026, price_year=2026):
        expected = frame.loc[asset.pk]
        assert asset.preferred_year == expected["preferred_year"]
        assert asset.remaining_life == expected["remaining_life"]
        assert asset.urgency == expected["urgency"]
        assert asset.replacement_value == pytest.approx(expected["replacement_value"])


def test_the_asset_page_shows_lifecycle_inspections_and_reports(
    client, log_in_as, django_assert_max_num_queries
):
    asset = AssetFactory(area=AreaFactory(wijk=True))
    InspectionFactory.create_batch(5, asset=asset)
    ReportFactory.create_batch(5, asset=asset)
    log_in_as("lezer")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assets:asset_detail", args=[asset.pk]))
    page = response.content.decode()
    assert "Einde levensduur" in page
    assert page.count("Rioolinspectie Oost") == 5
    assert page.count("Putdeksel ligt los.") == 5


def test_the_geojson_of_an_asset_is_in_lon_lat(client, log_in_as):
    asset = AssetFactory()
    log_in_as("lezer")
    data = client.get(reverse("assets:asset_geojson", args=[asset.pk])).json()
    lon, lat = data["features"][0]["geometry"]["coordinates"][0]
    assert 6 < lon < 7
    assert 52 < lat < 53
    assert data["features"][0]["properties"]["url"] == reverse(
        "assets:asset_detail", args=[asset.pk]
    )


def test_a_reader_may_not_edit_or_add_an_asset(client, log_in_as):
    asset = AssetFactory()
    log_in_as("lezer")
    assert client.get(reverse("assets:asset_update", args=[asset.pk])).status_code == 403
    assert client.post(reverse("assets:asset_create"), {}).status_code == 403


def _form_data(asset: Asset, **changes) -> dict:
    data = {
        "source": asset.source,
        "external_id": asset.external_id,
        "asset_class": asset.asset_class_id,
        "area": asset.area_id,
        "street": asset.street,
        "quantity": "40",
        "material": "beton",
        "construction_year": "1975",
        "condition": "3",
        "condition_date": "2023-05-01",
        "geometry": "LINESTRING (214500 500800, 214540 500800)",
    }
    return data | changes


def test_an_editor_changes_an_asset(client, log_in_as):
    asset = AssetFactory()
    log_in_as("bewerker")
    response = client.post(
        reverse("assets:asset_update", args=[asset.pk]),
        _form_data(asset, street="Molenstraat", geometry="POINT (214500.0001 500800)"),
    )
    assert response.status_code == 302
    asset.refresh_from_db()
    assert asset.street == "Molenstraat"
    assert asset.geometry == "POINT (214500 500800)"


def test_a_bad_form_shows_dutch_errors_at_the_fields(client, log_in_as):
    asset = AssetFactory()
    log_in_as("bewerker")
    next_year = str(datetime.date.today().year + 1)
    response = client.post(
        reverse("assets:asset_update", args=[asset.pk]),
        _form_data(asset, construction_year=next_year, geometry="LINESTRING (0 0)", quantity=""),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["construction_year"] == ["Het aanlegjaar ligt in de toekomst."]
    assert form.errors["quantity"] == ["Dit veld is vereist."]
    assert form.errors["geometry"][0].startswith("Geen geldige geometrie")
