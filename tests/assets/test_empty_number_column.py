"""An optional number column that is present but empty in every row (issue #14).

Number parsing raised IndexError on such a column, which stopped the import, and on the
partner upload page gave an HTTP 500. Now the column is simply empty; a cell that is no
number is still a row error that names the row and the column.
"""

import io

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assets.importing.service import import_file
from assets.models import Asset
from assets.services import asset_classes_load_defaults
from impor.choices import ImportStatus
from projects.models import Project
from projects.partner_columns import COLUMN_BY_FIELD, COLUMNS, plan_years
from stakeholders.choices import Role
from tests.factories import DALFSEN_LINE, ActorFactory, AreaFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ["id", "objecttype", "aanlegjaar", "lengte", "conditie", "x", "y"]
ROWS = [
    ["R1", "riool-beton", "1965", "", "4", "214100", "502500"],
    ["R2", "riool-beton", "1988", "", "", "214150", "502500"],
    ["R3", "riool-beton", "1990", "", "", "214200", "502500"],
]


@pytest.fixture
def municipality():
    AreaFactory(
        name="Testgemeente",
        geometry="POLYGON ((210000 495000, 220000 495000, 220000 505000, 210000 505000, "
        "210000 495000))",
    )
    asset_classes_load_defaults()


def csv_file(tmp_path, rows) -> str:
    path = tmp_path / "riolering.csv"
    path.write_text("\n".join(";".join(row) for row in [HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def xlsx_file(tmp_path, rows) -> str:
    path = tmp_path / "riolering.xlsx"
    workbook = openpyxl.Workbook()
    for row in [HEADER, *rows]:
        workbook.active.append([value or None for value in row])
    workbook.save(path)
    return path


@pytest.mark.parametrize("write", [csv_file, xlsx_file])
def test_an_empty_optional_number_column_is_imported_as_empty(tmp_path, municipality, write):
    report = import_file(kind="assets", path=write(tmp_path, ROWS), source="gbi", commit=True)

    assert report.errors == []
    assert report.status == ImportStatus.COMMITTED
    assert Asset.objects.count() == 3
    assert Asset.objects.get(external_id="R2").condition is None


@pytest.mark.parametrize("text", ["€ 1.000", "12 m", "tien"])
@pytest.mark.parametrize("write", [csv_file, xlsx_file])
def test_a_length_that_is_no_number_is_a_row_error_naming_row_and_column(
    tmp_path, municipality, write, text
):
    rows = [row.copy() for row in ROWS]
    rows[1][3] = text

    report = import_file(kind="assets", path=write(tmp_path, rows), source="gbi", commit=True)

    assert [(error.row, error.field) for error in report.errors] == [
        (3, "kolom 'lengte' (hoeveelheid)")
    ]
    assert "geen getal" in report.errors[0].message
    assert Asset.objects.count() == 0


def test_a_partner_upload_with_empty_optional_number_columns_is_checked_not_a_500(client):
    """Cost and shift columns empty in every row of the partners' template."""
    organisation = ActorFactory(partner=True, name="Enexis")
    partner = UserFactory(organisation=organisation)
    partner.groups.add(Group.objects.get(name=Role.PARTNER.value))
    client.force_login(partner)
    year = plan_years()[0] + 6
    work = {
        "code": "E-001",
        "name": "Netverzwaring Burgemeester Backxlaan",
        "kind": "transitiegestuurd",
        "certainty": "vastgesteld",
        "start_year": year,
        "end_year": year + 1,
        "street": "Burgemeester Backxlaan",
        "opens_street": "ja",
        "geometry": DALFSEN_LINE,
    }
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Werken"
    sheet.append([str(column.header) for column in COLUMNS])
    for code in ("E-001", "E-002", "E-003"):
        values = {str(COLUMN_BY_FIELD[k].header): v for k, v in {**work, "code": code}.items()}
        sheet.append([values.get(str(column.header)) for column in COLUMNS])
    content = io.BytesIO()
    workbook.save(content)

    response = client.post(
        reverse("projects:partner_import"),
        {"file": SimpleUploadedFile("werken.xlsx", content.getvalue())},
    )

    assert response.status_code == 200
    report = response.context["report"]
    assert report.errors == []
    assert report.creates == 3
    assert Project.objects.count() == 0, "the upload is a dry run"
