"""Measurements imported from CSV or Excel on an ambition's page (#20 §3): a dry run with
row errors first, then all rows or none."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from impor.models import ImportRun
from stakeholders.choices import Role
from stakeholders.measurement_import import measurements_from_file
from stakeholders.models import IndicatorMeasurement
from tests.factories import (
    ActorFactory,
    AmbitionFactory,
    AreaFactory,
    IndicatorFactory,
    IndicatorMeasurementFactory,
)
from tests.programming.test_monitoring import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def ambition():
    ambition = AmbitionFactory()
    IndicatorFactory(ambition=ambition, name="Groen in de kern")
    IndicatorFactory(ambition=ambition, name="Verhard oppervlak")
    AreaFactory(kern=True, name="Nieuwleusen", cbs_code="WK014801")
    return ambition


GOOD = (
    "indicator;jaar;datum;waarde;bron;gebied\n"
    "Groen in de kern;2024;;42,5;Klimaatmonitor;\n"
    "groen in de kern;;30-06-2025;44;Klimaatmonitor;Nieuwleusen\n"
    "Verhard oppervlak;2025;;61;;WK014801\n"
)


def _csv(tmp_path, text, name="metingen.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dry_run_counts_and_stores_nothing_then_the_commit_stores_every_row(ambition, tmp_path):
    path = _csv(tmp_path, GOOD)
    dry = measurements_from_file(path, ambition, file_name="metingen.csv")
    assert dry.report.ok
    assert (dry.report.rows, dry.report.creates) == (3, 3)
    assert not IndicatorMeasurement.objects.exists()
    done = measurements_from_file(path, ambition, file_name="metingen.csv", commit=True)
    assert done.report.status == "verwerkt"
    rows = IndicatorMeasurement.objects.order_by("value")
    assert [(m.indicator.name, m.year, m.value, m.area and m.area.name) for m in rows] == [
        ("Groen in de kern", 2024, Decimal("42.5"), None),
        ("Groen in de kern", 2025, Decimal(44), "Nieuwleusen"),
        ("Verhard oppervlak", 2025, Decimal(61), "Nieuwleusen"),
    ]
    assert rows[1].date.isoformat() == "2025-06-30"
    assert rows[1].source == "Klimaatmonitor"
    again = measurements_from_file(path, ambition, file_name="metingen.csv")
    assert (again.report.creates, again.report.updates, again.report.unchanged) == (0, 0, 3)
    # Every run is in the import log, as the other imports are.
    runs = ImportRun.objects.order_by("pk")
    assert [(r.kind, r.status, r.rows, r.created, r.skipped) for r in runs] == [
        ("measurements", "proef", 3, 3, 0),
        ("measurements", "verwerkt", 3, 3, 0),
        ("measurements", "proef", 3, 0, 0),
    ]


def test_a_stored_measurement_is_updated(ambition, tmp_path):
    indicator = ambition.indicators.get(name="Groen in de kern")
    IndicatorMeasurementFactory(indicator=indicator, year=2024, value=Decimal(40))
    path = _csv(tmp_path, "indicator,year,value\nGroen in de kern,2024,43\n")
    result = measurements_from_file(path, ambition, file_name="m.csv", commit=True)
    assert (result.report.creates, result.report.updates) == (0, 1)
    assert IndicatorMeasurement.objects.get().value == 43


def test_row_errors_name_row_and_column_and_nothing_is_stored(ambition, tmp_path):
    path = _csv(
        tmp_path,
        "indicator;jaar;waarde;gebied\n"
        "Onbekend;2024;40;\n"
        "Groen in de kern;2024;veel;\n"
        "Groen in de kern;2024;40;Atlantis\n"
        "Groen in de kern;;40;\n"
        "Verhard oppervlak;2024;60;\n"
        "Verhard oppervlak;2024;61;\n",
    )
    result = measurements_from_file(path, ambition, file_name="m.csv", commit=True)
    assert result.report.status == "geweigerd"
    found = {(e.row, e.field) for e in result.report.errors}
    assert found == {(2, "indicator"), (3, "waarde"), (4, "gebied"), (5, ""), (7, "")}
    messages = [e.message for e in result.report.errors]
    assert "onbekende indicator Onbekend bij deze ambitie" in messages
    assert "de waarde is geen getal" in messages
    assert "onbekend gebied Atlantis" in messages
    assert not IndicatorMeasurement.objects.exists()


def test_a_file_without_the_needed_columns_is_refused(ambition, tmp_path):
    path = _csv(tmp_path, "naam;getal\nx;1\n")
    result = measurements_from_file(path, ambition, file_name="m.csv")
    assert not result.report.ok
    assert "indicator" in result.report.errors[0].message


def test_the_page_shows_the_dry_run_and_saves_an_excel_file(ambition, client, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Jaar", "Waarde", "Bron"])
    sheet.append(["Groen in de kern", 2023, 41.25, "Klimaatmonitor"])
    path = tmp_path / "metingen.xlsx"
    book.save(path)
    client.force_login(user_with_role(Role.EDITOR))
    url = reverse("stakeholders:measurement_upload", args=[ambition.pk])
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("metingen.xlsx", path.read_bytes())
    response = client.post(url, {"file": upload})
    assert response.status_code == 200
    assert "Klik op Opslaan" in response.content.decode()
    assert not IndicatorMeasurement.objects.exists()
    saved = client.post(reverse("stakeholders:measurement_upload_apply", args=[ambition.pk]))
    assert saved.status_code == 302
    measurement = IndicatorMeasurement.objects.get()
    assert (measurement.year, measurement.value) == (2023, Decimal("41.25"))


def test_the_page_shows_row_errors_and_offers_no_save(ambition, client):
    client.force_login(user_with_role(Role.EDITOR))
    url = reverse("stakeholders:measurement_upload", args=[ambition.pk])
    upload = SimpleUploadedFile("m.csv", b"indicator;jaar;waarde\nOnbekend;2024;1\n")
    body = client.post(url, {"file": upload}).content.decode()
    assert "onbekende indicator Onbekend" in body
    assert "Klik op Opslaan" not in body
    apply = client.post(reverse("stakeholders:measurement_upload_apply", args=[ambition.pk]))
    assert apply.status_code == 302
    assert not IndicatorMeasurement.objects.exists()


def test_viewers_and_partners_may_not_import(ambition, client):
    url = reverse("stakeholders:measurement_upload", args=[ambition.pk])
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.PARTNER, organisation=ActorFactory(partner=True)))
    assert client.get(url).status_code == 403
