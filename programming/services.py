"""Writes for programming: computing a programme and storing its content.

`programme_compute` is the one way a programme gets computed, from the command line, the
background task and (later) the pages and the API. Loading and the engine run outside
any transaction; the results replace the previous ones in a single transaction, so a
failed or interrupted computation leaves the previous results untouched.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from impor.models import Area
from programming.choices import ProgrammeStatus, RunStatus
from programming.engine import Stopwatch, run
from programming.engine.instance import Instance, Result
from programming.models import (
    Coupling,
    CouplingDecision,
    KpiValue,
    Programme,
    ProgrammeRun,
    UnfundedItem,
    Work,
    WorkCost,
)
from programming.selectors import (
    NO_FUNDING,
    adopted_baseline,
    programme_differences,
    programme_instance,
)
from projects.models import Project
from stakeholders.models import BudgetLine, Theme

Progress = Callable[[int, str], None]
BATCH = 5_000


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


class RunProgress:
    """Progress of a ProgrammeRun as the user sees it (written outside any transaction)."""

    def __init__(self, record: ProgrammeRun):
        self.record = record

    def __call__(self, percent: int, step: str) -> None:
        self.record.progress = percent
        self.record.step = step
        self.record.save(update_fields=["progress", "step"])


def programme_enqueue(programme: Programme, *, user=None) -> ProgrammeRun:
    """Queue a computation for the background worker; the run shows its progress."""
    from programming.tasks import compute_programme  # programming.tasks imports this module

    if programme.is_adopted:
        raise ValueError("Een vastgesteld programma wordt niet opnieuw berekend.")
    record = ProgrammeRun.objects.create(programme=programme, requested_by=user)
    queued = compute_programme.enqueue(record.pk)
    ProgrammeRun.objects.filter(pk=record.pk).update(task_id=str(queued.id))
    record.refresh_from_db()
    return record


def programme_compute(
    programme: Programme, *, record: ProgrammeRun | None = None, progress: Progress | None = None
) -> Result:
    """Compute a programme and store its content; the run record follows the progress.

    Steps: load measures and works (10%), run the engine (30%), store the results (80%),
    done (100%). On any error the run is marked failed and the error re-raised; the
    previous results stay as they were.
    """
    if programme.is_adopted:
        raise ValueError("Een vastgesteld programma wordt niet opnieuw berekend.")
    record = record or ProgrammeRun.objects.create(programme=programme)
    report = progress or RunProgress(record)
    record.status = RunStatus.RUNNING
    record.started_at = timezone.now()
    record.save(update_fields=["status", "started_at"])
    try:
        clock = Stopwatch()
        report(10, "werken en budgetten laden")
        instance = programme_instance(programme, clock=clock)
        report(30, "koppelkansen zoeken, prioriteren en plannen")
        result = run(instance)
        report(80, "resultaten opslaan")
        with clock("store"):
            store_result(programme, instance, result)
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
    seconds["total"] = round(sum(v for k, v in seconds.items() if k != "total"), 4)
    record.stats = {
        **stats,
        "seconds": seconds,
        "works": len(result.works),
        "clusters": len(result.clusters),
    }
    record.save(update_fields=["status", "progress", "step", "finished_at", "stats"])
    return result


@transaction.atomic
def store_result(programme: Programme, instance: Instance, result: Result) -> None:
    """Replace the programme's computed content with `result`, all or nothing."""
    Work.objects.filter(programme=programme).delete()
    Coupling.objects.filter(programme=programme).delete()
    KpiValue.objects.filter(programme=programme).delete()

    lines = dict(BudgetLine.objects.values_list("code", "pk"))
    areas = {str(pk): pk for pk in Area.objects.values_list("pk", flat=True)}
    themes = dict(Theme.objects.values_list("code", "pk"))
    projects = dict(Project.objects.values_list("code", "pk"))
    area_of = {w.key: w.area for w in instance.works}
    street_of = {w.key: w.street for w in instance.works if w.street}

    couplings = Coupling.objects.bulk_create(
        [
            Coupling(
                programme=programme,
                key=cluster.key,
                kind=cluster.kind,
                area_id=areas.get(area_of.get(cluster.members[0]) or ""),
                street=next((street_of[k] for k in cluster.members if k in street_of), "")[:200],
                window_start=cluster.window_start or programme.first_year,
                window_end=cluster.window_end or programme.last_year,
                year=cluster.year,
                savings=_money(cluster.savings),
                openings_avoided=cluster.openings_avoided,
                score=cluster.score,
            )
            for cluster in result.clusters
        ],
        batch_size=BATCH,
    )
    coupling_ids = {c.key: c.pk for c in couplings}
    outcome = {w.key: w for w in result.works}
    rows = []
    for work in instance.works:
        done = outcome[work.key]
        rows.append(
            Work(
                programme=programme,
                key=work.key,
                kind=work.kind,
                label=work.label[:300],
                project_id=projects.get(work.key[2:]) if work.key.startswith("P:") else None,
                area_id=areas.get(work.area or ""),
                street=(work.street or "")[:200],
                geometry=work.geometry or "",
                window_start=work.window_start,
                window_end=work.window_end,
                preferred_year=work.preferred_year,
                scheduled_year=done.scheduled_year,
                cost=_money(sum(sum(amounts) for amounts in work.costs.values())),
                saving=_money(done.saving),
                opens_street=work.opens_street,
                certainty=work.certainty,
                must_do=work.must_do,
                score=done.score,
                score_breakdown=done.breakdown,
                coupling_id=coupling_ids.get(done.cluster),
                breaks_graafrust=done.breaks_graafrust,
            )
        )
    stored = {w.key: w.pk for w in Work.objects.bulk_create(rows, batch_size=BATCH)}
    WorkCost.objects.bulk_create(
        [
            WorkCost(
                work_id=stored[work.key],
                budget_line_id=lines[line],
                offset=offset,
                amount=_money(amount),
            )
            for work in instance.works
            for line, amounts in work.costs.items()
            if line != NO_FUNDING
            for offset, amount in enumerate(amounts)
        ],
        batch_size=BATCH,
    )
    UnfundedItem.objects.bulk_create(
        [
            UnfundedItem(
                work_id=stored[row.work],
                budget_line_id=lines.get(row.budget_line or ""),
                year=row.year,
                gap=_money(row.gap),
                reason=row.reason[:300],
            )
            for row in result.unfunded
        ],
        batch_size=BATCH,
    )
    KpiValue.objects.bulk_create(
        [
            KpiValue(
                programme=programme,
                code=kpi.code,
                year=kpi.year,
                area_id=areas.get(kpi.area or ""),
                budget_line_id=lines.get(kpi.budget_line or ""),
                theme_id=themes.get(kpi.theme or ""),
                value=kpi.value,
            )
            for kpi in result.kpis
        ],
        batch_size=BATCH,
    )
    baseline = adopted_baseline(programme)
    if baseline is not None:
        moved = programme_differences(programme, baseline)["moved"]
        KpiValue.objects.create(programme=programme, code="verschoven_werken", value=len(moved))
    programme.computed_at = timezone.now()
    programme.save(update_fields=["computed_at"])


@transaction.atomic
def programme_copy(programme: Programme, *, name: str, user=None, **changes) -> Programme:
    """A scenario: the programme's parameters, budget overrides and coupling decisions
    under a new name, with `changes` applied (e.g. budget_factor, horizon, framework).
    Its content is computed afresh; the copy remembers what it was based on."""
    copy = Programme(
        name=name,
        description=programme.description,
        first_year=programme.first_year,
        horizon=programme.horizon,
        framework=programme.framework,
        price_year=programme.price_year,
        coupling_distance=programme.coupling_distance,
        coupling_overlap=programme.coupling_overlap,
        measure_grouping=programme.measure_grouping,
        backlog_years=programme.backlog_years,
        time_tolerance=programme.time_tolerance,
        graafrust_years=programme.graafrust_years,
        opening_cost_share=programme.opening_cost_share,
        budget_factor=programme.budget_factor,
        carry_over=programme.carry_over,
        time_limit=programme.time_limit,
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
def programme_adopt(programme: Programme, *, adopted_on, adopted_by: str) -> Programme:
    """Adopt (vaststellen) a computed programme: it is frozen from now on."""
    if programme.is_adopted:
        raise ValueError("Dit programma is al vastgesteld.")
    if programme.computed_at is None:
        raise ValueError("Bereken het programma voordat het wordt vastgesteld.")
    programme.status = ProgrammeStatus.VASTGESTELD
    programme.adopted_on = adopted_on
    programme.adopted_by = adopted_by
    programme.full_clean()
    programme.save(update_fields=["status", "adopted_on", "adopted_by", "updated_at"])
    return programme
