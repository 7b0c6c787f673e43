"""In a browser: the council documents print (#18 §4). The dashboard, the programme
summary, the area page and the kern page, under print media (static/impor/print.css),
leave out the menu and the forms, show the print-only header with the programme, fit
an A4 landscape page's width and render to a PDF."""

import re

import pytest
from django.core.management import call_command

from impor.choices import AreaLevel
from impor.models import Area
from programming.models import Programme
from tests.browser.conftest import log_in

#: A4 landscape less the @page margins (297 − 2 × 12 mm) in CSS pixels (96 per inch).
PRINT_WIDTH = round((297 - 24) / 25.4 * 96)


@pytest.fixture
def computed(transactional_db):
    """The demo municipality with its programme computed (seed_demo, ~10 s)."""
    call_command("seed_demo", seed=1, verbosity=0)
    return Programme.objects.current()


def _pages(programme: Programme) -> dict[str, str]:
    kern = Area.objects.filter(level=AreaLevel.KERN).order_by("name").first()
    return {
        "dashboard": "/",
        "programme summary": f"/programmas/{programme.pk}/",
        "area page": f"/gebieden/{kern.pk}/",
        "kern page": f"/kernen/{kern.pk}/",
    }


def _display(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(
        selector, "nodes => nodes.map(node => getComputedStyle(node).display)"
    )


def test_the_council_pages_print_as_a_document(page, computed):
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 800})
    log_in(page, "programma")
    for name, url in _pages(computed).items():
        page.emulate_media(media="screen")
        page.goto(url)
        assert _display(page, ".impor-print-header") == ["none"], name
        page.emulate_media(media="print")
        assert set(_display(page, "#impor-menu, .impor-header, .impor-main form")) == {"none"}, name
        header = page.locator(".impor-print-header")
        assert _display(page, ".impor-print-header") == ["block"], name
        assert computed.name in header.inner_text(), name
        assert page.eval_on_selector_all(
            ".impor-table-container, .table-scroll",
            "nodes => nodes.filter(n => getComputedStyle(n).overflowX !== 'visible').length",
        ) == 0, name  # fmt: skip
        # No table or chart wider than the paper: nothing to cut off at the side.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PRINT_WIDTH, f"{name}: {width} px on {PRINT_WIDTH} px of paper"
        pdf = page.pdf(format="A4", landscape=True, prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF"), name
        assert len(re.findall(rb"/Type\s*/Page\b", pdf)) >= 1, name
