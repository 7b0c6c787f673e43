"""Switching the interface between Dutch and English; the login page passes axe."""

from playwright.sync_api import expect

from tests.browser.conftest import log_in, serious_violations


def test_a_planner_switches_to_english_and_back(demo, page):
    log_in(page)
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()

    menu = page.get_by_role("navigation", name="Main menu")
    expect(menu).to_be_visible()
    expect(menu.get_by_role("link", name="Assets")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_label("Language").select_option("nl")
    page.get_by_role("button", name="Change language").click()
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    expect(menu.get_by_role("link", name="Beheerobjecten")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_the_language_switch_works_with_the_keyboard_alone(demo, page):
    log_in(page)
    page.get_by_label("Taal").focus()
    page.keyboard.press("End")  # the last option: English
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Wijzig taal")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Main menu")).to_be_visible()


def test_the_login_page_has_no_serious_accessibility_violations(demo, page):
    page.goto("/inloggen/")
    assert serious_violations(page) == []


def test_a_visitor_reads_the_login_page_in_english_before_logging_in(demo, page):
    page.goto("/inloggen/")
    page.get_by_label("Taal").select_option("en")
    page.get_by_role("button", name="Wijzig taal").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    expect(page.get_by_label("Username")).to_be_visible()
