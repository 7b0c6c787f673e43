"""Which coordinate reference system (CRS) an import reads geometry in: the file's own
when it names one (GeoPackage, Shapefile .prj, GeoJSON crs). A requested CRS or the one
saved with the source's mapping that differs from it is reported, and the file is only
imported once the user confirms."""

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import shapely
from django.core.management import CommandError, call_command

from assets.importing.service import import_file
from assets.models import Asset, ImportMapping
from impor.choices import ImportStatus
from impor.models import ImportRun
from tests.assets.test_import import municipality  # noqa: F401 (a fixture, used by name)

pyogrio = pytest.importorskip("pyogrio")

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("municipality")]

#: Two trees in RD New, one in each buurt of the test municipality.
TREES_RD = [(214100.0, 502500.0), (216100.0, 502500.0)]
RD_NEW = "EPSG:28992"
WGS84 = "EPSG:4326"


def write_trees(tmp_path: Path, suffix: str) -> Path:
    """The trees in a file of the given format that declares RD New itself."""
    if suffix == ".geojson":
        path = tmp_path / "bomen.geojson"
        features = [
            {
                "type": "Feature",
                "properties": {"id": f"T{i}", "plantjaar": 1980 + i},
                "geometry": {"type": "Point", "coordinates": list(xy)},
            }
            for i, xy in enumerate(TREES_RD, start=1)
        ]
        crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}
        path.write_text(json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}))
        return path
    driver = {".gpkg": "GPKG", ".zip": "ESRI Shapefile"}[suffix]
    path = tmp_path / ("bomen.gpkg" if suffix == ".gpkg" else "bomen.shp")
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(shapely.points(np.array(TREES_RD))), dtype=object),
        [np.array(["T1", "T2"], dtype=object), np.array([1981, 1982])],
        ["id", "plantjaar"],
        geometry_type="Point",
        crs=RD_NEW,
        driver=driver,
    )
    if suffix == ".gpkg":
        return path
    package = tmp_path / "bomen.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for part in (".shp", ".shx", ".dbf", ".prj"):
            archive.write(path.with_suffix(part), f"bomen{part}")
    return package


def saved_crs(crs: str) -> None:
    """The source's saved mapping, as an earlier import in another CRS left it."""
    ImportMapping.objects.create(source="gis", kind="assets", mapping={}, crs=crs)


def tree_positions() -> list[tuple[float, float]]:
    return sorted(
        shapely.from_wkt(wkt).coords[0] for wkt in Asset.objects.values_list("geometry", flat=True)
    )


@pytest.mark.parametrize("suffix", [".gpkg", ".zip", ".geojson"])
def test_the_files_own_crs_wins_over_the_crs_saved_with_the_mapping(tmp_path, suffix):
    saved_crs(WGS84)
    path = write_trees(tmp_path, suffix)

    report = import_file(kind="assets", path=path, source="gis")

    assert report.crs == RD_NEW
    assert not any("niet in Nederland" in error.message for error in report.errors)


def test_a_crs_saved_with_the_mapping_that_differs_is_reported_and_refused(tmp_path):
    saved_crs(WGS84)
    path = write_trees(tmp_path, ".gpkg")

    report = import_file(kind="assets", path=path, source="gis", commit=True)

    assert report.status == ImportStatus.REFUSED
    message = report.errors[0].message
    assert RD_NEW in message
    assert WGS84 in message
    assert "bevestig" in message.lower()
    assert not Asset.objects.exists()


def test_a_requested_crs_that_differs_is_refused_and_imported_once_confirmed(tmp_path):
    path = write_trees(tmp_path, ".gpkg")

    refused = import_file(kind="assets", path=path, source="gis", crs=WGS84, commit=True)

    assert refused.status == ImportStatus.REFUSED
    assert WGS84 in refused.errors[0].message
    assert not Asset.objects.exists()

    confirmed = import_file(
        kind="assets", path=path, source="gis", crs=WGS84, crs_confirmed=True, commit=True
    )

    assert confirmed.status == ImportStatus.COMMITTED, confirmed.errors
    assert any(RD_NEW in warning and WGS84 in warning for warning in confirmed.warnings)
    assert tree_positions() == TREES_RD, "read as the file says: RD New"
    assert ImportMapping.objects.get(source="gis").crs == RD_NEW


def test_a_requested_crs_that_agrees_with_the_file_needs_no_confirmation(tmp_path):
    path = write_trees(tmp_path, ".zip")

    report = import_file(kind="assets", path=path, source="gis", crs="28992", commit=True)

    assert report.status == ImportStatus.COMMITTED, report.errors
    assert report.warnings == []
    assert tree_positions() == TREES_RD


def test_the_command_refuses_a_crs_mismatch_until_crs_confirm(tmp_path, capsys):
    saved_crs(WGS84)
    path = write_trees(tmp_path, ".geojson")
    command = ["import_assets", str(path), "--source", "gis", "--commit"]

    with pytest.raises(CommandError):
        call_command(*command, verbosity=0)

    assert "--crs-confirm" in capsys.readouterr().out
    assert not Asset.objects.exists()

    call_command(*command, "--crs-confirm", verbosity=0)

    assert tree_positions() == TREES_RD
    assert ImportRun.objects.filter(status=ImportStatus.COMMITTED).count() == 1
