"""Fresh PostgreSQL databases for the benchmarks (run.py) and the load test (load/run.py)."""

from urllib.parse import urlsplit, urlunsplit


def fresh_postgres(url: str) -> str:
    """Drop and create the database `url` names (the role needs CREATEDB) and return `url`;
    raises psycopg.Error (OperationalError when no server answers)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url
