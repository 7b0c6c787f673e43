"""Screenshots for the README: the dashboard, an area page and the programme Gantt, on a
1,280 px screen and on a 390 px phone (the `-telefoon` files; the phone's menu open on
the dashboard).

`make screenshots` runs this: it prepares the demo municipality in var/ (migrate,
seed_demo --if-empty, compute the concept programme with a short time limit when it has
not been computed), serves it on 127.0.0.1:8765 and photographs the pages with
Playwright in Debian's chromium, into docs/screenshots/.
"""

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
ADDRESS = "127.0.0.1:8765"
CHROMIUM = os.environ.get("IMPOR_CHROMIUM", "/usr/bin/chromium")
TARGET = ROOT / "docs" / "screenshots"
ENV = {**os.environ, "DEBUG": "true"}

PREPARE = """
from impor.models import Area
from programming.models import Programme
from programming.services import programme_compute
programme = Programme.objects.order_by("pk").first()
if programme.computed_at is None:
    programme.time_limit = 10
    programme.save(update_fields=["time_limit"])
    programme_compute(programme)
kernen = Area.objects.filter(level="kern")
area = kernen.filter(name="Dalfsen").first() or kernen.first()
print(programme.pk, area.pk)
"""


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def log_in(page) -> None:
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill("programma")
    page.get_by_label("Wachtwoord").fill("impor-demo")
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")


def manage(*args: str) -> str:
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=ENV, check=True, capture_output=True, text=True
    ).stdout


def main() -> None:
    from playwright.sync_api import sync_playwright

    manage("migrate", "--noinput", "-v0")
    manage("seed_demo", "--if-empty")
    programme, area = manage("shell", "-v0", "-c", PREPARE).split()
    server = subprocess.Popen(
        [PYTHON, "manage.py", "runserver", "--noreload", ADDRESS], cwd=ROOT, env=ENV
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://{ADDRESS}/inloggen/")
                break
            except OSError:
                time.sleep(0.5)
        TARGET.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            pages = (
                ("dashboard", "/"),
                ("gebied", f"/gebieden/{area}/"),
                ("planning", f"/programmas/{programme}/planning/"),
            )
            for suffix, viewport in (("", DESKTOP), ("-telefoon", PHONE)):
                page = browser.new_page(
                    base_url=f"http://{ADDRESS}", locale="nl-NL", viewport=viewport
                )
                log_in(page)
                for name, path in pages:
                    page.goto(path)
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=TARGET / f"{name}{suffix}.png", full_page=False)
                    print(f"docs/screenshots/{name}{suffix}.png")
                if suffix:
                    page.goto("/")
                    page.get_by_role("button", name="Menu").click()
                    page.screenshot(path=TARGET / f"menu{suffix}.png", full_page=False)
                    print(f"docs/screenshots/menu{suffix}.png")
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
