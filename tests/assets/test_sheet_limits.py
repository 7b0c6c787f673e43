"""An Excel sheet that spans more rows or columns than IMPOR reads is refused before its
cells are read (issue #14).

A 2 kB workbook with one cell at XFD1048576, the last cell Excel has, made the reader lay
out the whole grid of 17 billion cells and the import worker died. The memory tests read
the file in a child process: its peak memory is its own, and a limit on its address space
makes a regression fail there instead of taking the memory of the machine.
"""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings as django_settings

from assets.importing.service import import_file
from impor.importing.readers import ImportFileError, read_table
from projects.partner_columns import COLUMNS, SHEET
from projects.partner_import import import_partner_works
from tests.factories import ActorFactory

#: The child may grow this much while it refuses the file (the brief of #14: ~100 MB).
MAX_GROWTH_KB = 100 * 1024

READ_IN_A_CHILD = """
import json, resource, sys
from pathlib import Path

from impor.importing.readers import ImportFileError, read_table

with open("/proc/self/status") as status:
    size = next(int(line.split()[1]) for line in status if line.startswith("VmSize"))
resource.setrlimit(resource.RLIMIT_AS, ((size + 1024 * 1024) * 1024, resource.RLIM_INFINITY))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    read_table(Path(sys.argv[1]))
    message = None
except ImportFileError as exc:
    message = str(exc)
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"message": message, "grown_kb": grown}))
"""


def read_in_a_child(path: Path) -> dict:
    """read_table in a fresh process whose address space may grow by at most 1 GB."""
    done = subprocess.run(
        [sys.executable, "-c", READ_IN_A_CHILD, str(path)],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "RUST_BACKTRACE": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def read_error(path: Path, **options) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_table(path, **options)
    return str(caught.value)


def trees(path: Path, *, far_cell: str | None = None) -> Path:
    """A small sheet "Bomen"; `far_cell` puts one more value there."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Bomen"
    sheet.append(["Boomnummer", "Soort", "Hoogte"])
    sheet.append(["B-001", "Eik", 12])
    sheet.append(["B-002", "Beuk", 8])
    if far_cell:
        sheet[far_cell] = "x"
    workbook.save(path)
    return path


def rewrite_sheet(path: Path, old: bytes, new: bytes) -> Path:
    """Change the XML of the first sheet, as a hand-made file would have it."""
    with zipfile.ZipFile(path) as source:
        contents = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in contents.items():
            if info.filename == "xl/worksheets/sheet1.xml":
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)
    return path


def forged_dimension(path: Path) -> Path:
    return rewrite_sheet(
        trees(path), b'<dimension ref="A1:C3" />', b'<dimension ref="A1:XFD1048576"/>'
    )


def far_cell_under_a_small_dimension(path: Path) -> Path:
    """The dimension says A1:C3, the cells say otherwise: the cells count."""
    return rewrite_sheet(
        trees(path, far_cell="XFD1048576"),
        b'<dimension ref="A1:XFD1048576" />',
        b'<dimension ref="A1:C3"/>',
    )


def far_row_without_cell_references(path: Path) -> Path:
    """Row 1,048,576 with a cell that has no reference of its own (it takes the row's)."""
    return rewrite_sheet(
        trees(path),
        b"</sheetData>",
        b'<row r="1048576"><c t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    )


@pytest.mark.skipif(sys.platform != "linux", reason="reads the address space from /proc")
@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda path: trees(path, far_cell="XFD1048576"), "XFD1048576"),
        (forged_dimension, "XFD1048576"),
        (far_cell_under_a_small_dimension, "XFD1048576"),
        (far_row_without_cell_references, "1.048.576 rijen"),
    ],
    ids=["cell-at-XFD1048576", "forged-dimension", "small-dimension", "far-row-without-references"],
)
def test_a_sheet_reaching_the_last_cell_of_excel_is_refused_without_using_memory(
    tmp_path, make, named
):
    path = make(tmp_path / "bomen.xlsx")
    assert path.stat().st_size < 10_000

    outcome = read_in_a_child(path)

    assert outcome["message"] is not None, "the sheet was read"
    assert 'bomen.xlsx, blad "Bomen"' in outcome["message"]
    assert named in outcome["message"]
    assert outcome["grown_kb"] < MAX_GROWTH_KB, outcome


def test_a_sheet_beyond_the_column_limit_is_refused(tmp_path):
    path = trees(tmp_path / "bomen.xlsx", far_cell="E2")

    message = read_error(path, max_sheet_columns=4)

    assert message == (
        'bomen.xlsx, blad "Bomen" is te groot: het loopt tot cel E3, dat is 5 kolommen. '
        "IMPOR leest bladen tot 4 kolommen en 1.000.000 rijen. Verwijder de lege rijen en "
        "kolommen onder en naast de gegevens, of kopieer de gegevens naar een nieuw blad."
    )


def test_a_sheet_beyond_the_row_limit_is_refused(tmp_path):
    path = trees(tmp_path / "bomen.xlsx", far_cell="A7")

    message = read_error(path, max_sheet_rows=6)

    assert "het loopt tot cel C7, dat is 7 rijen" in message
    assert "IMPOR leest bladen tot 500 kolommen en 6 rijen" in message


def test_a_sheet_beyond_the_cell_limit_is_refused(tmp_path):
    path = trees(tmp_path / "bomen.xlsx", far_cell="D5")

    message = read_error(path, max_sheet_cells=19)

    assert "het loopt tot cel D5, dat is 5 rijen van 4 kolommen, 20 cellen" in message
    assert "IMPOR leest bladen tot 19 cellen" in message


def test_a_declared_dimension_beyond_the_limit_is_refused_even_when_the_cells_fit(tmp_path):
    path = rewrite_sheet(
        trees(tmp_path / "bomen.xlsx"), b'<dimension ref="A1:C3" />', b'<dimension ref="A1:Z3"/>'
    )

    message = read_error(path, max_sheet_columns=20)

    assert "het loopt tot cel Z3, dat is 26 kolommen" in message


def test_a_sheet_exactly_at_the_limits_is_read(tmp_path):
    path = trees(tmp_path / "bomen.xlsx")

    table = read_table(path, max_sheet_rows=3, max_sheet_columns=3, max_sheet_cells=9)

    assert table.frame["Boomnummer"].tolist() == ["B-001", "B-002"]


def test_only_the_sheet_that_is_read_must_fit(tmp_path):
    """A large sheet elsewhere in the workbook does not matter when another is chosen."""
    path = trees(tmp_path / "bomen.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("Lijsten")["K1"] = "x"
    workbook.save(path)

    table = read_table(path, sheet="Bomen", max_sheet_columns=3)

    assert len(table.frame) == 2


@pytest.mark.django_db
def test_the_asset_import_refuses_a_sheet_beyond_the_configured_limit(tmp_path, settings):
    settings.IMPOR_IMPORT_MAX_COLUMNS = 4
    path = trees(tmp_path / "bomen.xlsx", far_cell="E2")

    report = import_file(kind="assets", path=path, source="gis", commit=True)

    assert len(report.errors) == 1
    assert 'bomen.xlsx, blad "Bomen" is te groot' in report.errors[0].message
    assert "tot 4 kolommen" in report.errors[0].message


@pytest.mark.django_db
def test_the_partner_import_refuses_a_sheet_beyond_the_configured_limit(tmp_path, settings):
    settings.IMPOR_IMPORT_MAX_ROWS = 5
    path = tmp_path / "werken.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([str(column.header) for column in COLUMNS])
    sheet["A6"] = "E-001"
    workbook.save(path)

    report = import_partner_works(path=path, organisation=ActorFactory(partner=True), commit=True)

    assert len(report.errors) == 1
    assert f'werken.xlsx, blad "{SHEET}" is te groot' in report.errors[0].message
    assert "en 5 rijen" in report.errors[0].message


def test_the_limits_are_settings_with_sane_defaults():
    assert django_settings.IMPOR_IMPORT_MAX_ROWS == 1_000_000
    assert django_settings.IMPOR_IMPORT_MAX_COLUMNS == 500
    assert django_settings.IMPOR_IMPORT_MAX_CELLS == 20_000_000
