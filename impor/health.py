"""The health endpoint for load balancers and monitoring (docs/deploy.md, "Gezondheid").

GET /gezondheid answers without login and without a session, and tells nothing
sensitive: whether the database answers and takes writes, and whether a task worker
takes tasks. HTTP 200 when both are fine, 503 otherwise.

The statuses are fixed Dutch words, not translated, so that monitoring can match them.
"""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

OK = "ok"
#: A PostgreSQL session or server set to read-only transactions.
READ_ONLY = "alleen-lezen"
#: A PostgreSQL standby, e.g. the old primary after a failover.
READ_ONLY_STANDBY = "alleen-lezen: standby"
#: An SQLite connection with PRAGMA query_only on.
READ_ONLY_QUERY_ONLY = "alleen-lezen: query_only"
#: An SQLite file, or the directory for its journal, that the process cannot write.
READ_ONLY_FILE = "alleen-lezen: bestand"


def database_status() -> str:
    """OK, "niet bereikbaar", or why the database answers but takes no writes: every
    save would fail, so a load balancer must take this process out of rotation."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
            if connection.vendor == "postgresql":
                return _postgresql_status(cursor)
            if connection.vendor == "sqlite":
                return _sqlite_status(cursor)
    except DatabaseError:
        return "niet bereikbaar"
    return OK


def _postgresql_status(cursor) -> str:
    cursor.execute("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
    in_recovery, read_only = cursor.fetchone()
    if in_recovery:
        return READ_ONLY_STANDBY
    if read_only == "on":
        return READ_ONLY
    return OK


def _sqlite_status(cursor) -> str:
    cursor.execute("PRAGMA query_only")
    if cursor.fetchone()[0]:
        return READ_ONLY_QUERY_ONLY
    if connection.is_in_memory_db():
        return OK
    # SQLite writes the file and, in WAL mode, creates -wal and -shm files beside it.
    path = Path(connection.settings_dict["NAME"])
    if not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        return READ_ONLY_FILE
    return OK


def worker_status() -> str:
    """'geen worker' when a task has waited longer than IMPOR_HEALTH_QUEUE_SECONDS while
    no task is running: then no `db_worker` process is taking tasks."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return "niet nodig"
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.IMPOR_HEALTH_QUEUE_SECONDS)
    try:
        waiting_too_long = (
            DBTaskResult.objects.ready()
            .filter(enqueued_at__lt=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lt=cutoff))
            .exists()
        )
        if waiting_too_long and not DBTaskResult.objects.running().exists():
            return "geen worker"
    except DatabaseError:
        return "onbekend"
    return OK


@login_not_required
@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    database = database_status()
    worker = worker_status() if database == OK else "onbekend"
    healthy = database == OK and worker in (OK, "niet nodig")
    return JsonResponse(
        {"status": OK if healthy else "fout", "database": database, "worker": worker},
        status=200 if healthy else 503,
    )
