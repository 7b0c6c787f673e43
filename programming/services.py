"""Writes for programming: computing a programme and storing its content.

`programme_compute` is the one way a programme gets computed, from the command line, the
background task and (later) the pages and the API. Loading and the engine run outside
any transaction; the results replace the previous ones in a single transaction, so a
failed or interrupted computation leaves the previous results untouched.
"""

import functools
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.sql.subqueries import DeleteQuery
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from impor.bulk import insert_rows, read_pairs
from impor.models import Area
from programming import alerts, capacity, freshness, realised, scenarios
from programming.choices import (
    CouplingDecisionStatus,
    CriterionCode,
    ProgrammeStatus,
    RunStatus,
)
from programming.couplings import cost_split, member_works, members_of, parties_of, party_key
from programming.engine import Planned, Stopwatch, gc_paused, plan
from programming.engine.instance import Instance, Result
from programming.engine.results import Fixed
from programming.models import (
    PROGRAMME_SETTINGS,
    AssessmentFramework,
    CostRule,
    Coupling,
    CouplingCostSharing,
    CouplingDecision,
    CouplingReservation,
    CouplingResponse,
    Criterion,
    KpiValue,
    Programme,
    ProgrammeRun,
    UnfundedItem,
    Work,
    WorkCost,
    WorkHours,
)
from programming.selectors import (
    NO_FUNDING,
    adopted_baseline,
    moved_works,
    programme_instance,
)
from projects.models import Project
from stakeholders.models import Actor, BudgetLine, Team, Theme, User

Progress = Callable[[int, str], None]
logger = logging.getLogger(__name__)


def _money(value: float) -> str:
    """An amount in cents as the decimal text the database stores, without a `Decimal`
    in between: the store writes hundreds of thousands of amounts (a city's works, costs
    and gaps), and a Decimal per amount, which the SQLite driver then turns back into
    this same text, cost 0.2 s of CPU per 400,000 amounts."""
    return str(round(value, 2))


class RunProgress:
    """Progress of a ProgrammeRun as the user sees it (written outside any transaction);
    each step is also a sign of life (`heartbeat_at`)."""

    def __init__(self, record: ProgrammeRun):
        self.record = record

    def __call__(self, percent: int, step: str) -> None:
        self.record.progress = percent
        self.record.step = step
        self.record.heartbeat_at = timezone.now()
        self.record.save(update_fields=["progress", "step", "heartbeat_at"])


class Heartbeat:
    """Writes the run's `heartbeat_at` every IMPOR_RUN_HEARTBEAT_SECONDS while a
    computation runs, from a thread of its own, so a long engine stage or a long store
    still shows the worker is alive. One small UPDATE per interval; a write that fails
    (a locked SQLite database during the store) is skipped, the next one tries again."""

    def __init__(self, record: ProgrammeRun):
        self.run_id = record.pk
        self.every = settings.IMPOR_RUN_HEARTBEAT_SECONDS
        self.stopped = threading.Event()
        self.thread = threading.Thread(
            target=self.beat, name=f"heartbeat-run-{record.pk}", daemon=True
        )

    def __enter__(self) -> "Heartbeat":
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stopped.set()
        self.thread.join()

    def beat(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                try:
                    ProgrammeRun.objects.filter(pk=self.run_id).update(heartbeat_at=timezone.now())
                except DatabaseError as exc:
                    logger.warning("heartbeat of run %s not written: %s", self.run_id, exc)
        finally:
            connection.close()  # this thread's own connection


def runs_fail_stale(runs: QuerySet[ProgrammeRun] | None = None) -> int:
    """Mark failed the computations whose worker stopped (killed, machine gone): a run
    that is running without a sign of life (heartbeat, else its start) for
    IMPOR_RUN_STALE_SECONDS, or still queued while its task was taken that long ago.
    Their task rows that still say running are marked failed too. Returns the count.

    The previous results are untouched (the store is one transaction), so the user can
    simply start the computation again. Called wherever a run's status is read, before
    a new run is queued, and by `manage.py reap_runs`.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.IMPOR_RUN_STALE_SECONDS)
    runs = ProgrammeRun.objects.all() if runs is None else runs
    silent = Q(status=RunStatus.RUNNING) & (
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    waiting = Q(status=RunStatus.QUEUED, created_at__lt=cutoff) & ~Q(task_id="")
    candidates = runs.filter(silent | waiting).values_list("pk", "task_id", "status")
    running: dict[int, str] = {}
    queued: dict[int, str] = {}
    for pk, task_id, status in candidates:  # one query; usually no rows
        (running if status == RunStatus.RUNNING else queued)[pk] = task_id
    if queued:
        taken = {
            str(pk)
            for pk in DBTaskResult.objects.filter(
                Q(status=TaskResultStatus.RUNNING, started_at__lt=cutoff)
                | Q(status=TaskResultStatus.FAILED),
                pk__in=list(queued.values()),
            ).values_list("pk", flat=True)
        }
        queued = {pk: task for pk, task in queued.items() if task in taken}
    if not running and not queued:
        return 0
    message = _("De berekening is afgebroken: de worker stopte. Start de berekening opnieuw.")
    failed = ProgrammeRun.objects.filter(
        (Q(pk__in=running) & silent) | Q(pk__in=queued, status=RunStatus.QUEUED)
    ).update(status=RunStatus.FAILED, message=message, finished_at=now)
    DBTaskResult.objects.filter(
        pk__in=[task for task in [*running.values(), *queued.values()] if task],
        status=TaskResultStatus.RUNNING,
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path="programming.services.WorkerStopped",
        traceback=message,
    )
    if failed:
        logger.warning("%d computation(s) marked failed: their worker stopped", failed)
    return failed


def programme_run_queue(programme: Programme, *, user: User | None = None) -> ProgrammeRun:
    """Create the queued run of a new computation, after the checks: a programme that is
    being computed is not queued again, nor an adopted one (ProgrammeFrozen, from the run's
    `save`). `programming.tasks`
    (`programme_enqueue`) hands the run to the worker; this module never imports the
    tasks, so the task calls the service and not the other way round."""
    runs_fail_stale(programme.runs.all())
    if programme.runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise ValueError(_("Dit programma wordt al berekend. Wacht tot die berekening klaar is."))
    return ProgrammeRun.objects.create(programme=programme, requested_by=user)


@gc_paused()
def programme_compute(
    programme: Programme,
    *,
    record: ProgrammeRun | None = None,
    progress: Progress | None = None,
    method: str | None = None,
) -> Result:
    """Compute a programme and store its content; the run record follows the progress.
    `method` forces the engine's "milp" or "heuristic" (`engine.plan`), else it chooses by
    size.

    Steps: load measures and works (10%), run the engine (30%) and meanwhile read the
    previous results and whom to tell about the new ones (the alerts' audience, with the
    works matched to their areas) and build the rows to store that the plan does not
    change (`store_rows`), store the results (80%; on a city the plan while the
    engine still finds the unfunded works and the KPIs beside it, `engine.plan`), done
    (100%). The run record's "total" is the time the whole took, less than the sum of
    the steps where they overlapped. On any error the run is marked failed and the
    error re-raised; the previous results stay as they were. An adopted programme is
    not computed (ProgrammeFrozen): a new run is refused, a queued one fails before the
    engine starts.

    The garbage collector is paused throughout (`engine.gc_paused`), not only while the
    instance is read, the engine runs and the results are stored: each time it came back
    on in between, its first collections walked every object those steps had left alive
    (on the 1M-asset city ~1 s of the run).
    """
    record = record or ProgrammeRun.objects.create(programme=programme)
    report = progress or RunProgress(record)
    record.status = RunStatus.RUNNING
    record.started_at = record.heartbeat_at = timezone.now()
    record.save(update_fields=["status", "started_at", "heartbeat_at"])
    try:
        Programme.objects.ensure_changeable(programme.pk)  # adopted since it was queued
        clock = Stopwatch()
        started = time.perf_counter()
        with Heartbeat(record):
            report(10, "werken en budgetten laden")
            inputs_at = timezone.now()
            instance = programme_instance(programme, clock=clock)
            instance = realised.with_realisations(programme, instance)
            instance = scenarios.scenario_instance(programme, instance)
            report(30, "koppelkansen zoeken, prioriteren en plannen")

            @functools.cache
            def before(fixed: Fixed) -> tuple[alerts.Snapshot, alerts.Audience, StoreRows]:
                with clock("snapshot"):
                    previous = alerts.snapshot(programme), alerts.audience(programme, instance)
                with clock("rows"):
                    return *previous, store_rows(programme, instance, fixed.scored())

            # The previous results, whom to tell about the new ones and the rows to store
            # that the plan does not change are read and built while HiGHS solves (`plan`'s
            # `meanwhile`); here, before the store replaces the results, should the engine
            # not call it.
            with plan(instance, method, meanwhile=before) as planned:
                previous, told, rows = before(planned.fixed)
                report(80, "resultaten opslaan")
                with clock("store"):
                    result = store_result(
                        programme, instance, planned, inputs_at=inputs_at, rows=rows
                    )
            with clock("alerts"):
                alerts.notify_computation(programme, previous, instance, result, told)
    except BaseException as exc:
        record.status = RunStatus.FAILED
        record.message = f"{type(exc).__name__}: {exc}"[:2000]
        record.finished_at = timezone.now()
        record.save(update_fields=["status", "message", "finished_at"])
        raise
    record.status = RunStatus.DONE
    record.progress = 100
    record.step = "klaar"
    record.finished_at = timezone.now()
    stats = result.stats.to_dict()
    seconds = {**clock.seconds, **stats.pop("seconds")}
    seconds["total"] = round(time.perf_counter() - started, 4)
    record.stats = {
        **stats,
        "seconds": seconds,
        "works": len(result.works),
        "clusters": len(result.clusters),
    }
    record.save(update_fields=["status", "progress", "step", "finished_at", "stats"])
    return result


#: The columns of a stored coupling, in the order store_result writes them.
COUPLING_FIELDS = (
    "programme", "key", "kind", "area", "street", "window_start", "window_end", "year",
    "savings", "openings_avoided", "score",
)  # fmt: skip
#: The columns of a stored work that the instance and the scoring give (`StoreRows.works`),
#: then those the plan gives, in the order store_result writes them.
WORK_FIELDS = (
    "programme", "key", "kind", "label", "project", "area", "street", "geometry",
    "window_start", "window_end", "preferred_year", "cost", "opens_street",
    "reconstructs_street", "certainty", "must_do", "asset_count", "discipline", "place",
    "maintenance", "score", "score_breakdown",
    "scheduled_year", "saving", "coupling", "breaks_graafrust", "graafrust_cause",
)  # fmt: skip


def _delete_statements(programme: Programme) -> list[tuple[str, tuple[Any, ...]]]:
    """The SQL that deletes the programme's computed content, in dependency order, one
    DELETE per table, as `QuerySet._raw_delete` would run it.

    `QuerySet.delete()` would first load every work as a model (a city has ~100,000,
    with their geometry) to cascade to their costs and gaps in batches of ids: seconds
    of the store. No signal listens to these tables, and the works' rows go before the
    works, the works before the couplings they point at, so plain deletes keep every
    foreign key whole. A new table that points at works or couplings must be added here
    (a test compares the relations with this list).
    """
    works = Work.objects.filter(programme=programme)
    tables = (
        WorkCost.objects.filter(work__in=works.values("pk")),
        WorkHours.objects.filter(work__in=works.values("pk")),
        UnfundedItem.objects.filter(work__in=works.values("pk")),
        works,
        Coupling.objects.filter(programme=programme),
        KpiValue.objects.filter(programme=programme),
    )
    statements = []
    for queryset in tables:
        query = queryset.query.clone()
        query.__class__ = DeleteQuery
        statements.append(query.get_compiler(queryset.db).as_sql())
    return statements


@contextmanager
def _deleting_content(programme: Programme) -> Iterator[None]:
    """Delete the programme's computed content (`_delete_statements`) in a thread, on
    this transaction's connection, while the block runs; a failure is raised after it.

    Each DELETE is one call into the database, which lets go of the GIL for as long as
    it runs (a city's previous content: ~1 s), so the block's Python runs beside it. The
    block must not use the database.
    """
    statements = _delete_statements(programme)
    cursor = connection.cursor()
    failed: list[BaseException] = []

    def delete() -> None:
        try:
            for sql, params in statements:
                cursor.execute(sql, params)
        except BaseException as exc:  # raised on the caller's thread below
            failed.append(exc)

    thread = threading.Thread(target=delete, name="store-delete")
    thread.start()
    try:
        yield
    finally:
        thread.join()
        cursor.close()
    if failed:
        raise failed[0]


def _store_ids() -> dict[str, dict[str, int]]:
    """The ids the stored rows refer to, by the codes the engine uses."""
    return {
        "lines": dict(BudgetLine.objects.values_list("code", "pk")),
        "areas": {str(pk): pk for pk in Area.objects.values_list("pk", flat=True)},
        "themes": dict(Theme.objects.values_list("code", "pk")),
        "projects": dict(Project.objects.values_list("code", "pk")),
        "teams": dict(Team.objects.values_list("code", "pk")),
    }


@dataclass(frozen=True)
class StoreRows:
    """What `store_result` writes that the plan does not change, built before the plan is
    known (`store_rows`): the ids the rows refer to; per work of the instance, in its
    order, the columns of WORK_FIELDS the instance and the scoring give; and every
    work's costs, as (work key, budget line id, year offset, amount).

    `programme_compute` builds them while HiGHS solves (about 0.7 s on the 1M-asset
    city, 0.3 s of it the breakdowns' JSON); the store reads the ids again under its
    lock and builds the rows afresh should they have changed in between.
    """

    ids: dict[str, dict[str, int]]
    works: list[tuple[Any, ...]]
    costs: list[tuple[str, int, int, str]]


def store_rows(
    programme: Programme,
    instance: Instance,
    scored: Mapping[str, tuple[float, dict[str, float]]],
) -> StoreRows:
    """`StoreRows` for storing a computation of `instance` as `programme`'s content;
    `scored`: each work's score and breakdown by its key (`Fixed.scored`)."""
    ids = _store_ids()
    projects, areas, lines = ids["projects"], ids["areas"], ids["lines"]
    works = [
        (
            programme.pk,
            work.key,
            work.kind,
            work.label[:300],
            projects.get(work.key[2:]) if work.key.startswith("P:") else None,
            areas.get(work.area or ""),
            (work.street or "")[:200],
            work.geometry or "",
            work.window_start,
            work.window_end,
            work.preferred_year,
            _money(sum(sum(amounts) for amounts in work.costs.values())),
            work.opens_street,
            work.reconstructs_street,
            work.certainty,
            work.must_do,
            (work.label_parts or {}).get("count", 0),
            (work.label_parts or {}).get("discipline", ""),
            str((work.label_parts or {}).get("place", ""))[:200],
            _money(work.maintenance),
            score,
            json.dumps(breakdown),
        )
        for work in instance.works
        for score, breakdown in (scored[work.key],)
    ]
    costs = [
        (work.key, lines[line], offset, _money(amount))
        for work in instance.works
        for line, amounts in work.costs.items()
        if line != NO_FUNDING
        for offset, amount in enumerate(amounts)
    ]
    return StoreRows(ids, works, costs)


@transaction.atomic
@gc_paused()
def store_result(
    programme: Programme,
    instance: Instance,
    result: Result | Planned,
    *,
    inputs_at: datetime | None = None,
    rows: StoreRows | None = None,
) -> Result:
    """Replace the programme's computed content with `result`, all or nothing, and
    return the whole `Result`. Of a `Planned` (`engine.plan`) the couplings and works
    are stored while the engine still finds the unfunded works and the KPIs, then those.

    `computed_at` becomes `inputs_at`, when the inputs were read (else now): a change to
    an input after that moment makes the results stale (`programming.freshness`).
    `rows` are the plan-independent rows (`store_rows`), built here when not given.

    One transaction: a worker killed at any point leaves the previous content whole.
    The programme's row is locked first, so two computations of one programme (two
    workers) store one after the other instead of mixing their works. The garbage
    collector is paused while the rows are built (`engine.gc_paused`).
    """
    Programme.objects.select_for_update().only("pk").get(pk=programme.pk)
    # The bulk writes below skip the models' save(), so the guard is called here, under
    # the lock: an adoption that committed during the computation is seen.
    Programme.objects.ensure_changeable(programme.pk)
    if rows is None or rows.ids != _store_ids():
        scored = (
            result.fixed.scored()
            if isinstance(result, Planned)
            else {w.key: (w.score, w.breakdown) for w in result.works}
        )
        rows = store_rows(programme, instance, scored)
    with _deleting_content(programme):
        # A Planned builds its works and clusters on first use: here, beside the deletes.
        clusters, planned_works = result.clusters, result.works

    lines, areas, themes = rows.ids["lines"], rows.ids["areas"], rows.ids["themes"]
    area_of = {w.key: w.area for w in instance.works}
    street_of = {w.key: w.street for w in instance.works if w.street}

    # Plain rows through insert_rows, as the works below: a city has ~20,000 couplings,
    # and bulk_create builds and compiles a model per row.
    insert_rows(
        Coupling,
        COUPLING_FIELDS,
        (
            (
                programme.pk,
                cluster.key,
                cluster.kind,
                areas.get(area_of.get(cluster.members[0]) or ""),
                next((street_of[k] for k in cluster.members if k in street_of), "")[:200],
                cluster.window_start or programme.first_year,
                cluster.window_end or programme.last_year,
                cluster.year,
                _money(cluster.savings),
                cluster.openings_avoided,
                cluster.score,
            )
            for cluster in clusters
        ),
    )
    coupling_ids = read_pairs(Coupling.objects.filter(programme=programme), "key", "pk")
    outcome = {w.key: w for w in planned_works}
    # Plain rows through insert_rows (COPY on PostgreSQL): a city has ~100,000 works.
    insert_rows(
        Work,
        WORK_FIELDS,
        (
            (
                *given,
                done.scheduled_year,
                _money(done.saving),
                coupling_ids.get(done.cluster or ""),
                done.breaks_graafrust,
                (done.graafrust_cause or "")[:300],
            )
            for given, work in zip(rows.works, instance.works, strict=True)
            for done in (outcome[work.key],)
        ),
    )
    stored = read_pairs(Work.objects.filter(programme=programme), "key", "pk")
    insert_rows(
        WorkCost,
        ("work", "budget_line", "offset", "amount"),
        ((stored[key], line, offset, amount) for key, line, offset, amount in rows.costs),
    )
    team_ids = rows.ids["teams"]
    insert_rows(
        WorkHours,
        ("work", "team", "offset", "hours"),
        (
            (stored[key], team_ids[team], offset, str(hours))
            for key, team, offset, hours in capacity.stored_hours(instance, result)
            if team in team_ids
        ),
    )
    if isinstance(result, Planned):
        result = result.result()
    insert_rows(
        UnfundedItem,
        ("work", "budget_line", "year", "gap", "reason", "code", "facts"),
        (
            (
                stored[row.work],
                lines.get(row.budget_line or ""),
                row.year,
                _money(row.gap),
                row.reason,
                row.code or "",
                json.dumps(row.facts),
            )
            for row in result.unfunded
        ),
    )
    insert_rows(
        KpiValue,
        ("programme", "code", "year", "area", "budget_line", "theme", "team", "value"),
        (
            (
                programme.pk,
                kpi.code,
                kpi.year,
                areas.get(kpi.area or ""),
                lines.get(kpi.budget_line or ""),
                themes.get(kpi.theme or ""),
                team_ids.get(kpi.team or ""),
                kpi.value,
            )
            for kpi in result.kpis
        ),
    )
    baseline = adopted_baseline(programme)
    if baseline is not None:
        moved = moved_works(programme, baseline).count()
        KpiValue.objects.create(programme=programme, code="verschoven_werken", value=moved)
    programme.computed_at = inputs_at or timezone.now()
    programme.save(update_fields=["computed_at"])
    return result


@transaction.atomic
def programme_copy(
    programme: Programme, *, name: str, user: User | None = None, **changes: Any
) -> Programme:
    """A scenario: the programme's parameters, budget overrides and coupling decisions
    under a new name, with `changes` applied (e.g. budget_factor, horizon, framework).
    Its content is computed afresh; the copy remembers what it was based on."""
    copy = Programme(
        **{s: getattr(programme, s) for s in PROGRAMME_SETTINGS if s != "name"},
        name=name,
        based_on=programme,
        created_by=user,
    )
    for field, value in changes.items():
        setattr(copy, field, value)
    copy.full_clean()
    copy.save()
    for override in programme.budget_overrides.all():
        override.pk = None
        override.programme = copy
        override.save()
    CouplingDecision.objects.bulk_create(
        CouplingDecision(
            programme=copy, key=d.key, status=d.status, reason=d.reason, decided_by=d.decided_by
        )
        for d in programme.decisions.all()
    )
    return copy


@transaction.atomic
def programme_adopt(programme: Programme, *, adopted_on: date, adopted_by: str) -> Programme:
    """Adopt (vaststellen) a computed programme: it is frozen from now on (adopting it
    again is a change, refused by the guard in `Programme.save`).

    Only results that follow from today's inputs are adopted: a programme never
    computed, or whose inputs changed since (`freshness.stale_reasons`), is refused with
    a ValueError that names what changed."""
    if programme.computed_at is None:
        raise ValueError(_("Bereken het programma voordat het wordt vastgesteld."))
    Programme.objects.ensure_changeable(programme.pk)
    reasons = freshness.stale_reasons(programme)
    if reasons:
        raise ValueError(
            freshness.stale_message(reasons)
            + " "
            + _("Bereken het programma opnieuw voordat het wordt vastgesteld.")
        )
    programme.status = ProgrammeStatus.VASTGESTELD
    programme.adopted_on = adopted_on
    programme.adopted_by = adopted_by
    programme.full_clean()
    programme.save(update_fields=["status", "adopted_on", "adopted_by", "updated_at"])
    return programme


@transaction.atomic
def coupling_decide(
    programme: Programme,
    coupling: Coupling,
    *,
    status: CouplingDecisionStatus | str,
    reason: str = "",
    user: User | None = None,
) -> CouplingDecision:
    """Accept, reject or re-propose a coupling: the one rule for the page and the API.

    The decision is stored by the coupling's key, so it outlives the next computation.
    An adopted programme is frozen (ProgrammeFrozen, a ValueError, from the decision's
    `save`); a rejection without a reason is refused by `CouplingDecision.clean`
    (ValidationError on `reason`).
    """
    if coupling.programme_id != programme.pk:
        raise ValueError(_("Deze koppelkans hoort niet bij dit programma."))
    # Frozen answers before any field error, and before the row lock below.
    Programme.objects.ensure_changeable(programme.pk)
    decision = CouplingDecision.objects.select_for_update().filter(
        programme=programme, key=coupling.key
    ).first() or CouplingDecision(programme=programme, key=coupling.key)
    decision.status = status
    decision.reason = reason.strip()
    decision.decided_by = user
    decision.full_clean()
    decision.save()
    alerts.notify_decision(programme, coupling, decision)
    return decision


#: The criteria of the default framework, with weight and explanation. Modelled on
#: Utrecht's PRIOR ranking (technical need, use of the space, societal and political
#: preference) extended with coupling value, cost and certainty; a municipality sets its
#: own weights on the framework's page or through the API.
DEFAULT_CRITERIA = {
    CriterionCode.URGENCY: ("30", "Conditie en restlevensduur: hoe dringend is vervanging?"),
    CriterionCode.RISK: ("15", "Gevolgen van falen: veiligheid, wateroverlast, bereikbaarheid."),
    CriterionCode.AMBITION: ("20", "Bijdrage aan de ambities van de omgevingsvisie en de thema's."),
    CriterionCode.SOCIAL: ("10", "Sociale prioriteit en leefbaarheid van het gebied."),
    CriterionCode.COUPLING: (
        "15",
        "Besparing en minder graafmomenten door werk met werk te maken.",
    ),
    CriterionCode.COST: ("5", "Waarde per euro."),
    CriterionCode.CERTAINTY: ("5", "Hoe vast staan de plannen (idee, voorgenomen, vastgesteld)?"),
}
DEFAULT_FRAMEWORK_NAME = "Afwegingskader IMPOR"


def default_framework() -> AssessmentFramework:
    """The framework a programme gets when none is chosen: "Afwegingskader IMPOR" with
    `DEFAULT_CRITERIA`, made the first time it is asked for. A municipality that starts
    from empty (`setup_municipality`) can so create its first programme without first
    writing a framework in the admin."""
    existing = AssessmentFramework.objects.filter(name=DEFAULT_FRAMEWORK_NAME).first()
    if existing is not None:
        return existing
    return framework_save(
        None,
        name=DEFAULT_FRAMEWORK_NAME,
        description="Gewogen criteria om werken en koppelkansen te prioriteren.",
        criteria=[
            {"code": code, "weight": Decimal(weight), "description": text}
            for code, (weight, text) in DEFAULT_CRITERIA.items()
        ],
    )


@transaction.atomic
def framework_save(
    framework: AssessmentFramework | None,
    *,
    name: str,
    description: str = "",
    criteria: list[dict[str, Any]] | None = None,
) -> AssessmentFramework:
    """Create or change an assessment framework; `criteria` ({code, weight, description}),
    when given, replace its criteria as a whole. All or nothing: a bad criterion leaves the
    stored framework as it was, and the error names the criterion's position (from 0, as
    in the JSON list)."""
    framework = framework or AssessmentFramework()
    framework.name = name
    framework.description = description
    framework.full_clean()
    framework.save()
    if criteria is None:
        return framework
    framework.criteria.all().delete()
    rows = [Criterion(framework=framework, **criterion) for criterion in criteria]
    for number, row in enumerate(rows):
        try:
            row.full_clean(exclude=["framework"], validate_unique=False)
        except ValidationError as exc:
            raise ValidationError(
                {
                    f"criteria.{number}.{field}": messages
                    for field, messages in exc.message_dict.items()
                }
            ) from exc
    codes = [row.code for row in rows]
    for number, code in enumerate(codes):
        if code in codes[:number]:
            raise ValidationError(
                {f"criteria.{number}.code": [_("Elk criterium komt één keer voor.")]}
            )
    Criterion.objects.bulk_create(rows)
    return framework


def _coupling_of_user(coupling: Coupling, user: User) -> None:
    """The row rule of what a party adds to a coupling: only to a coupling the user may
    see (a partner: one its works take part in)."""
    if not Coupling.objects.filter(pk=coupling.pk).visible_to(user).exists():
        raise PermissionDenied


def _party(coupling: Coupling, user: User, organisation: Actor | None) -> Actor:
    """The organisation a partner acts for is its own; a municipal user names one of the
    coupling's parties (the owners of its works) or, by default, its own department."""
    partner = user.partner_organisation
    if partner is not None:
        if organisation is not None and organisation.pk != partner.pk:
            raise ValidationError(
                {"organisation": [_("U kunt alleen voor uw eigen organisatie reageren.")]}
            )
        return partner
    chosen = organisation or user.organisation
    if chosen is None:
        raise ValidationError({"organisation": [_("Kies de organisatie.")]})
    parties = {pk for pk, _name in parties_of(member_works(coupling))}
    if chosen.pk not in parties and chosen.pk != user.organisation_id:
        raise ValidationError({"organisation": [_("Kies een partij van deze koppelkans.")]})
    return chosen


@transaction.atomic
def coupling_respond(
    coupling: Coupling, *, user: User, answer: str, comment: str = ""
) -> CouplingResponse:
    """A partner's answer to a coupling for its own part (akkoord, kan niet, opmerking),
    kept beside the programme manager's decision by the coupling's key. Only a partner
    user answers, and only on a coupling it takes part in (PermissionDenied otherwise);
    "kan niet" and "opmerking" need a comment (ValidationError on `comment`)."""
    partner = user.partner_organisation
    if partner is None:
        raise PermissionDenied
    _coupling_of_user(coupling, user)
    Programme.objects.ensure_changeable(coupling.programme_id)
    response = CouplingResponse(
        programme_id=coupling.programme_id,
        key=coupling.key,
        organisation=partner,
        answer=answer,
        comment=comment.strip(),
        responded_by=user,
    )
    response.full_clean()
    response.save()
    alerts.notify_response(coupling.programme, coupling, response)
    return response


@transaction.atomic
def reservation_add(
    coupling: Coupling,
    *,
    user: User,
    kind: str,
    length: Decimal,
    note: str = "",
    organisation: Actor | None = None,
) -> CouplingReservation:
    """A party rides along in the coupling's opening: a duct, sleeve or cable route of
    `length` metres laid in the same trench (counted in the coupling's savings, see
    `programming.couplings.reservation_saving`). A partner reserves for its own
    organisation on a coupling it takes part in."""
    _coupling_of_user(coupling, user)
    Programme.objects.ensure_changeable(coupling.programme_id)
    reservation = CouplingReservation(
        programme_id=coupling.programme_id,
        key=coupling.key,
        organisation=_party(coupling, user, organisation),
        kind=kind,
        length=length,
        note=note.strip(),
        created_by=user,
    )
    reservation.full_clean()
    reservation.save()
    return reservation


@transaction.atomic
def coupling_cost_sharing_save(
    coupling: Coupling,
    *,
    user: User | None,
    rule: str,
    items: dict[str, Decimal | None],
    agreed: dict[str, Decimal] | None = None,
) -> CouplingCostSharing:
    """Set how a coupling's shared opening cost is split, and its cost items (None: the
    default from the members). Agreed amounts (rule `afspraak`) are per party of the
    coupling and add up to the shared cost (ValidationError on `agreed` otherwise)."""
    Programme.objects.ensure_changeable(coupling.programme_id)
    sharing = CouplingCostSharing.objects.select_for_update().filter(
        programme_id=coupling.programme_id, key=coupling.key
    ).first() or CouplingCostSharing(programme_id=coupling.programme_id, key=coupling.key)
    sharing.rule = rule
    for name, value in items.items():
        setattr(sharing, name, value)
    sharing.agreed = {str(k): str(v) for k, v in (agreed or {}).items()}
    sharing.changed_by = user
    sharing.full_clean()
    if rule == CostRule.AGREED:
        works = list(member_works(coupling))
        split = cost_split(
            members_of(works),
            sharing=sharing,
            opening_cost_share=coupling.programme.opening_cost_share,
            distance=float(coupling.programme.coupling_distance),
        )
        parties = {party_key(p.organisation_id) for p in split.parties}
        if set(sharing.agreed) - parties:
            raise ValidationError(
                {"agreed": [_("Geef alleen bedragen voor partijen van deze koppelkans.")]}
            )
        given = sum((Decimal(v) for v in sharing.agreed.values()), Decimal(0))
        if given != split.shared.total:
            raise ValidationError(
                {
                    "agreed": [
                        _(
                            "De afgesproken bedragen tellen op tot € %(given)s; "
                            "de gedeelde kosten zijn € %(total)s."
                        )
                        % {"given": given, "total": split.shared.total}
                    ]
                }
            )
    sharing.save()
    return sharing
