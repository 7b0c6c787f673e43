"""GDAL reads the OGC API Features service as a GIS does: its OAPIF driver (the one inside
QGIS), through pyogrio, against a live test server, with an API token in a header.

It lists the collections, follows the `next` links of a collection read in pages smaller
than it to the last page and gets exactly the database's rows, filters with a bbox, and
reads in RD New and in CRS84.

GDAL runs in a process of its own: pyogrio keeps Python's interpreter lock while GDAL
fetches the next page, so a server thread of this process could not answer it. The
token goes in a header file (GDAL_HTTP_HEADER_FILE): the OAPIF driver sends headers of
its own (Accept), and GDAL then leaves out those of GDAL_HTTP_HEADERS.
"""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely

from assets.models import Asset
from impor.models import Area
from stakeholders.choices import Role
from stakeholders.models import ApiToken
from stakeholders.roles import ensure_role_groups
from tests.api.conftest import user_with_role
from tests.api.ogc_server import COLLECTIONS, live_server
from tests.factories import AreaFactory, AssetFactory

#: A 40 m square in Dalfsen (RD New) and the same 20 km away; Dalfsen's box in CRS84.
NEAR = "POLYGON ((214500 500800, 214540 500800, 214540 500840, 214500 500840, 214500 500800))"
FAR = "POLYGON ((200000 480000, 200040 480000, 200040 480040, 200000 480040, 200000 480000))"
DALFSEN = (6.25, 52.48, 6.28, 52.50)

#: GDAL's settings: no directory listing of the URL, no retries or cache that would hide
#: a wrong answer, a short timeout.
GDAL_ENVIRONMENT = {
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_HTTP_MAX_RETRY": "0",
    "GDAL_HTTP_TIMEOUT": "20",
    "CPL_VSIL_CURL_USE_CACHE": "NO",
}

#: What the GDAL process runs: list the layers, or read one (ids, WKB as hex, fields).
GDAL_SCRIPT = """
import json, sys
import pyogrio
import pyogrio.raw

request = json.loads(sys.argv[1])
if request["layer"] is None:
    print(json.dumps([name for name, _type in pyogrio.list_layers(request["source"])]))
else:
    bbox = tuple(request["bbox"]) if request["bbox"] else None
    meta, fids, geometries, columns = pyogrio.raw.read(
        request["source"], layer=request["layer"], return_fids=True, bbox=bbox,
        **request["options"]
    )
    print(json.dumps({
        "crs": meta["crs"],
        "ids": [int(fid) for fid in fids],
        "wkb": [geometry.hex() for geometry in geometries],
        "properties": {
            name: [None if value is None else str(value) for value in column]
            for name, column in zip(meta["fields"], columns)
        },
    }))
"""


class Gdal:
    """GDAL in a child process, pointed at the live server's landing page."""

    def __init__(self, source: str, headers: Path):
        self.source = source
        self.environment = {
            **os.environ,
            **GDAL_ENVIRONMENT,
            "GDAL_HTTP_HEADER_FILE": str(headers),
        }

    def _run(self, request: dict[str, Any]) -> Any:
        done = subprocess.run(
            [sys.executable, "-c", GDAL_SCRIPT, json.dumps({"source": self.source, **request})],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def layers(self) -> list[str]:
        return self._run({"layer": None})

    def read(self, layer: str, bbox=None, **options) -> dict[str, Any]:
        """Every feature of `layer`; `options` are the driver's open options."""
        found = self._run(
            {"layer": layer, "bbox": bbox, "options": {k: str(v) for k, v in options.items()}}
        )
        found["geometries"] = [shapely.from_wkb(bytes.fromhex(wkb)) for wkb in found["wkb"]]
        return found


@pytest.fixture
def gdal(transactional_db, settings, tmp_path) -> Iterator[Gdal]:
    """GDAL reading the service with a viewer's token."""
    settings.OGC_COLLECTIONS = COLLECTIONS
    ensure_role_groups()  # a transactional test starts from a flushed database
    _token, key = ApiToken.objects.issue(user=user_with_role(Role.VIEWER), name="gdal")
    headers = tmp_path / "headers.txt"
    headers.write_text(f"Authorization: Token {key}\n")
    with live_server() as url:
        yield Gdal(f"OAPIF:{url}/api/v1/ogc", headers)


def test_gdal_lists_the_collections(gdal):
    assert gdal.layers() == [
        "areas-gemeente",
        "areas-kern",
        "areas-wijk",
        "areas-buurt",
        "test-assets",
        "test-derived",
    ]


def test_gdal_follows_the_pages_to_the_end_in_both_crss(gdal):
    gemeente = AreaFactory(geometry=NEAR)
    for index in range(7):
        AreaFactory(kern=True, parent=gemeente, geometry=NEAR if index % 2 else FAR)
    kernen = sorted(Area.objects.filter(level="kern").values_list("pk", flat=True))
    assert len(kernen) == 7
    for crs, name in (("EPSG:28992", "EPSG:28992"), ("OGC:CRS84", 'AUTHORITY["OGC","CRS84"]')):
        read = gdal.read("areas-kern", PAGE_SIZE=3, CRS=crs)
        assert name in read["crs"]
        assert sorted(read["ids"]) == kernen
        assert set(read["properties"]["parent"]) == {str(gemeente.pk)}
    x, y = read["geometries"][0].exterior.coords[0]
    assert 5 < x < 7  # longitude first
    assert 52 < y < 53


def test_gdal_filters_by_bbox(gdal):
    near = [AssetFactory(geometry=NEAR).pk for _ in range(4)]
    for _ in range(3):
        AssetFactory(geometry=FAR)
    for layer in ("test-assets", "test-derived"):
        read = gdal.read(layer, bbox=DALFSEN, PAGE_SIZE=3, CRS="OGC:CRS84")
        assert sorted(read["ids"]) == near, layer


def test_gdal_reads_rd_new_as_stored(gdal):
    asset = AssetFactory(geometry="LINESTRING (214500.125 500800.5, 214540 500800)")
    AssetFactory(geometry=FAR)
    read = gdal.read("test-assets", CRS="EPSG:28992", PAGE_SIZE=1)
    assert read["crs"] == "EPSG:28992"
    assert len(read["ids"]) == Asset.objects.count() == 2
    line = read["geometries"][read["ids"].index(asset.pk)]
    assert list(line.coords) == [(214500.125, 500800.5), (214540, 500800)]
