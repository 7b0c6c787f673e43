"""Importing actual costs from the financial system's export (#20 §1): a dry run that
stores nothing, row-level errors (unknown work code, closed line year, negative
amount), amounts of one work, line and year added up, and the command."""

from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from impor.choices import ImportStatus
from impor.models import ImportRun
from programming.models import ActualCost, Realisation
from programming.realisation import CostRow, realisation_save
from programming.realisation_import import import_actuals
from stakeholders.choices import Role
from stakeholders.models import Actor, BudgetLine
from tests.programming.test_realisation import add_sewers_and_compute, sewer_work, user_with_role
from tests.programming.test_services import street  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(street):  # noqa: F811 (the fixture)
    return add_sewers_and_compute(street)


def export(tmp_path, text: str, name: str = "financieel.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dry_run_checks_and_stores_nothing_then_the_commit_stores(computed, tmp_path):
    key = sewer_work(computed).key
    path = export(
        tmp_path,
        "projectcode;budgetregel;jaar;bedrag;reden\n"
        "E-1;enexis;2026;1.250,50;\n"
        "E-1;enexis;2026;749,50;meerwerk kabel\n"
        f"{key};grp-riolering;2026;98000;\n",
    )
    report = import_actuals(path=path)
    assert report.ok, report.errors
    assert (report.rows, report.creates, report.updates) == (3, 2, 0)
    assert not ActualCost.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.DRY_RUN
    report = import_actuals(path=path, commit=True)
    assert report.status == ImportStatus.COMMITTED
    cable = ActualCost.objects.get(realisation__key="P:E-1")
    assert (cable.year, cable.amount, cable.reason) == (2026, Decimal("2000.00"), "meerwerk kabel")
    assert cable.source == "financieel.csv"
    assert Realisation.objects.get(key="P:E-1").owner == Actor.objects.get(name="Netbeheerder")
    assert ActualCost.objects.get(realisation__key=key).amount == Decimal(98000)
    assert cable.history.first().history_change_reason.startswith("import financieel.csv")
    again = import_actuals(path=path, commit=True)
    assert (again.creates, again.updates, again.unchanged) == (0, 0, 2)


def test_row_errors_name_row_and_column_and_nothing_is_stored(computed, tmp_path):
    BudgetLine.objects.filter(code="enexis").update(closed_through=2025)
    path = export(
        tmp_path,
        "code,budgetregel,jaar,bedrag\n"
        "E-1,enexis,2026,100\n"
        "ONBEKEND,enexis,2026,100\n"
        "E-1,enexis,2025,100\n"
        "E-1,enexis,2026,-5\n"
        "E-1,geen-regel,2026,5\n"
        "E-1,enexis,twintig,5\n",
    )
    report = import_actuals(path=path, commit=True)
    assert report.status == ImportStatus.REFUSED
    found = {(e.row, e.field): e.message for e in report.errors}
    assert "Onbekende werksleutel P:ONBEKEND" in found[(3, "code")]
    assert "afgesloten tot en met 2025" in found[(4, "jaar")]
    assert "niet negatief" in found[(5, "bedrag")]
    assert "Onbekende budgetregel geen-regel" in found[(6, "budgetregel")]
    assert "geen heel getal" in found[(7, "jaar")]
    assert report.valid == 1
    assert not ActualCost.objects.exists()
    assert not Realisation.objects.exists()


def test_a_missing_column_and_an_unreadable_file_are_refused(computed, tmp_path):
    report = import_actuals(path=export(tmp_path, "code;jaar;bedrag\nE-1;2026;5\n"))
    assert any("budgetregel" in e.message for e in report.errors)
    report = import_actuals(path=export(tmp_path, "x", name="kosten.txt"))
    assert report.errors
    assert report.errors[0].row == 0


def test_an_excel_export_is_read_and_a_stored_amount_updated(computed, tmp_path):
    realisation_save(
        key="P:E-1", costs=[CostRow(BudgetLine.objects.get(code="enexis"), 2026, Decimal(1))]
    )
    book = openpyxl.Workbook()
    book.active.append(["Werkcode", "Budgetregel", "Boekjaar", "Bedrag"])
    book.active.append(["E-1", "ENEXIS", 2026, 4500.25])
    path = tmp_path / "export.xlsx"
    book.save(path)
    report = import_actuals(path=path, commit=True)
    assert report.ok, report.errors
    assert report.updates == 1
    assert ActualCost.objects.get().amount == Decimal("4500.25")


def test_a_partners_file_may_only_name_its_own_works(computed, tmp_path):
    partner = user_with_role(Role.PARTNER, organisation=Actor.objects.get(name="Netbeheerder"))
    key = sewer_work(computed).key
    path = export(
        tmp_path, f"code;budgetregel;jaar;bedrag\n{key};enexis;2026;5\nE-1;enexis;2026;5\n"
    )
    report = import_actuals(path=path, user=partner, commit=True)
    assert [(e.row, e.field) for e in report.errors] == [(2, "code")]
    assert not ActualCost.objects.exists()


def test_the_command_imports_and_its_dry_run_does_not(computed, tmp_path, capsys):
    path = export(tmp_path, "code;budgetregel;jaar;bedrag\nE-1;enexis;2026;300\n")
    call_command("import_actuals", str(path), "--dry-run")
    assert not ActualCost.objects.exists()
    call_command("import_actuals", str(path))
    assert ActualCost.objects.get().amount == Decimal(300)
    bad = export(tmp_path, "code;budgetregel;jaar;bedrag\nX-9;enexis;2026;300\n", name="fout.csv")
    with pytest.raises(CommandError, match="Niets opgeslagen"):
        call_command("import_actuals", str(bad))
    assert "Onbekende werksleutel" in capsys.readouterr().err


def test_the_upload_page_checks_first_and_stores_when_asked(client, computed):
    url = reverse("programming:realisation_import", args=[computed.pk])
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(url).status_code == 403
    client.force_login(user_with_role(Role.PROGRAMME_MANAGER))
    assert "Alleen controleren" in client.get(url).content.decode()

    def upload(text: str, **extra):
        file = SimpleUploadedFile("kosten.csv", text.encode(), content_type="text/csv")
        return client.post(url, {"file": file, **extra}).content.decode()

    good = "code;budgetregel;jaar;bedrag\nE-1;enexis;2026;300\n"
    assert "Er is nog niets opgeslagen" in upload(good, dry_run="on")
    assert not ActualCost.objects.exists()
    assert "De werkelijke kosten zijn opgeslagen" in upload(good)
    assert ActualCost.objects.get().amount == Decimal(300)
    page = upload("code;budgetregel;jaar;bedrag\nX-9;enexis;2026;300\n")
    assert "Onbekende werksleutel P:X-9" in page
