"""`make load`: 50 users for 2 minutes against a production-like IMPOR on 127.0.0.1.

1. A fresh database: PostgreSQL when a server answers at IMPOR_LOAD_POSTGRES_URL
   (default postgres://impor:impor@127.0.0.1:5432/impor_load; the role needs CREATEDB),
   otherwise SQLite (said so in the output).
2. migrate, seed_demo, collectstatic; the concept programme computed, two scenarios of it
   for the planners, API tokens for a reader and a programme manager.
3. gunicorn on 127.0.0.1 (LOAD_WEB_WORKERS processes, DEBUG off, plain HTTP on the
   loopback) and TWO `manage.py db_worker` processes on the same database.
4. locust headless (benchmarks/load/locustfile.py) with LOAD_USERS users (default 50) for
   LOAD_DURATION (default 2m); the whole run is killed after LOAD_HARD_TIMEOUT seconds.
5. Everything stopped; a table per endpoint (requests, failures, p50, p95), the totals,
   and how many computations each worker ran. Exit status 1 when any request failed.
"""

import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
# The benchmarks' helpers (benchmarks/databases.py) sit one folder up.
sys.path.insert(0, str(ROOT / "benchmarks"))
from databases import fresh_postgres  # noqa: E402

PYTHON = sys.executable
LOCUST = str(Path(PYTHON).with_name("locust"))
DEFAULT_POSTGRES = "postgres://impor:impor@127.0.0.1:5432/impor_load"
USERS = int(os.environ.get("LOAD_USERS", "50"))
DURATION = os.environ.get("LOAD_DURATION", "2m")
WEB_WORKERS = int(os.environ.get("LOAD_WEB_WORKERS", "4"))
HARD_TIMEOUT = int(os.environ.get("LOAD_HARD_TIMEOUT", "900"))

SETUP = """
import json
from programming.models import Programme
from programming.services import programme_compute, programme_copy
from projects.models import Project
from stakeholders.models import ApiToken, User

programme = Programme.objects.order_by("pk").first()
programme.time_limit = 5  # a computation of seconds, so the planners run several
programme.save(update_fields=["time_limit"])
programme_compute(programme)
scenarios = [programme_copy(programme, name=f"Belastingtest {n}").pk for n in (1, 2)]
tokens = {
    "reader": ApiToken.objects.issue(user=User.objects.get(username="lezer"), name="load")[1],
    "manager": ApiToken.objects.issue(
        user=User.objects.get(username="programma"), name="load"
    )[1],
}
print(json.dumps({
    "programme": programme.pk,
    "scenarios": scenarios,
    "projects": list(Project.objects.order_by("pk").values_list("pk", flat=True)[:40]),
    "page_users": ["lezer", "riolering", "beleid", "programma"],
    "tokens": tokens,
    "run_timeout": 240,
}))
"""

WORKER_COUNTS = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
from programming.models import ProgrammeRun
rows = DBTaskResult.objects.filter(task_path__endswith="compute_programme")
done = Counter(
    (row.worker_ids[-1] if row.worker_ids else "-", row.status)
    for row in rows.only("worker_ids", "status")
)
runs = Counter(ProgrammeRun.objects.values_list("status", flat=True))
print(json.dumps({"tasks": [[w, s, n] for (w, s), n in sorted(done.items())], "runs": runs}))
"""


def log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def postgres_database() -> str | None:
    """A fresh, empty database, or None when no PostgreSQL server answers."""
    import psycopg

    try:
        return fresh_postgres(os.environ.get("IMPOR_LOAD_POSTGRES_URL", DEFAULT_POSTGRES))
    except psycopg.Error as exc:
        log(f"PostgreSQL not available ({str(exc).strip().splitlines()[0]})")
        return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise RuntimeError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def last_json(output: str) -> dict:
    return json.loads(next(line for line in reversed(output.splitlines()) if line.startswith("{")))


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped during start-up")
        try:
            urllib.request.urlopen(f"{url}/inloggen/", timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer at {url} within {seconds} s")


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def report(stats_csv: Path) -> int:
    """Print the per-endpoint table; return the number of failed requests."""
    with stats_csv.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    width = max(len(f"{r['Type']} {r['Name']}") for r in rows)
    print()
    print(f"{'endpoint':<{width}}  {'requests':>8}  {'failures':>8}  {'p50 ms':>7}  {'p95 ms':>7}")
    print("-" * (width + 40))
    for row in sorted(rows, key=lambda r: r["Name"] == "Aggregated"):
        label = "TOTAL" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        if row["Name"] == "Aggregated":
            print("-" * (width + 40))
        print(
            f"{label:<{width}}  {row['Request Count']:>8}  {row['Failure Count']:>8}  "
            f"{row['50%']:>7}  {row['95%']:>7}"
        )
    total = next(r for r in rows if r["Name"] == "Aggregated")
    return int(total["Failure Count"])


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="impor-load-"))
    database = postgres_database()
    if database is None:
        database = f"sqlite:///{work / 'impor.sqlite3'}"
        log("using SQLite: the figures say little about a PostgreSQL installation")
    log(f"database {database.split('@')[-1]}, {USERS} users for {DURATION}")
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DEBUG": "false",
        "SECRET_KEY": "load-test-only-" + os.urandom(16).hex(),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "STATIC_ROOT": str(work / "static"),
        "TASKS_BACKEND": "database",
    }
    processes: list[subprocess.Popen] = []
    logs = []
    try:
        log("migrate, seed_demo, collectstatic, compute the concept programme")
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "seed_demo", "--no-compute", "-v", "0")  # SETUP computes it
        manage(env, "collectstatic", "--noinput", "-v", "0")
        setup = last_json(manage(env, "shell", "-v", "0", "-c", SETUP))
        setup_file = work / "setup.json"
        setup_file.write_text(json.dumps(setup), encoding="utf-8")

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        web_log = (work / "gunicorn.log").open("w")
        logs.append(web_log)
        # Gunicorn's flags are set here, not read from the deployment's gunicorn.conf.py,
        # so the test binds to the loopback only whatever that file says.
        config = work / "gunicorn.conf.py"
        config.write_text("# make load: all settings on the command line\n", encoding="utf-8")
        web = subprocess.Popen(
            [str(Path(PYTHON).with_name("gunicorn")), "impor.wsgi", "--config", str(config),
             "--bind", f"127.0.0.1:{port}", "--workers", str(WEB_WORKERS), "--timeout", "120"],
            cwd=ROOT, env=env, stdout=web_log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        processes.append(web)
        for n in (1, 2):
            worker_log = (work / f"worker-{n}.log").open("w")
            logs.append(worker_log)
            command = [PYTHON, "manage.py", "db_worker", "--no-reload", "--interval", "0.5"]
            processes.append(
                subprocess.Popen(
                    [*command, "--worker-id", f"worker-{n}"],
                    cwd=ROOT,
                    env=env,
                    stdout=worker_log,
                    stderr=subprocess.STDOUT,
                )
            )
        wait_until_up(host, web)
        log(f"gunicorn ({WEB_WORKERS} processes) at {host}, 2 db_workers; locust starts")

        remaining = HARD_TIMEOUT - (time.monotonic() - started)
        locust = subprocess.run(
            [LOCUST, "-f", str(Path(__file__).with_name("locustfile.py")), "--headless",
             "--users", str(USERS), "--spawn-rate", "10", "--run-time", DURATION,
             "--host", host, "--csv", str(work / "load"), "--only-summary",
             "--stop-timeout", "30", "--exit-code-on-error", "0", "--loglevel", "WARNING"],
            cwd=ROOT, env={**os.environ, "LOAD_SETUP": str(setup_file)},
            capture_output=True, text=True, timeout=max(remaining, 60),
        )  # fmt: skip
        if locust.returncode:
            print(locust.stdout[-5000:], locust.stderr[-5000:])
            raise RuntimeError(f"locust ended with status {locust.returncode}")
    finally:
        stop(processes)
        for handle in logs:
            handle.close()

    failures = report(work / "load_stats.csv")
    counts = last_json(manage(env, "shell", "-v", "0", "-c", WORKER_COUNTS))
    print()
    print("Computations per worker (task status):")
    for worker, status, count in counts["tasks"]:
        print(f"  {worker:<10} {status:<11} {count:>4}")
    print(f"Runs by status: {json.dumps(counts['runs'], ensure_ascii=False)}")
    failed = work / "load_failures.csv"
    if failures:
        print()
        print("Failures:")
        print(failed.read_text(encoding="utf-8"))
    print(f"\nLogs and CSV files: {work}")
    if urlsplit(database).scheme.startswith("postgres"):
        log("the PostgreSQL database is kept until the next run")
    else:
        shutil.rmtree(work / "static", ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
