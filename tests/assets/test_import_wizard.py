"""The import in the browser (#18 §2): upload, mapping, dry run, commit, in the request
and on the task worker, with its refusals and permissions."""

import csv
import io
import json
from pathlib import Path

import numpy as np
import openpyxl
import pyogrio.raw
import pytest
import shapely
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from assets import import_views, tasks
from assets.models import Asset, ImportMapping
from assets.services import asset_classes_load_defaults
from impor.choices import ImportStatus
from impor.models import Area, ImportRun
from stakeholders.choices import Role
from tests.api.conftest import user_with_role
from tests.factories import ActorFactory, AreaFactory
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

UPLOAD = reverse("assets:import_upload")
#: Sewer pipes and a tree near Dalfsen (RD New), with headers recognition knows, and one
#: row without a construction year.
ASSETS_CSV = (
    "id;objecttype;aanlegjaar;lengte;straatnaam;x;y\n"
    "R1;riool-beton;1965;45,5;Kerkstraat;214100;502500\n"
    "R2;riool-beton;1988;60;Kerkstraat;214150;502500\n"
    "B1;boom;1972;1;Molenweg;214300;502700\n"
)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
DATABASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture(autouse=True)
def municipality(settings, tmp_path):
    """Pending uploads in the test's own folder; a gemeente around Dalfsen and the
    default asset classes."""
    settings.VAR_DIR = tmp_path / "var"
    AreaFactory(
        name="Testgemeente",
        geometry="POLYGON ((210000 495000, 220000 495000, 220000 505000, 210000 505000, "
        "210000 495000))",
    )
    asset_classes_load_defaults()


@pytest.fixture
def editor_client():
    client = Client()
    client.force_login(user_with_role(Role.EDITOR))
    return client


def csv_file(text: str = ASSETS_CSV, name: str = "riolering.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def upload(client, files, *, kind="assets", source="gbi"):
    return client.post(UPLOAD, {"kind": kind, "source": source, "files": files})


def token_of(response) -> str:
    """The pending upload's token in the address a step redirects to."""
    return response["Location"].strip("/").split("/")[1]


def mapping_post(client, token, **overrides):
    """Send the proposed mapping back as the form holds it, with `overrides`."""
    form = client.get(reverse("assets:import_mapping", args=[token])).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(overrides)
    return client.post(reverse("assets:import_mapping", args=[token]), data)


def through_dry_run(client, files, **upload_options):
    response = upload(client, files, **upload_options)
    assert response.status_code == 302, response.content.decode()[:2000]
    token = token_of(response)
    response = mapping_post(client, token)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == reverse("assets:import_dry_run", args=[token])
    return token


def test_a_csv_goes_from_upload_through_mapping_and_dry_run_to_the_stored_assets(editor_client):
    response = upload(editor_client, csv_file())
    assert response.status_code == 302
    token = token_of(response)
    assert response["Location"] == reverse("assets:import_mapping", args=[token])

    page = editor_client.get(response["Location"])
    html = page.content.decode()
    assert "Kolomtoewijzing" in html
    assert page.context["form"]["veld_construction_year"].value() == json.dumps("aanlegjaar")
    assert "aanlegjaar (bijvoorbeeld: 1965)" in html, "a sample value per column"

    response = mapping_post(editor_client, token)
    dry_run = editor_client.get(response["Location"])
    assert dry_run.context["dry_run"]["creates"] == 3
    assert dry_run.context["refused"] == 0
    assert Asset.objects.count() == 0, "a dry run writes nothing"

    response = editor_client.post(reverse("assets:import_commit", args=[token]))
    run = ImportRun.objects.get(status=ImportStatus.COMMITTED)
    assert response["Location"] == reverse("assets:import_run", args=[run.pk])
    assert set(Asset.objects.values_list("external_id", flat=True)) == {"R1", "R2", "B1"}
    report = editor_client.get(response["Location"]).content.decode()
    assert "De import is klaar: 3 rijen zijn opgeslagen." in report
    assert not list((Path(import_views.pending_root())).iterdir()), "the upload is removed"


def test_row_errors_name_row_and_field_and_all_of_them_download_as_csv(editor_client):
    text = ASSETS_CSV + "".join(f"X{i};boom;;1;Molenweg;214300;502700\n" for i in range(60))
    token = through_dry_run(editor_client, csv_file(text))

    page = editor_client.get(reverse("assets:import_dry_run", args=[token]))
    assert page.context["refused"] == 60
    assert len(page.context["errors"]) == 50, "the first 50 on the page"
    first = page.context["errors"][0]
    assert first["row"] == 5, "the header is line 1, X0 is line 5"
    assert "aanlegjaar" in first["field"]
    assert "En nog 10 fouten." in page.content.decode()

    download = editor_client.get(reverse("assets:import_errors", args=[token]))
    lines = list(
        csv.reader(
            io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig")), delimiter=";"
        )
    )
    assert lines[0] == ["rij", "kolom", "melding"]
    assert len(lines) == 61


def test_a_file_with_errors_is_committed_only_when_the_good_rows_are_asked_for(editor_client):
    token = through_dry_run(editor_client, csv_file(ASSETS_CSV + "X1;boom;;1;Molenweg;1;1\n"))

    refused = editor_client.post(reverse("assets:import_commit", args=[token]))
    assert refused["Location"] == reverse("assets:import_dry_run", args=[token])
    assert Asset.objects.count() == 0

    editor_client.post(reverse("assets:import_commit", args=[token]), {"only_valid": "on"})
    assert Asset.objects.count() == 3


def test_the_mapping_is_saved_per_source_and_proposed_again(editor_client):
    text = "nummer;soort;jaar van leggen\nR1;riool-beton;1965\n"
    response = upload(editor_client, csv_file(text))
    token = token_of(response)
    page = editor_client.get(response["Location"])
    assert page.context["form"]["veld_construction_year"].value() in ("", None), (
        "'jaar van leggen' is no name recognition knows"
    )
    mapping_post(editor_client, token, veld_construction_year=json.dumps("jaar van leggen"))
    editor_client.post(reverse("assets:import_commit", args=[token]))
    assert ImportMapping.objects.get(source="gbi").mapping["construction_year"] == "jaar van leggen"

    again = editor_client.get(upload(editor_client, csv_file(text))["Location"])
    assert again.context["form"]["veld_construction_year"].value() == json.dumps("jaar van leggen")
    assert "de kolomtoewijzing van de vorige import van bron gbi" in again.content.decode()

    other = editor_client.get(upload(editor_client, csv_file(text), source="gis")["Location"])
    assert other.context["form"]["veld_construction_year"].value() in ("", None)


def test_a_required_field_left_unmapped_is_refused_on_the_form(editor_client):
    token = token_of(upload(editor_client, csv_file()))

    response = mapping_post(editor_client, token, veld_construction_year="")

    assert response.status_code == 400
    assert "Kies een kolom voor aanlegjaar: dit veld is verplicht." in response.content.decode()
    assert not ImportRun.objects.exists(), "no dry run without the required fields"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile("bomen.txt", b"a;b\n1;2\n")],
            "bomen.txt heeft een bestandstype dat IMPOR niet leest",
        ),
        (
            [SimpleUploadedFile("a.csv", b"a\n1\n"), SimpleUploadedFile("b.csv", b"a\n1\n")],
            "Kies één bestand, of de losse delen van één shapefile.",
        ),
        (
            [SimpleUploadedFile("bomen.dbf", b"x"), SimpleUploadedFile("bomen.prj", b"x")],
            "Kies de .shp van de shapefile samen met de .shx, .dbf en .prj.",
        ),
        ([SimpleUploadedFile("leeg.csv", b"")], "is leeg"),
    ],
)
def test_files_it_cannot_read_are_refused_on_the_upload_form(editor_client, files, message):
    response = upload(editor_client, files)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not any(Path(import_views.pending_root()).glob("*/*")), "nothing is kept"


def test_an_unknown_kind_is_refused(editor_client):
    response = upload(editor_client, csv_file(), kind="werken")

    assert response.status_code == 400
    assert "werken" in response.content.decode()
    assert response.context["form"].errors["kind"]


def write_shapefile(folder: Path, name: str = "bomen") -> list[Path]:
    """A shapefile of three trees in RD New, as loose parts."""
    points = shapely.points([(214100, 502500), (214150, 502500), (214300, 502700)])
    pyogrio.raw.write(
        folder / f"{name}.shp",
        np.array(shapely.to_wkb(points), dtype=object),
        [
            np.array(["T1", "T2", "T3"], dtype=object),
            np.array(["1950", "1960", "1970"], dtype=object),
        ],
        ["elementnr", "plantjaar"],
        geometry_type="Point",
        crs="EPSG:28992",
        driver="ESRI Shapefile",
    )
    return sorted(folder.glob(f"{name}.*"))


def as_uploads(paths) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in paths]


def test_a_shapefile_as_loose_parts_is_imported(editor_client, tmp_path):
    parts = write_shapefile(tmp_path)
    assert {p.suffix for p in parts} >= {".shp", ".shx", ".dbf", ".prj"}

    token = through_dry_run(editor_client, as_uploads(parts), source="gis-bomen")
    editor_client.post(reverse("assets:import_commit", args=[token]))

    trees = Asset.objects.filter(source="gis-bomen")
    assert sorted(trees.values_list("external_id", flat=True)) == ["T1", "T2", "T3"]
    assert {t.asset_class.code for t in trees} == {"boom"}, "plantjaar reveals trees"


def test_a_missing_shapefile_part_is_named(editor_client, tmp_path):
    parts = [p for p in write_shapefile(tmp_path) if p.suffix != ".dbf"]

    response = upload(editor_client, as_uploads(parts))

    assert response.status_code == 400
    assert "bomen.dbf ontbreekt naast bomen.shp" in response.content.decode()


def test_an_excel_file_with_several_sheets_asks_which_one(editor_client, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Toelichting"
    workbook.active.append(["Lees dit eerst"])
    sheet = workbook.create_sheet("Riolering")
    for line in ASSETS_CSV.splitlines():
        sheet.append(line.split(";"))
    workbook.save(tmp_path / "gbi.xlsx")

    response = upload(editor_client, as_uploads([tmp_path / "gbi.xlsx"]))
    token = token_of(response)
    assert response["Location"] == reverse("assets:import_sheet", args=[token])
    response = editor_client.post(response["Location"], {"sheet": "Riolering"})
    assert response["Location"] == reverse("assets:import_mapping", args=[token])
    mapping_post(editor_client, token)
    dry_run = editor_client.get(reverse("assets:import_dry_run", args=[token]))

    assert dry_run.context["dry_run"]["creates"] == 3


def test_an_upload_above_the_limit_is_refused_with_413(editor_client, settings):
    settings.IMPOR_IMPORT_MAX_MB = 1

    response = upload(editor_client, csv_file("id\n" + "R1\n" * 400_000))

    assert response.status_code == 413
    assert not Path(import_views.pending_root()).exists() or not any(
        Path(import_views.pending_root()).iterdir()
    )


def test_a_large_file_is_imported_by_the_task_with_its_progress(editor_client, settings):
    settings.IMPOR_IMPORT_BACKGROUND_ROWS = 2
    settings.TASKS = IMMEDIATE
    token = through_dry_run(editor_client, csv_file())

    response = editor_client.post(reverse("assets:import_commit", args=[token]))

    runs = ImportRun.objects.exclude(status=ImportStatus.DRY_RUN)
    assert runs.count() == 1, "the task completes the run the page follows; one log line"
    run = runs.get()
    assert response["Location"] == reverse("assets:import_run", args=[run.pk])
    assert (run.status, run.progress, run.created) == (ImportStatus.COMMITTED, 100, 3)
    assert Asset.objects.count() == 3
    page = editor_client.get(response["Location"], headers={"HX-Request": "true"})
    assert "hx-get" not in page.content.decode(), "a finished import is not polled"
    assert "De import is klaar" in page.content.decode()


def test_a_queued_import_shows_a_progress_bar_that_polls(editor_client, settings):
    settings.IMPOR_IMPORT_BACKGROUND_ROWS = 2
    settings.TASKS = DATABASE
    token = through_dry_run(editor_client, csv_file())

    response = editor_client.post(reverse("assets:import_commit", args=[token]))
    page = editor_client.get(response["Location"]).content.decode()

    assert ImportRun.objects.get(status=ImportStatus.QUEUED)
    assert '<progress id="import-progress" max="100" value="0">' in page
    assert 'hx-trigger="every 1s"' in page
    assert Asset.objects.count() == 0, "the worker has not run yet"


def test_the_progress_recorder_moves_the_bar_through_the_steps():
    run = ImportRun.objects.create(kind="assets", source="gbi", status=ImportStatus.QUEUED)
    record = tasks.progress_recorder(run.pk)

    record("controleren", 50, 100)
    run.refresh_from_db()
    # Checking spans 10–50 % of the bar; halfway through it is at 30 %.
    assert (run.status, run.step, run.progress) == (ImportStatus.RUNNING, "controleren", 30)

    ImportRun.objects.filter(pk=run.pk).update(status=ImportStatus.COMMITTED, progress=100)
    record("schrijven", 1, 1)
    run.refresh_from_db()
    assert run.step == "controleren", "a finished run keeps its outcome"


def test_a_background_import_that_fails_says_so_and_writes_nothing(
    editor_client, settings, monkeypatch
):
    settings.IMPOR_IMPORT_BACKGROUND_ROWS = 2
    settings.TASKS = IMMEDIATE
    token = through_dry_run(editor_client, csv_file())

    def broken(**options):
        raise RuntimeError("schijf vol")

    monkeypatch.setitem(tasks.IMPORTERS, "assets", broken)
    editor_client.post(reverse("assets:import_commit", args=[token]))

    run = ImportRun.objects.exclude(status=ImportStatus.DRY_RUN).get()
    assert run.status == ImportStatus.FAILED
    page = editor_client.get(reverse("assets:import_run", args=[run.pk])).content.decode()
    assert "De import is niet gelukt. Er is niets opgeslagen" in page
    assert "schijf vol" in page
    assert Asset.objects.count() == 0


def test_an_editor_limited_to_sewers_cannot_import_trees(settings):
    client = Client()
    client.force_login(user_with_role(Role.EDITOR, disciplines=["riolering"]))
    token = through_dry_run(client, csv_file())

    page = client.get(reverse("assets:import_dry_run", args=[token]))

    assert page.context["dry_run"]["valid"] == 2, "the tree is refused"
    assert any("riolering" in e["message"] for e in page.context["errors"])


@pytest.mark.parametrize("role", [Role.VIEWER, Role.PARTNER])
def test_viewers_and_partners_get_403(role):
    organisation = ActorFactory(partner=True) if role == Role.PARTNER else None
    client = Client()
    client.force_login(user_with_role(role, organisation=organisation))

    assert client.get(UPLOAD).status_code == 403
    assert upload(client, csv_file()).status_code == 403
    assert client.get(reverse("assets:import_mapping", args=["0" * 32])).status_code == 403
    assert "Importeren" not in client.get(reverse("stakeholders:inbox")).content.decode()


def test_an_anonymous_visitor_is_sent_to_log_in():
    response = Client().get(UPLOAD)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_someone_elses_upload_and_import_are_out_of_reach(editor_client):
    token = token_of(upload(editor_client, csv_file()))
    other = Client()
    other.force_login(user_with_role(Role.EDITOR))

    response = other.get(reverse("assets:import_mapping", args=[token]))
    assert response["Location"] == UPLOAD, "not this session's upload"
    mapping_post(editor_client, token)
    editor_client.post(reverse("assets:import_commit", args=[token]))
    run = ImportRun.objects.get(status=ImportStatus.COMMITTED)
    assert other.get(reverse("assets:import_run", args=[run.pk])).status_code == 404


def test_the_menu_offers_the_import_to_an_editor(editor_client):
    html = editor_client.get(reverse("assets:asset_list")).content.decode()

    assert f'href="{UPLOAD}"' in html


def test_the_leeuwarden_trees_as_loose_parts_through_the_wizard(editor_client):
    folder = shared_data("leeuwarden-bomen")
    AreaFactory(
        name="Leeuwarden",
        geometry="POLYGON ((160000 560000, 200000 560000, 200000 600000, 160000 600000, "
        "160000 560000))",
    )
    response = upload(editor_client, as_uploads(sorted(folder.iterdir())), source="leeuwarden")
    token = token_of(response)
    form = editor_client.get(response["Location"]).context["form"]
    assert json.loads(form["veld_external_id"].value()) == {
        "column": "ELEMENTNR",
        "with_location": True,
    }
    assert json.loads(form["veld_asset_class"].value()) == {"value": "boom"}

    mapping_post(editor_client, token)
    dry_run = editor_client.get(reverse("assets:import_dry_run", args=[token])).context["dry_run"]
    assert dry_run["rows"] == 2_088
    assert dry_run["crs"] == "EPSG:28992"
    editor_client.post(reverse("assets:import_commit", args=[token]), {"only_valid": "on"})

    trees = Asset.objects.filter(source="leeuwarden")
    assert trees.count() == dry_run["valid"] == dry_run["creates"]
    assert trees.count() > 2_088 * 0.8


def kernen_geojson(names) -> SimpleUploadedFile:
    """Two kernen side by side inside the test gemeente (RD New)."""

    def square(xmin):
        return [
            [
                [xmin, 496000],
                [xmin + 2000, 496000],
                [xmin + 2000, 498000],
                [xmin, 498000],
                [xmin, 496000],
            ]
        ]

    collection = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": [
            {
                "type": "Feature",
                "properties": {"naam": name},
                "geometry": {"type": "Polygon", "coordinates": square(211000 + 3000 * i)},
            }
            for i, name in enumerate(names)
        ],
    }
    return SimpleUploadedFile("kernen.geojson", json.dumps(collection).encode())


def test_an_administrator_imports_areas_with_their_level(settings):
    client = Client()
    client.force_login(user_with_role(Role.ADMINISTRATOR))
    response = upload(client, kernen_geojson(["Oosterdorp", "Westerdorp"]), kind="areas")
    token = token_of(response)
    form = client.get(response["Location"]).context["form"]
    assert form["veld_name"].value() == json.dumps("naam")
    assert json.dumps("naam") not in dict(form.fields["veld_level"].choices), (
        "the level is one value for the file, never a column"
    )

    missing_level = mapping_post(client, token)
    assert missing_level.status_code == 400
    mapping_post(client, token, veld_level=json.dumps({"value": "kern"}))
    dry_run = client.get(reverse("assets:import_dry_run", args=[token])).context["dry_run"]
    assert (dry_run["creates"], dry_run["errors"]) == (2, 0)
    client.post(reverse("assets:import_commit", args=[token]))

    kernen = Area.objects.filter(level="kern")
    assert sorted(kernen.values_list("name", flat=True)) == ["Oosterdorp", "Westerdorp"]
    assert {k.parent.name for k in kernen} == {"Testgemeente"}
    assert ImportMapping.objects.get(kind="areas").mapping["level"] == {"value": "kern"}


def test_an_editor_is_not_offered_areas(editor_client):
    kinds = dict(editor_client.get(UPLOAD).context["form"].fields["kind"].choices)

    assert set(kinds) == {"assets", "inspections", "reports"}
    assert upload(editor_client, kernen_geojson(["Oosterdorp"]), kind="areas").status_code == 400
