"""IMPOR benchmarks: `make bench` prints seconds, rows/s and peak memory per size and database.

Per size: seeding, the lifecycle of every asset, and computing the concept programme
(seconds per stage, works, clusters, street openings sectoral and integrated, savings,
optimality gap), its council workbook against raw XlsxWriter writing the same cells
(time, traced peak memory, share of raw speed), then the p50/p95 server time of the main
pages (benchmarks/pages.py, BENCH_PAGE_REPEAT requests each) and of OGC API Features
pages of 1,000 (benchmarks/ogc.py; alone on an existing database:
`run.py ogc <DATABASE_URL>`). Sizes come from BENCH_SIZES
(comma-separated asset counts, `demo` for the demo municipality), default
"demo,100000,1000000". PostgreSQL is
measured when a server answers at IMPOR_BENCH_POSTGRES_URL (default
postgres://impor:impor@127.0.0.1:5432/impor_bench; the role needs CREATEDB — `.ci/run`
sets one up). Every measurement runs in a fresh database and a fresh process, so peak
memory is that of the measured command alone.
"""

import functools
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from databases import fresh_postgres

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_POSTGRES = "postgres://impor:impor@127.0.0.1:5432/impor_bench"

#: Runs a command and prints its peak resident memory (KiB) as the last line on stderr.
MEASURE = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print('peak_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)

#: As MEASURE, and also the peak of the whole process tree's proportional set size (PSS,
#: KiB; shared pages counted once, split over the processes sharing them), sampled every
#: 50 ms from /proc: the programme computation forks helper processes (the asset read,
#: the unfunded analysis), whose memory the largest single process does not show.
MEASURE_TREE = (
    "import os, resource, subprocess, sys, time\n"
    "def tree(pid):\n"
    "    found, todo = [], [pid]\n"
    "    while todo:\n"
    "        p = todo.pop(); found.append(p)\n"
    "        try:\n"
    "            for t in os.listdir(f'/proc/{p}/task'):\n"
    "                todo += map(int, open(f'/proc/{p}/task/{t}/children').read().split())\n"
    "        except OSError: pass\n"
    "    return found\n"
    "def pss(pid):\n"
    "    try: lines = open(f'/proc/{pid}/smaps_rollup').read().splitlines()\n"
    "    except OSError: return 0\n"
    "    return sum(int(l.split()[1]) for l in lines if l.startswith('Pss:'))\n"
    "proc, peak = subprocess.Popen(sys.argv[1:]), 0\n"
    "while proc.poll() is None:\n"
    "    peak = max(peak, sum(pss(p) for p in tree(proc.pid))); time.sleep(0.05)\n"
    "print('peak_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "print('tree_kib', peak, file=sys.stderr)\n"
    "sys.exit(proc.returncode)\n"
)


@dataclass
class Result:
    seconds: float
    peak_mib: float
    stdout: str
    #: The process tree's peak PSS (MEASURE_TREE), None when not sampled.
    tree_mib: float | None = None


@functools.cache
def collected_static() -> str:
    """The production settings serve hashed static files (whitenoise's manifest), as after
    the build's `collectstatic`: collect them once per benchmark run."""
    folder = tempfile.mkdtemp(prefix="impor-bench-static-")
    env = {**os.environ, "DEBUG": "false", "SECRET_KEY": "benchmark-only", "STATIC_ROOT": folder}
    command = [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"]
    subprocess.run(command, cwd=ROOT, env=env, check=True)
    return folder


def run(
    args: list[str], database_url: str, *, production: bool = False, measure: str = MEASURE
) -> Result:
    """`manage.py args` on `database_url`, with DEBUG on, or with the production settings
    (DEBUG off: no query log, templates never re-read) when `production`; `measure` is
    MEASURE or MEASURE_TREE."""
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true"}
    if production:
        env |= {"DEBUG": "false", "SECRET_KEY": "benchmark-only", "ALLOWED_HOSTS": "127.0.0.1"}
        env["STATIC_ROOT"] = collected_static()
    started = time.perf_counter()
    proc = subprocess.run(
        [PYTHON, "-c", measure, PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if proc.returncode:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    peak = int(re.search(r"peak_kib (\d+)", proc.stderr).group(1))
    tree = re.search(r"tree_kib (\d+)", proc.stderr)
    return Result(seconds, peak / 1024, proc.stdout, tree and int(tree.group(1)) / 1024)


def sqlite_database() -> str:
    folder = Path(tempfile.mkdtemp(prefix="impor-bench-"))
    return f"sqlite:///{folder / 'impor.sqlite3'}"


def postgres_database() -> str | None:
    """A fresh, empty benchmark database, or None when no server answers."""
    import psycopg

    try:
        return fresh_postgres(os.environ.get("IMPOR_BENCH_POSTGRES_URL", DEFAULT_POSTGRES))
    except psycopg.Error as exc:
        print(f"  PostgreSQL skipped: {str(exc).strip().splitlines()[0]}")
        return None


def bench_seed(size: str, database_url: str) -> str:
    run(["migrate", "--noinput", "-v0"], database_url)
    # The programme is computed (and measured) by bench_programme, not during seeding.
    args = ["seed_demo", "--no-compute"] if size == "demo" else ["seed_demo", "--large", size]
    result = run(args, database_url)
    assets = int(re.search(r"(\d+) beheerobjecten", result.stdout).group(1))
    seconds = float(re.search(r"Klaar in ([\d.]+) s", result.stdout).group(1))
    return (
        f"{assets:>9,} assets  seed {seconds:7.1f} s  {assets / seconds:>9,.0f} assets/s  "
        f"peak {result.peak_mib:6.0f} MiB"
    )


def bench_lifecycle(database_url: str) -> str:
    """Lifecycle of the whole asset base: load from the database and compute."""
    result = run(["asset_lifecycle"], database_url)
    match = re.search(r"(\d+) objecten berekend in ([\d.]+) s", result.stdout)
    assets, seconds = int(match.group(1)), float(match.group(2))
    return (
        f"{assets:>9,} assets  lifecycle {seconds:5.1f} s (load + compute)  "
        f"peak {result.peak_mib:6.0f} MiB"
    )


#: Reads the latest programme run and the programme's totals as JSON.
PROGRAMME_FIGURES = """
import json
from programming.models import KpiValue, ProgrammeRun
run = ProgrammeRun.objects.latest("pk")
totals = KpiValue.objects.filter(
    programme=run.programme, year=None, area=None, budget_line=None, theme=None
)
print(json.dumps({"stats": run.stats, "kpis": dict(totals.values_list("code", "value"))}))
"""

#: The stages of a programme computation, in the order they start. The fixed results,
#: the snapshot and the rows run within the schedule; on a city, unfunded and kpis run
#: in a second process beside graafrust, results and store (`engine.plan`): the total
#: is the wall time, not a sum.
STAGES = (
    "load",
    "lifecycle",
    "measures",
    "prepare",
    "couplings",
    "scoring",
    "schedule",
    "fixed",
    "snapshot",
    "rows",
    "graafrust",
    "unfunded",
    "kpis",
    "results",
    "store",
    "alerts",
)


#: Issue #16's targets for computing the concept programme: (wall seconds, peak MiB).
TARGETS = {"demo": (10.0, None), "1000000": (30.0, 2048.0)}


def bench_programme(database_url: str, size: str) -> list[str]:
    """Compute the seeded concept programme (`compute_programme --programme`), then read
    the run's seconds per stage and the programme's totals, against the size's target.

    The first computation is timed with nothing beside it; the process tree's memory is
    sampled (MEASURE_TREE) in a second computation of the same programme. Reading every
    process's /proc smaps_rollup 20 times a second walks the page tables of 1.5 GB under
    their lock: on the city on two cores that made the sampled computation 2.5 s slower
    (docs/benchmarks.md, round 12), a cost of the measuring, not of the computation."""
    programme = run(
        [
            "shell",
            "-v0",
            "-c",
            "from programming.models import Programme; "
            "print(Programme.objects.get(based_on__isnull=True).pk)",
        ],
        database_url,
    ).stdout.strip()
    compute = ["compute_programme", "--programme", programme]
    result = run(compute, database_url)
    figures = json.loads(run(["shell", "-v0", "-c", PROGRAMME_FIGURES], database_url).stdout)
    sampled = run(compute, database_url, measure=MEASURE_TREE)
    stats, kpis = figures["stats"], figures["kpis"]
    seconds = stats["seconds"]
    sectoral, integrated = kpis["graafmomenten_sectoraal"], kpis["graafmomenten_integraal"]
    fewer = 1 - integrated / sectoral if sectoral else 0.0
    gap = "–" if stats["gap"] is None else f"{100 * stats['gap']:.2f}%"
    stages = "  ".join(f"{stage} {seconds.get(stage, 0):.1f}" for stage in STAGES)
    lines = [
        f"programme {seconds['total']:7.1f} s ({result.seconds:.1f} s with start-up)  "
        f"peak {result.peak_mib:6.0f} MiB; computed again, sampled: "
        f"peak {sampled.peak_mib:6.0f} MiB, with its helper processes "
        f"{sampled.tree_mib:6.0f} MiB PSS",
        f"  stages (s): {stages}",
        f"  {stats['works']:,} works, {stats['clusters']:,} clusters; "
        f"{stats['solver']} ({stats['status']}), gap {gap}",
        f"  openings sectoral {sectoral:,.0f}, integrated {integrated:,.0f} "
        f"({100 * fewer:.0f}% fewer), lower bound {kpis.get('graafmomenten_ondergrens', 0):,.0f}; "
        f"graafrust breaks {kpis.get('graafrust_doorbrekingen', 0):,.0f}; "
        f"savings € {kpis['besparing']:,.0f}; unfunded € {kpis['tekort']:,.0f}",
    ]
    if size in TARGETS:
        wall, memory = TARGETS[size]
        peak = max(result.peak_mib, sampled.peak_mib, sampled.tree_mib or 0.0)
        met = result.seconds <= wall and (memory is None or peak <= memory)
        limit = f"≤ {wall:.0f} s" + ("" if memory is None else f", ≤ {memory:,.0f} MiB")
        lines.append(f"  target {limit}: {'met' if met else 'NOT met'}")
    return lines


#: Re-plans the computed programme after one changed budget line, cold and warm-started
#: from the base plan (Instance.warm_start, engine/milp.py), and prints the figures as
#: JSON. The line-year is the one the LP's shadow prices rank first (a binding one,
#: engine/whatif.py); the changes are −20%, −5% and +10% of its amount, and +€1M.
REPLAN_FIGURES = """
import json, time
from dataclasses import replace
from programming.engine import run
from programming.engine.instance import BudgetLine
from programming.engine.whatif import where_to_look
from programming.models import Programme
from programming.selectors import programme_instance
instance = programme_instance(Programme.objects.get(based_on__isnull=True))
base = run(instance)
plan = {w.key: w.scheduled_year for w in base.works if w.scheduled_year is not None}
line, year, _price = where_to_look(instance)[0]
amount = next(b for b in instance.budget_lines if b.code == line).amounts.get(year, 0.0)
figures = {"line": line, "year": year, "amount": amount, "changes": []}
steps = (("-20%", 0.8), ("-5%", 0.95), ("+10%", 1.1))
for label, new in [(label, factor * amount) for label, factor in steps] + [("+1M", amount + 1e6)]:
    lines = tuple(
        BudgetLine(b.code, {**b.amounts, year: new}) if b.code == line else b
        for b in instance.budget_lines
    )
    changed = replace(instance, budget_lines=lines)
    timed = {}
    for name, start in (("cold", {}), ("warm", plan)):
        started = time.perf_counter()
        result = run(replace(changed, warm_start=start))
        timed[name] = {
            "seconds": time.perf_counter() - started,
            "schedule": result.stats.seconds["schedule"],
            "objective": result.stats.objective,
            "status": result.stats.status,
        }
    figures["changes"].append({"change": label, **timed})
print(json.dumps(figures))
"""

#: Issue #19's target for re-planning one changed budget line on the demo (wall seconds).
REPLAN_TARGET = 5.0


def bench_replan(database_url: str) -> list[str]:
    """Re-plan the computed demo programme after one changed budget line: seconds cold
    and warm-started from the base plan (the whole engine run; the schedule stage apart),
    against issue #19's target."""
    # HiGHS (highspy) writes a line of its own to stdout when it completes a start: the
    # figures are the last line.
    output = run(["shell", "-v0", "-c", REPLAN_FIGURES], database_url).stdout
    figures = json.loads(output.strip().splitlines()[-1])
    lines = [f"re-plan {figures['line']} {figures['year']} (budget € {figures['amount']:,.0f}):"]
    for change in figures["changes"]:
        cold, warm = change["cold"], change["warm"]
        # Both are proven within the tolerance (mip_gap), not necessarily to the same plan.
        apart = abs(cold["objective"] - warm["objective"]) / max(1.0, abs(cold["objective"]))
        # Scenarios are solved cold (programming/scenarios.py): the target is the cold one's.
        met = cold["seconds"] <= REPLAN_TARGET
        lines.append(
            f"  {change['change']:>4}: cold {cold['seconds']:5.2f} s (schedule "
            f"{cold['schedule']:.2f}), warm {warm['seconds']:5.2f} s (schedule "
            f"{warm['schedule']:.2f}); {warm['status']}, "
            f"objectives {100 * apart:.2f}% apart; "
            f"target ≤ {REPLAN_TARGET:.0f} s (cold, as scenarios are solved): "
            f"{'met' if met else 'NOT met'}"
        )
    return lines


#: Times the council workbook of the programme (programming/workbook.py) against raw
#: XlsxWriter writing the same cells, and prints the figures as JSON. Each is the best of
#: BENCH_WORKBOOK_REPEAT runs after a warm-up; the peak is tracemalloc's, in a separate run.
#:
#: "The same cells" is taken literally: write_sheets runs once against a recorder that
#: notes every worksheet call (value, format, formula, column width, filter), and raw
#: XlsxWriter replays those calls in a flat loop, one bound method call per cell. The
#: replayed file's sheets must be byte-identical to IMPOR's, which the figures report.
#: A second baseline writes only the values (write_row, no formats or formulas).
WORKBOOK_FIGURES = """
import io, json, os, tempfile, time, tracemalloc, zipfile
import xlsxwriter
from programming.models import Programme
from programming.workbook import Cell, Sheet, workbook_sheets, write_sheets, write_workbook
programme = Programme.objects.get(based_on__isnull=True)
repeat = int(os.environ.get("BENCH_WORKBOOK_REPEAT", "3"))

def best(function):
    function()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)

def full():
    with tempfile.TemporaryFile() as target:
        write_workbook(programme, target)

def collect():
    return [
        Sheet(s.name, s.columns, [list(row) for row in s.rows], s.note)
        for s in workbook_sheets(programme)
    ]

full()
tracemalloc.start()
full()
peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
tracemalloc.stop()
sheets = collect()

def write_ours(target):
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    write_sheets(book, programme, [Sheet(s.name, s.columns, iter(s.rows), s.note) for s in sheets])
    book.close()

def writer():
    with tempfile.TemporaryFile() as target:
        write_ours(target)

class Recorder:
    # Stands in for the workbook and its worksheets; formats become ("format", index).
    def __init__(self):
        self.formats, self.sheets = [], []
    def add_format(self, properties):
        self.formats.append(properties)
        return ("format", len(self.formats) - 1)
    def add_worksheet(self, name):
        calls = []
        self.sheets.append((name, calls))
        class Sheet_:
            def __getattr__(_self, method):
                return lambda *args: calls.append((method, args))
        return Sheet_()

recorder = Recorder()
write_sheets(recorder, programme, [Sheet(s.name, s.columns, iter(s.rows), s.note) for s in sheets])

def replay(target):
    # Untimed set-up: the workbook, its formats and the calls with real formats. Timed:
    # one bound method call per recorded call, then close.
    book = xlsxwriter.Workbook(target, {"constant_memory": True})
    formats = [book.add_format(p) for p in recorder.formats]
    def real(arg):
        return formats[arg[1]] if isinstance(arg, tuple) and arg[:1] == ("format",) else arg
    plan = []
    for name, calls in recorder.sheets:
        sheet = book.add_worksheet(name)
        plan.append([(getattr(sheet, m), tuple(real(a) for a in args)) for m, args in calls])
    started = time.perf_counter()
    for calls in plan:
        for method, args in calls:
            method(*args)
    book.close()
    return time.perf_counter() - started

def raw():
    times = []
    for _ in range(repeat + 1):
        with tempfile.TemporaryFile() as target:
            times.append(replay(target))
    return min(times[1:])

def plain(value):
    return value.value if isinstance(value, Cell) else value

values_only = [(s.name, [[plain(v) for v in row] for row in s.rows]) for s in sheets]

def raw_values():
    with tempfile.TemporaryFile() as target:
        book = xlsxwriter.Workbook(target, {"constant_memory": True})
        for name, rows in values_only:
            sheet = book.add_worksheet(name)
            for r, row in enumerate(rows):
                sheet.write_row(r, 0, row)
        book.close()

def sheet_xml(write):
    buffer = io.BytesIO()
    write(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return [archive.read(n) for n in sorted(archive.namelist()) if n.startswith("xl/work")]

figures = {
    "full": best(full),
    "read": best(collect),
    "writer": best(writer),
    "raw": raw(),
    "raw_values": best(raw_values),
    "cells": sum(1 for _n, calls in recorder.sheets for m, _a in calls if m.startswith("write")),
    "identical": sheet_xml(write_ours) == sheet_xml(replay),
}
figures["peak_mib"] = peak_mib
print(json.dumps(figures))
"""


def bench_workbook(database_url: str) -> list[str]:
    """The council workbook of the computed programme: time and peak memory of
    write_workbook (reading included), and its writing against raw XlsxWriter
    (constant_memory) replaying the same cell calls; target ≥ 90% of raw speed."""
    figures = json.loads(run(["shell", "-v0", "-c", WORKBOOK_FIGURES], database_url).stdout)
    full, writer, raw = figures["full"], figures["writer"], figures["raw"]
    same = "identical sheets" if figures["identical"] else "SHEETS DIFFER"
    return [
        f"workbook {full:6.2f} s  peak {figures['peak_mib']:6.1f} MiB (traced)  "
        f"{figures['cells']:,} cells",
        f"  reading {figures['read']:.2f} s, writing {writer:.2f} s; raw xlsxwriter writing the "
        f"same cells {raw:.2f} s ({same}): {100 * raw / writer:.0f}% of raw speed (target 90%)",
        f"  with the reading: {100 * raw / full:.0f}% of raw speed; against raw writing the "
        f"values only (write_row, no formats or formulas, {figures['raw_values']:.2f} s): "
        f"{100 * figures['raw_values'] / writer:.0f}%",
    ]


#: Targets of issue #5 for the p95 server time, in milliseconds, per kind of page.
PAGE_TARGETS = {"list": 200, "detail": 200, "programme": 500, "api": 200}


def bench_pages(database_url: str) -> list[str]:
    """p50/p95 server time of the main pages (benchmarks/pages.py), after the programme."""
    script = (ROOT / "benchmarks" / "pages.py").read_text()
    output = run(["shell", "-v0", "-c", script], database_url, production=True).stdout
    lines = []
    # Production settings log as JSON lines to the same output: keep the figures only.
    rows = [row for row in map(json.loads, output.splitlines()) if "page" in row]
    for row in rows:
        target = PAGE_TARGETS[row["kind"]]
        mark = "ok" if row["p95"] <= target else f"over {target} ms"
        lines.append(
            f"page {row['page']:<26} p50 {row['p50']:7.1f} ms  p95 {row['p95']:7.1f} ms  ({mark})"
        )
    return lines


#: Issue #21's target for the p95 server time of an OGC API Features page of 1,000, in ms.
OGC_TARGET = 200


def bench_ogc(database_url: str) -> list[str]:
    """p50/p95/max server time of OGC API Features pages of the assets collection
    (benchmarks/ogc.py, BENCH_OGC_PAGES pages of BENCH_OGC_LIMIT per walk)."""
    script = (ROOT / "benchmarks" / "ogc.py").read_text()
    output = run(["shell", "-v0", "-c", script], database_url, production=True).stdout
    lines = []
    for row in (row for row in map(json.loads, output.splitlines()) if "walk" in row):
        mark = "ok" if row["p95"] <= OGC_TARGET else f"over {OGC_TARGET} ms"
        lines.append(
            f"ogc {row['walk']:<8} {row['pages']:>3} pages, {row['features']:>6,} features "
            f"of {row['assets']:,}  p50 {row['p50']:6.1f} ms  p95 {row['p95']:6.1f} ms  "
            f"max {row['max']:6.1f} ms  {row['bytes'] / 1024:5.0f} KiB/page  ({mark})"
        )
    return lines


def import_files(rows: int, folder: Path) -> dict[str, Path]:
    """CSV, XLSX and GeoPackage files of `rows` assets (trees, lamp posts, manholes) in Dalfsen."""
    import numpy as np
    import pyogrio
    import shapely
    from openpyxl import Workbook

    rng = np.random.default_rng(1)
    x = rng.uniform(213_200, 214_900, rows).round(3)
    y = rng.uniform(501_700, 503_300, rows).round(3)
    classes = rng.choice(["boom", "lichtmast", "rioolput", "bank"], rows)
    years = rng.integers(1950, 2024, rows)
    conditions = rng.integers(1, 7, rows)

    def ids(kind: str) -> list[str]:
        # Ids are unique across sources, so each format gets its own.
        return [f"{kind.upper()}-{i:07d}" for i in range(rows)]

    header = ["id", "objecttype", "aanlegjaar", "conditie", "straatnaam", "x", "y"]
    records = list(
        zip(
            ids("csv"),
            classes,
            years.tolist(),
            conditions.tolist(),
            ["Bankstraat"] * rows,
            x.tolist(),
            y.tolist(),
            strict=True,
        )
    )
    files = {
        "csv": folder / "areaal.csv",
        "xlsx": folder / "areaal.xlsx",
        "gpkg": folder / "areaal.gpkg",
    }
    with files["csv"].open("w", encoding="utf-8") as handle:
        handle.write(";".join(header) + "\n")
        for record in records:
            handle.write(
                ";".join(
                    str(v).replace(".", ",") if isinstance(v, float) else str(v) for v in record
                )
                + "\n"
            )
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Areaal")
    sheet.append(header)
    for xlsx_id, record in zip(ids("xlsx"), records, strict=True):
        sheet.append((xlsx_id, *record[1:]))
    book.save(files["xlsx"])
    pyogrio.raw.write(
        files["gpkg"],
        geometry=shapely.to_wkb(shapely.points(x, y)),
        field_data=[np.array(ids("gpkg")), classes, years, conditions],
        fields=["id", "objecttype", "aanlegjaar", "conditie"],
        geometry_type="Point",
        crs="EPSG:28992",
        driver="GPKG",
    )
    return files


def bench_import(path: Path, database_url: str) -> str:
    result = run(
        ["import_assets", str(path), "--source", f"bench-{path.suffix[1:]}", "--commit", "-v0"],
        database_url,
    )
    seconds = float(re.search(r"in ([\d.]+) s", result.stdout).group(1))
    rows = int(re.search(r"(\d+) rijen", result.stdout).group(1))
    return (
        f"{rows:>9,} rows  {seconds:7.1f} s  {rows / seconds:>9,.0f} rows/s  "
        f"peak {result.peak_mib:6.0f} MiB"
    )


def databases() -> list[tuple[str, str]]:
    """Fresh databases to measure on: BENCH_DATABASES (default "sqlite,postgresql")."""
    wanted = os.environ.get("BENCH_DATABASES", "sqlite,postgresql").split(",")
    found = [("SQLite", sqlite_database())] if "sqlite" in wanted else []
    postgres = postgres_database() if "postgresql" in wanted else None
    if postgres:
        found.append(("PostgreSQL", postgres))
    return found


def main() -> None:
    sizes = [s for s in os.environ.get("BENCH_SIZES", "demo,100000,1000000").split(",") if s]
    import_rows = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
    print("IMPOR benchmarks")
    print(f"  machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for size in sizes:
        print(f"\nseed_demo {'(demo municipality)' if size == 'demo' else f'--large {size}'}")
        for name, url in databases():
            print(f"  {name:<11} {bench_seed(size, url)}")
            print(f"  {name:<11} {bench_lifecycle(url)}")
            lines = bench_programme(url, size)
            lines += bench_replan(url) if size == "demo" else []
            for line in lines + bench_workbook(url) + bench_pages(url) + bench_ogc(url):
                print(f"  {name:<11} {line}")
    if import_rows:
        print(f"\nimport_assets --commit, {import_rows:,} rows into the demo municipality")
        files = import_files(import_rows, Path(tempfile.mkdtemp(prefix="impor-bench-files-")))
        for name, url in databases():
            bench_seed("demo", url)
            for kind, path in files.items():
                print(f"  {name:<11} {kind:<5} {bench_import(path, url)}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["ogc"] and len(sys.argv) == 3:
        # An existing (seeded, migrated) database: `run.py ogc sqlite:////tmp/city.sqlite3`.
        print("\n".join(bench_ogc(sys.argv[2])))
    else:
        main()
