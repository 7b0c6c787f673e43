"""The import in a real browser: upload → mapping → dry run → commit, each page checked
with axe."""

from playwright.sync_api import expect

from assets.models import Asset
from tests.browser.conftest import log_in, serious_violations

#: Three trees in the demo municipality (Dalfsen, RD New), one without a planting year.
TREES = (
    "boomnummer;plantjaar;x;y\nT-1;1965;214100;502500\nT-2;1988;214150;502500\nT-3;;214300;502700\n"
)


def test_an_editor_imports_a_tree_file_step_by_step(demo, page, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    path = tmp_path / "bomen.csv"
    path.write_text(TREES)
    log_in(page, "programma")

    page.goto("/beheerobjecten/")
    page.get_by_role("link", name="Importeren uit een bestand").click()
    expect(page.get_by_role("heading", name="Importeren", level=1)).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("soort gegevens").select_option("assets")
    page.get_by_label("bron").fill("gis-bomen")
    page.get_by_label("bestand").set_input_files(path)
    page.get_by_role("button", name="Volgende: kolommen").click()

    expect(page.get_by_role("heading", name="Importeren: kolommen", level=1)).to_be_visible()
    assert serious_violations(page) == []
    # "boomnummer" is no id name recognition knows: the user chooses it.
    page.get_by_label("id", exact=True).select_option(label="boomnummer (bijvoorbeeld: T-1)")
    expect(page.get_by_label("objecttype")).to_have_value('{"value": "boom"}')
    page.get_by_role("button", name="Volgende: proefimport").click()

    expect(page.get_by_role("heading", name="Importeren: proefimport", level=1)).to_be_visible()
    assert serious_violations(page) == []
    expect(page.get_by_role("table", name="Fouten per rij")).to_contain_text("aanlegjaar")
    page.get_by_label("Sla alleen de 2 goede rijen op").check()
    page.get_by_role("button", name="Verwerken").click()

    expect(page.get_by_text("De import is klaar: 2 rijen zijn opgeslagen.")).to_be_visible()
    assert serious_violations(page) == []
    assert set(Asset.objects.filter(source="gis-bomen").values_list("external_id", flat=True)) == {
        "T-1",
        "T-2",
    }
