"""Test-only OGC collections over the assets, and a live server for GDAL to read them.

The server answers one request at a time: with the in-memory SQLite test database every
request thread shares the test's one connection, and two requests at once would run two
queries on it together (tests/browser/conftest.py tells the story). GDAL asks one thing at
a time anyway, but keeps a connection open while it opens another.
"""

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test.testcases import LiveServerThread

from assets.models import Asset
from impor.ogc.collections import Collection, Queryable


class AssetsForTest(Collection):
    """The assets, with bbox columns and their construction year as time."""

    id = "test-assets"
    title = "Beheerobjecten (test)"
    has_bbox_columns = True
    temporal = ("construction_year", "construction_year")
    queryables = (
        Queryable("street", "street", "string", "De straat."),
        Queryable("construction_year", "construction_year", "integer", "Het aanlegjaar."),
    )

    def available_to(self, user: Any) -> bool:
        return user.has_perm("assets.view_asset")

    def queryset(self, user: Any):
        return Asset.objects.all()

    def properties(self, user: Any, rows: Sequence[Asset]) -> list[dict[str, Any]]:
        return [{"street": a.street, "construction_year": a.construction_year} for a in rows]


class DerivedForTest(AssetsForTest):
    """The same assets with a geometry of the collection's own making and no bbox
    columns, as a coupling's (the union of its works) is."""

    id = "test-derived"
    has_bbox_columns = False

    def geometries(self, user: Any, rows: Sequence[Asset]) -> list[str]:
        return [asset.geometry for asset in rows]


def collections(user: Any) -> list[Collection]:
    return [AssetsForTest(), DerivedForTest()]


#: `OGC_COLLECTIONS` for the OGC tests: the areas and the two above.
COLLECTIONS = ["impor.ogc.areas.collections", "tests.api.ogc_server.collections"]


class _SerialServer(ThreadedWSGIServer):
    """Each connection on a thread of its own (a client may keep one open), the
    application under one lock."""

    def set_app(self, application):
        lock = threading.Lock()

        def one_at_a_time(environ, start_response):
            with lock:
                result = application(environ, start_response)
                try:
                    return list(result)
                finally:
                    result.close()

        super().set_app(one_at_a_time)


class _SerialServerThread(LiveServerThread):
    server_class = _SerialServer


@contextmanager
def live_server() -> Iterator[str]:
    """Serve the site on a free port of 127.0.0.1 while the block runs; its base URL."""
    shared = {
        conn.alias: conn
        for conn in connections.all()
        if conn.vendor == "sqlite" and conn.is_in_memory_db()
    }
    for conn in shared.values():
        conn.inc_thread_sharing()
    thread = _SerialServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        thread.terminate()
        for conn in shared.values():
            conn.dec_thread_sharing()
