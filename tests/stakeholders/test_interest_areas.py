"""Areas of interest: the pages (drawn or typed, uploaded from a file with a dry run),
the visibility rule, and what a partner's inbox, feed and webhook carry about another
partner's work."""

import json
import re
import zipfile
from types import SimpleNamespace

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from impor.models import ImportRun
from programming import alerts
from programming.engine.instance import Work, WorkResult
from stakeholders.choices import Role
from stakeholders.models import AlertSettings, AreaOfInterest, AreaOfInterestSource
from stakeholders.services import (
    InterestUpload,
    alert_settings_of,
    alerts_record,
    interest_areas_from_file,
    webhook_payload,
)
from tests.factories import (
    ActorFactory,
    AreaOfInterestFactory,
    ProgrammeFactory,
    UserFactory,
    WebhookEndpointFactory,
)

pytestmark = pytest.mark.django_db

SQUARE = "POLYGON ((214470 500750, 214570 500750, 214570 500850, 214470 500850, 214470 500750))"


def _user(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def partner_user():
    return _user(Role.PARTNER, organisation=ActorFactory(partner=True, name="Enexis"))


def _geojson(features):
    """A GeoJSON file in RD New (named CRS), as GIS packages write it."""
    return json.dumps(
        {
            "type": "FeatureCollection",
            "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
            "features": [
                {"type": "Feature", "properties": properties, "geometry": geometry}
                for properties, geometry in features
            ],
        }
    ).encode()


CABLE_1 = {"type": "LineString", "coordinates": [[214500, 500800], [214600, 500800]]}
CABLE_2 = {"type": "LineString", "coordinates": [[214600, 500800], [214600, 500900]]}
#: Outside the Netherlands in RD New: x is far beyond the grid's extent.
ABROAD = {"type": "LineString", "coordinates": [[900000, 500800], [900100, 500800]]}


def test_a_partner_draws_an_area_for_its_own_organisation(client, partner_user):
    other = ActorFactory(partner=True)
    client.force_login(partner_user)

    response = client.post(
        reverse("stakeholders:interest_create"),
        # Whatever organisation is sent, a partner's area is its own.
        {"name": "Middenspanning", "geometry": SQUARE, "buffer": 10, "organisation": other.pk},
    )

    area = AreaOfInterest.objects.get()
    assert response.status_code == 302
    assert area.organisation == partner_user.organisation
    assert area.created_by == partner_user
    assert area.source == AreaOfInterestSource.GETEKEND
    assert client.get(reverse("stakeholders:interest_detail", args=[area.pk])).status_code == 200


def test_an_area_may_be_typed_as_geojson_in_degrees(client, partner_user):
    client.force_login(partner_user)
    polygon = {
        "type": "Polygon",
        "coordinates": [[[6.25, 52.5], [6.26, 52.5], [6.26, 52.51], [6.25, 52.51], [6.25, 52.5]]],
    }

    client.post(
        reverse("stakeholders:interest_create"),
        {"name": "Kern", "geometry": json.dumps(polygon), "buffer": 0},
    )

    # Stored in RD New: metres, around Dalfsen (x ≈ 210 km, y ≈ 500 km).
    xmin = float(AreaOfInterest.objects.get().geometry.split("((")[1].split()[0])
    assert 200_000 < xmin < 220_000


def test_a_bad_geometry_is_refused_at_the_field(client, partner_user):
    client.force_login(partner_user)

    response = client.post(
        reverse("stakeholders:interest_create"),
        {"name": "Fout", "geometry": "POLYGON ((0 0, 1 1))", "buffer": 0},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["geometry"]
    assert not AreaOfInterest.objects.exists()


def test_a_partner_sees_and_edits_only_its_own_areas(client, partner_user):
    own = AreaOfInterestFactory(organisation=partner_user.organisation, name="Eigen gebied")
    foreign = AreaOfInterestFactory(name="Gebied van een ander")
    client.force_login(partner_user)

    listing = client.get(reverse("stakeholders:interest_list"))

    assert "Eigen gebied" in listing.text
    assert "Gebied van een ander" not in listing.text
    for name in ("interest_detail", "interest_update", "interest_delete", "interest_geojson"):
        assert client.get(reverse(f"stakeholders:{name}", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("stakeholders:interest_delete", args=[own.pk])).status_code == 302
    assert list(AreaOfInterest.objects.all()) == [foreign]


def test_a_municipal_reader_sees_every_area_but_changes_none(client):
    AreaOfInterestFactory(name="Netgebied Enexis")
    reader = _user(Role.VIEWER)
    client.force_login(reader)

    assert "Netgebied Enexis" in client.get(reverse("stakeholders:interest_list")).text
    assert client.get(reverse("stakeholders:interest_create")).status_code == 403


def _upload(client, content, name="netwerk.geojson", **options):
    data = {"name": "Ons netwerk", "per_feature": "0", "name_column": "", "buffer": 25}
    data.update(options)
    data["file"] = SimpleUploadedFile(name, content, content_type="application/geo+json")
    return client.post(reverse("stakeholders:interest_upload"), data)


def test_an_uploaded_network_becomes_one_area_with_a_buffer_after_the_dry_run(client, partner_user):
    client.force_login(partner_user)

    report = _upload(client, _geojson([({"naam": "a"}, CABLE_1), ({"naam": "b"}, CABLE_2)]))

    assert report.status_code == 200
    assert report.context["report"].creates == 1
    assert not AreaOfInterest.objects.exists()  # a dry run stores nothing

    client.post(reverse("stakeholders:interest_upload_apply"))

    area = AreaOfInterest.objects.get()
    assert (area.name, area.buffer, area.source) == ("Ons netwerk", 25, "bestand")
    assert area.geometry.startswith("MULTILINESTRING")
    assert area.organisation == partner_user.organisation
    # The import log has the dry run and the commit, by the partner's user.
    runs = ImportRun.objects.order_by("pk")
    assert [(r.kind, r.status, r.rows, r.created, r.user) for r in runs] == [
        ("interest_areas", "proef", 2, 1, partner_user),
        ("interest_areas", "verwerkt", 2, 1, partner_user),
    ]


def test_one_area_per_feature_takes_its_name_from_a_column(client, partner_user):
    client.force_login(partner_user)

    _upload(
        client,
        _geojson([({"naam": "Noord"}, CABLE_1), ({"naam": "Oost"}, CABLE_2)]),
        per_feature="1",
        name_column="naam",
    )
    client.post(reverse("stakeholders:interest_upload_apply"))

    assert sorted(AreaOfInterest.objects.values_list("name", flat=True)) == ["Noord", "Oost"]


def test_an_upload_with_a_bad_row_names_it_and_stores_nothing(client, partner_user, tmp_path):
    client.force_login(partner_user)

    report = _upload(client, _geojson([({}, CABLE_1), ({}, ABROAD), ({}, CABLE_2)]))

    (error,) = report.context["report"].errors
    assert error.row == 2  # the second feature of the file
    assert "buiten Nederland" in error.message
    assert "buiten Nederland" in report.text
    assert "interest_upload_apply" not in report.text
    # Even a commit of the same file refuses it whole.
    path = tmp_path / "netwerk.geojson"
    path.write_bytes(_geojson([({}, CABLE_1), ({}, ABROAD)]))
    result = interest_areas_from_file(
        path,
        InterestUpload(partner_user.organisation, "Netwerk", 25, per_feature=True),
        user=partner_user,
        file_name="netwerk.geojson",
        commit=True,
    )
    assert not result.report.ok
    assert not AreaOfInterest.objects.exists()
    assert ImportRun.objects.filter(kind="interest_areas").latest("pk").status == "geweigerd"


def test_a_file_that_is_no_geo_file_is_refused(client, partner_user):
    client.force_login(partner_user)

    response = _upload(client, b"naam;x\nA;1\n", name="netwerk.csv")

    assert response.context["form"].errors["file"]


def test_the_inbox_counts_and_marks_notifications_read(client, partner_user):
    alerts_record([(partner_user.organisation_id, "werken", {"works": [], "works_total": 0})])
    client.force_login(partner_user)

    page = client.get(reverse("stakeholders:inbox"))
    assert page.context["unread"] == 1

    client.post(reverse("stakeholders:inbox"))
    assert client.get(reverse("stakeholders:inbox")).context["unread"] == 0


def test_the_settings_page_rotates_the_feed_address(client, partner_user):
    client.force_login(partner_user)
    client.get(reverse("stakeholders:inbox_settings"))
    token = AlertSettings.objects.get(user=partner_user).feed_token

    client.post(reverse("stakeholders:inbox_settings"), {"rotate": "1"})

    assert AlertSettings.objects.get(user=partner_user).feed_token != token


#: A moment as the feed and the webhook write it (ISO 8601): 2026-12-05T10:39:10.423987+00:00.
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")


def test_a_partner_reads_nothing_of_another_partners_work_in_inbox_feed_or_webhook(
    client, partner_user, settings
):
    """Enexis keeps an area where a fibre company's secret project appears: Enexis's
    inbox, feed and webhook say that a work of the fibre company is planned there, its
    kind and window, but not its name, code or cost."""
    settings.IMPOR_WEBHOOK_ALLOW_PRIVATE = True
    ActorFactory(partner=True, name="Glasvezel Noord")
    AreaOfInterestFactory(organisation=partner_user.organisation, geometry=SQUARE)
    WebhookEndpointFactory(organisation=partner_user.organisation)
    work = Work(
        key="P:XYZZYB-1",
        kind="partner",
        label="XYZZYB-1 Geheime uitrol",
        window_start=2027,
        window_end=2029,
        preferred_year=2027,
        costs={"glasvezel": (987_654.0,)},
        street="Prinsenstraat",
        geometry="LINESTRING (214500 500800, 214540 500800)",
        owner="Glasvezel Noord",
    )
    alerts.notify_computation(
        ProgrammeFactory(),
        alerts.Snapshot(works={}, couplings=frozenset()),
        SimpleNamespace(works=[work]),
        SimpleNamespace(
            works=[WorkResult(key=work.key, scheduled_year=2028, score=1, breakdown={})],
            clusters=[],
        ),
    )
    client.force_login(partner_user)
    inbox = client.get(reverse("stakeholders:inbox")).text
    feed_token = alert_settings_of(partner_user).feed_token
    client.logout()
    feed = client.get(reverse("stakeholders:inbox_feed", args=[feed_token])).text
    payload = json.dumps(
        webhook_payload(partner_user.organisation.alerts.get()), ensure_ascii=False
    )

    for text in (inbox, feed, payload):
        # The moments the alert was made and sent may hold any digits (10:39:10.423987),
        # and links any number: the cost and the year are looked for as written.
        text = TIMESTAMP.sub("<tijdstip>", text)
        assert "Glasvezel Noord" in text  # the owner is told
        assert "XYZZYB" not in text
        assert not re.search(r"987\D?654", text), "its cost"
        assert not re.search(r"(?<![\d/])2028(?!\d)", text), "its planned year"


def _write_layer(path, driver):
    """Two cable segments in RD New, written by GDAL as a GIS package would."""
    cables = [
        shapely.LineString(CABLE_1["coordinates"]),
        shapely.LineString(CABLE_2["coordinates"]),
    ]
    pyogrio.raw.write(
        str(path),
        geometry=shapely.to_wkb(np.array(cables)),
        field_data=[np.array(["Noord", "Oost"], dtype=object)],
        fields=["naam"],
        crs="EPSG:28992",
        driver=driver,
        geometry_type="LineString",
    )


@pytest.mark.parametrize("kind", ["gpkg", "zipped shapefile"])
def test_a_geopackage_or_zipped_shapefile_is_read_by_the_import_kit(partner_user, tmp_path, kind):
    if kind == "gpkg":
        path = tmp_path / "netwerk.gpkg"
        _write_layer(path, "GPKG")
    else:
        _write_layer(tmp_path / "netwerk.shp", "ESRI Shapefile")
        path = tmp_path / "netwerk.zip"
        with zipfile.ZipFile(path, "w") as package:
            for part in tmp_path.glob("netwerk.*"):
                if part.suffix != ".zip":
                    package.write(part, part.name)

    result = interest_areas_from_file(
        path,
        InterestUpload(
            partner_user.organisation, "Netwerk", 25, per_feature=True, name_column="naam"
        ),
        user=partner_user,
        file_name=path.name,
        commit=True,
    )

    assert result.report.ok, result.report.errors
    assert sorted(AreaOfInterest.objects.values_list("name", "buffer")) == [
        ("Noord", 25),
        ("Oost", 25),
    ]


def test_the_menu_badge_counts_the_users_unread_notifications(partner_user, rf):
    alerts_record([(partner_user.organisation_id, "werken", {"works": []})] * 2)
    other = UserFactory(organisation=ActorFactory(partner=True))
    template = Template("{% load notifications %}{% unread_notifications as n %}[{{ n }}]")

    for user, expected in ((partner_user, "[2]"), (other, "[0]")):
        request = rf.get("/")
        request.user = user
        assert template.render(Context({"request": request})) == expected
