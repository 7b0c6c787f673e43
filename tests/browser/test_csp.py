"""In a browser: the key pages work under the Content-Security-Policy without a single
violation (no inline script or style slipped in), and the map, htmx and the API
documentation still do their work."""

import re

import pytest
from playwright.sync_api import expect

from programming.models import Programme
from tests.browser.conftest import log_in

VIOLATION = re.compile(r"Refused to|Content.Security.Policy", re.IGNORECASE)
#: The one block we want: Redoc always shows Redocly's logo from their CDN (and hides it
#: when it cannot load). IMPOR makes no requests to third parties, so img-src refuses it.
INTENDED = "https://cdn.redoc.ly/"
#: How long Redoc may take to render the API documentation, in milliseconds.
REDOC_TIMEOUT = 60_000
#: Records every `securitypolicyviolation` event; read before leaving each page.
LISTEN = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} ` +
    `(${event.sourceFile}:${event.lineNumber})`
  );
});
"""


@pytest.fixture
def programme(demo):
    from programming.services import programme_compute

    programme = Programme.objects.get(based_on__isnull=True)
    Programme.objects.filter(pk=programme.pk).update(time_limit=2)
    programme.refresh_from_db()
    programme_compute(programme)
    return programme


class Violations:
    """CSP violations of a browser page, from the console and from the DOM event."""

    def __init__(self, page):
        self.page = page
        self.found: list[str] = []
        page.add_init_script(LISTEN)
        page.on("console", self._console)

    def _console(self, message) -> None:
        if VIOLATION.search(message.text) and INTENDED not in message.text:
            self.found.append(f"{self.page.url}: {message.text}")

    def visit(self, path: str) -> None:
        self.collect()
        self.page.goto(path)
        self.page.wait_for_load_state("networkidle")

    def collect(self) -> list[str]:
        if self.page.url.startswith("http"):
            events = self.page.evaluate("window.__cspViolations || []")
            self.found.extend(
                f"{self.page.url}: {event}" for event in events if INTENDED not in event
            )
            self.page.evaluate("window.__cspViolations = []")
        return self.found


def test_the_key_pages_work_without_csp_violations(page, programme):
    violations = Violations(page)
    violations.visit("/inloggen/")
    log_in(page, "programma")

    violations.visit("/")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    violations.visit("/beheerobjecten/")
    expect(page.locator("table").first).to_be_visible()

    violations.visit("/themas/")
    expect(page.locator("svg.swatch rect").first).to_have_attribute("fill", re.compile(r"^#"))

    violations.visit(f"/programmas/{programme.pk}/planning/")
    expect(page.locator("table.gantt")).to_be_visible()

    violations.visit(f"/programmas/{programme.pk}/matrix/")
    expect(page.locator("table.matrix")).to_be_visible()

    # The map: Leaflet is loaded by map.js, draws the works and styles them via CSSOM.
    violations.visit(f"/programmas/{programme.pk}/kaart/")
    expect(page.locator(".impor-map.leaflet-container")).to_be_visible()
    expect(page.locator(".impor-map path.leaflet-interactive").first).to_be_attached()

    # The API documentation: Redoc renders the operations with its nonce'd styles. It
    # renders the whole OpenAPI document in the browser: 3 s here on a quiet machine, 17.6 s
    # the first time with three busy processes on two cores (as CI runs it), so it gets
    # more than the usual wait.
    violations.visit("/api/v1/docs")
    expect(page.get_by_role("heading", name="IMPOR API")).to_be_visible(timeout=REDOC_TIMEOUT)
    expect(page.locator("[data-section-id]").first).to_be_attached()

    assert violations.collect() == []


def test_htmx_polls_the_run_status_under_the_policy(page, programme):
    """With no worker running, a queued computation stays queued and htmx keeps asking."""
    violations = Violations(page)
    log_in(page, "programma")
    violations.visit(f"/programmas/{programme.pk}/")
    with page.expect_request(re.compile(r"/berekening/$")) as polled:
        region = page.get_by_role("region", name="Berekening")
        region.get_by_role("button", name=re.compile("berekenen", re.IGNORECASE)).click()
    assert polled.value.headers.get("hx-request") == "true"
    expect(page.locator("#run-status .run-status__status")).to_have_text(
        re.compile("wachtrij", re.IGNORECASE)
    )
    assert violations.collect() == []
