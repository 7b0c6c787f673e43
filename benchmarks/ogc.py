"""Server time of OGC API Features pages, run inside `manage.py shell` by benchmarks/run.py.

A GIS client reads a collection page by page, following `rel=next` (keyset paging on the
id, `after=<last id>`). This reads pages of LIMIT features of the `assets` collection,
as the programme manager with an API token, through Django's test client over HTTPS
with the production settings (the whole server side: middleware, authentication, view,
queries, GeoJSON; no network), after one warm-up request per walk:

- first: the first page, PAGES times;
- deep: PAGES pages following `rel=next` from the middle of the table (keyset after a
  high id: as fast as the first page, or the paging is not a keyset);
- deepest: the last PAGES pages of the table, each asked with its own `after`;
- bbox: PAGES pages following `rel=next` inside the middle quarter of the collection's
  extent (CRS84);
- rd-new: PAGES pages following `rel=next` from the start, in RD New (EPSG:28992).

Prints one JSON line per walk: p50, p95 and max in ms, the pages and features read and
the mean page size in bytes. Issue #21's target: p95 ≤ 200 ms per page of 1,000.
"""

import json
import os
import time

import numpy as np
from django.test import Client

from assets.models import Asset
from stakeholders.models import ApiToken, User

PAGES = int(os.environ.get("BENCH_OGC_PAGES", "50"))
LIMIT = int(os.environ.get("BENCH_OGC_LIMIT", "1000"))
ITEMS = "/api/v1/ogc/collections/assets/items"
RD_NEW = "http://www.opengis.net/def/crs/EPSG/0/28992"

_token, key = ApiToken.objects.issue(user=User.objects.get(username="programma"), name="bench")
client = Client(HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {key}")


def get(url: str, params: dict | None = None) -> tuple[float, int, str | None, int]:
    """One page: milliseconds, its number of features, its `rel=next` link and its size
    in bytes. Only these are kept: holding every parsed page would grow the heap and make
    the garbage collector's passes, inside later requests, slower as the walk goes on."""
    started = time.perf_counter()
    response = client.get(url, params, secure=True)
    milliseconds = 1000 * (time.perf_counter() - started)
    if response.status_code != 200:
        raise SystemExit(
            f"{url} {params} answered {response.status_code}: {response.content[:300]}"
        )
    body = json.loads(response.content)
    following = next((link["href"] for link in body["links"] if link["rel"] == "next"), None)
    return milliseconds, body["numberReturned"], following, len(response.content)


def following(params: dict) -> list[tuple[float, int, str | None, int]]:
    """PAGES pages from `params`, each the `rel=next` of the one before."""
    get(ITEMS, params)
    pages, url, query = [], ITEMS, params
    for _ in range(PAGES):
        page = get(url, query)
        pages.append(page)
        if page[2] is None:
            break
        url, query = page[2].replace("https://127.0.0.1", ""), None
    return pages


def asked(queries: list[dict]) -> list[tuple[float, int, str | None, int]]:
    get(ITEMS, queries[0])
    return [get(ITEMS, query) for query in queries]


ids = list(Asset.objects.order_by("pk").values_list("pk", flat=True))
count = len(ids)
middle = ids[count // 2]
last_afters = [ids[max(1, count - (n + 1) * LIMIT) - 1] for n in range(PAGES)]
del ids
collection = json.loads(client.get("/api/v1/ogc/collections/assets", secure=True).content)
west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
quarter = (
    west + (east - west) / 4,
    south + (north - south) / 4,
    east - (east - west) / 4,
    north - (north - south) / 4,
)
WALKS = [
    ("first", asked([{"limit": LIMIT}] * PAGES)),
    ("deep", following({"limit": LIMIT, "after": middle})),
    ("deepest", asked([{"limit": LIMIT, "after": after} for after in last_afters])),
    ("bbox", following({"limit": LIMIT, "bbox": ",".join(f"{c:.6f}" for c in quarter)})),
    ("rd-new", following({"limit": LIMIT, "crs": RD_NEW})),
]
for name, pages in WALKS:
    times = [ms for ms, _returned, _next, _size in pages]
    p50, p95 = np.percentile(times, [50, 95])
    print(
        json.dumps(
            {
                "walk": name,
                "assets": count,
                "pages": len(pages),
                "features": sum(returned for _ms, returned, _next, _size in pages),
                "p50": p50,
                "p95": p95,
                "max": max(times),
                "bytes": sum(size for _ms, _returned, _next, size in pages) / len(pages),
            }
        )
    )
