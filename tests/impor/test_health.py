"""/gezondheid says 503 when the database answers but takes no writes (#14).

A read-only database (a PostgreSQL standby after a failover, a session set read-only, an
SQLite file on a read-only disk) answers ``SELECT 1``, yet every save fails. The load
balancer must hear that. The answers of a healthy and an unreachable database are in
tests/test_production.py.
"""

import pytest
from django.db import connection

from impor import health
from tests.system import required

pytestmark = pytest.mark.django_db


def _read_only_answer(client) -> dict:
    response = client.get("/gezondheid")
    assert response.status_code == 503
    return response.json()


def test_health_reports_a_read_only_sqlite_database(client):
    if connection.vendor != "sqlite":
        pytest.skip("PRAGMA query_only is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA query_only = ON")
    try:
        answer = _read_only_answer(client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA query_only = OFF")
    assert answer == {
        "status": "fout",
        "database": health.READ_ONLY_QUERY_ONLY,
        "worker": "onbekend",
    }
    assert client.get("/gezondheid").status_code == 200


def test_health_reports_an_sqlite_file_it_cannot_write(client, monkeypatch, tmp_path):
    """As root (in CI) every file is writable, so the file system's answer is simulated."""
    if connection.vendor != "sqlite":
        pytest.skip("an SQLite file only")
    database = tmp_path / "impor.sqlite3"
    database.touch()
    monkeypatch.setitem(connection.settings_dict, "NAME", str(database))
    monkeypatch.setattr(connection, "is_in_memory_db", lambda: False)
    monkeypatch.setattr(health.os, "access", lambda path, mode: str(path) != str(database))

    answer = _read_only_answer(client)

    assert answer["database"] == health.READ_ONLY_FILE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_health_reports_a_read_only_postgresql_session(client):
    if connection.vendor != "postgresql":
        if required("IMPOR_REQUIRE_POSTGRES"):
            pytest.fail("IMPOR_REQUIRE_POSTGRES is set but the database is not PostgreSQL")
        pytest.skip("needs PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    try:
        answer = _read_only_answer(client)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
    assert answer == {"status": "fout", "database": health.READ_ONLY, "worker": "onbekend"}
    assert client.get("/gezondheid").status_code == 200
