"""What alerts add to a programme's computation: N areas of interest × M changed works.

    python -m benchmarks.alerts [instance.json] [--areas 1000] [--db /tmp/city.sqlite3]

Reads an engine instance (default /tmp/city_instance.json, the 1M-asset city: 83,637
works with geometry), makes N areas of interest around its works (half of them polygons
of 300 m to 1.5 km, half a work's own shape with a 25 m buffer, as a network upload
gives) and times the steps `programming.alerts` adds to `programme_compute`:

- build: the areas, grown by their buffers, into one STRtree;
- match and plan: which changed works meet which areas, a point per matched work, and
  the alerts per organisation (`plan_alerts`), for every work changed (a first
  computation, the worst case) and for one in ten (a recompute after new inputs);
- snapshot (with --db, a computed city database): reading the stored works before the
  store, through the ORM.

Storing the alerts is one bulk insert per table, one row per organisation, and is not
timed here. Prints seconds per step and the total against the 5 s budget of issue #17.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
BUDGET_SECONDS = 5.0


def _setup_django(database: str | None) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "impor.settings")
    os.environ.setdefault("DEBUG", "true")
    os.environ.setdefault("SECRET_KEY", "benchmark-only")
    if database:
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    import django

    django.setup()


def _areas(works, count: int, seed: int = 17) -> list[tuple[int, str, str, int]]:
    """`count` areas of 100 organisations around randomly chosen works."""
    rng = np.random.default_rng(seed)
    shaped = [w.geometry for w in works if w.geometry]
    chosen = rng.choice(len(shaped), size=count, replace=False)
    rows = []
    for number, index in enumerate(chosen):
        shape = shapely.from_wkt(shaped[index])
        organisation = int(number % 100)
        if number % 2:
            half = float(rng.uniform(150, 750))
            x, y = shape.centroid.x, shape.centroid.y
            box = shapely.box(x - half, y - half, x + half, y + half)
            rows.append((organisation, f"Gebied {number}", box.wkt, 0))
        else:
            rows.append((organisation, f"Netwerk {number}", shaped[index], 25))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", nargs="?", default="/tmp/city_instance.json")
    parser.add_argument("--areas", type=int, default=1000)
    parser.add_argument("--db", default=None, help="a computed database for the snapshot")
    args = parser.parse_args()
    _setup_django(args.db)

    from programming import alerts
    from programming.engine.instance import Instance, WorkResult

    started = time.perf_counter()
    instance = Instance.from_dict(json.loads(Path(args.instance).read_text()))
    print(f"read {len(instance.works):,} works in {time.perf_counter() - started:.1f} s")
    rows = _areas(instance.works, args.areas)
    seconds: dict[str, float] = {}

    if args.db:
        from programming.models import Programme, Work

        programme_id = Work.objects.values_list("programme_id", flat=True).first()
        started = time.perf_counter()
        snapshot = alerts.snapshot(Programme(pk=programme_id))
        seconds["snapshot"] = time.perf_counter() - started
        print(f"snapshot of {len(snapshot.works):,} stored works: {seconds['snapshot']:.2f} s")

    started = time.perf_counter()
    index = alerts.AreaIndex.build(rows)
    seconds["build"] = time.perf_counter() - started
    print(f"build {len(rows):,} areas: {seconds['build']:.2f} s")

    facts = {"id": 1, "name": "stad", "url": "/programmas/1/"}
    owners = {name: number for number, name in enumerate({w.owner for w in instance.works})}
    for share in (1.0, 0.1):
        changed = instance.works[:: round(1 / share)]
        years = {w.key: w.preferred_year for w in changed}
        # Every work new in `before` (empty), or a tenth moved by a year.
        before = alerts.Snapshot(
            works={}
            if share == 1.0
            else {w.key: (w.preferred_year + 1, w.window_start, w.window_end) for w in changed},
            couplings=frozenset(),
        )
        result = type("R", (), {})()
        result.works = [
            WorkResult(key=w.key, scheduled_year=years[w.key], score=0, breakdown={})
            for w in changed
        ]
        result.clusters = []
        subset = type("I", (), {})()
        subset.works = changed
        started = time.perf_counter()
        subjects, clusters = alerts.changed_subjects(
            before, subset, result, owners=owners, area_names={}
        )
        drafts = alerts.plan_alerts(
            index, subjects, clusters, facts, lambda ids: dict.fromkeys(ids, False)
        )
        elapsed = time.perf_counter() - started
        label = f"match and plan ({share:.0%} changed)"
        seconds[label] = elapsed
        matched = sum(d[2]["works_total"] for d in drafts)
        print(
            f"{label}: {len(changed):,} works × {len(rows):,} areas → "
            f"{len(drafts)} alerts, {matched:,} work-organisation pairs: {elapsed:.2f} s"
        )

    worst = (
        seconds.get("snapshot", 0.0) + seconds["build"] + seconds["match and plan (100% changed)"]
    )
    verdict = "within" if worst <= BUDGET_SECONDS else "OVER"
    print(f"worst case added to a computation: {worst:.2f} s ({verdict} {BUDGET_SECONDS:.0f} s)")


if __name__ == "__main__":
    main()
