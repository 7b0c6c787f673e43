"""The real Leeuwarden tree register (CC0, ../shared/data/leeuwarden-bomen) imports with
nothing but the mapping that recognition proposes."""

import zipfile

import pytest
import shapely

from assets.importing.service import import_file
from assets.models import Asset
from assets.selectors import asset_lifecycle_frame
from assets.services import asset_classes_load_defaults
from impor.choices import ImportStatus
from tests.factories import AreaFactory
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

ROWS = 2_088
#: A generous box around the municipality of Leeuwarden in RD New: the city lies around
#: (182 000, 579 000) and the municipality reaches some 15 km from it.
LEEUWARDEN = "POLYGON ((160000 560000, 200000 560000, 200000 600000, 160000 600000, 160000 560000))"


@pytest.fixture
def tree_register(tmp_path):
    """The shapefile zipped, as a user uploads it."""
    folder = shared_data("leeuwarden-bomen")
    archive = tmp_path / "monumentale_en_waardevolle_bomen.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        for part in folder.iterdir():
            handle.write(part, part.name)
    AreaFactory(name="Leeuwarden", cbs_code="GM0080", geometry=LEEUWARDEN)
    asset_classes_load_defaults()
    return archive


def test_the_trees_import_with_the_proposed_mapping(tree_register):
    report = import_file(
        kind="assets", path=tree_register, source="leeuwarden-bomen", commit=True, only_valid=True
    )

    assert report.status == ImportStatus.COMMITTED
    assert report.crs == "EPSG:28992"
    assert report.mapping["external_id"] == {"column": "ELEMENTNR", "with_location": True}
    assert "kolom 'ELEMENTNR' is niet uniek" in report.warnings[0], "element numbers repeat"
    assert report.mapping["construction_year"] == "PLANTJAAR"
    assert report.mapping["asset_class"] == {"value": "boom"}
    reported_rows = {error.row for error in report.errors}
    assert report.creates + len(reported_rows) == ROWS, "every row is imported or reported"
    assert report.creates > ROWS * 0.8
    assert all("aanlegjaar" in error.field or "id" in error.field for error in report.errors), {
        str(e) for e in report.errors
    }

    trees = Asset.objects.filter(source="leeuwarden-bomen")
    assert trees.count() == report.creates
    assert all(t.asset_class.code == "boom" for t in trees.select_related("asset_class")[:50])
    years = list(trees.values_list("construction_year", flat=True))
    assert min(years) > 1700
    assert max(years) <= 2015, "planted before the data were published (2015)"
    box = shapely.from_wkt(LEEUWARDEN)
    points = shapely.from_wkt(list(trees.values_list("geometry", flat=True)))
    assert shapely.within(points, box).all()
    assert trees.filter(extra__BOOMSOORT__isnull=False).exists(), "the species is kept"


def test_the_trees_get_plausible_replacement_windows(tree_register):
    import_file(
        kind="assets", path=tree_register, source="leeuwarden-bomen", commit=True, only_valid=True
    )

    frame = asset_lifecycle_frame(reference_year=2026, price_year=2026)

    assert len(frame) == Asset.objects.count()
    assert (frame.earliest <= frame.preferred_year).all()
    assert (frame.preferred_year <= frame.latest).all()
    assert frame.preferred_year.between(1750, 2100).all()
    assert (frame.latest - frame.earliest).eq(30).all(), "class window 10 early + 20 late"
