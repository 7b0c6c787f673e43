"""`engine.beside`: work in a forked process, which shares as little memory as it can."""

import ctypes
import multiprocessing
import os
import time

import pytest

from programming.engine.beside import beside

forking = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(), reason="no fork on this system"
)


def resident_kib() -> int:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1])


@forking
def test_the_answer_comes_from_another_process():
    with beside(os.getpid) as answer:
        assert answer() != os.getpid()


@forking
def test_the_forked_process_ends_once_its_answer_is_here_not_when_the_block_ends():
    """It no longer holds the memory it shared while this process goes on in the block."""
    with beside(os.getpid) as answer:
        forked = answer()
        waited = 0.0
        while any(p.pid == forked for p in multiprocessing.active_children()) and waited < 30:
            time.sleep(0.05)
            waited += 0.05
        assert all(p.pid != forked for p in multiprocessing.active_children())


@forking
def test_what_it_raised_is_raised_by_the_answer():
    def fails():
        raise ValueError("beside")

    with beside(fails) as answer, pytest.raises(ValueError, match="beside"):
        answer()


@pytest.mark.skipif(
    not os.path.exists("/proc/self/status")
    or getattr(ctypes.CDLL(None), "malloc_trim", None) is None,
    reason="needs Linux's /proc and glibc's malloc_trim",
)
@forking
def test_freed_memory_goes_back_to_the_system_before_the_fork():
    """The process does not hand the forked one pages it freed: 100 MB of 1 KB blocks
    (malloc's, not Python's small-object arenas), all freed but every 100th, stay
    resident until `beside` gives them back."""
    blocks = [bytes(1024) + bytes([i % 256]) for i in range(100_000)]
    kept = blocks[::100]
    del blocks
    freed_but_resident = resident_kib()

    with beside(os.getpid) as answer:
        given_back = freed_but_resident - resident_kib()
        answer()

    assert kept
    assert given_back > 50_000, f"only {given_back} KiB given back"
