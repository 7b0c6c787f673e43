"""Reading import files: every format, and a clear Dutch message for every bad file.

No database: each test writes its file into tmp_path and reads it back.
"""

import datetime
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyogrio.raw
import pytest
import shapely

from impor.importing.readers import (
    SUPPORTED,
    ImportFileError,
    list_sheets,
    read_table,
)
from impor.importing.values import parse_decimal
from tests.shared_data import shared_data

# Three trees in Dalfsen in WGS84 and the same trees in RD New (pyproj, to the mm).
DALFSEN_LONLAT = [(6.2601, 52.5101), (6.2612, 52.5108), (6.2625, 52.5117)]
DALFSEN_RD = [(214_259.185, 502_848.167), (214_332.919, 502_926.952), (214_419.958, 503_028.155)]


def read_error(path: Path, **options) -> str:
    with pytest.raises(ImportFileError) as caught:
        read_table(path, **options)
    return str(caught.value)


# --- CSV ------------------------------------------------------------------------------


def write_csv(tmp_path: Path, text: str, *, name: str = "bomen.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_dutch_excel_csv_is_read_as_text_with_notes_on_encoding_and_decimal_commas(tmp_path):
    """Excel's 'CSV (gescheiden door lijstscheidingsteken)': `;`, decimal commas, cp1252."""
    path = write_csv(
        tmp_path,
        "Boomnummer;Soort;Hoogte ;Plantjaar\r\n"
        "B-001;Esdoorn (Acer pseudoplatanus) – één;12,5;1965\r\n"
        "B-002;Beuk, rode;1.234,5;\r\n"
        "B-003;Linde ë;7;1980\r\n",
        encoding="cp1252",
    )

    table = read_table(path)

    assert list(table.frame.columns) == ["Boomnummer", "Soort", "Hoogte", "Plantjaar"]
    assert len(table.frame) == 3
    assert table.frame.loc[0, "Soort"] == "Esdoorn (Acer pseudoplatanus) – één"
    assert table.frame.loc[2, "Soort"] == "Linde ë"
    assert table.frame["Hoogte"].tolist() == ["12,5", "1.234,5", "7"]
    assert table.frame.loc[1, "Plantjaar"] is None
    assert all(value is None or isinstance(value, str) for value in table.frame.to_numpy().flat)
    assert (table.geometry, table.crs, table.sheet, table.first_row) == (None, None, None, 2)
    assert any("Windows-1252" in note for note in table.warnings)
    assert any("decimale komma's herkend" in note and "Hoogte" in note for note in table.warnings)


def test_a_utf8_csv_with_bom_and_comma_separator_needs_no_notes(tmp_path):
    path = write_csv(
        tmp_path,
        'id,naam,opmerking\n1,Jansen,"staat scheef, snoeien"\n2,De Vries,\n',
        encoding="utf-8-sig",
    )

    table = read_table(path)

    assert list(table.frame.columns) == ["id", "naam", "opmerking"]
    assert table.frame["opmerking"].tolist() == ["staat scheef, snoeien", None]
    assert table.warnings == []


@pytest.mark.parametrize("separator", ["\t", "|", ";", ","])
def test_the_separator_is_recognised(tmp_path, separator):
    rows = [["id", "soort", "hoogte"], ["1", "Eik", "12.5"], ["2", "Beuk", "8"]]
    path = write_csv(tmp_path, "\n".join(separator.join(row) for row in rows) + "\n")

    table = read_table(path)

    assert list(table.frame.columns) == ["id", "soort", "hoogte"]
    assert table.frame["soort"].tolist() == ["Eik", "Beuk"]


def test_an_excel_sep_line_names_the_separator_and_shifts_the_line_numbers(tmp_path):
    path = write_csv(tmp_path, "sep=,\nid,hoogte\n1,12\n")

    table = read_table(path)

    assert list(table.frame.columns) == ["id", "hoogte"]
    assert table.first_row == 3


def test_blank_lines_keep_the_line_numbers_right(tmp_path):
    """Line 4 is blank and kept (as an empty row) so that row i is line first_row + i."""
    path = write_csv(tmp_path, "\nid;hoogte\n1;12\n\n3;14\n;\n\n")

    table = read_table(path)

    assert table.first_row == 3
    assert table.frame["id"].tolist() == ["1", None, "3"]


def test_an_empty_trailing_column_is_dropped(tmp_path):
    path = write_csv(tmp_path, "id;hoogte;\n1;12;\n2;13;\n")

    assert list(read_table(path).frame.columns) == ["id", "hoogte"]


def test_the_original_file_name_is_used_for_messages_and_format(tmp_path):
    path = tmp_path / "upload-8f3a"
    path.write_text("id;hoogte\n")

    message = read_error(path, filename="Bomen export.csv")

    assert message.startswith("Bomen export.csv ")
    assert "bevat geen gegevensrijen" in message


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "id;hoogte\n", "id;hoogte\n;\n"],
    ids=["empty", "blank", "header", "empty row"],
)
def test_a_csv_without_data_rows_is_refused(tmp_path, text):
    message = read_error(write_csv(tmp_path, text))

    assert "bomen.csv" in message
    assert "bevat geen gegevensrijen" in message


def test_duplicate_column_names_are_refused_by_name(tmp_path):
    path = write_csv(tmp_path, "id;hoogte;soort;hoogte ;soort\n1;2;3;4;5\n")

    message = read_error(path)

    assert message.startswith("bomen.csv")
    assert "dubbele kolomnamen: hoogte, soort" in message


def test_a_column_with_data_but_no_name_is_refused(tmp_path):
    message = read_error(write_csv(tmp_path, "id;;soort\n1;12;Eik\n"))

    assert "bomen.csv: kolom 2 heeft gegevens maar geen naam" in message


def test_a_row_with_too_many_fields_is_refused_with_its_line(tmp_path):
    message = read_error(write_csv(tmp_path, "id;soort\n1;Eik\n2;Beuk;extra\n"))

    assert message.startswith("bomen.csv: regel 3 heeft 3 velden")


def test_an_unclosed_quote_is_refused_with_its_line(tmp_path):
    message = read_error(write_csv(tmp_path, 'id;soort\n1;Eik\n2;"Beuk\n3;Linde\n'))

    assert message == 'bomen.csv: het aanhalingsteken (") op regel 3 wordt nergens gesloten.'


def test_an_excel_file_named_csv_is_refused(tmp_path):
    path = tmp_path / "bomen.csv"
    write_xlsx(path, {"Bomen": [["id"], [1]]})

    assert "bomen.csv is geen tekstbestand (CSV)" in read_error(path)


def test_a_large_csv_is_read_in_one_go(tmp_path):
    rows = "".join(f"B-{i};Eik;{i % 30},5;19{i % 100:02d}\n" for i in range(100_000))
    path = write_csv(tmp_path, "id;soort;hoogte;jaar\n" + rows)

    table = read_table(path)

    assert len(table.frame) == 100_000
    assert table.frame.iloc[-1].tolist() == ["B-99999", "Eik", "9,5", "1999"]


# --- parse_decimal --------------------------------------------------------------------


def test_parse_decimal_reads_dutch_and_english_numbers():
    text = pd.Series(["12,5", "1.234,5", "12.5", "1234", "-3", " 7 ", "", None, "twaalf", "1e5"])

    numbers, bad = parse_decimal(text)

    expected = [12.5, 1234.5, 12.5, 1234.0, -3.0, 7.0, np.nan, np.nan, np.nan, np.nan]
    np.testing.assert_array_equal(numbers.to_numpy(), expected)
    assert bad.tolist() == [False] * 6 + [False, False, True, True]


def test_parse_decimal_reads_a_thousands_dot_only_next_to_decimal_commas():
    """'1.234' is 1234 in a column written the Dutch way, 1.234 in one written the English way."""
    assert parse_decimal(pd.Series(["1.234", "2,5"]))[0].tolist() == [1234.0, 2.5]
    assert parse_decimal(pd.Series(["1.234", "2.5"]))[0].tolist() == [1.234, 2.5]
    assert parse_decimal(pd.Series(["1.234.567"]))[0].tolist() == [1234567.0]


def test_parse_decimal_keeps_an_unambiguous_decimal_dot_among_decimal_commas():
    assert parse_decimal(pd.Series(["2.5", "12,5", "2.500"]))[0].tolist() == [2.5, 12.5, 2500.0]


def test_parse_decimal_calls_other_values_bad():
    values = pd.Series([True, datetime.date(2024, 1, 1), "12 m", "  ", None], dtype=object)

    numbers, bad = parse_decimal(values)

    assert numbers.isna().all()
    assert bad.tolist() == [True, True, True, False, False]


def test_parse_decimal_passes_numbers_through():
    numbers, bad = parse_decimal(pd.Series([1.5, 2, np.nan]))

    np.testing.assert_array_equal(numbers.to_numpy(), [1.5, 2.0, np.nan])
    assert not bad.any()


# --- Excel (xlsx) ---------------------------------------------------------------------


def write_xlsx(path: Path, sheets: dict[str, list[list]], *, hidden=(), merged=()) -> Path:
    """A workbook with the given rows per sheet; `merged` holds (sheet, range) pairs."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
    for title, cells in merged:
        workbook[title].merge_cells(cells)
    workbook.save(path)
    return path


def patch_zip_member(path: Path, member: str, old: bytes, new: bytes) -> None:
    """Rewrite one member of a zip, as a tool that writes cached formula values would."""
    with zipfile.ZipFile(path) as source:
        contents = {info: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in contents.items():
            if info.filename == member:
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)


TREES = [
    ["Boomnummer", " Soort ", "Hoogte", "Geplant", "Opmerking"],
    ["B-001", "Eik", 12.5, datetime.date(1965, 4, 1), None],
    ["B-002", "Beuk", 8, datetime.datetime(1980, 3, 2, 14, 30), "scheef"],
    ["B-003", "Linde", None, None, None],
]


def test_an_excel_sheet_is_read_with_typed_values(tmp_path):
    path = write_xlsx(
        tmp_path / "bomen.xlsx",
        {"Toelichting": [], "Bomen": TREES, "Lijsten": [["Eik"], ["Beuk"]]},
        hidden=("Lijsten",),
    )

    table = read_table(path)

    assert table.sheet == "Bomen"
    assert list(table.frame.columns) == ["Boomnummer", "Soort", "Hoogte", "Geplant", "Opmerking"]
    assert len(table.frame) == 3
    assert table.frame["Hoogte"].tolist() == [12.5, 8, None]
    assert type(table.frame.loc[1, "Hoogte"]) is int
    assert table.frame.loc[0, "Geplant"] == datetime.date(1965, 4, 1)
    assert table.frame.loc[1, "Geplant"] == datetime.datetime(1980, 3, 2, 14, 30)
    assert table.frame.loc[0, "Opmerking"] is None
    assert (table.geometry, table.crs, table.first_row, table.warnings) == (None, None, 2, [])


def test_a_hidden_sheet_is_read_when_no_visible_sheet_holds_data(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Leeg": [], "Bomen": TREES}, hidden=("Bomen",))

    assert read_table(path).sheet == "Bomen"


def test_rows_above_the_header_move_the_first_row(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": [[], [], *TREES]})

    table = read_table(path)

    assert table.first_row == 4
    assert table.frame.loc[0, "Boomnummer"] == "B-001"


def test_two_sheets_with_data_ask_for_a_choice(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": TREES, "Lantaarns": [["id"], [1]]})

    message = read_error(path)

    assert message.startswith("bomen.xlsx heeft meerdere bladen met gegevens")
    assert '"Bomen", "Lantaarns"' in message
    assert "kies het blad" in message
    assert list_sheets(path) == ["Bomen", "Lantaarns"]
    assert read_table(path, sheet="Lantaarns").frame["id"].tolist() == [1]


def test_an_unknown_sheet_is_refused_with_the_sheet_names(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": TREES, "Leeg": []})

    message = read_error(path, sheet="Blad1")

    assert message == 'bomen.xlsx heeft geen blad "Blad1"; de bladen zijn "Bomen", "Leeg".'


def test_merged_header_cells_are_refused_by_range(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": TREES}, merged=[("Bomen", "B1:C1")])

    message = read_error(path)

    assert message.startswith('bomen.xlsx, blad "Bomen": de kopregel (rij 1)')
    assert "samengevoegde cellen (B1:C1)" in message


def test_merged_cells_below_the_header_give_a_note(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": TREES}, merged=[("Bomen", "E2:E3")])

    table = read_table(path)

    assert any("samengevoegde cellen (E2:E3)" in note for note in table.warnings)


def test_a_formula_without_a_calculated_value_is_refused_by_cell(tmp_path):
    """openpyxl writes formulas without the value Excel would calculate and store."""
    rows = [["id", "hoogte", "dubbel"], *([i, i + 0.5, None] for i in range(1, 7))]
    rows.append([7, 7.5, "=B8*2"])
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": rows})

    message = read_error(path)

    assert message == (
        'bomen.xlsx, blad "Bomen": cel C8 bevat een formule zonder berekende waarde; '
        "open en sla het bestand op in Excel, of plak de waarden."
    )


def test_a_formula_with_a_calculated_value_gives_that_value_and_a_note(tmp_path):
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": [["id", "dubbel"], [1, "=A2*2"]]})
    patch_zip_member(path, "xl/worksheets/sheet1.xml", b"<f>A2*2</f><v />", b"<f>A2*2</f><v>2</v>")

    table = read_table(path)

    assert table.frame["dubbel"].tolist() == [2]
    assert "formules gevonden; de berekende waarden zijn gebruikt" in table.warnings


def test_a_formula_giving_empty_text_counts_as_calculated(tmp_path):
    """Excel stores the result of ="" as an empty <v> in a cell of type "str"."""
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": [["id", "leeg"], [1, '=""']]})
    patch_zip_member(
        path,
        "xl/worksheets/sheet1.xml",
        b'<c r="B2"><f>""</f><v /></c>',
        b'<c r="B2" t="str"><f>""</f><v></v></c>',
    )

    table = read_table(path)

    assert table.frame["leeg"].tolist() == [None]


def test_a_sheet_written_with_a_namespace_prefix_is_checked_too(tmp_path):
    """Some writers (the .NET Open XML SDK) write <x:c> and <x:f> instead of <c> and <f>."""
    path = write_xlsx(tmp_path / "bomen.xlsx", {"Bomen": [["id", "dubbel"], [1, "=A2*2"]]})
    with zipfile.ZipFile(path) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    prefixed = re.sub(rb"<(/?)(?=[A-Za-z])", rb"<\1x:", xml).replace(b"xmlns=", b"xmlns:x=")
    patch_zip_member(path, "xl/worksheets/sheet1.xml", xml, prefixed)

    assert "cel B2 bevat een formule zonder berekende waarde" in read_error(path)


def test_a_text_file_named_xlsx_is_refused(tmp_path):
    path = tmp_path / "bomen.xlsx"
    path.write_text("id;hoogte\n1;12\n")

    assert read_error(path) == "bomen.xlsx is geen Excel-bestand (xlsx)."


def test_a_zip_without_a_workbook_is_not_an_excel_file(tmp_path):
    path = tmp_path / "bomen.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("bomen.csv", "id\n1\n")

    assert read_error(path).startswith("bomen.xlsx is geen Excel-bestand (xlsx)")


@pytest.mark.parametrize(
    ("sheets", "expected"),
    [
        ({"Bomen": []}, "bomen.xlsx is leeg: het bevat geen gegevensrijen."),
        (
            {"Bomen": [TREES[0]]},
            'bomen.xlsx, blad "Bomen" bevat geen gegevensrijen: alleen een kopregel (rij 1).',
        ),
    ],
    ids=["empty", "header only"],
)
def test_a_sheet_without_data_rows_is_refused(tmp_path, sheets, expected):
    assert read_error(write_xlsx(tmp_path / "bomen.xlsx", sheets)) == expected


# --- GeoJSON, GeoPackage and zipped Shapefile ------------------------------------------


def feature_collection(points, *, crs: str | None = None) -> dict:
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"boomnummer": f"B-{i:03d}", "hoogte": 10 + i, " soort ": "Eik"},
                "geometry": {"type": "Point", "coordinates": list(point)},
            }
            for i, point in enumerate(points, start=1)
        ],
    }
    if crs:
        collection["crs"] = {"type": "name", "properties": {"name": crs}}
    return collection


def write_points(path: Path, *, driver: str, crs: str | None, layer: str | None = None, n=3):
    """Trees in Dalfsen in RD New, written with pyogrio's raw API (no geopandas)."""
    points = shapely.points(np.array(DALFSEN_RD[:n]).reshape(-1, 2))
    pyogrio.raw.write(
        path,
        np.array(shapely.to_wkb(points), dtype=object),
        [np.array([f"B-{i:03d}" for i in range(1, n + 1)], dtype=object), np.arange(n) + 10.5],
        ["boomnummer", "hoogte"],
        geometry_type="Point",
        crs=crs,
        driver=driver,
        layer=layer,
    )


def zip_files(target: Path, files: list[Path], *, names=None) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as package:
        for i, file in enumerate(files):
            package.write(file, names[i] if names else file.name)
    return target


def test_a_geojson_without_crs_is_wgs84(tmp_path):
    path = tmp_path / "bomen.geojson"
    path.write_text(json.dumps(feature_collection(DALFSEN_LONLAT)))

    table = read_table(path)

    assert list(table.frame.columns) == ["boomnummer", "hoogte", "soort"]
    assert table.frame["boomnummer"].tolist() == ["B-001", "B-002", "B-003"]
    assert table.crs == "EPSG:4326"
    assert (table.sheet, table.first_row, table.warnings) == (None, 1, [])
    assert len(table.geometry) == 3
    assert list(shapely.get_type_id(table.geometry)) == [0, 0, 0]
    assert shapely.get_coordinates(table.geometry[0]).tolist() == [[6.2601, 52.5101]]


def test_a_geojson_with_a_crs_member_in_rd_new(tmp_path):
    path = tmp_path / "bomen.json"
    path.write_text(json.dumps(feature_collection(DALFSEN_RD, crs="urn:ogc:def:crs:EPSG::28992")))

    table = read_table(path)

    assert table.crs == "EPSG:28992"
    assert table.warnings == []


def test_a_geojson_in_rd_coordinates_without_crs_asks_for_one(tmp_path):
    """RFC 7946 says WGS84, but Dutch exports often hold RD New metres without saying so."""
    path = tmp_path / "bomen.geojson"
    path.write_text(json.dumps(feature_collection(DALFSEN_RD)))

    table = read_table(path)

    assert table.crs is None
    assert any("geen lengte- en breedtegraden" in note for note in table.warnings)


def test_a_geojson_feature_without_geometry_keeps_its_row(tmp_path):
    collection = feature_collection(DALFSEN_LONLAT)
    collection["features"][1]["geometry"] = None
    path = tmp_path / "bomen.geojson"
    path.write_text(json.dumps(collection))

    table = read_table(path)

    assert len(table.frame) == 3
    assert table.geometry[1] is None


@pytest.mark.parametrize(
    "text",
    ['{"type": "FeatureCollection", "features": [', "id;hoogte\n1;2\n", '{"naam": "bomen"}'],
    ids=["broken json", "csv", "plain json"],
)
def test_a_file_that_is_not_geojson_is_refused(tmp_path, text):
    path = tmp_path / "bomen.geojson"
    path.write_text(text)

    message = read_error(path)

    assert message.startswith("bomen.geojson is geen geldig GeoJSON-bestand")


def test_an_empty_feature_collection_is_refused(tmp_path):
    path = tmp_path / "bomen.geojson"
    path.write_text(json.dumps(feature_collection([])))

    assert "bomen.geojson bevat geen objecten" in read_error(path)


def test_a_geopackage_in_rd_new(tmp_path):
    path = tmp_path / "bomen.gpkg"
    write_points(path, driver="GPKG", crs="EPSG:28992", layer="bomen")

    table = read_table(path)

    assert list(table.frame.columns) == ["boomnummer", "hoogte"]
    assert table.frame["hoogte"].tolist() == [10.5, 11.5, 12.5]
    assert table.crs == "EPSG:28992"
    assert table.first_row == 1
    assert shapely.get_type_id(table.geometry).tolist() == [0, 0, 0]
    assert shapely.get_coordinates(table.geometry).tolist() == [list(p) for p in DALFSEN_RD]


def test_a_geopackage_with_two_layers_asks_for_a_choice(tmp_path):
    path = tmp_path / "buitenruimte.gpkg"
    write_points(path, driver="GPKG", crs="EPSG:28992", layer="bomen")
    write_points(path, driver="GPKG", crs="EPSG:28992", layer="lantaarns", n=2)

    message = read_error(path)

    assert message == (
        'buitenruimte.gpkg heeft meerdere lagen ("bomen", "lantaarns"); kies de laag die '
        "IMPOR moet lezen."
    )
    assert len(read_table(path, layer="lantaarns").frame) == 2
    assert 'geen laag "putten"; de lagen zijn "bomen", "lantaarns"' in read_error(
        path, layer="putten"
    )


def test_an_empty_geopackage_layer_is_refused(tmp_path):
    path = tmp_path / "bomen.gpkg"
    write_points(path, driver="GPKG", crs="EPSG:28992", layer="bomen", n=0)

    assert read_error(path).startswith('bomen.gpkg, laag "bomen" bevat geen objecten')


def test_a_corrupt_geopackage_is_refused_without_a_traceback(tmp_path):
    path = tmp_path / "bomen.gpkg"
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)

    assert read_error(path).startswith("bomen.gpkg is geen geldig GeoPackage")


def test_a_zipped_shapefile_in_rd_new(tmp_path):
    write_points(tmp_path / "bomen.shp", driver="ESRI Shapefile", crs="EPSG:28992")
    parts = [tmp_path / f"bomen.{ext}" for ext in ("shp", "shx", "dbf", "prj", "cpg")]
    path = zip_files(tmp_path / "upload.zip", parts, names=[f"export/{p.name}" for p in parts])

    table = read_table(path, filename="Bomen Dalfsen.zip")

    assert list(table.frame.columns) == ["boomnummer", "hoogte"]
    assert len(table.frame) == 3
    assert table.crs == "EPSG:28992"
    assert table.first_row == 1
    assert shapely.get_type_id(table.geometry).tolist() == [0, 0, 0]
    assert table.warnings == []


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_a_zipped_shapefile_without_prj_has_no_crs(tmp_path):
    write_points(tmp_path / "bomen.shp", driver="ESRI Shapefile", crs=None)
    parts = [tmp_path / f"bomen.{ext}" for ext in ("shp", "shx", "dbf")]

    table = read_table(zip_files(tmp_path / "bomen.zip", parts))

    assert table.crs is None
    assert len(table.frame) == 3
    assert any("geen .prj-bestand" in note for note in table.warnings)


def test_a_zipped_shapefile_without_its_dbf_is_refused_by_name(tmp_path):
    write_points(tmp_path / "bomen.shp", driver="ESRI Shapefile", crs="EPSG:28992")
    parts = [tmp_path / f"bomen.{ext}" for ext in ("shp", "prj")]

    message = read_error(zip_files(tmp_path / "bomen.zip", parts))

    assert message.startswith("bomen.zip: bij bomen.shp ontbreken bomen.shx en bomen.dbf")


def test_a_zip_without_a_shapefile_is_refused(tmp_path):
    (tmp_path / "bomen.csv").write_text("id\n1\n")

    message = read_error(zip_files(tmp_path / "bomen.zip", [tmp_path / "bomen.csv"]))

    assert message.startswith("bomen.zip bevat geen shapefile (.shp)")


def test_a_zip_with_two_shapefiles_asks_for_one(tmp_path):
    write_points(tmp_path / "bomen.shp", driver="ESRI Shapefile", crs="EPSG:28992")
    write_points(tmp_path / "putten.shp", driver="ESRI Shapefile", crs="EPSG:28992", n=2)
    parts = [
        tmp_path / f"{stem}.{ext}" for stem in ("bomen", "putten") for ext in ("shp", "shx", "dbf")
    ]
    path = zip_files(tmp_path / "gis.zip", parts)

    assert "gis.zip bevat meerdere shapefiles (bomen, putten)" in read_error(path)
    assert len(read_table(path, layer="putten").frame) == 2


def test_a_corrupt_zipped_shapefile_is_refused_without_a_traceback(tmp_path):
    parts = [tmp_path / f"bomen.{ext}" for ext in ("shp", "shx", "dbf")]
    for part in parts:
        part.write_bytes(b"geen shapefile" * 20)

    message = read_error(zip_files(tmp_path / "bomen.zip", parts))

    assert message == "bomen.zip is geen geldige shapefile of is beschadigd."


def test_a_text_file_named_zip_is_refused(tmp_path):
    path = tmp_path / "bomen.zip"
    path.write_text("geen zip")

    assert read_error(path) == "bomen.zip is geen geldig zip-bestand."


def test_the_leeuwarden_trees_are_read_from_their_zipped_shapefile(tmp_path):
    """2,088 monumental trees delivered by Leeuwarden as a shapefile in RD New (CC0)."""
    folder = shared_data("leeuwarden-bomen")
    path = zip_files(tmp_path / "bomen-leeuwarden.zip", sorted(folder.iterdir()))

    table = read_table(path)

    assert len(table.frame) == len(table.geometry) == 2_088
    assert table.crs == "EPSG:28992"
    assert set(shapely.get_type_id(table.geometry)) == {0}
    xmin, ymin, xmax, ymax = shapely.total_bounds(table.geometry)
    assert 170_000 < xmin < xmax < 195_000
    assert 565_000 < ymin < ymax < 590_000
    assert {"ELEMENTNR", "BOOMSOORT", "PLANTJAAR", "STATUS"} <= set(table.frame.columns)
    years = table.frame["PLANTJAAR"].dropna()
    assert years.between(1600, 2015).all()


# --- Size, zip bombs and file types ----------------------------------------------------


def test_a_file_above_the_size_limit_is_refused_with_the_limit(tmp_path):
    path = write_csv(tmp_path, "id;hoogte\n" + "1;12\n" * 100_000)

    message = read_error(path, max_bytes=256 * 1024)

    assert message.startswith("bomen.csv is 0,477 MB; IMPOR leest bestanden tot 0,25 MB")


def test_a_zip_that_unpacks_beyond_the_limit_is_a_zip_bomb(tmp_path):
    path = tmp_path / "bomen.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("bomen.dbf", np.random.default_rng(7).bytes(1024**2))

    message = read_error(path, max_uncompressed_bytes=512 * 1024)

    assert message.startswith("bomen.zip lijkt een zip-bom: uitgepakt is het 1 MB")


@pytest.mark.parametrize("name", ["bomen.zip", "bomen.xlsx"])
def test_a_member_that_inflates_a_thousandfold_is_a_zip_bomb(tmp_path, name):
    """Four MB of zeros compress to about 4 kB: no real export looks like that."""
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", b"<workbook/>")
        package.writestr("bomen.shp", bytes(4 * 1024**2))

    message = read_error(path)

    assert message.startswith(f"{name} lijkt een zip-bom: bomen.shp pakt")


def test_an_unsupported_file_type_lists_the_supported_ones(tmp_path):
    path = tmp_path / "bomen.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    message = read_error(path)

    assert message.startswith("bomen.xls heeft een bestandstype dat IMPOR niet leest")
    for extension in SUPPORTED:
        assert extension in message
    assert "als .xlsx" in message
