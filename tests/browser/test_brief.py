"""A project leader edits a project brief, sees it grow more complete, and tests it
against the computed programme; the brief and an area page pass an axe check."""

import re

from playwright.sync_api import expect

from impor.models import Area
from programming.briefs.selectors import brief_programme_check
from programming.models import Programme
from programming.services import programme_compute
from projects.models import ProjectBrief
from tests.browser.conftest import log_in, serious_violations


def _compute_demo_programme() -> None:
    programme = Programme.objects.get(based_on__isnull=True)
    programme.time_limit = 3  # the check needs works, not the best schedule
    programme.save(update_fields=["time_limit"])
    programme_compute(programme)


def _incomplete_brief_with_works_left_out() -> ProjectBrief:
    for brief in ProjectBrief.objects.select_related("project__owner").order_by("pk"):
        if (
            brief.completeness < 100
            and brief.project.owner.is_internal
            and brief_programme_check(brief.project, None).missing
        ):
            return brief
    raise AssertionError("the demo has no incomplete brief with programme works left out")


def test_a_planner_completes_a_brief_and_tests_it_against_the_programme(demo, page):
    _compute_demo_programme()
    brief = _incomplete_brief_with_works_left_out()
    before = brief.completeness
    log_in(page, "programma")

    page.goto(f"/projecten/{brief.project_id}/projectopdracht/")
    expect(page.get_by_test_id("completeness")).to_have_text(f"{before}% compleet")
    assert serious_violations(page) == []

    page.get_by_role("link", name="Projectopdracht bewerken").click()
    for name in (*ProjectBrief.QUESTIONS, "scope_in", "competences"):
        field = page.locator(f"[name={name}]")
        if not field.input_value().strip():
            field.fill("Afgestemd aan de programmeertafel.")
    page.get_by_role("button", name="Opslaan").click()

    expect(page).to_have_url(re.compile(rf"/projecten/{brief.project_id}/projectopdracht/$"))
    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    expect(page.get_by_test_id("completeness")).to_have_text("100% compleet")

    page.get_by_role("link", name="Toetsen aan het programma").click()
    result = page.get_by_test_id("brief-check")
    expect(result).to_be_visible()
    expect(result.locator("tbody tr").first).to_be_visible()
    assert serious_violations(page) == []


def test_an_area_page_has_no_serious_accessibility_violations(demo, page):
    _compute_demo_programme()
    kern = Area.objects.filter(level="kern").order_by("name").first()
    log_in(page, "programma")
    page.goto(f"/gebieden/{kern.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(kern.name)
    expect(page.get_by_role("heading", name="Tijdlijn")).to_be_visible()
    # Check the page with its map drawn: the map's controls and attribution count too.
    expect(page.locator(".impor-map .leaflet-control-attribution")).to_be_visible()
    assert serious_violations(page) == []
