"""In a browser: the demo's example coupling (split by trench length, a partner's sleeve,
its response) on the coupling page, for the programme manager and for the partner; the
map draws the members, and the page passes axe for both."""

import re

from playwright.sync_api import expect

from programming.demo import build_coupling_example
from programming.models import Programme
from programming.services import programme_compute
from tests.browser.conftest import log_in, serious_violations


def _example():
    programme = Programme.objects.get(based_on__isnull=True)
    programme.time_limit = 3  # couplings are found before the schedule is optimised
    programme.save(update_fields=["time_limit"])
    programme_compute(programme)
    coupling = build_coupling_example(programme)
    assert coupling is not None, "the demo has a coupling of a partner with another party"
    return coupling


def test_the_manager_and_the_partner_see_the_example_coupling(demo, page):
    coupling = _example()
    url = f"/programmas/{coupling.programme_id}/koppelkansen/{coupling.pk}/"

    log_in(page, "programma")
    page.goto(url)
    expect(page.get_by_role("heading", name="Kostenverdeling")).to_be_visible()
    expect(page.get_by_text("Verdeelregel: naar sleuflengte.")).to_be_visible()
    expect(page.locator(".impor-map .leaflet-interactive").first).to_be_attached()
    expect(page.get_by_role("table", name="Reserveringen in de sleuf")).to_contain_text(
        "mantelbuis"
    )
    expect(page.get_by_role("table", name=re.compile("Wie besloot"))).to_contain_text("opmerking")
    expect(page.get_by_role("button", name="Accepteren")).to_be_visible()
    assert serious_violations(page) == []

    page.context.clear_cookies()
    log_in(page, "enexis" if _owned_by(coupling, "Enexis") else "vechthorst")
    page.goto(url)
    expect(page.get_by_role("group", name="Reageren voor uw organisatie")).to_be_visible()
    expect(page.get_by_role("button", name="Accepteren")).to_have_count(0)
    assert serious_violations(page) == []


def _owned_by(coupling, name: str) -> bool:
    return any(
        name in (w.owner.name if w.owner else w.project.owner.name if w.project else "")
        for w in coupling.works.select_related("owner", "project__owner")
    )
