"""The health endpoint for load balancers and monitoring (docs/deploy.md, "Gezondheid").

GET /gezondheid answers without login and without a session, and tells nothing
sensitive: whether the database answers and whether a task worker takes tasks.
HTTP 200 when both are fine, 503 otherwise.
"""

import datetime

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


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return "niet bereikbaar"
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
