"""Text typed by users never becomes a formula in a CSV or Excel download (#14).

A work called ``=HYPERLINK("http://…","klik")`` must reach the programme manager's
Excel as text. Every download the site offers is found from the URL resolver (list pages
with ``?export=``, and every URL named like an export, template or workbook), so a new
export is checked without being added here.
"""

import csv
import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from assets.models import Asset
from impor.exports import ExportColumn, csv_rows, write_xlsx
from impor.lists import EXPORT_FORMATS, FilteredListView
from impor.models import Area
from impor.spreadsheet import neutralise
from programming.models import Coupling, Programme, Work
from projects.models import Project
from projects.partner_import import import_partner_works
from projects.partner_template import write_template
from stakeholders.models import Actor, BudgetLine, Theme
from tests.factories import (
    ActorFactory,
    AmbitionFactory,
    AreaOfInterestFactory,
    AssetClassFactory,
    ProjectFactory,
    TeamFactory,
    UserFactory,
)
from tests.programming.test_services import street  # noqa: F401 (a fixture)
from tests.programming.test_workbook import computed  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PAYLOADS = ['=HYPERLINK("http://x","klik")', "+1", "@SUM(A1)", "-2+3", "\t=1", "\r=1"]
#: URL names of downloads besides the list pages' ``?export=``.
DOWNLOAD_NAME = re.compile(r"export|xlsx|csv|sjabloon|template|werkboek|workbook")
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Downloads that are not spreadsheets: no spreadsheet program evaluates them.
NOT_SPREADSHEETS = ("application/geo+json",)


def _patterns(resolvers=None, namespace=""):
    """(full URL name, pattern) of every named URL, through included URL confs."""
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


def downloads() -> list[tuple[str, dict[str, str]]]:
    """(URL name, query) of every CSV and Excel download the site offers."""
    found = []
    for name, pattern in _patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is not None and issubclass(view_class, FilteredListView):
            found += [(name, {"export": export}) for export in EXPORT_FORMATS]
        elif DOWNLOAD_NAME.search(name.rpartition(":")[2]):
            found.append((name, {}))
    return found


def _url(name: str, programme: Programme, grid: Actor) -> tuple[str, dict[str, str]]:
    pattern = dict(_patterns())[name].pattern
    arguments = set(getattr(pattern, "converters", {})) | set(pattern.regex.groupindex)
    assert arguments <= {"pk"}, f"teach this test which object {name} needs for {arguments}"
    url = reverse(name, kwargs={"pk": programme.pk} if arguments else None)
    # A municipal editor chooses whose works the partner template holds.
    return url, {"organisation": str(grid.pk)} if name == "projects:partner_template" else {}


@pytest.fixture
def named(request, computed):  # noqa: F811
    """The computed Kerkstraat programme with every text people type replaced by the
    payload: names of the programme, area, organisation, project, theme, ambition and
    budget line, and the street of the assets, works and couplings."""
    payload = request.param
    grid = Actor.objects.get(name="Netbeheerder")
    Programme.objects.filter(pk=computed.pk).update(name=payload)
    Area.objects.filter(name="Centrum").update(name=payload)
    Project.objects.filter(code="E-1").update(name=payload)
    Theme.objects.filter(name="Energietransitie").update(name=payload)
    BudgetLine.objects.filter(code="groen").update(name=payload)
    AmbitionFactory(name=payload, owner=grid)
    AreaOfInterestFactory(name=payload, organisation=grid)
    TeamFactory(name=payload, actor=grid)
    AssetClassFactory(name=payload)
    Work.objects.filter(programme=computed).update(street=payload, label=payload)
    Coupling.objects.filter(programme=computed).update(street=payload)
    Asset.objects.update(street=payload)
    Actor.objects.filter(pk=grid.pk).update(name=payload)
    computed.refresh_from_db()
    return payload, computed, grid


def _same(value: str, payload: str) -> bool:
    """Equal but for how a carriage return comes back: XlsxWriter stores it as _x000D_,
    which openpyxl does not decode (Excel does), and XML may turn it into a line feed."""

    def plain(text: str) -> str:
        return text.replace("_x000D_", "\r").replace("\r", "\n")

    return plain(value) == plain(payload)


def _csv_problems(content: bytes, payload: str) -> tuple[list[str], int]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    problems, seen = [], 0
    for row in rows:
        for field in row:
            if _same(field, payload):
                problems.append(f"unescaped field {field!r}")
            elif _same(field, "'" + payload):
                seen += 1
    return problems, seen


def _xlsx_problems(content: bytes, payload: str) -> tuple[list[str], int]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    problems, seen = [], 0
    core = payload.strip("\t\r")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if not isinstance(value, str):
                    continue
                if cell.data_type == "f" and core in value:
                    problems.append(f"{sheet.title}!{cell.coordinate} is a formula: {value!r}")
                elif _same(value, payload):
                    problems.append(f"{sheet.title}!{cell.coordinate} is unescaped: {value!r}")
                elif _same(value, "'" + payload):
                    seen += 1
    return problems, seen


@pytest.mark.parametrize("named", PAYLOADS, indirect=True, ids=repr)
def test_no_download_turns_user_text_into_a_formula(client, named):
    payload, programme, grid = named
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    problems = []
    for name, export_query in downloads():
        url, query = _url(name, programme, grid)
        response = client.get(url, {**export_query, **query})
        assert response.status_code == 200, f"{name} {export_query}: {response.status_code}"
        content_type = response["Content-Type"].split(";")[0]
        if content_type in NOT_SPREADSHEETS:
            continue
        content = b"".join(response.streaming_content)
        if content_type == CSV:
            found, seen = _csv_problems(content, payload)
        else:
            assert content_type == XLSX, f"{name}: an unknown download type {content_type}"
            found, seen = _xlsx_problems(content, payload)
        if found:
            problems.append(f"{name} {export_query}: {found[0]} and {len(found) - 1} more")
        if not seen:
            problems.append(f"{name} {export_query}: the text {payload!r} is not in it")
    assert not problems, "\n".join(problems)


def test_every_kind_of_download_is_found():
    """The enumeration above sees the list pages, the programme exports, the council
    workbook (page and API) and the partner template."""
    names = {name for name, _query in downloads()}
    assert {
        "assets:asset_list",
        "projects:project_list",
        "stakeholders:actor_list",
        "programming:programme_export_werken_csv",
        "programming:programme_export_koppelkansen_csv",
        "programming:programme_workbook",
        "programme_workbook",
        "projects:partner_template",
    } <= names, names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        *((payload, "'" + payload) for payload in PAYLOADS),
        ("Kerkstraat", "Kerkstraat"),
        ("", ""),
        ("a=b", "a=b"),
        ("'=al beschermd", "'=al beschermd"),
    ],
)
def test_text_that_starts_like_a_formula_gets_a_quote(text, expected):
    assert neutralise(text) == expected


@pytest.mark.parametrize("payload", [p for p in PAYLOADS if p == p.strip()], ids=repr)
def test_a_work_comes_back_from_the_partner_template_with_its_name(tmp_path, payload):
    """The template neutralises the name; reading the file takes the quote off again.
    (Names with a leading tab or line break are left out: reading strips every cell.)"""
    grid = ActorFactory(partner=True)
    ProjectFactory(owner=grid, code="E-7", name=payload, description=payload)
    path = tmp_path / "werken.xlsx"
    write_template(path, grid)

    report = import_partner_works(path=path, organisation=grid)

    assert report.errors == []
    assert (report.updates, report.unchanged) == (0, 1)


COLUMNS = [
    ExportColumn("naam"),
    ExportColumn("aantal", "int"),
    ExportColumn("bedrag", "money"),
    ExportColumn("datum", "date"),
]
ROWS = [
    ("-2+3", -5, Decimal("-12.50"), datetime.date(2026, 1, 2)),
    ("@SUM(A1)", 3, Decimal("4"), None),
]


def test_numbers_in_a_csv_stay_numbers_and_text_is_escaped():
    lines = b"".join(csv_rows(COLUMNS, ROWS)).decode("utf-8-sig").splitlines()
    assert lines[1:] == ["'-2+3;-5;-12,50;02-01-2026", "'@SUM(A1);3;4,00;"]


def test_numbers_in_an_xlsx_stay_numbers_and_text_is_a_string(tmp_path):
    path = tmp_path / "lijst.xlsx"
    write_xlsx(path, "Lijst", COLUMNS, iter(ROWS))
    sheet = openpyxl.load_workbook(path).active
    name, number, money, _date = sheet[2]
    assert (name.value, name.data_type) == ("'-2+3", "s")
    assert (number.value, number.data_type) == (-5, "n")
    assert (money.value, money.data_type) == (-12.5, "n")
    assert sheet["A3"].value == "'@SUM(A1)"
