"""Browser tests: Playwright driving Debian's headless Chromium against the live server.

Without Chromium (or the playwright package) the tests skip with the reason; with
IMPOR_REQUIRE_BROWSER set (as `.ci/run` does) they fail instead. The demo municipality is
seeded once per test (seed_demo takes a few seconds); every demo user's password is
`impor-demo`.
"""

import os
import shutil
import threading
from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

from tests.system import required

CHROMIUM = os.environ.get("IMPOR_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
#: Chromium's flags for this closed network: no background connections, no sandbox as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "impor-demo"
#: How long a page action or an assertion may wait, in milliseconds.
EXPECT_TIMEOUT = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


def _unavailable() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (make install)"
    if not os.path.exists(CHROMIUM):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module; the async-safety switch below is undone afterwards,
    so it never reaches other tests (or the processes they start)."""
    reason = _unavailable()
    if reason:
        if required("IMPOR_REQUIRE_BROWSER"):
            pytest.fail(f"IMPOR_REQUIRE_BROWSER is set but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    # A 2-core CI machine running two test workers and Chromium is slow: an assertion waits
    # as long as a page action may (Redoc alone needs the OpenAPI document, 3.5 s to build
    # there, and then renders it), instead of Playwright's 5 s default.
    expect.set_options(timeout=EXPECT_TIMEOUT)
    # Playwright's sync API runs an event loop; Django refuses database calls from a
    # thread with a running loop unless told that this is deliberate.
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


class OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server, answering one request at a time.

    With the in-memory SQLite test database, Django gives every request thread the test's
    one connection. A page that loads its map's GeoJSON while the browser already asks for
    the next page then runs two queries on that connection at once, and both threads wait
    for each other for good (seen on the kernen page under pytest-xdist). Requests still
    arrive on their own threads (Chromium keeps several connections open); only the
    application, body and close included, runs under one lock."""

    #: Requests received and not yet answered, for `wait_until_idle`.
    in_flight = 0
    idle = threading.Condition()

    def set_app(self, application):
        lock = threading.Lock()
        server = type(self)

        def one_at_a_time(environ, start_response):
            with server.idle:
                server.in_flight += 1
            try:
                with lock:
                    result = application(environ, start_response)
                    try:
                        return list(result)
                    finally:
                        result.close()
            finally:
                with server.idle:
                    server.in_flight -= 1
                    server.idle.notify_all()

        super().set_app(one_at_a_time)

    @classmethod
    def wait_until_idle(cls, timeout: float = 15) -> None:
        """Wait until every request the browser sent is answered, so that the test's
        database is flushed only after the last of them (a map's GeoJSON may still be on
        its way when a test ends)."""
        with cls.idle:
            cls.idle.wait_for(lambda: cls.in_flight == 0, timeout=timeout)


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    previous = LiveServerThread.server_class
    LiveServerThread.server_class = OneRequestAtATimeServer
    yield
    LiveServerThread.server_class = previous


@pytest.fixture
def demo(transactional_db):
    """The demo municipality, with its concept programme (not yet computed)."""
    call_command("seed_demo", no_compute=True, verbosity=0)


@pytest.fixture
def page(browser, live_server, transactional_db) -> Iterator:
    """A fresh browser page in Dutch; `page.goto("/path")` is relative to the live server.

    It asks for the database itself, so the database is flushed after the page is closed
    and the server has answered the page's last request, never while one is running."""
    context = browser.new_context(base_url=live_server.url, locale="nl-NL")
    page = context.new_page()
    page.set_default_timeout(EXPECT_TIMEOUT)
    yield page
    context.close()
    OneRequestAtATimeServer.wait_until_idle()


def log_in(page, username: str = "programma", password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page and wait for the page it leads to."""
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page, one line each."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
