"""Importing assets, inspections and reports: what lands, and what is refused and why."""

import json
import zipfile
from pathlib import Path

import pytest
import shapely
from django.core.management import CommandError, call_command

from assets.importing import asset_rows
from assets.importing.service import import_file
from assets.models import Asset, ImportMapping, Inspection, Report
from assets.services import asset_classes_load_defaults
from impor.choices import ImportStatus
from impor.models import ImportRun
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db

HEADER = "id;objecttype;aanlegjaar;lengte;materiaal;conditie;straatnaam;x;y\n"
GOOD_ROWS = (
    "R1;riool-beton;1965;45,5;beton;4;Kerkstraat;214100;502500\n"
    "R2;Vrijvervalriool PVC;1988;60;PVC;2;Kerkstraat;214150;502500\n"
    "B1;boom;1972;1;Tilia;3;Molenweg;214300;502700\n"
)


@pytest.fixture
def municipality():
    """A gemeente of 10 × 10 km around Dalfsen with two buurten, west and east of x=215000."""
    gemeente = AreaFactory(
        name="Testgemeente",
        geometry=square(210000, 220000),
    )
    kern = AreaFactory(kern=True, parent=gemeente, name="Kern", geometry=gemeente.geometry)
    wijk = AreaFactory(wijk=True, parent=kern, name="Wijk", geometry=gemeente.geometry)
    west = AreaFactory(
        buurt=True,
        parent=wijk,
        name="West",
        geometry=square(210000, 215000),
    )
    east = AreaFactory(
        buurt=True,
        parent=wijk,
        name="Oost",
        geometry=square(215000, 220000),
    )
    asset_classes_load_defaults()
    return {"west": west, "east": east}


def square(xmin: int, xmax: int) -> str:
    """A WKT rectangle from x=xmin to x=xmax, y from 495 000 to 505 000 (RD New)."""
    return f"POLYGON (({xmin} 495000, {xmax} 495000, {xmax} 505000, {xmin} 505000, {xmin} 495000))"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def stored() -> list[tuple]:
    """Everything an import can touch, to show that a refused import changed nothing."""
    return [
        *Asset.objects.order_by("pk").values_list(
            "source",
            "external_id",
            "construction_year",
            "quantity",
            "condition",
            "area_id",
            "geometry",
        ),
        *Inspection.objects.order_by("pk").values_list("asset_id", "date", "condition"),
        *Report.objects.order_by("pk").values_list("external_id", "status"),
    ]


def test_a_dutch_csv_is_checked_in_a_dry_run_and_then_imported(tmp_path, municipality):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS, "cp1252")

    dry = import_file(kind="assets", path=path, source="gbi")
    assert dry.ok, dry.errors
    assert (dry.rows, dry.valid, dry.creates, dry.updates) == (3, 3, 3, 0)
    assert dry.status == ImportStatus.DRY_RUN
    assert Asset.objects.count() == 0, "a dry run writes nothing"

    done = import_file(kind="assets", path=path, source="gbi", commit=True)
    assert done.status == ImportStatus.COMMITTED
    assert (done.creates, done.updates) == (3, 0)
    sewer = Asset.objects.get(external_id="R1")
    assert sewer.asset_class.code == "riool-beton"
    assert float(sewer.quantity) == 45.5, "decimal comma read as a decimal"
    assert sewer.condition == 4
    assert sewer.area == municipality["west"]
    assert sewer.geometry == "POINT (214100 502500)"
    assert (sewer.bbox_xmin, sewer.bbox_ymax) == (214100, 502500)
    assert Asset.objects.get(external_id="R2").asset_class.code == "riool-pvc", "class by name"
    assert Asset.objects.get(external_id="B1").extra == {}
    assert done.crs == "EPSG:28992"


def test_a_second_import_of_the_same_source_updates_instead_of_duplicating(tmp_path, municipality):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    import_file(kind="assets", path=path, source="gbi", commit=True)
    changed = write(
        tmp_path,
        "riolering2.csv",
        HEADER
        + GOOD_ROWS.replace("1965;45,5", "1966;50")
        + "R9;riool-pvc;2001;20;PVC;;Kerkstraat;216000;502500\n",
    )

    report = import_file(kind="assets", path=changed, source="gbi", commit=True)

    assert (report.creates, report.updates) == (1, 3)
    assert Asset.objects.count() == 4
    sewer = Asset.objects.get(external_id="R1")
    assert (sewer.construction_year, float(sewer.quantity)) == (1966, 50.0)
    assert Asset.objects.get(external_id="R9").area == municipality["east"]


def test_every_import_is_recorded_with_file_hash_user_and_mapping(
    tmp_path, municipality, django_user_model
):
    user = django_user_model.objects.create_user("rik")
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    report = import_file(kind="assets", path=path, source="gbi", commit=True, user=user)
    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.user, run.file_name, run.rows, run.created, run.status) == (
        user,
        "riolering.csv",
        3,
        3,
        ImportStatus.COMMITTED,
    )
    assert len(run.file_sha256) == 64
    assert run.mapping["construction_year"] == "aanlegjaar"
    assert ImportMapping.objects.get(source="gbi", kind="assets").mapping == run.mapping


def test_a_saved_mapping_is_proposed_again_for_the_same_source(tmp_path, municipality):
    odd = "Nummer;Soort;Jaar;X;Y\nA1;boom;1990;214100;502500\n"
    mapping = {
        "external_id": "Nummer",
        "asset_class": "Soort",
        "construction_year": "Jaar",
        "x": "X",
        "y": "Y",
    }
    import_file(
        kind="assets",
        path=write(tmp_path, "a.csv", odd),
        source="gis",
        mapping=mapping,
        commit=True,
    )

    again = import_file(
        kind="assets", path=write(tmp_path, "b.csv", odd.replace("A1", "A2")), source="gis"
    )

    assert again.mapping["construction_year"] == "Jaar"
    assert again.ok


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "X1;riool-beton;ca. 1970;10;beton;3;A;214100;502500",
            "kolom 'aanlegjaar' (aanlegjaar): geen jaartal",
            id="unparsable year",
        ),
        pytest.param(
            "X1;riool-beton;2099;10;beton;3;A;214100;502500",
            "het aanlegjaar ligt in de toekomst",
            id="future year",
        ),
        pytest.param(
            "X1;riool-beton;;10;beton;3;A;214100;502500",
            "het aanlegjaar ontbreekt",
            id="missing year",
        ),
        pytest.param(
            "X1;riool-beton;1970;10;beton;7;A;214100;502500",
            "de conditie is een NEN 2767-score van 1 tot en met 6",
            id="condition 7",
        ),
        pytest.param(
            "X1;riool-beton;1970;10;beton;0;A;214100;502500",
            "NEN 2767-score van 1 tot en met 6",
            id="condition 0",
        ),
        pytest.param(
            "X1;riool-beton;1970;-5;beton;3;A;214100;502500",
            "een hoeveelheid is niet negatief",
            id="negative quantity",
        ),
        pytest.param(
            "X1;riool-beton;1970;2500000;beton;3;A;214100;502500",
            "onwaarschijnlijk grote hoeveelheid",
            id="absurd quantity",
        ),
        pytest.param(
            "X1;kabelgoot;1970;10;beton;3;A;214100;502500",
            "onbekend objecttype",
            id="unknown class",
        ),
        pytest.param(
            "X1;riool-beton;1970;10;beton;3;A;250000;540000",
            "de locatie ligt buiten de gemeente",
            id="outside the municipality",
        ),
        pytest.param(
            ";riool-beton;1970;10;beton;3;A;214100;502500", "het id ontbreekt", id="missing id"
        ),
        pytest.param(
            "X1;riool-beton;1970;tien;beton;3;A;214100;502500",
            "kolom 'lengte' (hoeveelheid): geen getal",
            id="quantity as text",
        ),
    ],
)
def test_a_bad_row_is_named_with_its_row_and_field_and_nothing_is_stored(
    tmp_path, municipality, row, message
):
    path = write(tmp_path, "fout.csv", HEADER + GOOD_ROWS + row + "\n")
    before = stored()

    report = import_file(kind="assets", path=path, source="gbi", commit=True)

    assert report.status == ImportStatus.REFUSED
    assert [str(e) for e in report.errors if e.row == 5], report.errors
    assert any(message in str(e) and "rij 5" in str(e) for e in report.errors), [
        str(e) for e in report.errors
    ]
    assert any(m.startswith("fout.csv, rij 5") for m in report.messages())
    assert stored() == before
    assert ImportRun.objects.get(pk=report.run_id).status == ImportStatus.REFUSED


def test_duplicate_ids_in_one_file_name_both_rows(tmp_path, municipality):
    path = write(
        tmp_path, "dubbel.csv", HEADER + GOOD_ROWS + "R1;riool-pvc;1990;5;PVC;2;A;214100;502500\n"
    )
    report = import_file(kind="assets", path=path, source="gbi", commit=True)
    duplicates = [e for e in report.errors if "komt vaker voor" in e.message]
    assert [e.row for e in duplicates] == [2, 5]
    assert "eerst op rij 2" in duplicates[1].message
    assert Asset.objects.count() == 0


def test_an_id_that_belongs_to_another_source_is_refused(tmp_path, municipality):
    import_file(
        kind="assets", path=write(tmp_path, "a.csv", HEADER + GOOD_ROWS), source="gbi", commit=True
    )
    before = stored()
    report = import_file(
        kind="assets", path=write(tmp_path, "b.csv", HEADER + GOOD_ROWS), source="gis", commit=True
    )
    assert any("hoort al bij een object uit bron 'gbi'" in e.message for e in report.errors)
    assert stored() == before


def test_only_the_valid_rows_are_imported_when_the_user_asks_for_it(tmp_path, municipality):
    path = write(
        tmp_path,
        "deels.csv",
        HEADER + GOOD_ROWS + "X1;riool-beton;2099;10;beton;3;A;214100;502500\n",
    )
    report = import_file(kind="assets", path=path, source="gbi", commit=True, only_valid=True)
    assert report.status == ImportStatus.COMMITTED
    assert (report.valid, report.creates, len(report.errors)) == (3, 3, 1)
    assert sorted(Asset.objects.values_list("external_id", flat=True)) == ["B1", "R1", "R2"]
    assert ImportRun.objects.get(pk=report.run_id).skipped == 1


def test_missing_required_columns_are_named(tmp_path, municipality):
    path = write(tmp_path, "kaal.csv", "id;objecttype\nA;boom\n")
    report = import_file(kind="assets", path=path, source="gbi", commit=True)
    assert [e.message for e in report.errors] == [
        "verplichte kolom 'aanlegjaar' ontbreekt; herkende namen zijn: aanlegjaar, "
        "aanleg_jaar, jaar_aanleg, jaar_van_aanleg, bouwjaar, plantjaar"
    ]
    assert report.messages()[0].startswith("kaal.csv, bestand: verplichte kolom")
    assert Asset.objects.count() == 0


def test_an_empty_file_is_refused_with_its_name(tmp_path, municipality):
    report = import_file(
        kind="assets", path=write(tmp_path, "leeg.csv", ""), source="gbi", commit=True
    )
    assert report.status == ImportStatus.REFUSED
    assert "leeg.csv" in report.errors[0].message


def test_a_text_file_renamed_to_xlsx_is_refused(tmp_path, municipality):
    report = import_file(
        kind="assets",
        path=write(tmp_path, "areaal.xlsx", HEADER + GOOD_ROWS),
        source="gbi",
        commit=True,
    )
    assert "geen Excel-bestand" in report.errors[0].message
    assert Asset.objects.count() == 0


def test_a_workbook_with_several_sheets_asks_which_one_and_imports_the_chosen_one(
    tmp_path, municipality
):
    from openpyxl import Workbook

    book = Workbook()
    sewer = book.active
    sewer.title = "Riolering"
    trees = book.create_sheet("Bomen")
    for sheet, rows in ((sewer, GOOD_ROWS.splitlines()[:2]), (trees, GOOD_ROWS.splitlines()[2:])):
        sheet.append(HEADER.strip().split(";"))
        for row in rows:
            sheet.append([_number(v) for v in row.split(";")])
    path = tmp_path / "areaal.xlsx"
    book.save(path)

    refused = import_file(kind="assets", path=path, source="gbi", commit=True)
    assert "Riolering" in refused.errors[0].message
    assert "Bomen" in refused.errors[0].message

    chosen = import_file(kind="assets", path=path, source="gbi", sheet="Bomen", commit=True)
    assert chosen.ok, chosen.errors
    assert list(Asset.objects.values_list("external_id", flat=True)) == ["B1"]


def _number(text: str):
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def test_coordinates_in_the_wrong_crs_are_refused_per_row(tmp_path, municipality):
    path = write(tmp_path, "rd.csv", HEADER + GOOD_ROWS)
    report = import_file(kind="assets", path=path, source="gbi", crs="EPSG:4326", commit=True)
    assert {e.row for e in report.errors} == {2, 3, 4}
    assert "niet in Nederland als EPSG:4326" in report.errors[0].message
    assert Asset.objects.count() == 0


def test_lon_lat_columns_are_read_as_wgs84(tmp_path, municipality):
    path = write(
        tmp_path, "gps.csv", "id;objecttype;aanlegjaar;lon;lat\nG1;boom;2001;6,2570;52,5070\n"
    )
    report = import_file(kind="assets", path=path, source="app", commit=True)
    assert report.ok, report.errors
    x, y = shapely.from_wkt(Asset.objects.get().geometry).coords[0]
    assert 213_500 < x < 214_500
    assert 502_000 < y < 503_000


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_geopackage_without_crs_must_be_told_its_crs(tmp_path, municipality):
    pyogrio = pytest.importorskip("pyogrio")
    import numpy as np

    path = tmp_path / "bomen.gpkg"
    geoms = shapely.to_wkb(np.array([shapely.Point(214100, 502500), shapely.Point(216100, 502500)]))
    pyogrio.raw.write(
        path,
        geometry=geoms,
        field_data=[np.array(["T1", "T2"]), np.array([1980, 1995])],
        fields=["id", "plantjaar"],
        geometry_type="Point",
        crs=None,
        driver="GPKG",
    )

    refused = import_file(kind="assets", path=path, source="gis", commit=True)
    assert "noemt geen coördinatenstelsel" in refused.errors[0].message
    assert Asset.objects.count() == 0

    told = import_file(kind="assets", path=path, source="gis", crs="EPSG:28992", commit=True)
    assert told.ok, told.errors
    assert told.mapping["asset_class"] == {"value": "boom"}, "plantjaar reveals trees"
    assert sorted(Asset.objects.values_list("area__name", flat=True)) == ["Oost", "West"]


def test_a_line_is_placed_in_the_area_it_mostly_lies_in(tmp_path, municipality):
    wkt = "LINESTRING (214900 502500, 215300 502500)"
    path = write(tmp_path, "lijn.csv", f"id;objecttype;aanlegjaar;wkt\nL1;riool-pvc;1990;{wkt}\n")
    report = import_file(kind="assets", path=path, source="gis", commit=True)
    assert report.ok, report.errors
    asset = Asset.objects.get()
    assert asset.area == municipality["east"], "300 m of the 400 m lie east of x=215000"
    assert float(asset.quantity) == 400.0, "length taken from the geometry"


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, municipality):
    path = tmp_path / "bomen.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomen.shp", b"\0" * 20_000_000)
    report = import_file(kind="assets", path=path, source="gis", commit=True)
    assert "zip-bom" in report.errors[0].message
    assert Asset.objects.count() == 0


def test_a_file_above_the_size_limit_is_refused(tmp_path, municipality, settings):
    settings.IMPOR_IMPORT_MAX_MB = 1
    path = write(tmp_path, "groot.csv", HEADER + GOOD_ROWS * 20_000)
    report = import_file(kind="assets", path=path, source="gbi", commit=True)
    assert "groot.csv" in report.errors[0].message
    assert "1 MB" in report.errors[0].message
    assert Asset.objects.count() == 0


def test_an_import_that_fails_halfway_leaves_nothing_behind(tmp_path, municipality, monkeypatch):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    import_file(kind="assets", path=path, source="gbi", commit=True)
    before = stored()
    changed = write(
        tmp_path,
        "nieuw.csv",
        HEADER + GOOD_ROWS.replace("1965", "1970") + "N1;boom;2000;1;;;A;214100;502500\n",
    )

    real_insert = asset_rows.insert_rows

    def halfway(model, fields, rows):
        real_insert(model, fields, list(rows)[:1])
        raise RuntimeError("verbinding met de database verbroken")

    monkeypatch.setattr(asset_rows, "insert_rows", halfway)
    with pytest.raises(RuntimeError):
        import_file(kind="assets", path=changed, source="gbi", commit=True)
    assert stored() == before


def test_inspections_are_added_and_move_the_condition_of_their_asset(tmp_path, municipality):
    import_file(
        kind="assets", path=write(tmp_path, "a.csv", HEADER + GOOD_ROWS), source="gbi", commit=True
    )
    path = write(
        tmp_path,
        "inspecties.csv",
        "object_id;datum;conditie;inspecteur\nR1;15-03-2024;5;Jan\nR2;2024-04-01;3;Jan\nR1;01-01-2020;2;Piet\nZZ;2024-01-01;3;Jan\n",
    )

    refused = import_file(kind="inspections", path=path, source="gbi", commit=True)
    assert [(e.row, e.message) for e in refused.errors] == [(5, "onbekend object in bron 'gbi'")]

    report = import_file(kind="inspections", path=path, source="gbi", commit=True, only_valid=True)
    assert report.creates == 3
    sewer = Asset.objects.get(external_id="R1")
    assert (sewer.condition, str(sewer.condition_date)) == (5, "2024-03-15"), (
        "the newest inspection wins"
    )


def test_reports_are_imported_with_category_status_and_area(tmp_path, municipality):
    import_file(
        kind="assets", path=write(tmp_path, "a.csv", HEADER + GOOD_ROWS), source="gbi", commit=True
    )
    path = write(
        tmp_path,
        "meldingen.csv",
        "meldingnummer;datum;categorie;status;object_id;x;y\n"
        "M1;02-05-2024;Lamp kapot;Afgehandeld;;216000;502000\n"
        "M2;03-05-2024;Verstopping riool;open;R1;214100;502500\n",
    )
    report = import_file(kind="reports", path=path, source="meldingen", commit=True)
    assert report.ok, report.errors
    first, second = Report.objects.order_by("external_id")
    assert (first.category, first.status, first.area) == (
        "verlichting",
        "afgehandeld",
        municipality["east"],
    )
    assert (second.category, second.asset.external_id) == ("verstopping", "R1")


def test_the_command_does_a_dry_run_unless_told_to_commit(tmp_path, municipality, capsys):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    call_command("import_assets", str(path), "--source", "gbi", verbosity=0)
    assert "Proefimport, niets opgeslagen: 3 rijen, 3 goed" in capsys.readouterr().out
    assert Asset.objects.count() == 0
    call_command("import_assets", str(path), "--source", "gbi", "--commit", verbosity=0)
    assert Asset.objects.count() == 3


def test_the_command_fails_and_lists_the_errors_of_a_refused_import(tmp_path, municipality, capsys):
    path = write(tmp_path, "fout.csv", HEADER + "X1;riool-beton;2099;10;beton;3;A;214100;502500\n")
    with pytest.raises(CommandError, match="Niets opgeslagen"):
        call_command("import_assets", str(path), "--source", "gbi", "--commit", verbosity=0)
    assert "fout.csv, rij 2, kolom 'aanlegjaar'" in capsys.readouterr().out


def test_the_command_accepts_a_mapping_as_json(tmp_path, municipality):
    path = write(tmp_path, "eigen.csv", "Nr;Type;Jaar;X;Y\nA1;boom;1990;214100;502500\n")
    mapping = json.dumps(
        {
            "external_id": "Nr",
            "asset_class": "Type",
            "construction_year": "Jaar",
            "x": "X",
            "y": "Y",
        }
    )
    call_command(
        "import_assets", str(path), "--source", "gis", "--mapping", mapping, "--commit", verbosity=0
    )
    assert Asset.objects.get().external_id == "A1"
