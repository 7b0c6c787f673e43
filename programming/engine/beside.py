"""Work done beside this process: in a forked process on the other core.

The forked process inherits the work and everything it reads (a city's frames and cost
tensor are hundreds of MB) instead of receiving them pickled; only its answer comes
back pickled.
"""

from __future__ import annotations

import functools
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

#: The work a forked process does (`beside`), inherited, not pickled.
_inherited: list[Callable[[], Any]] = []


def _inherit(work: Callable[[], Any]) -> None:
    _inherited.append(work)


def _do_inherited() -> Any:
    return _inherited[-1]()


@contextmanager
def beside(work: Callable[[], T], wanted: bool = True) -> Iterator[Callable[[], T]]:
    """Start `work` in a forked process, and give a function that waits for its answer
    (and raises what it raised). Where forking is not `wanted` (too little work to pay
    for a process) or not possible, `work` runs in this process instead, when that
    function is first called. Leaving the block waits for the forked process to end.

    The forked process must not use what belongs to this one: a database connection,
    say. It leaves as multiprocessing's processes do, with `os._exit`, and so never
    closes what it inherited.
    """
    if not wanted or "fork" not in multiprocessing.get_all_start_methods():
        yield functools.cache(work)
        return
    with ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_inherit,
        initargs=(work,),
    ) as pool:
        yield pool.submit(_do_inherited).result
