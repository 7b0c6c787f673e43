"""The import kit both imports stand on (impor.importing): row errors, the report, the
import log and column recognition, without an app's own columns."""

from dataclasses import dataclass

import pytest
from django.utils.translation import gettext_lazy as _

from impor.choices import ImportStatus
from impor.importing.columns import Target, propose_mapping, recognise_headers
from impor.importing.report import ImportReport, RowError, finish_run, record_run
from impor.models import ImportRun


def test_a_row_error_names_its_row_and_column_or_the_file():
    assert str(RowError(3, "kolom 'nr' (id)", "het id ontbreekt")) == (
        "rij 3, kolom 'nr' (id): het id ontbreekt"
    )
    assert str(RowError(0, "", "leeg bestand")) == "bestand: leeg bestand"
    assert RowError(3, "code", "verplicht").as_sentence() == "rij 3, kolom code: verplicht"
    assert RowError(0, "", "leeg bestand").as_sentence() == "leeg bestand"


def test_the_logged_messages_name_the_file_or_speak_to_the_uploader():
    errors = [RowError(2, "code", "verplicht")]
    named = ImportReport(kind="assets", file_name="a.csv", source="gbi", errors=errors)
    spoken = ImportReport(
        kind="partner_works",
        file_name="a.xlsx",
        source="Enexis",
        errors=errors,
        warnings=["kolom 'x' is onbekend"],
        messages_name_the_file=False,
    )
    assert named.messages() == ["a.csv, rij 2, code: verplicht"]
    assert spoken.messages() == ["rij 2, kolom code: verplicht", "kolom 'x' is onbekend"]


@pytest.mark.django_db
def test_an_import_asked_to_commit_that_wrote_nothing_is_logged_as_refused(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("id\n1\n")
    report = ImportReport(kind="assets", file_name="a.csv", source="gbi", creates=4)
    report.errors.append(RowError(2, "id", "fout"))

    finish_run(report, path, user=None, started=0.0, commit=True, log_the_plan=True)

    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.status, run.created, run.error_count) == (ImportStatus.REFUSED, 4, 1)
    assert len(run.file_sha256) == 64


@pytest.mark.django_db
def test_a_written_import_logs_the_counts_its_caller_gives(tmp_path):
    report = ImportReport(kind="assets", file_name="weg.csv", source="gbi", rows=3)
    report.status = ImportStatus.COMMITTED

    record_run(
        report, tmp_path / "weg.csv", user=None, started=0.0, created=2, updated=0, skipped=1
    )

    run = ImportRun.objects.get(pk=report.run_id)
    assert (run.created, run.skipped, run.file_sha256) == (2, 1, "")


def test_recognition_prefers_the_saved_mapping_and_skips_what_it_is_told():
    targets = (Target("external_id", "id", ("id", "objectid")), Target("x", "x", ("x",)))
    columns = ["OBJECTID", "Nr", "X"]

    assert propose_mapping(columns, targets) == {"external_id": "OBJECTID", "x": "X"}
    assert propose_mapping(columns, targets, saved={"external_id": "Nr"}, skip=("x",)) == {
        "external_id": "Nr"
    }


@dataclass(frozen=True)
class Column:
    field: str
    header: object
    required: bool = False


def test_a_template_header_is_recognised_in_any_language_and_checked():
    columns = (Column("code", _("code"), required=True), Column("name", _("naam")))
    report = ImportReport(kind="partner_works", file_name="w.xlsx", source="Enexis")

    found = recognise_headers(["Naam", "naam ", "extra"], columns, report)

    assert found == {"name": "Naam"}
    assert report.warnings == ["kolom 'extra' is onbekend en wordt niet gelezen"]
    assert [e.message for e in report.errors] == [
        "kolom 'naam ' staat twee keer in het bestand",
        "verplichte kolom 'code' ontbreekt",
    ]
