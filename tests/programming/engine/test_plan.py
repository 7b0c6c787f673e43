"""`engine.plan`: the plan first, the unfunded works and the KPIs beside it."""

import os
import time
from dataclasses import replace

import pytest

import programming.engine as engine
from programming.engine import plan, run
from tests.programming.engine.builders import budget, instance, work


def tight():
    """€100 in 2026 for A (€55), B (€45) and C (€10), which can only start in 2026: A and
    B fill the year (value 100 against 67 or 57 with C), so C is unfunded, €10 short."""
    return instance(
        [
            work("A", value=55, cost=("wegen", 55)),
            work("B", value=45, cost=("wegen", 45)),
            work("C", value=12, cost=("wegen", 10)),
        ],
        [budget("wegen", 100)],
    )


def without_seconds(result):
    return replace(result, stats=replace(result.stats, seconds={}))


@pytest.fixture
def forked(monkeypatch):
    """Every instance is big enough to find its unfunded works and KPIs beside."""
    monkeypatch.setattr(engine, "BESIDE_FROM", 1)


def test_found_beside_or_here_the_result_is_the_same(monkeypatch):
    here = run(tight())
    monkeypatch.setattr(engine, "BESIDE_FROM", 1)
    beside = run(tight())

    assert without_seconds(beside) == without_seconds(here)
    assert [(row.work, row.gap) for row in here.unfunded] == [("C", 10.0)]
    reasons = {w.key: w.unfunded_reason for w in beside.works}
    assert reasons["C"] == here.unfunded[0].reason
    assert (reasons["A"], reasons["B"]) == (None, None)
    assert {"unfunded", "kpis", "total"} <= set(beside.stats.seconds)


def test_the_planned_works_are_the_results_but_for_the_unfunded_reason(forked):
    with plan(tight()) as planned:
        works = planned.works
        result = planned.result()

    assert works == tuple(replace(w, unfunded_reason=None) for w in result.works)
    assert planned.clusters == result.clusters
    assert planned.result() is result


def test_the_unfunded_works_are_found_in_another_process_while_the_block_runs(
    forked, monkeypatch, tmp_path
):
    """The analysis (in the forked process) leaves a file with its process id; the block
    waits for that file before it asks for the result, which it would wait for in vain
    if the analysis only ran when the result is asked for."""
    started = tmp_path / "started"
    real = engine.find_unfunded

    def announced(*args, **kwargs):
        started.write_text(str(os.getpid()))
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "find_unfunded", announced)
    with plan(tight()) as planned:
        deadline = time.monotonic() + 60
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert started.exists(), "the analysis did not start beside the block"
        result = planned.result()

    assert int(started.read_text()) != os.getpid()
    assert [row.work for row in result.unfunded] == ["C"]


def test_below_the_threshold_the_analysis_runs_in_this_process(monkeypatch):
    pids = []
    real = engine.find_unfunded

    def recorded(*args, **kwargs):
        pids.append(os.getpid())
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "find_unfunded", recorded)
    run(tight())
    assert pids == [os.getpid()]


def test_a_failure_beside_is_raised_by_the_result(forked, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("analyse mislukt")

    monkeypatch.setattr(engine, "find_unfunded", broken)
    with plan(tight()) as planned:
        assert [w.key for w in planned.works] == ["A", "B", "C"]
        with pytest.raises(ValueError, match="analyse mislukt"):
            planned.result()


def test_the_works_and_clusters_are_built_when_first_asked_for(monkeypatch):
    """So the caller can start work of its own beside building them (the services
    delete the previous content meanwhile); built once."""
    built = []
    real = engine.work_results

    def counted(*args, **kwargs):
        built.append(True)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "work_results", counted)
    with plan(tight()) as planned:
        assert built == []
        clusters, works = planned.clusters, planned.works
        assert built == [True]
        result = planned.result()

    assert built == [True]
    assert (clusters, len(works)) == (result.clusters, 3)


def test_the_callers_work_is_given_the_fixed_part_the_results_are_built_from(monkeypatch):
    """`meanwhile` gets the results' `Fixed` part, built once, the same `Planned.fixed`
    holds; the works' results carry its scores and breakdowns."""
    built, given = [], []
    real = engine.fixed_results
    monkeypatch.setattr(engine, "fixed_results", lambda *args: built.append(1) or real(*args))

    with plan(tight(), meanwhile=given.append) as planned:
        works = planned.works
        assert given == [planned.fixed]
        assert given[0].keys == ["A", "B", "C"]
        assert [(w.score, w.breakdown) for w in works] == list(
            zip(given[0].scores, given[0].breakdowns, strict=True)
        )
    assert built == [1]
