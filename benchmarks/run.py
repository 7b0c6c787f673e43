"""IMPOR benchmarks: `make bench` prints seconds, rows/s and peak memory per size and database.

Sizes come from BENCH_SIZES (comma-separated asset counts, `demo` for the demo municipality),
default "demo,1000000". PostgreSQL is measured when a server answers at
IMPOR_BENCH_POSTGRES_URL (default postgres://impor:impor@127.0.0.1:5432/impor_bench; the
role needs CREATEDB — `.ci/run` sets one up). Every measurement runs in a fresh database
and a fresh process, so peak memory is that of the measured command alone.
"""

import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://impor:impor@127.0.0.1:5432/impor_bench"

#: Runs a command and prints its peak resident memory (KiB) as the last line on stderr.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print('peak_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


@dataclass
class Result:
    seconds: float
    peak_mib: float
    stdout: str


def run(args: list[str], database_url: str) -> Result:
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    started = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "-c", MEASURE, PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    peak = int(re.search(r"peak_kib (\d+)", proc.stderr).group(1))
    return Result(seconds, peak / 1024, proc.stdout)


def sqlite_database() -> str:
    folder = Path(tempfile.mkdtemp(prefix="impor-bench-"))
    return f"sqlite:///{folder / 'impor.sqlite3'}"


def postgres_database() -> str | None:
    """A fresh, empty benchmark database, or None when no server answers."""
    import psycopg

    url = os.environ.get("IMPOR_BENCH_POSTGRES_URL", DEFAULT_POSTGRES)
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        print(f"  PostgreSQL skipped: {str(exc).strip().splitlines()[0]}")
        return None
    return url


def bench_seed(size: str, database_url: str) -> str:
    run(["migrate", "--noinput", "-v0"], database_url)
    args = ["seed_demo"] if size == "demo" else ["seed_demo", "--large", size]
    result = run(args, database_url)
    assets = int(re.search(r"(\d+) beheerobjecten", result.stdout).group(1))
    seconds = float(re.search(r"Klaar in ([\d.]+) s", result.stdout).group(1))
    return (
        f"{assets:>9,} assets  seed {seconds:7.1f} s  {assets / seconds:>9,.0f} assets/s  "
        f"peak {result.peak_mib:6.0f} MiB"
    )


def main() -> None:
    sizes = os.environ.get("BENCH_SIZES", "demo,1000000").split(",")
    print("IMPOR benchmarks")
    print(f"  machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for size in sizes:
        print(f"\nseed_demo {'(demo municipality)' if size == 'demo' else f'--large {size}'}")
        print(f"  SQLite      {bench_seed(size, sqlite_database())}")
        postgres = postgres_database()
        if postgres:
            print(f"  PostgreSQL  {bench_seed(size, postgres)}")


if __name__ == "__main__":
    main()
