"""The shared list machinery: sort whitelist, sort links, and the CSV/XLSX writers."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from impor.exports import ExportColumn, csv_rows, write_xlsx
from stakeholders.roles import ensure_role_groups
from tests.factories import ActorFactory, UserFactory

COLUMNS = [
    ExportColumn("Naam"),
    ExportColumn("Bedrag (€)", "money"),
    ExportColumn("Datum", "date"),
    ExportColumn("Soort", choices={"a": "afdeling"}),
]
ROWS = [("Wegen", Decimal("1234.5"), datetime.date(2026, 3, 1), "a"), ("Groen", None, None, "x")]


def test_csv_rows_are_written_for_dutch_excel():
    text = b"".join(csv_rows(COLUMNS, ROWS)).decode("utf-8")
    assert text.startswith("\ufeffNaam;Bedrag (€);Datum;Soort\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == ["Wegen", "1234,50", "01-03-2026", "afdeling"]
    assert rows[2] == ["Groen", "", "", "x"]


def test_csv_rows_are_produced_lazily():
    """A generator of rows is consumed one row at a time, never as a whole list."""
    consumed = []

    def rows():
        for n in range(3):
            consumed.append(n)
            yield (f"r{n}", None, None, None)

    lines = csv_rows(COLUMNS, rows())
    next(lines)  # the header
    next(lines)
    assert consumed == [0]


def test_the_xlsx_sheet_has_a_frozen_header_an_autofilter_and_number_formats(tmp_path):
    path = tmp_path / "lijst.xlsx"
    assert write_xlsx(path, "Lijst", COLUMNS, iter(ROWS)) == 2
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Lijst"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:D3"
    assert sheet["A1"].font.bold
    assert sheet["B2"].value == 1234.5
    assert sheet["B2"].number_format == "€ #,##0"
    assert sheet["C2"].number_format == "dd-mm-yyyy"
    assert sheet["D2"].value == "afdeling"
    assert sheet.column_dimensions["A"].width >= 24


def test_a_moment_is_written_in_local_time_because_a_cell_has_no_time_zone(tmp_path):
    """12:00 UTC in June is 14:00 in Amsterdam (summer time): what the user saw on the page."""
    moment = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
    columns = [ExportColumn("Aangemaakt", "date")]
    path = tmp_path / "tijd.xlsx"
    write_xlsx(path, "Tijd", columns, iter([(moment,)]))
    assert openpyxl.load_workbook(path).active["A2"].value == datetime.datetime(2026, 6, 1, 14, 0)
    text = b"".join(csv_rows(columns, [(moment,)])).decode("utf-8")
    assert text.splitlines()[1] == "01-06-2026 14:00"


@pytest.fixture
def reader(client, db):
    user = UserFactory()
    user.groups.add(ensure_role_groups()["lezer"])
    client.force_login(user)
    return user


def test_an_unknown_sort_falls_back_to_the_default(client, reader):
    ActorFactory(name="B")
    ActorFactory(name="A")
    response = client.get(reverse("stakeholders:actor_list"), {"sort": "description"})
    assert response.context["sort"] == "name"
    assert [a.name for a in response.context["page_obj"]] == ["A", "B"]


def test_sort_links_reverse_the_current_sort_and_drop_the_page(client, reader):
    ActorFactory()
    response = client.get(
        reverse("stakeholders:actor_list"), {"sort": "name", "page": "1", "kind": "afdeling"}
    )
    header = response.context["headers"][0]
    assert header["aria_sort"] == "ascending"
    assert header["sort_url"] == "?sort=-name&kind=afdeling"
    assert response.context["headers"][1]["aria_sort"] == "none"
    assert response.context["page_query"] == "sort=name&kind=afdeling"


def test_lists_show_fifty_rows_a_page(client, reader):
    ActorFactory.create_batch(51)
    response = client.get(reverse("stakeholders:actor_list"), {"page": "2"})
    assert len(response.context["page_obj"]) == 1
