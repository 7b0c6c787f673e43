"""In a browser: the programme's tab Realisatie with the demo's realisations, and a
work's page where a programme manager records a work as finished and the asset register
follows; axe on both pages."""

import pytest
from playwright.sync_api import expect

from programming.models import Programme, Realisation, RealisationStatus
from programming.realisation_demo import build_realisations
from programming.services import programme_compute
from tests.browser.conftest import log_in, serious_violations


@pytest.fixture
def programme(demo):
    programme = Programme.objects.get(based_on__isnull=True)
    Programme.objects.filter(pk=programme.pk).update(time_limit=2)
    programme.refresh_from_db()
    programme_compute(programme)
    build_realisations(programme)
    return programme


def test_the_realisation_tab_and_a_work_finished_on_its_page(page, programme):
    log_in(page, "programma")
    page.goto(f"/programmas/{programme.pk}/realisatie/?realisatie=uitgesteld")
    expect(page.get_by_role("heading", name="Realisatie: wat er echt gebeurde")).to_be_visible()
    expect(page.locator("table.realisation tbody tr")).to_have_count(1)
    assert serious_violations(page) == []

    running = Realisation.objects.filter(status=RealisationStatus.RUNNING).order_by("key").first()
    work = programme.works.get(key=running.key)
    page.goto(f"/programmas/{programme.pk}/werken/{work.pk}/")
    form = page.locator("#realisatie form").last
    form.get_by_label("Status").select_option("gereed")
    form.get_by_label("Werkelijk gereed").fill("2026-11-27")
    assert serious_violations(page) == []
    form.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_text("De realisatie is opgeslagen.")).to_be_visible()
    expect(page.get_by_text("Beheerregister bijgewerkt:")).to_be_visible()
    running.refresh_from_db()
    assert running.status == RealisationStatus.FINISHED
    assert running.register_updated_at is not None
