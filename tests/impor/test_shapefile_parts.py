"""A shapefile as its loose parts (.shp .shx .dbf .prj .cpg), without a zip: beside a
.shp on disk (`import_assets bomen.shp`), in an upload folder, or as a list of saved
files; a missing part is named."""

import shutil

import numpy as np
import pyogrio.raw
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError

from assets.models import Asset
from assets.services import asset_classes_load_defaults
from impor.importing.readers import ImportFileError, read_shapefile_parts, read_table
from tests.factories import AreaFactory

#: Three trees in Dalfsen, RD New.
POINTS = [(207_500.0, 499_800.0), (207_520.0, 499_810.0), (207_540.0, 499_820.0)]
DALFSEN = "POLYGON ((200000 490000, 215000 490000, 215000 510000, 200000 510000, 200000 490000))"


def write_trees(path, crs="EPSG:28992"):
    points = shapely.points(np.array(POINTS))
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(points), dtype=object),
        [np.array(["B-1", "B-2", "B-3"], dtype=object), np.array([1960, 1975, 1990])],
        ["id", "plantjaar"],
        geometry_type="Point",
        crs=crs,
        driver="ESRI Shapefile",
    )
    return path


def test_a_shp_is_read_with_the_parts_beside_it(tmp_path):
    table = read_table(write_trees(tmp_path / "bomen.shp"))

    assert list(table.frame.columns) == ["id", "plantjaar"]
    assert len(table.frame) == 3
    assert table.crs == "EPSG:28992"
    assert table.warnings == []


def test_a_missing_dbf_is_named(tmp_path):
    write_trees(tmp_path / "bomen.shp")
    (tmp_path / "bomen.dbf").unlink()

    with pytest.raises(ImportFileError) as error:
        read_table(tmp_path / "bomen.shp")

    assert str(error.value).startswith("bomen.dbf ontbreekt naast bomen.shp")


def test_a_missing_shx_and_dbf_are_both_named(tmp_path):
    write_trees(tmp_path / "bomen.shp")
    (tmp_path / "bomen.dbf").unlink()
    (tmp_path / "bomen.shx").unlink()

    with pytest.raises(ImportFileError) as error:
        read_shapefile_parts(tmp_path / "bomen.shp")

    assert str(error.value).startswith("bomen.shx en bomen.dbf ontbreken naast bomen.shp")


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_without_prj_the_crs_is_unknown_and_said(tmp_path):
    table = read_table(write_trees(tmp_path / "bomen.shp", crs=None))

    assert table.crs is None
    assert any("geen .prj-bestand" in note for note in table.warnings)


def test_parts_saved_under_other_names_are_read_from_a_list(tmp_path):
    """An upload keeps the user's names but may store each file apart; the parts are
    matched on their stem, case-insensitively."""
    write_trees(tmp_path / "bomen.shp")
    saved = []
    for index, extension in enumerate(("shp", "shx", "dbf", "prj")):
        folder = tmp_path / f"upload-{index}"
        folder.mkdir()
        target = folder / f"BOMEN.{extension.upper()}"
        shutil.copyfile(tmp_path / f"bomen.{extension}", target)
        saved.append(target)

    table = read_shapefile_parts(saved, name="bomen (upload)")

    assert len(table.frame) == 3
    assert table.crs == "EPSG:28992"


def test_a_folder_with_two_shapefiles_asks_which(tmp_path):
    write_trees(tmp_path / "bomen.shp")
    write_trees(tmp_path / "putten.shp")

    with pytest.raises(ImportFileError) as error:
        read_shapefile_parts(tmp_path)

    assert "meerdere shapefiles (bomen, putten)" in str(error.value)
    assert len(read_shapefile_parts(tmp_path, layer="putten").frame) == 3


def test_a_folder_without_a_shp_is_refused(tmp_path):
    (tmp_path / "bomen.dbf").write_bytes(b"x")

    with pytest.raises(ImportFileError) as error:
        read_shapefile_parts(tmp_path)

    assert "geen shapefile (.shp)" in str(error.value)
    assert "bomen.dbf" in str(error.value)


@pytest.mark.django_db
def test_import_assets_reads_a_loose_shp(tmp_path, capsys):
    AreaFactory(name="Dalfsen", geometry=DALFSEN)
    asset_classes_load_defaults()
    path = write_trees(tmp_path / "bomen.shp")

    call_command("import_assets", str(path), "--source", "gis-bomen", "--commit", verbosity=0)

    assert Asset.objects.filter(source="gis-bomen", asset_class__code="boom").count() == 3


@pytest.mark.django_db
def test_import_assets_names_the_missing_part(tmp_path):
    path = write_trees(tmp_path / "bomen.shp")
    (tmp_path / "bomen.dbf").unlink()

    with pytest.raises(CommandError):
        call_command("import_assets", str(path), "--source", "gis-bomen", "--commit", verbosity=0)
