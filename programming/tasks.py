"""Background tasks of programming (run by `manage.py db_worker`)."""

from django_tasks import task

from programming.models import ProgrammeRun
from programming.services import programme_compute


@task()
def compute_programme(run_id: int) -> None:
    """Compute the programme of a queued run; progress and outcome land on the run."""
    record = ProgrammeRun.objects.select_related("programme").get(pk=run_id)
    programme_compute(record.programme, record=record)
