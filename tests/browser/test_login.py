"""Logging in and out in a real browser."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in


def test_a_planner_logs_in_and_sees_the_main_menu(demo, page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/inloggen/"))
    log_in(page)
    expect(page.get_by_role("navigation", name="Hoofdmenu")).to_be_visible()
    expect(page.get_by_role("link", name="Beheerobjecten")).to_be_visible()


def test_a_wrong_password_is_refused_with_a_message(demo, page):
    log_in(page, password="fout")
    expect(page.get_by_role("alert")).to_contain_text("wachtwoord")
