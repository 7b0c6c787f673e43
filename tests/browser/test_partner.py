"""In a browser: a partner logs in to its own workspace, sees its menu, opens the
overview of the couplings its works take part in and one coupling; its pages pass axe."""

import re

from playwright.sync_api import expect

from programming.models import Coupling, Programme
from programming.services import programme_compute
from stakeholders.models import User
from tests.browser.conftest import log_in, serious_violations


def _compute_demo_programme() -> Programme:
    programme = Programme.objects.get(based_on__isnull=True)
    programme.time_limit = 3  # couplings are found before the schedule is optimised
    programme.save(update_fields=["time_limit"])
    programme_compute(programme)
    return programme


def test_a_partner_finds_its_menu_its_couplings_and_a_coupling(demo, page):
    _compute_demo_programme()
    partner = User.objects.get(username="enexis")
    assert Coupling.objects.visible_to(partner).exists(), "the demo has no Enexis coupling"

    log_in(page, "enexis")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welkom")
    menu = page.get_by_role("navigation", name="Hoofdmenu")
    for name in ("Start", "Onze werken", "Koppelkansen", "Werken uploaden", "API-sleutels"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    for name in ("Programma's", "Beheerobjecten", "Budgetregels"):
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(0)
    assert serious_violations(page) == []

    menu.get_by_role("link", name="Koppelkansen", exact=True).click()
    expect(page).to_have_url(re.compile(r"/koppelkansen/$"))
    overview = page.get_by_test_id("coupling-overview")
    expect(overview.locator("tbody tr").first).to_be_visible()
    assert serious_violations(page) == []

    overview.locator("tbody tr th a").first.click()
    expect(page).to_have_url(re.compile(r"/programmas/\d+/koppelkansen/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
