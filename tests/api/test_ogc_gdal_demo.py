"""GDAL reads the whole demo municipality through the OGC API Features service, as a GIS
user adding its layers in QGIS does (issue #21's acceptance): it lists every collection
the programme manager may read, and reads every work of the computed demo programme and
every demo asset, in CRS84 and in RD New, following the pages to the end.

One test, so the demo is seeded and computed once (`seed_demo`, ~10-20 s); GDAL runs in a
child process as in tests/api/test_ogc_gdal.py.
"""

import pytest
import shapely
from django.core.management import call_command

from assets.models import Asset
from impor.ogc.collections import collections_for
from programming.models import Programme, Work
from stakeholders.models import ApiToken, User
from tests.api.ogc_server import live_server
from tests.api.test_ogc_gdal import Gdal

#: Features per page GDAL asks for: the demo's works (1,748 with seed 1; `make demo`'s
#: seed 2026 gives 1,715) in 2 pages, its assets (22,203) in 5, so each is read by
#: following `next`.
PAGE_SIZE = {"works": 1000, "assets": 5000}
#: The demo's box in CRS84 (Dalfsen and Vechthorst) and in RD New, with a margin.
CRS84_BOX = (6.0, 52.3, 6.6, 52.7)
RD_NEW_BOX = (190_000, 480_000, 240_000, 520_000)


@pytest.fixture
def demo_gdal(transactional_db, tmp_path):
    """The demo, computed, and GDAL reading it with the programme manager's token."""
    call_command("seed_demo", seed=1, verbosity=0)
    manager = User.objects.get(username="programma")
    _token, key = ApiToken.objects.issue(user=manager, name="gdal")
    headers = tmp_path / "headers.txt"
    headers.write_text(f"Authorization: Token {key}\n")
    with live_server() as url:
        yield manager, Gdal(f"OAPIF:{url}/api/v1/ogc", headers)


def _inside(geometries, box) -> bool:
    xmin, ymin, xmax, ymax = shapely.total_bounds([g for g in geometries if g is not None])
    return box[0] < xmin and box[1] < ymin and xmax < box[2] and ymax < box[3]


def test_gdal_reads_every_demo_work_and_asset_in_both_crss(demo_gdal):
    manager, gdal = demo_gdal
    programme = Programme.objects.current()
    works = f"programme-{programme.pk}-works"
    assert gdal.layers() == [collection.id for collection in collections_for(manager)]
    assert {works, f"programme-{programme.pk}-couplings", "assets", "projects"} <= set(
        gdal.layers()
    )

    expected = {
        works: sorted(Work.objects.filter(programme=programme).values_list("pk", flat=True)),
        "assets": sorted(Asset.objects.values_list("pk", flat=True)),
    }
    assert len(expected[works]) > PAGE_SIZE["works"], "more than a page of works"
    assert len(expected["assets"]) > PAGE_SIZE["assets"], "more than a page of assets"
    for (layer, ids), page_size in zip(expected.items(), PAGE_SIZE.values(), strict=True):
        for crs, name, box in (
            ("OGC:CRS84", 'AUTHORITY["OGC","CRS84"]', CRS84_BOX),
            ("EPSG:28992", "EPSG:28992", RD_NEW_BOX),
        ):
            read = gdal.read(layer, PAGE_SIZE=page_size, CRS=crs)
            assert name in read["crs"], (layer, crs)
            assert len(read["ids"]) == len(ids), (layer, crs, "every feature, each once")
            assert sorted(read["ids"]) == ids, (layer, crs)
            assert _inside(read["geometries"], box), (layer, crs, "in the demo's place")
