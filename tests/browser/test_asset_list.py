"""The asset list in a real browser: filter, export to Excel, and accessibility."""

import openpyxl
from playwright.sync_api import expect

from tests.browser.conftest import log_in, serious_violations


def test_a_planner_exports_the_filtered_asset_list_to_excel(demo, page, tmp_path):
    log_in(page, "programma")
    page.goto("/beheerobjecten/")
    page.get_by_label("Beheerdiscipline").select_option("riolering")
    page.get_by_role("button", name="Filteren").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status").first).to_contain_text("resultaten")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Exporteer naar Excel").click()
    download = download_info.value
    assert download.suggested_filename == "beheerobjecten.xlsx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = openpyxl.load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    header, data = rows[0], rows[1:]
    discipline = header.index("Discipline")
    assert data
    assert {row[discipline] for row in data} == {"riolering"}


def test_the_asset_list_has_no_serious_accessibility_violations(demo, page):
    log_in(page, "programma")
    page.goto("/beheerobjecten/")
    expect(page.get_by_role("heading", name="Beheerobjecten", level=1)).to_be_visible()
    assert serious_violations(page) == []
