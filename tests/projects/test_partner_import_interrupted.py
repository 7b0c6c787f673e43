"""A partner import that fails while writing stores nothing of the file (issue #7).

All works of a file are written in one transaction: the database failing after the new
works were created (a lost connection, a full disk) rolls them back, and the import log
records the attempt as refused with the reason.
"""

import pytest
from django.db import OperationalError

from impor.choices import ImportStatus
from impor.models import ImportRun
from projects import partner_import
from projects.models import Project
from projects.partner_import import import_partner_works

# The fixtures of the partner import's tests:
from tests.projects.test_partner_import import grid_operator as grid_operator
from tests.projects.test_partner_import import kern as kern
from tests.projects.test_partner_import import row, write, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _pending_uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def test_a_write_failing_after_the_works_stores_nothing_and_is_logged(
    tmp_path, grid_operator, kern, monkeypatch
):
    created = []

    def disk_full(*_args):
        created.append(Project.objects.filter(owner=grid_operator).count())
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(partner_import, "_write_areas", disk_full)
    content = xlsx(row(code="E-001", areas="Nieuwleusen"), row(code="E-002"))

    report = import_partner_works(
        path=write(tmp_path, content), organisation=grid_operator, commit=True
    )

    assert created == [2], "the works were written before the failure"
    assert not Project.objects.filter(owner=grid_operator).exists()
    assert report.status == ImportStatus.FAILED
    assert "Er is niets opgeslagen" in report.errors[-1].message
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.status == ImportStatus.FAILED
    assert (run.created, run.updated) == (0, 0)
    assert any("Het opslaan is mislukt" in message for message in run.messages)
