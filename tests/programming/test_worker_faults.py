"""A worker that dies during a computation (issue #7, fault handling).

The in-process tests check the rule of `runs_fail_stale` and that pages, the API and a new
run apply it. `test_killed_worker_*` runs a real `manage.py db_worker` on a database of its
own (a file, or a temporary PostgreSQL database when DATABASE_URL is PostgreSQL: the
subprocess cannot see pytest's test database), kills it with SIGKILL in the middle of a
computation and checks that the previous results are whole, that the run and its task are
marked failed once the worker has been silent long enough, and that a re-run succeeds.
"""

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from programming.choices import RunStatus
from programming.models import ProgrammeRun
from programming.services import runs_fail_stale
from programming.tasks import programme_enqueue
from stakeholders.choices import Role
from tests.api.conftest import client_for, user_with_role
from tests.factories import ProgrammeFactory
from tests.system import required

ROOT = Path(__file__).resolve().parents[2]
STOPPED = "De berekening is afgebroken: de worker stopte. Start de berekening opnieuw."
STALE_SECONDS = 3


# --- the rule, in-process --------------------------------------------------------------


def _silent_run(seconds: int) -> ProgrammeRun:
    """A queued run taken by a worker that has been silent for `seconds`."""
    run = programme_enqueue(ProgrammeFactory())
    then = timezone.now() - timedelta(seconds=seconds)
    ProgrammeRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=then, heartbeat_at=then
    )
    DBTaskResult.objects.filter(pk=run.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=then
    )
    return run


@pytest.fixture
def stale_after(settings):
    settings.IMPOR_RUN_STALE_SECONDS = 60
    return 60


@pytest.mark.django_db
def test_silent_run_and_its_task_are_marked_failed(stale_after):
    run = _silent_run(stale_after + 5)
    assert runs_fail_stale() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert run.message == STOPPED
    assert run.finished_at is not None
    task = DBTaskResult.objects.get(pk=run.task_id)
    assert task.status == TaskResultStatus.FAILED
    assert task.finished_at is not None


@pytest.mark.django_db
def test_run_with_a_recent_heartbeat_is_left_alone(stale_after):
    run = _silent_run(stale_after + 5)
    ProgrammeRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now())
    assert runs_fail_stale() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING


@pytest.mark.django_db
def test_queued_run_waiting_for_a_worker_is_not_failed(stale_after):
    """A long queue is no fault: only a run whose task a worker took can be stale."""
    run = programme_enqueue(ProgrammeFactory())
    long_ago = timezone.now() - timedelta(seconds=stale_after * 10)
    ProgrammeRun.objects.filter(pk=run.pk).update(created_at=long_ago)
    assert runs_fail_stale() == 0
    DBTaskResult.objects.filter(pk=run.task_id).update(
        status=TaskResultStatus.RUNNING, started_at=long_ago
    )
    assert runs_fail_stale() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED


@pytest.mark.django_db
def test_api_poll_reports_the_stopped_worker(stale_after):
    run = _silent_run(stale_after + 5)
    client = client_for(user_with_role(Role.VIEWER))
    answer = client.get(f"/api/v1/programmas/{run.programme_id}/berekeningen/{run.pk}")
    assert answer.status_code == 200
    assert answer.json()["status"] == RunStatus.FAILED
    assert DBTaskResult.objects.get(pk=run.task_id).status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_run_status_fragment_shows_the_stopped_worker(client, stale_after):
    run = _silent_run(stale_after + 5)
    client.force_login(user_with_role(Role.VIEWER))
    page = client.get(f"/programmas/{run.programme_id}/berekening/", headers={"HX-Request": "true"})
    assert page.status_code == 200
    assert STOPPED in page.content.decode()
    assert 'hx-trigger="every 1s"' not in page.content.decode()


@pytest.mark.django_db
def test_rerun_after_a_stopped_worker_is_queued(stale_after):
    run = _silent_run(stale_after + 5)
    again = programme_enqueue(run.programme)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert again.pk != run.pk
    assert again.status == RunStatus.QUEUED


# --- a real worker, killed -------------------------------------------------------------


class Database:
    """The worker's database, read by the test with a plain driver connection."""

    def __init__(self, url: str):
        self.url = url
        self.postgres = url.startswith(("postgres://", "postgresql://"))

    def connect(self):
        if self.postgres:
            import psycopg

            return psycopg.connect(self.url)
        return sqlite3.connect(urlsplit(self.url).path, timeout=30, isolation_level=None)

    def one(self, sql: str):
        conn = self.connect()
        try:
            return conn.execute(sql).fetchone()
        finally:
            conn.close()

    @contextmanager
    def writes_blocked(self):
        """Hold a lock that stops the worker writing its results until released:
        PostgreSQL locks the works table against writes only (the previous results are
        read during the engine, for the alerts); SQLite can only lock the whole file."""
        conn = self.connect()
        try:
            if self.postgres:
                conn.execute("LOCK TABLE programming_work IN EXCLUSIVE MODE")
            else:
                conn.execute("BEGIN IMMEDIATE")
            yield conn
        finally:
            conn.rollback() if self.postgres else conn.execute("ROLLBACK")
            conn.close()


@pytest.fixture
def worker_database(tmp_path):
    """A fresh database for subprocesses, like the one pytest uses (SQLite or PostgreSQL)."""
    with open(Path("/tmp") / "impor-worker-fault-test.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one killed-worker test at a time on this machine
        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            yield Database(f"sqlite:///{tmp_path / 'worker.sqlite3'}")
            return
        yield from _postgres_database()


def _postgres_database():
    import psycopg

    url = os.environ["DATABASE_URL"]
    parts = urlsplit(url)
    name = f"impor_fault_{uuid.uuid4().hex[:8]}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        if required("IMPOR_REQUIRE_POSTGRES"):
            raise
        pytest.skip(f"no temporary PostgreSQL database: {exc}")
    try:
        yield Database(urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(database: Database) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database.url,
        "DEBUG": "true",
        "TASKS_BACKEND": "database",
        "IMPOR_RUN_HEARTBEAT_SECONDS": "1",
        "IMPOR_RUN_STALE_SECONDS": str(STALE_SECONDS),
    }


def _manage(database: Database, *args: str, timeout: float = 120) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_env(database),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _shell(database: Database, code: str) -> dict:
    out = _manage(database, "shell", "-v", "0", "-c", code)
    return json.loads(out.strip().splitlines()[-1])


PREPARE = """
import json
from django.core.management import call_command
from programming.models import Programme
from programming.services import programme_compute
from programming.tasks import programme_enqueue
call_command("migrate", "--noinput", verbosity=0)
call_command("seed_demo", no_compute=True, verbosity=0)
programme = Programme.objects.order_by("pk").first()
programme.time_limit = 1  # a quick solve: the test is about the worker, not the plan
programme.save(update_fields=["time_limit"])
programme_compute(programme)
run = programme_enqueue(programme)
print(json.dumps({"programme": programme.pk, "run": run.pk, "task": run.task_id}))
"""

# The cron path (reap_runs), then a new run of the same programme.
REAP_AND_RERUN = """
import io, json
from django.core.management import call_command
from programming.models import Programme
from programming.tasks import programme_enqueue
out = io.StringIO()
call_command("reap_runs", stdout=out)
run = programme_enqueue(Programme.objects.get(pk={programme}))
print(json.dumps({{"reaped": out.getvalue(), "run": run.pk}}))
"""


def _results(database: Database, programme: int) -> tuple:
    works = database.one(f"SELECT COUNT(*) FROM programming_work WHERE programme_id = {programme}")
    kpi = database.one(
        "SELECT COUNT(*), SUM(value) FROM programming_kpivalue "
        f"WHERE programme_id = {programme} AND code = 'besteding'"
    )
    computed = database.one(f"SELECT computed_at FROM programming_programme WHERE id = {programme}")
    return works[0], tuple(kpi), computed[0]


def _run(database: Database, run: int) -> tuple:
    return database.one(
        f"SELECT status, progress, step, message FROM programming_programmerun WHERE id = {run}"
    )


def _task_status(database: Database, task: str) -> str:
    column = task if database.postgres else task.replace("-", "")
    return database.one(
        f"SELECT status FROM django_tasks_database_dbtaskresult WHERE id = '{column}'"
    )[0]


def _wait_for(predicate, what: str, timeout: float = 40):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _storing_blocked(database: Database, lock_conn, run: int) -> bool:
    """PostgreSQL: the run says it stores and a backend waits for the works table."""
    if _run(database, run)[2] != "resultaten opslaan":
        return False
    waiting = lock_conn.execute(
        "SELECT COUNT(*) FROM pg_locks WHERE NOT granted "
        "AND relation = 'programming_work'::regclass"
    ).fetchone()[0]
    return waiting > 0


def test_killed_worker_leaves_results_and_fails_the_task(worker_database):
    database = worker_database
    ids = _shell(database, PREPARE)
    programme, run, task = ids["programme"], ids["run"], ids["task"]
    before = _results(database, programme)
    assert before[0] > 0
    assert before[1][0] > 0
    assert before[2] is not None

    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay",
         "--interval", "0.2", "--worker-id", "doomed"],
        cwd=ROOT, env=_env(database), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # The engine runs for seconds without touching the database: block the writes
        # then, so the worker cannot finish before it is killed.
        _wait_for(lambda: _run(database, run)[1] >= 30, "the engine to start")
        with database.writes_blocked() as lock_conn:
            if database.postgres:
                # It stops inside the store's transaction, waiting for the works table.
                _wait_for(lambda: _storing_blocked(database, lock_conn, run), "the store to block")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    assert _results(database, programme) == before
    assert _run(database, run)[0] == RunStatus.RUNNING  # nobody has noticed yet
    assert _task_status(database, task) == TaskResultStatus.RUNNING

    time.sleep(STALE_SECONDS + 1)  # the dead worker's last sign of life grows old
    again = _shell(database, REAP_AND_RERUN.format(programme=programme))
    assert again["reaped"].startswith("1 berekening(en) op 'mislukt' gezet")
    status, _progress, _step, message = _run(database, run)
    assert (status, message) == (RunStatus.FAILED, STOPPED)
    assert _task_status(database, task) == TaskResultStatus.FAILED
    assert _results(database, programme) == before

    rerun = again["run"]
    _manage(database, "db_worker", "--no-reload", "--no-startup-delay", "--batch")
    assert _run(database, rerun)[0] == RunStatus.DONE
    works, kpi, computed = _results(database, programme)
    assert works == before[0]
    assert kpi[0] == before[1][0]
    assert computed != before[2]
