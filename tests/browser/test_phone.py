"""IMPOR on a 390 × 844 phone (issue #18 §3): the menu collapses behind a button that works
with the keyboard, no page scrolls sideways (wide tables scroll in their own region),
and axe finds no serious or critical violation at this size either.

The demo's programme is computed once per test (seed_demo), so the programme pages, the
area page, a kern page and a work page all have content.
"""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from impor.models import Area
from programming.models import Programme
from tests.browser.conftest import (
    EXPECT_TIMEOUT,
    OneRequestAtATimeServer,
    log_in,
    serious_violations,
)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def computed_demo(transactional_db):
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def phone(browser, live_server, transactional_db):
    context = browser.new_context(base_url=live_server.url, locale="nl-NL", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(EXPECT_TIMEOUT)
    yield page
    context.close()
    OneRequestAtATimeServer.wait_until_idle()


def _pages() -> list[str]:
    programme = Programme.objects.order_by("pk").first()
    kern = Area.objects.filter(level="kern").order_by("name").first()
    work = programme.works.order_by("pk").first()
    base = f"/programmas/{programme.pk}"
    return [
        "/",
        f"{base}/",
        f"{base}/planning/",
        f"{base}/budget/",
        f"{base}/kaart/",
        f"{base}/werken/{work.pk}/",
        "/beheerobjecten/",
        "/projecten/",
        "/gebieden/",
        f"/gebieden/{kern.pk}/",
        "/kernen/",
        f"/kernen/{kern.pk}/",
    ]


def test_the_menu_opens_and_closes_with_the_keyboard(computed_demo, phone):
    log_in(phone)
    menu = phone.get_by_role("navigation", name="Hoofdmenu")
    button = phone.get_by_role("button", name="Menu")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    button.focus()
    phone.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Beheerobjecten")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()


def test_no_page_scrolls_sideways_on_a_phone(computed_demo, phone):
    log_in(phone)
    wide = []
    for path in _pages():
        response = phone.goto(path)
        assert response.status == 200, path
        phone.wait_for_load_state()
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append(f"{path}: {width} px")
    assert wide == []


def test_a_wide_table_scrolls_in_its_own_labelled_region(computed_demo, phone):
    log_in(phone)
    programme = Programme.objects.order_by("pk").first()
    phone.goto(f"/programmas/{programme.pk}/planning/")
    region = phone.locator(".impor-table-container--scrolls").first
    expect(region).to_have_attribute("tabindex", "0")
    expect(region).to_have_attribute("role", "region")
    assert region.get_attribute("aria-label")


def test_phone_pages_have_no_serious_accessibility_violations(computed_demo, phone):
    log_in(phone)
    found = {}
    for path in _pages():
        phone.goto(path)
        phone.wait_for_load_state()
        violations = serious_violations(phone)
        if violations:
            found[path] = violations
    assert found == {}
