"""In a browser: run the demo programme, decide on a coupling, see the plan change.

The computation runs in the request (the immediate task backend) with a short time
limit, so the progress bar is done when the page comes back.
"""

import re

import pytest
from playwright.sync_api import expect

from programming.models import Coupling, Programme
from tests.browser.conftest import log_in, serious_violations

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def programme(demo, settings):
    settings.TASKS = IMMEDIATE
    programme = Programme.objects.get(based_on__isnull=True)
    Programme.objects.filter(pk=programme.pk).update(time_limit=2)
    return programme


def _run(page) -> None:
    region = page.get_by_role("region", name="Berekening")
    region.get_by_role("button", name=re.compile("berekenen", re.IGNORECASE)).click()
    status = page.locator("#run-status")
    expect(status.locator(".run-status__status")).to_have_text("klaar", timeout=120_000)
    expect(status.locator("progress")).to_have_attribute("value", "100")


def test_a_programme_manager_runs_the_programme_and_accepts_a_coupling(page, programme):
    log_in(page, "programma")
    page.goto(f"/programmas/{programme.pk}/")
    _run(page)

    coupling = (
        Coupling.objects.filter(programme=programme, kind="kans", works__isnull=False)
        .order_by("-score", "pk")
        .first()
    )
    assert coupling is not None, "the demo programme has coupling opportunities"
    page.goto(f"/programmas/{programme.pk}/matrix/")
    totals = page.locator("table.matrix tfoot")
    expect(totals).not_to_contain_text("gekoppeld")
    page.goto(f"/programmas/{programme.pk}/koppelkansen/")
    row = page.locator(f"#koppeling-{coupling.pk}")
    row.get_by_label("Reden").fill("Samen met de netbeheerder: één keer de straat open.")
    row.get_by_role("button", name="Accepteren").click()
    expect(page.locator(f"#koppeling-{coupling.pk} .decision")).to_have_text("geaccepteerd")

    page.goto(f"/programmas/{programme.pk}/")
    _run(page)
    # The key survives the recomputation; the accepted cluster is scheduled as one block.
    accepted = Coupling.objects.get(programme=programme, key=coupling.key)
    years = set(accepted.works.values_list("scheduled_year", flat=True))
    assert len(years) == 1, "the accepted cluster's works share a year"
    area = accepted.works.values_list("area_id", flat=True).first()
    page.goto(f"/programmas/{programme.pk}/planning/?gebied={area}")
    coupling_page = f"/programmas/{programme.pk}/koppelkansen/{accepted.pk}/"
    marker = page.locator(f"a.coupling-marker--geaccepteerd[href$='{coupling_page}']")
    expect(marker.first).to_be_visible()
    # The matrix counts the accepted cluster's works in their shared year.
    page.goto(f"/programmas/{programme.pk}/matrix/")
    expect(totals).to_contain_text(f"{accepted.works.count()} gekoppeld")


def test_the_dashboard_and_the_gantt_have_no_serious_accessibility_violations(page, programme):
    from programming.services import programme_compute

    programme.refresh_from_db()
    programme_compute(programme)
    log_in(page, "programma")
    page.goto("/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    assert serious_violations(page) == []
    page.goto(f"/programmas/{programme.pk}/planning/")
    expect(page.locator("table.gantt")).to_be_visible()
    assert serious_violations(page) == []
