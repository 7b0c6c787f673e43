"""CSV files in another tekenset than UTF-8 (issue #14): read right, or refused by name.

A Shift-JIS file used to be read as Windows-1252 with only a note, and its rows were
imported as mojibake. No database.
"""

import codecs
from pathlib import Path

import pytest

from impor.importing.readers import ImportFileError, read_table

TEXT = "id;soort;straat\nB-001;Esdoorn één;Kerkstraat\nB-002;Linde ë;Café-plein\n"


def write(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "bomen.csv"
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-8"),
    ],
    ids=["utf-16-le-bom", "utf-16-be-bom", "utf-16-le-without-bom", "utf-8-bom", "utf-8"],
)
def test_a_unicode_file_is_read_correctly(tmp_path, data):
    table = read_table(write(tmp_path, data))

    assert table.frame["soort"].tolist() == ["Esdoorn één", "Linde ë"]
    assert table.frame["straat"].tolist() == ["Kerkstraat", "Café-plein"]
    assert not any("Windows-1252" in note for note in table.warnings)


def test_a_windows_1252_file_with_accents_is_read_correctly_with_a_note(tmp_path):
    table = read_table(write(tmp_path, (TEXT + "B-003;Eik – “oud” € 5;A\n").encode("cp1252")))

    assert table.frame["soort"].tolist() == ["Esdoorn één", "Linde ë", "Eik – “oud” € 5"]
    assert any("Windows-1252" in note for note in table.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "id;soort;straat\nB-001;イチョウ;東京都千代田区\nB-002;サクラ;大阪\n",
        "id;soort\nB-001;カエデ\nB-002;ケヤキ\n",
    ],
)
def test_a_shift_jis_file_is_refused_naming_the_file_and_the_encodings_tried(tmp_path, text):
    with pytest.raises(ImportFileError) as caught:
        read_table(write(tmp_path, text.encode("shift_jis")))

    assert str(caught.value) == (
        "bomen.csv gebruikt een tekenset die IMPOR niet kan lezen. Geprobeerd: UTF-8, "
        "UTF-16 en Windows-1252 (Latin-1). Sla het bestand op als 'CSV UTF-8' en upload "
        "het opnieuw."
    )
