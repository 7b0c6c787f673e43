"""Background tasks of programming (run by `manage.py db_worker`).

Tasks call the services, never the other way round (`tests/programming/test_tasks.py`
fails on an import of this module in `programming.services`)."""

from django_tasks import task

from programming.models import Programme, ProgrammeRun
from programming.services import programme_compute, programme_run_queue
from stakeholders.models import User


@task()
def compute_programme(run_id: int) -> None:
    """Compute the programme of a queued run; progress and outcome land on the run."""
    record = ProgrammeRun.objects.select_related("programme").get(pk=run_id)
    programme_compute(record.programme, record=record)


def programme_enqueue(programme: Programme, *, user: User | None = None) -> ProgrammeRun:
    """Queue a computation for the background worker; the run shows its progress."""
    record = programme_run_queue(programme, user=user)
    queued = compute_programme.enqueue(record.pk)
    ProgrammeRun.objects.filter(pk=record.pk).update(task_id=str(queued.id))
    record.refresh_from_db()
    return record
