"""The users of the load test (benchmarks/load/run.py writes their setup to LOAD_SETUP).

- Browser: a municipal user who logs in through the login form and reads pages: the
  dashboard, the asset list with filters, projects, the programme's pages, now and then
  the works CSV.
- Integration: a system that reads the API with a token.
- Planner (a fixed two): a programme manager who computes a scenario through the API,
  follows the run until it is done, then downloads the council workbook.

Request names group URLs with ids (e.g. "/projecten/[id]/") so the table shows one line
per endpoint.
"""

import json
import os
import random
import re
import time

from locust import HttpUser, between, task

SETUP = json.loads(open(os.environ["LOAD_SETUP"], encoding="utf-8").read())  # noqa: SIM115
PASSWORD = "impor-demo"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
DISCIPLINES = ["riolering", "verharding", "groen", "verlichting"]


class Browser(HttpUser):
    weight = 6
    wait_time = between(1, 4)

    def on_start(self):
        username = random.choice(SETUP["page_users"])
        page = self.client.get("/inloggen/", name="/inloggen/ (formulier)")
        token = CSRF.search(page.text).group(1)
        with self.client.post(
            "/inloggen/",
            data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/inloggen/"},
            name="/inloggen/ (versturen)",
            catch_response=True,
        ) as answer:
            if "/inloggen/" in answer.url:
                answer.failure(f"login of {username} refused")

    @task(4)
    def dashboard(self):
        self.client.get("/", name="/ (dashboard)")

    @task(4)
    def assets(self):
        discipline = random.choice(DISCIPLINES)
        self.client.get(
            f"/beheerobjecten/?discipline={discipline}&urgency=&page={random.randint(1, 5)}",
            name="/beheerobjecten/?discipline=…",
        )

    @task(2)
    def projects(self):
        self.client.get("/projecten/", name="/projecten/")

    @task(3)
    def project(self):
        pk = random.choice(SETUP["projects"])
        self.client.get(f"/projecten/{pk}/", name="/projecten/[id]/")

    @task(3)
    def programme(self):
        pk = SETUP["programme"]
        page = random.choice(["", "planning/", "budget/", "koppelkansen/", "niet-gedekt/"])
        self.client.get(f"/programmas/{pk}/{page}", name=f"/programmas/[id]/{page}")

    @task(1)
    def works_csv(self):
        self.client.get(
            f"/programmas/{SETUP['programme']}/werken.csv", name="/programmas/[id]/werken.csv"
        )


class Integration(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {SETUP['tokens']['reader']}"

    @task(3)
    def assets(self):
        discipline = random.choice(DISCIPLINES)
        self.client.get(
            f"/api/v1/beheerobjecten?discipline={discipline}", name="/api/v1/beheerobjecten"
        )

    @task(2)
    def projects(self):
        self.client.get("/api/v1/projecten", name="/api/v1/projecten")

    @task(3)
    def works(self):
        self.client.get(
            f"/api/v1/programmas/{SETUP['programme']}/werken?page={random.randint(1, 10)}",
            name="/api/v1/programmas/[id]/werken",
        )

    @task(1)
    def kpis(self):
        self.client.get(
            f"/api/v1/programmas/{SETUP['programme']}/kpis", name="/api/v1/programmas/[id]/kpis"
        )


class Planner(HttpUser):
    fixed_count = 2
    wait_time = between(5, 10)

    def on_start(self):
        self.client.headers["Authorization"] = f"Token {SETUP['tokens']['manager']}"
        self.scenario = SETUP["scenarios"][Planner.started % len(SETUP["scenarios"])]
        Planner.started += 1

    started = 0

    @task
    def compute(self):
        base = f"/api/v1/programmas/{self.scenario}"
        with self.client.post(
            f"{base}/berekeningen", name="/api/v1/programmas/[id]/berekeningen", catch_response=True
        ) as answer:
            if answer.status_code != 202:
                answer.failure(f"computation not queued: {answer.status_code}")
                return
            run = answer.json()["id"]
        deadline = time.monotonic() + SETUP["run_timeout"]
        status = "wachtrij"
        while status in ("wachtrij", "bezig") and time.monotonic() < deadline:
            time.sleep(2)
            with self.client.get(
                f"{base}/berekeningen/{run}",
                name="/api/v1/programmas/[id]/berekeningen/[run]",
                catch_response=True,
            ) as poll:
                status = poll.json()["status"] if poll.ok else "?"
                if status == "mislukt":
                    poll.failure(f"computation {run} failed: {poll.json().get('message')}")
        if status != "klaar":
            return
        self.client.get(f"{base}/raadswerkboek", name="/api/v1/programmas/[id]/raadswerkboek")
