"""An asset import that fails while writing stores nothing of the file (issue #7).

The writes run in one transaction: the database failing after the first rows were
written (a lost connection, a full disk) rolls all of them back, and the import log
records the attempt as refused with the reason.
"""

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError

from assets.importing import asset_rows
from assets.importing.service import import_file
from assets.models import Asset
from impor.bulk import insert_rows
from impor.choices import ImportStatus
from impor.models import ImportRun
from tests.assets.test_import import GOOD_ROWS, HEADER, write
from tests.assets.test_import import municipality as municipality  # the fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def disk_full_after_first_row(monkeypatch):
    """The asset write stores its first row, then the database fails."""
    written = []

    def first_row_then_fail(model, fields, rows):
        rows = iter(rows)
        written.append(insert_rows(model, fields, [next(rows)]))
        written.append(Asset.objects.count())
        raise OperationalError("database or disk is full")

    monkeypatch.setattr(asset_rows, "insert_rows", first_row_then_fail)
    return written


def test_a_write_failing_mid_way_stores_nothing_and_is_logged(
    tmp_path, municipality, disk_full_after_first_row
):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)

    report = import_file(kind="assets", path=path, source="gbi", commit=True)

    assert disk_full_after_first_row == [1, 1], "a row was written before the failure"
    assert not Asset.objects.filter(source="gbi").exists()
    assert report.status == ImportStatus.FAILED
    assert (report.creates, report.updates) == (0, 0)
    run = ImportRun.objects.get(pk=report.run_id)
    assert run.status == ImportStatus.FAILED
    assert run.created == 0
    assert any("het opslaan is mislukt" in message for message in run.messages)
    assert any("er is niets opgeslagen" in message for message in run.messages)


def test_the_command_says_nothing_was_stored(tmp_path, municipality, disk_full_after_first_row):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    with pytest.raises(CommandError, match="Opslaan mislukt, er is niets opgeslagen"):
        call_command("import_assets", str(path), "--source", "gbi", "--commit", verbosity=0)
    assert not Asset.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.FAILED


def test_the_same_file_imports_once_the_database_is_back(
    tmp_path, municipality, disk_full_after_first_row, monkeypatch
):
    path = write(tmp_path, "riolering.csv", HEADER + GOOD_ROWS)
    import_file(kind="assets", path=path, source="gbi", commit=True)
    monkeypatch.setattr(asset_rows, "insert_rows", insert_rows)

    report = import_file(kind="assets", path=path, source="gbi", commit=True)

    assert report.status == ImportStatus.COMMITTED
    assert Asset.objects.filter(source="gbi").count() == 3
