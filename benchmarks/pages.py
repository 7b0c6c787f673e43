"""Server time of the main pages, run inside `manage.py shell` by benchmarks/run.py.

Each page is requested through Django's test client (the whole server side: middleware,
views, queries, templates; no network) over HTTPS with the production settings, by the
programme manager, REPEAT times after one warm-up request, and the p50 and p95 of the
wall time are printed as JSON lines.
"""

import json
import os
import time

import numpy as np
from django.test import Client
from django.urls import reverse

from assets.models import Asset
from impor.models import Area
from programming.models import Coupling, Programme
from projects.models import Project
from stakeholders.models import Actor, User

REPEAT = int(os.environ.get("BENCH_PAGE_REPEAT", "20"))

programme = Programme.objects.exclude(computed_at=None).order_by("pk").first()
asset = Asset.objects.order_by("pk")[Asset.objects.count() // 2]
area = Area.objects.filter(level="kern").order_by("pk").first()
project = Project.objects.order_by("pk").first()
actor = Actor.objects.order_by("pk").first()
coupling = Coupling.objects.filter(programme=programme).order_by("-savings").first()
PAGES = [
    ("list", "beheerobjecten", reverse("assets:asset_list")),
    ("list", "beheerobjecten gefilterd", reverse("assets:asset_list") + "?discipline=riolering"),
    (
        "list",
        "beheerobjecten gesorteerd",
        reverse("assets:asset_list") + "?sort=-construction_year",
    ),
    ("detail", "beheerobject", reverse("assets:asset_detail", args=[asset.pk])),
    ("list", "projecten", reverse("projects:project_list")),
    ("detail", "project", reverse("projects:project_detail", args=[project.pk])),
    ("list", "gebieden", reverse("areas:area_list")),
    ("detail", "gebied (kern)", reverse("areas:area_detail", args=[area.pk])),
    ("list", "actoren", reverse("stakeholders:actor_list")),
    ("detail", "actor", reverse("stakeholders:actor_detail", args=[actor.pk])),
    ("programme", "dashboard", reverse("programming:dashboard")),
    ("programme", "programma", reverse("programming:programme_detail", args=[programme.pk])),
    ("programme", "jaar × gebied", reverse("programming:programme_matrix", args=[programme.pk])),
    ("programme", "planning (Gantt)", reverse("programming:programme_gantt", args=[programme.pk])),
    ("programme", "budget", reverse("programming:programme_budget", args=[programme.pk])),
    ("programme", "koppelkansen", reverse("programming:programme_couplings", args=[programme.pk])),
    ("programme", "niet gedekt", reverse("programming:programme_unfunded", args=[programme.pk])),
    ("programme", "kaart (GeoJSON)", reverse("programming:programme_geojson", args=[programme.pk])),
    ("api", "API beheerobjecten", "/api/v1/beheerobjecten"),
    ("api", "API beheerobjecten gefilterd", "/api/v1/beheerobjecten?discipline=riolering"),
    ("api", "API projecten", "/api/v1/projecten"),
    ("api", "API gebieden", "/api/v1/gebieden"),
]

client = Client(HTTP_HOST="127.0.0.1")
client.force_login(User.objects.get(username="programma"))
for kind, name, url in PAGES:
    status = client.get(url, secure=True).status_code
    if status != 200:
        raise SystemExit(f"{url} answered {status}")
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        client.get(url, secure=True)
        times.append(1000 * (time.perf_counter() - started))
    p50, p95 = np.percentile(times, [50, 95])
    print(json.dumps({"kind": kind, "page": name, "p50": p50, "p95": p95}))
