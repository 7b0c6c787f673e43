"""The Excel round-trip for partners' works: a partner downloads a template with its works
and drop-down lists, fills it in and uploads it; IMPOR checks every row first (dry run)
and then imports all rows or none. A partner never touches another organisation's work."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from impor.choices import ImportKind, ImportStatus
from impor.models import ImportRun
from projects import partner_import
from projects.choices import Certainty, ProjectKind, ProjectStatus
from projects.models import Project
from projects.partner_columns import COLUMN_BY_FIELD, COLUMNS, plan_years
from projects.partner_import import import_partner_works
from stakeholders.choices import Role
from tests.factories import DALFSEN_LINE, ActorFactory, AreaFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADERS = [str(column.header) for column in COLUMNS]
FIRST_YEAR, LAST_YEAR = plan_years()
YEAR = FIRST_YEAR + 6


@pytest.fixture(autouse=True)
def _pending_uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


@pytest.fixture
def grid_operator():
    return ActorFactory(partner=True, name="Enexis")


@pytest.fixture
def partner(grid_operator):
    return user_with_role(Role.PARTNER, organisation=grid_operator)


@pytest.fixture
def partner_client(client, partner):
    client.force_login(partner)
    return client


@pytest.fixture
def editor_client(client):
    client.force_login(user_with_role(Role.EDITOR))
    return client


@pytest.fixture
def kern():
    return AreaFactory(kern=True, name="Nieuwleusen", cbs_code="WK014801")


def user_with_role(role: Role, **kwargs):
    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=role.value))
    return user


def row(**values) -> dict:
    """A valid row in the template's headers; keyword arguments by field name."""
    fields = {
        "code": "E-001",
        "name": "Netverzwaring Burgemeester Backxlaan",
        "kind": "transitiegestuurd",
        "certainty": "vastgesteld",
        "start_year": YEAR,
        "end_year": YEAR + 1,
        "shift_early": 1,
        "shift_late": 2,
        "street": "Burgemeester Backxlaan",
        "opens_street": "ja",
        "cost_estimate": 125000.5,
        "geometry": DALFSEN_LINE,
        **values,
    }
    return {str(COLUMN_BY_FIELD[k].header): v for k, v in fields.items()}


def xlsx(*rows: dict, sheet: str = "Werken") -> bytes:
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(HEADERS)
    for values in rows:
        worksheet.append([values.get(header) for header in HEADERS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(tmp_path, content: bytes, name: str = "werken.xlsx"):
    path = tmp_path / name
    path.write_bytes(content)
    return path


def upload(client, content: bytes, **data):
    file = SimpleUploadedFile("werken.xlsx", content)
    return client.post(reverse("projects:partner_import"), {"file": file, **data})


def apply(client, response):
    run = response.context["report"].run_id
    return client.post(reverse("projects:partner_import_apply", args=[run]))


def workbook_of(response) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def validations(worksheet) -> dict[str, object]:
    """The data validations of a sheet by the header of the column they cover."""
    found = {}
    for validation in worksheet.data_validations.dataValidation:
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        found[worksheet[f"{column}1"].value] = validation
    return found


# -- template ---------------------------------------------------------------------------


def test_template_has_drop_down_lists_and_year_rules(partner_client):
    response = partner_client.get(reverse("projects:partner_template"))
    assert response.status_code == 200
    workbook = workbook_of(response)
    assert workbook.sheetnames == ["Werken", "Toelichting"]
    rules = validations(workbook["Werken"])

    assert rules["projecttype"].type == "list"
    assert rules["projecttype"].formula1 == (
        '"beheergestuurd,transitiegestuurd,ontwikkelingsgestuurd,herstructurering,wijkgericht"'
    )
    assert rules["zekerheid"].formula1 == '"idee,voorgenomen,vastgesteld"'
    assert "ingetrokken" in rules["status"].formula1
    assert rules["opent straat"].formula1 == '"ja,nee"'
    for header in ("startjaar", "eindjaar"):
        assert rules[header].type == "whole"
        assert (rules[header].formula1, rules[header].formula2) == (
            str(FIRST_YEAR),
            str(LAST_YEAR),
        )
    assert (rules["mag eerder"].formula1, rules["mag eerder"].formula2) == ("0", "20")
    assert str(rules["projecttype"].sqref) == "D2:D1048576"


def test_template_of_a_partner_holds_its_own_works_only(partner_client, grid_operator, kern):
    mine = ProjectFactory(
        owner=grid_operator,
        code="E-7",
        kind=ProjectKind.TRANSITIE,
        certainty=Certainty.IDEE,
        opens_street=False,
    )
    mine.areas.add(kern)
    ProjectFactory(code="W-1", owner=ActorFactory(partner=True, name="Waterschap"))

    response = partner_client.get(reverse("projects:partner_template"))

    assert "werken-enexis.xlsx" in response["Content-Disposition"]
    sheet = workbook_of(response)["Werken"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    values = dict(zip(HEADERS, rows[1], strict=True))
    assert values["code"] == "E-7"
    assert values["projecttype"] == "transitiegestuurd"
    assert values["zekerheid"] == "idee"
    assert values["opent straat"] == "nee"
    assert values["startjaar"] == mine.start_year
    assert values["gebied"] == "Nieuwleusen"
    assert values["geometrie"] == DALFSEN_LINE


def test_template_explains_in_plain_dutch_how_to_fill_it(partner_client):
    response = partner_client.get(reverse("projects:partner_template"))
    workbook = workbook_of(response)
    text = " ".join(str(c) for r in workbook["Toelichting"].iter_rows(values_only=True) for c in r)
    assert "Elke regel is één werk van uw organisatie" in text
    assert "ingetrokken" in text
    for header in HEADERS:
        assert header in text


def test_an_editor_downloads_the_template_of_the_organisation_it_chose(editor_client):
    water_board = ActorFactory(partner=True, name="Waterschap Drents Overijsselse Delta")
    ProjectFactory(owner=water_board, code="W-1")
    url = reverse("projects:partner_template")

    chosen = editor_client.get(url, {"organisation": water_board.pk})
    blank = editor_client.get(url)

    rows = list(workbook_of(chosen)["Werken"].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["W-1"]
    assert workbook_of(blank)["Werken"].max_row == 1
    internal = ActorFactory()
    assert editor_client.get(url, {"organisation": internal.pk}).status_code == 404


def test_the_filled_template_comes_back_unchanged(partner_client, grid_operator, kern):
    ProjectFactory(owner=grid_operator, code="E-7").areas.add(kern)
    response = partner_client.get(reverse("projects:partner_template"))

    report = upload(partner_client, b"".join(response.streaming_content)).context["report"]

    assert report.errors == []
    assert (report.creates, report.updates, report.unchanged) == (0, 0, 1)


def test_a_template_downloaded_in_english_is_read_back_in_dutch(client, partner, grid_operator):
    ProjectFactory(owner=grid_operator, code="E-7", kind=ProjectKind.TRANSITIE)
    client.force_login(partner)
    english = client.get(reverse("projects:partner_template"), HTTP_ACCEPT_LANGUAGE="en")
    content = b"".join(english.streaming_content)
    headers = next(openpyxl.load_workbook(io.BytesIO(content))["Werken"].iter_rows())
    assert [cell.value for cell in headers][:4] == ["code", "name", "description", "project type"]

    report = upload(client, content).context["report"]

    assert report.errors == []
    assert (report.rows, report.unchanged) == (1, 1)


# -- upload -----------------------------------------------------------------------------


def test_dry_run_reports_counts_and_changes_nothing(partner_client, grid_operator):
    ProjectFactory(owner=grid_operator, code="E-2", name="Oud", start_year=YEAR, end_year=YEAR)
    content = xlsx(row(), row(code="E-2", name="Nieuw", start_year=YEAR, end_year=YEAR))

    response = upload(partner_client, content)

    report = response.context["report"]
    assert (report.rows, report.creates, report.updates, report.unchanged) == (2, 1, 1, 0)
    assert response.context["can_apply"]
    assert "Verwerken" in response.content.decode()
    assert Project.objects.count() == 1
    assert Project.objects.get().name == "Oud"
    run = ImportRun.objects.get()
    assert (run.kind, run.status, run.source) == (
        ImportKind.PARTNER_WORKS,
        ImportStatus.DRY_RUN,
        "Enexis",
    )


def test_processing_creates_and_updates_the_partners_works(
    partner_client, partner, grid_operator, kern, tmp_path
):
    ProjectFactory(owner=grid_operator, code="E-2", name="Oud", start_year=YEAR, end_year=YEAR)
    other = ActorFactory(partner=True)
    content = xlsx(
        row(areas="WK014801"),
        row(code="E-2", name="Nieuw", start_year=YEAR, end_year=YEAR + 2, kind="beheer"),
    )

    dry_run = upload(partner_client, content, organisation=other.pk)
    response = apply(partner_client, dry_run)

    assert response.status_code == 302
    assert response.url == reverse("projects:project_list")
    assert not Project.objects.filter(owner=other).exists()
    new = Project.objects.get(code="E-001")
    assert new.owner == grid_operator
    assert new.lead == grid_operator
    assert new.kind == ProjectKind.TRANSITIE
    assert new.certainty == Certainty.VASTGESTELD
    assert new.opens_street is True
    assert new.cost_estimate == Decimal("125000.50")
    assert new.geometry == DALFSEN_LINE
    assert list(new.areas.all()) == [kern]
    updated = Project.objects.get(code="E-2")
    assert (updated.name, updated.end_year, updated.kind, updated.version) == (
        "Nieuw",
        YEAR + 2,
        ProjectKind.BEHEER,
        2,
    )
    committed = ImportRun.objects.get(status=ImportStatus.COMMITTED)
    assert (committed.user, committed.created, committed.updated) == (partner, 1, 1)
    assert not list((tmp_path / "partner-imports").iterdir())


def test_a_row_can_withdraw_a_work(partner_client, grid_operator):
    ProjectFactory(owner=grid_operator, code="E-001", start_year=YEAR, end_year=YEAR + 1)

    apply(partner_client, upload(partner_client, xlsx(row(status="ingetrokken"))))

    assert Project.objects.get(code="E-001").status == ProjectStatus.INGETROKKEN


def test_an_empty_cell_keeps_the_stored_value(tmp_path, grid_operator):
    ProjectFactory(
        owner=grid_operator, code="E-001", description="Blijft", start_year=2015, end_year=2016
    )
    content = xlsx(row(description=None, geometry=None, start_year=2015, end_year=2016))

    report = import_partner_works(
        path=write(tmp_path, content), organisation=grid_operator, commit=True
    )

    assert report.errors == []
    project = Project.objects.get(code="E-001")
    assert (project.description, project.geometry) == ("Blijft", DALFSEN_LINE)


@pytest.mark.parametrize(
    ("values", "column", "message"),
    [
        ({"kind": "riolering"}, "projecttype", "'riolering' is onbekend; kies uit:"),
        ({"certainty": "misschien"}, "zekerheid", "'misschien' is onbekend"),
        ({"start_year": FIRST_YEAR - 1}, "startjaar", f"ligt niet tussen {FIRST_YEAR} en"),
        ({"start_year": YEAR, "end_year": YEAR - 1}, "eindjaar", "ligt vóór het startjaar"),
        ({"start_year": "volgend jaar"}, "startjaar", "geen heel getal"),
        ({"shift_late": 25}, "mag later", "ligt niet tussen 0 en 20"),
        ({"areas": "Atlantis"}, "gebied", "gebied 'Atlantis' is onbekend"),
        ({"geometry": "LINESTRING (1 2"}, "geometrie", "geen geldige geometrie"),
        ({"geometry": "POINT (5.3 52.5)"}, "geometrie", "buiten Nederland"),
        ({"opens_street": "soms"}, "opent straat", "kies ja of nee"),
        ({"cost_estimate": -5}, "kostenraming", "geen bedrag van 0 of meer"),
        ({"name": None}, "naam", "verplicht"),
    ],
)
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    tmp_path, grid_operator, values, column, message
):
    stored = ProjectFactory(owner=grid_operator, code="E-9", name="Blijft")
    content = xlsx(row(code="E-8"), row(**values), row(code="E-9", name="Gewijzigd"))

    report = import_partner_works(
        path=write(tmp_path, content), organisation=grid_operator, commit=True
    )

    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row, error.field) == (3, column)
    assert message in error.message
    assert report.status == ImportStatus.REFUSED
    assert Project.objects.count() == 1
    stored.refresh_from_db()
    assert stored.name == "Blijft"


def test_a_code_twice_in_the_file_names_the_first_row(tmp_path, grid_operator):
    content = xlsx(row(), row(name="Tweede keer"))

    report = import_partner_works(path=write(tmp_path, content), organisation=grid_operator)

    assert [(e.row, e.field, e.message) for e in report.errors] == [
        (3, "code", "code E-001 staat ook in rij 2")
    ]


def test_a_missing_sheet_or_column_refuses_the_file(tmp_path, grid_operator):
    no_sheet = import_partner_works(
        path=write(tmp_path, xlsx(row(), sheet="Blad1")), organisation=grid_operator
    )
    assert 'geen blad "Werken"' in no_sheet.errors[0].message

    workbook = openpyxl.Workbook()
    workbook.active.title = "Werken"
    workbook.active.append(["code", "naam"])
    workbook.active.append(["E-1", "Werk"])
    path = tmp_path / "kort.xlsx"
    workbook.save(path)
    missing = import_partner_works(path=path, organisation=grid_operator)
    assert [e.message for e in missing.errors] == [
        "verplichte kolom 'projecttype' ontbreekt",
        "verplichte kolom 'startjaar' ontbreekt",
        "verplichte kolom 'eindjaar' ontbreekt",
    ]


def test_the_report_page_lists_row_column_and_message(partner_client):
    response = upload(partner_client, xlsx(row(kind="riolering")))

    page = response.content.decode()
    assert "<td>2</td><td>projecttype</td>" in page
    assert "IMPOR slaat niets op" in page
    assert not response.context["can_apply"]
    assert "partner_import" not in partner_client.session


def test_a_code_another_organisation_uses_makes_the_partners_own_work(
    partner_client, grid_operator
):
    """Codes are unique per organisation: the file's W-1 is the partner's own new work,
    the other organisation's W-1 stays as it was, and nothing says it exists."""
    foreign = ProjectFactory(code="W-1", name="Dijkversterking", owner=ActorFactory(partner=True))
    content = xlsx(row(code="E-1"), row(code="W-1", name="Overgenomen"))

    response = upload(partner_client, content)

    report = response.context["report"]
    assert report.errors == []
    page = response.content.decode()
    assert "Dijkversterking" not in page
    assert "andere organisatie" not in page
    apply(partner_client, response)
    foreign.refresh_from_db()
    assert (foreign.name, foreign.owner.is_internal) == ("Dijkversterking", False)
    own = Project.objects.get(owner=grid_operator, code="W-1")
    assert own.name == "Overgenomen"


def test_a_failure_while_writing_leaves_nothing_half_written(
    tmp_path, grid_operator, kern, monkeypatch
):
    def broken(*_args):
        raise RuntimeError("schijf vol")

    monkeypatch.setattr(partner_import, "_write_areas", broken)
    content = xlsx(row(areas="Nieuwleusen"))

    with pytest.raises(RuntimeError):
        import_partner_works(path=write(tmp_path, content), organisation=grid_operator, commit=True)

    assert not Project.objects.exists()
    assert not ImportRun.objects.filter(status=ImportStatus.COMMITTED).exists()


def test_a_code_stored_by_someone_else_meanwhile_refuses_the_whole_file(
    tmp_path, grid_operator, monkeypatch
):
    def taken(*_args):
        raise IntegrityError("UNIQUE constraint failed: projects_project.code")

    monkeypatch.setattr(partner_import, "_write_areas", taken)

    report = import_partner_works(
        path=write(tmp_path, xlsx(row())), organisation=grid_operator, commit=True
    )

    assert report.status == ImportStatus.REFUSED
    assert "upload het bestand opnieuw" in report.errors[0].message
    assert not Project.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.REFUSED


def test_processing_needs_the_dry_run_of_this_session(partner_client):
    other = Client()
    other.force_login(user_with_role(Role.PARTNER, partner=True))
    dry_run = upload(other, xlsx(row()))

    response = apply(partner_client, dry_run)

    assert response.url == reverse("projects:partner_import")
    assert not Project.objects.exists()


# -- access and scale -------------------------------------------------------------------


def test_pages_send_an_anonymous_visitor_to_the_login_page(client):
    for url in (
        reverse("projects:partner_template"),
        reverse("projects:partner_import"),
        reverse("projects:partner_import_apply", args=[1]),
    ):
        response = client.post(url) if "verwerken" in url else client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_viewer_may_not_download_or_upload(client):
    client.force_login(user_with_role(Role.VIEWER))
    assert client.get(reverse("projects:partner_template")).status_code == 403
    assert client.get(reverse("projects:partner_import")).status_code == 403
    assert upload(client, xlsx(row())).status_code == 403
    assert not Project.objects.exists()


def test_the_project_list_offers_partners_the_template_and_the_upload(partner_client):
    page = partner_client.get(reverse("projects:project_list")).content.decode()
    assert reverse("projects:partner_template") in page
    assert "Werken uploaden" in page


def test_an_editor_chooses_the_organisation_it_uploads_for(editor_client):
    water_board = ActorFactory(partner=True)
    form = editor_client.get(reverse("projects:partner_import")).content.decode()
    assert 'name="organisation"' in form

    apply(editor_client, upload(editor_client, xlsx(row()), organisation=water_board.pk))

    assert Project.objects.get().owner == water_board


def test_upload_of_fifty_rows_takes_a_bounded_number_of_queries(
    partner_client, grid_operator, kern, django_assert_max_num_queries
):
    for n in range(25):
        ProjectFactory(owner=grid_operator, code=f"E-{n:03d}", start_year=YEAR, end_year=YEAR)
    content = xlsx(
        *(
            row(code=f"E-{n:03d}", name=f"Werk {n}", areas="Nieuwleusen", start_year=YEAR)
            for n in range(50)
        )
    )

    with django_assert_max_num_queries(12):
        dry_run = upload(partner_client, content)
    # 3 of these write the history (new works, changed ones read back, changed ones).
    with django_assert_max_num_queries(23):
        apply(partner_client, dry_run)

    assert Project.objects.filter(owner=grid_operator, areas=kern).count() == 50


def test_template_of_many_works_takes_a_bounded_number_of_queries(
    partner_client, grid_operator, kern, django_assert_max_num_queries
):
    for _ in range(50):
        ProjectFactory(owner=grid_operator).areas.add(kern)

    with django_assert_max_num_queries(8):
        response = partner_client.get(reverse("projects:partner_template"))
        b"".join(response.streaming_content)
