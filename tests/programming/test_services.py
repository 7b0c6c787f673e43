"""Computing a programme from the database and storing its content."""

import gc
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.db.models.signals import post_delete, pre_delete

import programming.engine as engine
from assets.models import Asset, AssetClass
from assets.services import asset_classes_load_defaults
from programming import alerts, realised, services
from programming.choices import CouplingDecisionStatus, RunStatus
from programming.engine import Planned
from programming.engine.instance import UnfundedRow
from programming.models import (
    Coupling,
    CouplingDecision,
    KpiValue,
    ProgrammeRun,
    UnfundedItem,
    Work,
    WorkCost,
    WorkHours,
)
from programming.selectors import adopted_baseline, programme_differences, programme_instance
from programming.services import (
    programme_adopt,
    programme_compute,
    programme_copy,
)
from programming.tasks import programme_enqueue
from projects.choices import Certainty, ProjectKind
from projects.models import Funding, Project
from stakeholders.models import BudgetAmount, BudgetLine
from tests.factories import (
    ActorFactory,
    AreaFactory,
    BudgetLineFactory,
    CriterionFactory,
    FundingFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

STREET = "LINESTRING (214000 502500, 214200 502500)"


@pytest.fixture
def street():
    """Kerkstraat, 200 m: a 1965 concrete sewer (end of life 2025, window 2026–2040 here),
    an asphalt layer of 2010 (2028, window 2026–2032) and a grid operator's cable work
    planned for 2028 that may shift a year either way. Budgets are ample."""
    outline = (
        "POLYGON ((210000 495000, 220000 495000, 220000 505000, 210000 505000, 210000 495000))"
    )
    gemeente = AreaFactory(name="Dalfsen", geometry=outline)
    kern = AreaFactory(kern=True, parent=gemeente, geometry=outline)
    wijk = AreaFactory(wijk=True, parent=kern, geometry=outline)
    buurt = AreaFactory(buurt=True, parent=wijk, name="Centrum", geometry=outline)
    municipality = ActorFactory(name="Gemeente")
    grid = ActorFactory(partner=True, name="Netbeheerder")
    lines = {}
    for code in ("grp-riolering", "wegen", "enexis"):
        line = lines[code] = BudgetLineFactory(
            code=code, owner=grid if code == "enexis" else municipality
        )
        BudgetAmount.objects.bulk_create(
            BudgetAmount(budget_line=line, year=year, amount=Decimal(5_000_000))
            for year in range(2026, 2036)
        )
    asset_classes_load_defaults()
    for external_id, code, year, quantity in (
        ("R1", "riool-beton", 1965, 200),
        ("A1", "asfalt", 2010, 1400),
    ):
        Asset.objects.create(
            source="gbi",
            external_id=external_id,
            asset_class=AssetClass.objects.get(code=code),
            area=buurt,
            street="Kerkstraat",
            geometry=STREET,
            quantity=quantity,
            construction_year=year,
        )
    cable = ProjectFactory(
        code="E-1", name="Netversterking Kerkstraat", kind=ProjectKind.TRANSITIE, owner=grid,
        street="Kerkstraat", geometry=STREET, start_year=2028, end_year=2028, shift_early=1,
        shift_late=1, opens_street=True, certainty=Certainty.VASTGESTELD,
    )  # fmt: skip
    cable.areas.add(buurt)
    FundingFactory(project=cable, budget_line=lines["enexis"], year=2028, amount=Decimal(300_000))
    programme = ProgrammeFactory(first_year=2026, horizon=10, price_year=2025)
    for code in ("urgentie", "koppeling", "ambitie"):
        CriterionFactory(framework=programme.framework, code=code, weight=Decimal(10))
    return programme


def test_a_programme_is_computed_and_its_content_stored(street):
    result = programme_compute(street)

    works = {w.key: w for w in Work.objects.filter(programme=street)}
    assert "P:E-1" in works
    assert {w.kind for w in works.values()} == {"maatregel", "partner"}
    assert all(w.scheduled_year for w in works.values()), "ample budget: everything fits"
    coupling = Coupling.objects.get(programme=street)
    assert set(coupling.works.values_list("key", flat=True)) == set(works), (
        "one street, one cluster"
    )
    assert len({w.scheduled_year for w in works.values()}) == 1, "the cluster shares a year"
    assert coupling.openings_avoided == 1, "sewer and cable would open the street twice"
    cheaper = min(
        works["P:E-1"], works[next(k for k in works if "riolering" in k)], key=lambda w: w.cost
    )
    assert cheaper.saving == (cheaper.cost * Decimal("0.3")).quantize(Decimal("0.01")), (
        "the cheaper opener shares the trench and saves its opening part"
    )
    assert KpiValue.objects.filter(programme=street, code="graafmomenten_integraal").exists()
    run = ProgrammeRun.objects.get(programme=street)
    assert (run.status, run.progress) == (RunStatus.DONE, 100)
    assert run.stats["works"] == len(result.works)
    street.refresh_from_db()
    assert street.computed_at is not None


def test_the_run_record_accounts_for_every_timed_step(street):
    """The run's seconds name every step of the computation, the result objects, the
    part of them the plan does not change, the snapshot of the previous results and the
    rows the plan does not change included; the last three are taken during the
    schedule (`engine.plan`'s `meanwhile`), so they count there. The total is the time
    the whole
    took: at least any step's, at most the time the call took (steps overlap on a city,
    `engine.plan`, so it is not their sum)."""
    started = time.perf_counter()
    programme_compute(street)
    took = time.perf_counter() - started

    seconds = ProgrammeRun.objects.get(programme=street).stats["seconds"]
    steps = {
        *("load", "lifecycle", "measures", "prepare", "couplings", "scoring", "schedule"),
        *("graafrust", "unfunded", "kpis", "results", "store", "alerts"),
    }
    assert set(seconds) == steps | {"fixed", "snapshot", "rows", "total"}
    assert max(seconds[step] for step in steps) <= seconds["total"] <= took
    assert sum(seconds[step] for step in steps) == pytest.approx(seconds["total"], rel=0.5)
    assert 0 < seconds["fixed"] + seconds["snapshot"] + seconds["rows"] <= seconds["schedule"]


def test_the_collector_is_off_through_the_whole_computation(street, monkeypatch):
    """Also in the steps between the engine's and the store's own pauses: the previous
    results' snapshot, the realisations and the alerts. On again after."""
    seen = {}

    def watched(module, name):
        function = getattr(module, name)

        def call(*args, **kwargs):
            seen[name] = gc.isenabled()
            return function(*args, **kwargs)

        monkeypatch.setattr(module, name, call)

    for module, name in (
        (realised, "with_realisations"),
        (alerts, "snapshot"),
        (alerts, "notify_computation"),
    ):
        watched(module, name)
    assert gc.isenabled()

    programme_compute(street)

    assert seen == {"with_realisations": False, "snapshot": False, "notify_computation": False}
    assert gc.isenabled()


def test_the_programme_settings_reach_the_engine(street):
    """Grouping per area, the overlap, the backlog window and the time limit are the
    programme's, not the engine's defaults."""
    street.measure_grouping = "object"
    street.coupling_overlap = Decimal("0.80")
    street.backlog_years = 5
    street.time_limit = 7
    Asset.objects.filter(external_id="R1").update(construction_year=1940)  # overdue since 2015
    instance = programme_instance(street)
    params = instance.parameters
    assert (params.coupling_overlap, params.time_limit) == (0.8, 7.0)
    measures = [w for w in instance.works if w.kind == "maatregel"]
    assert len(measures) == 2, "per object: the sewer and the asphalt layer apart"
    sewer = next(w for w in measures if "riolering" in w.key)
    assert (sewer.window_start, sewer.window_end) == (2026, 2030), "overdue: five years"


def test_a_failed_computation_leaves_the_previous_results_untouched(street, monkeypatch):
    programme_compute(street)
    before = sorted(Work.objects.filter(programme=street).values_list("key", "scheduled_year"))

    def broken(*args, **kwargs):
        raise RuntimeError("solver crashed")

    monkeypatch.setattr(services, "plan", broken)
    with pytest.raises(RuntimeError):
        programme_compute(street)

    assert (
        sorted(Work.objects.filter(programme=street).values_list("key", "scheduled_year")) == before
    )
    failed = ProgrammeRun.objects.filter(programme=street).latest("created_at")
    assert failed.status == RunStatus.FAILED
    assert "solver crashed" in failed.message


def test_a_coupling_decision_survives_recomputation(street):
    programme_compute(street)
    coupling = Coupling.objects.get(programme=street)
    CouplingDecision.objects.create(
        programme=street, key=coupling.key, status=CouplingDecisionStatus.ACCEPTED
    )

    programme_compute(street)

    again = Coupling.objects.get(programme=street)
    assert again.key == coupling.key
    assert again.pk != coupling.pk, "results are replaced, not updated"


def content_of(programme):
    """The programme's stored content by key, without the database ids a store assigns."""
    return {
        "works": sorted(Work.objects.filter(programme=programme).values_list("key", "cost")),
        "costs": sorted(
            WorkCost.objects.filter(work__programme=programme).values_list(
                "work__key", "budget_line__code", "offset", "amount"
            )
        ),
        "unfunded": sorted(
            UnfundedItem.objects.filter(work__programme=programme).values_list("work__key", "gap")
        ),
        "couplings": sorted(
            Coupling.objects.filter(programme=programme).values_list("key", "savings")
        ),
        "members": sorted(
            Work.objects.filter(programme=programme, coupling__isnull=False).values_list(
                "key", "coupling__key"
            )
        ),
        "kpis": sorted(
            KpiValue.objects.filter(programme=programme).values_list("code", "year", "value"),
            key=repr,
        ),
    }


def test_a_recomputation_replaces_only_its_own_content(street):
    """The store deletes the previous works, their costs and gaps, the couplings and the
    KPIs table by table: a recomputation leaves one copy of each, and a scenario's
    content stays as it was."""
    BudgetAmount.objects.filter(budget_line__code="grp-riolering").update(amount=1)
    programme_compute(street)
    scenario = programme_copy(street, name="Scenario")
    programme_compute(scenario)
    first, other = content_of(street), content_of(scenario)
    assert all(first.values()), "costs, gaps, a coupling and KPIs to replace"

    programme_compute(street)

    assert content_of(street) == first
    assert content_of(scenario) == other
    assert WorkCost.objects.count() == 2 * len(first["costs"]), "no rows of deleted works"
    assert UnfundedItem.objects.count() == 2 * len(first["unfunded"])


def test_stored_beside_the_unfunded_analysis_the_content_is_the_same(street, monkeypatch):
    """On a city the plan is stored while the engine still finds the unfunded works and
    the KPIs in another process (`engine.plan`); the content is the same."""
    BudgetAmount.objects.filter(budget_line__code="grp-riolering").update(amount=1)
    programme_compute(street)
    here = content_of(street)
    assert here["unfunded"], "a work without money, found beside"
    assert here["kpis"]

    monkeypatch.setattr(engine, "BESIDE_FROM", 1)
    programme_compute(street)

    assert content_of(street) == here


def test_each_work_is_stored_with_the_score_and_breakdown_the_engine_gave_it(street):
    """Built with the rows the plan does not change (`Fixed.scored`), in the columns of
    WORK_FIELDS: the stored work's score and points per criterion are the engine's."""
    result = programme_compute(street)

    stored = Work.objects.filter(programme=street).values_list("key", "score", "score_breakdown")
    assert {key: (score, breakdown) for key, score, breakdown in stored} == {
        w.key: (w.score, w.breakdown) for w in result.works
    }
    assert len({score for _, score, _ in stored}) > 1, "works with different scores"


def test_the_rows_the_plan_does_not_change_are_built_once_while_the_engine_solves(
    street, monkeypatch
):
    """`programme_compute` builds them in the engine's `meanwhile` and the store uses
    them: not built again."""
    built = []
    build = services.store_rows
    monkeypatch.setattr(services, "store_rows", lambda *args: built.append(1) or build(*args))

    programme_compute(street)

    assert built == [1]
    assert content_of(street)["costs"], "costs stored from those rows"


def test_rows_built_before_the_store_refer_to_the_ids_as_they_are_when_storing(street):
    """Built while HiGHS solves, they may name a budget line that changed before the
    store took its lock: here "wegen" was renamed and a new line took its code. The
    costs go to the new line, as they would without rows built before."""
    instance = programme_instance(street)
    result = engine.run(instance)
    rows = services.store_rows(
        street, instance, {w.key: (w.score, w.breakdown) for w in result.works}
    )
    assert any(line == BudgetLine.objects.get(code="wegen").pk for _, line, _, _ in rows.costs)
    BudgetLine.objects.filter(code="wegen").update(code="wegen-oud")
    BudgetLineFactory(code="wegen")

    services.store_result(street, instance, result, rows=rows)

    lines = WorkCost.objects.filter(work__programme=street).values_list("budget_line__code")
    assert {code for (code,) in lines} == {"wegen", "grp-riolering", "enexis"}


def test_a_failure_beside_the_store_leaves_the_previous_results_untouched(street, monkeypatch):
    """The works are written before the unfunded analysis beside them has ended; when it
    fails, they go back with the rest of the store."""
    programme_compute(street)
    before = content_of(street)
    written = []
    real_insert = services.insert_rows

    def recorded(model, fields, rows):
        written.append(model.__name__)
        return real_insert(model, fields, rows)

    def broken(*args, **kwargs):
        raise ValueError("analyse mislukt")

    monkeypatch.setattr(services, "insert_rows", recorded)
    monkeypatch.setattr(engine, "BESIDE_FROM", 1)
    monkeypatch.setattr(engine, "find_unfunded", broken)
    with pytest.raises(ValueError, match="analyse mislukt"):
        programme_compute(street)

    assert "Work" in written, "the works were written before the failure"
    assert content_of(street) == before
    failed = ProgrammeRun.objects.filter(programme=street).latest("created_at")
    assert (failed.status, failed.message) == (RunStatus.FAILED, "ValueError: analyse mislukt")


def test_the_previous_content_is_deleted_beside_the_block_and_a_failure_raised_after(
    street, monkeypatch
):
    """`_deleting_content` runs the deletes in a thread on the store's connection while
    the block builds rows; the block runs to its end, a failing DELETE is raised after
    it, and the transaction takes back what was deleted."""
    programme_compute(street)
    before = content_of(street)
    with transaction.atomic():
        with services._deleting_content(street):
            ran = True
        assert ran
        assert not Work.objects.filter(programme=street).exists()
        assert not KpiValue.objects.filter(programme=street).exists()
        transaction.set_rollback(True)
    assert content_of(street) == before

    statements = services._delete_statements(street)
    broken = [*statements[:1], ("DELETE FROM no_such_table", ())]
    monkeypatch.setattr(services, "_delete_statements", lambda programme: broken)
    with pytest.raises(DatabaseError), transaction.atomic(), services._deleting_content(street):
        ran = "to the end"
    assert ran == "to the end"
    assert content_of(street) == before


def test_the_store_deletes_every_table_that_points_at_the_content():
    """`services._delete_statements` delete the works' costs and gaps before the works, and
    the works before their couplings, with plain DELETEs that skip signals: a new
    relation to these tables, or a signal on them, must be handled there first."""
    pointing_at = {
        model: {(rel.related_model, rel.field.name) for rel in model._meta.related_objects}
        for model in (Work, Coupling)
    }
    assert pointing_at == {
        Work: {(WorkCost, "work"), (UnfundedItem, "work"), (WorkHours, "work")},
        Coupling: {(Work, "coupling")},
    }
    for model in (Work, WorkCost, WorkHours, UnfundedItem, Coupling, KpiValue):
        assert not pre_delete.has_listeners(model), model
        assert not post_delete.has_listeners(model), model


def test_an_adopted_programme_is_not_recomputed(street):
    street.status, street.adopted_on, street.adopted_by = "vastgesteld", "2026-01-15", "raad"
    street.save()
    with pytest.raises(ValueError, match="vastgesteld"):
        programme_compute(street)


def test_a_queued_computation_runs_in_the_task_backend(street, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    run = programme_enqueue(street)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.task_id
    assert Work.objects.filter(programme=street).exists()


def test_a_programme_is_not_queued_twice_while_it_is_computed(street, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    first = programme_enqueue(street)
    with pytest.raises(ValueError, match="al berekend"):
        programme_enqueue(street)
    assert list(street.runs.all()) == [first]
    first.status = RunStatus.DONE
    first.save()
    assert programme_enqueue(street).status == RunStatus.QUEUED


def test_a_scenario_copies_parameters_and_decisions_but_not_the_results(street):
    programme_compute(street)
    coupling = Coupling.objects.get(programme=street)
    CouplingDecision.objects.create(
        programme=street,
        key=coupling.key,
        status=CouplingDecisionStatus.REJECTED,
        reason="te veel hinder",
    )

    scenario = programme_copy(street, name="Krap budget", budget_factor=Decimal("0.5"))

    assert (scenario.based_on, scenario.budget_factor, scenario.horizon) == (
        street,
        Decimal("0.5"),
        10,
    )
    assert scenario.decisions.get().reason == "te veel hinder"
    assert not scenario.works.exists()


def test_later_versions_report_what_moved_since_the_adopted_one(street):
    programme_compute(street)
    programme_adopt(street, adopted_on=date(2026, 1, 15), adopted_by="raad")
    with pytest.raises(ValueError, match="vastgesteld"):
        programme_adopt(street, adopted_on=date(2026, 1, 16), adopted_by="raad")
    version = programme_copy(street, name="IMPOR versie 2")
    Project.objects.filter(code="E-1").update(
        start_year=2031, end_year=2031, shift_early=0, shift_late=0
    )
    Funding.objects.filter(project__code="E-1").update(year=2031)

    programme_compute(version)

    differences = programme_differences(version, street)
    moved = {m["key"]: (m["from"], m["to"]) for m in differences["moved"]}
    assert moved["P:E-1"][1] == 2031, "the cable work moved to its new year"
    assert adopted_baseline(version) == street
    assert version.kpis.get(code="verschoven_werken").value == len(moved)
    assert differences["kpis"]["graafmomenten_integraal"]["baseline"] is not None


def test_a_programme_is_adopted_only_once_it_is_computed(street):
    with pytest.raises(ValueError, match="Bereken"):
        programme_adopt(street, adopted_on=date(2026, 1, 15), adopted_by="raad")


def test_the_command_computes_a_programme_from_the_database(street, capsys):
    call_command("compute_programme", "--programme", str(street.pk))
    assert "werken ingepland" in capsys.readouterr().out
    assert Work.objects.filter(programme=street).exists()


@pytest.mark.parametrize("method", ["milp", "heuristic"])
def test_the_command_computes_a_programme_with_the_method_asked_for(street, method, capsys):
    """A programme this small is solved by the MILP unless --method says otherwise."""
    call_command("compute_programme", "--programme", str(street.pk), "--method", method)
    assert f"; {method} (" in capsys.readouterr().out
    assert street.runs.latest("pk").stats["solver"] == method


def test_the_command_names_a_programme_that_does_not_exist(db):
    with pytest.raises(CommandError, match="geen programma met id 999"):
        call_command("compute_programme", "--programme", "999")


def test_the_reason_code_its_facts_and_the_graafrust_cause_are_stored(street, monkeypatch):
    """The engine's reason code, facts and graafrust cause reach the stored rows (the
    engine's result is rewritten so the test does not depend on when the engine gives
    them)."""
    real_plan = services.plan

    @contextmanager
    def explained(instance, method=None, **options):
        with real_plan(instance, method, **options) as planned:
            sewer = next(w.key for w in planned.works if "riolering" in w.key)
            unfunded = UnfundedRow(
                work=sewer, budget_line="wegen", year=2029, gap=1234.5,
                reason="Wegen 2029 is vol.", code="budget_vol",
                facts={"line": "wegen", "years": [2029], "by": ["P:E-1"]},
            )  # fmt: skip
            works = tuple(
                replace(w, graafrust_cause="moet in 2029") if w.key == sewer else w
                for w in planned.works
            )

            def result():
                return replace(planned.result(), works=works, unfunded=(unfunded,))

            yield Planned(lambda: (works, planned.clusters), result, planned.fixed)

    monkeypatch.setattr(services, "plan", explained)
    programme_compute(street)

    item = UnfundedItem.objects.get(work__programme=street)
    assert (item.code, item.facts["by"], item.gap) == ("budget_vol", ["P:E-1"], Decimal("1234.50"))
    assert item.work.graafrust_cause == "moet in 2029"
    others = Work.objects.filter(programme=street).exclude(pk=item.work_id)
    assert set(others.values_list("graafrust_cause", flat=True)) == {""}
