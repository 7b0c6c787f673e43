"""The engine runs with Python's cyclic garbage collector paused, and hands it back as it
found it: on after a run, still off for a caller that had turned it off, on after an
error."""

import gc

import pytest

from programming.engine import gc_paused, run, staging
from tests.programming.engine.builders import budget, instance, work


def test_the_collector_is_off_while_the_engine_runs_and_on_again_after(monkeypatch):
    seen = []
    prepare = staging.prepare

    def watched(inst):
        seen.append(gc.isenabled())
        return prepare(inst)

    monkeypatch.setattr(staging, "prepare", watched)
    assert gc.isenabled()

    run(instance([work("riool", cost=("riolering", 100))], [budget("riolering", 100)]))

    assert seen == [False]
    assert gc.isenabled()


def test_an_error_in_a_paused_block_turns_the_collector_back_on():
    with pytest.raises(RuntimeError), gc_paused():
        raise RuntimeError

    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
