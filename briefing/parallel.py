"""Sharing the CPU-bound work of large runs between two processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PROCESSES = 2


def map_in_processes(
    function: Callable[[Item], Result], items: Sequence[Item], *, chunksize: int
) -> list[Result]:
    """`function` of each item, in order, computed by two forked worker processes.

    An exception raised by `function` is raised here, as it would be without workers; Ctrl-C
    stops the parent alone, which drops the items not started yet. A process running other
    threads maps the items itself: forking it could leave a lock held forever in the child.
    So does a system that cannot fork (Windows) or has one core. (Forked, not spawned: a
    spawned worker imports the caller's main script again, and costs a second of imports.)
    """
    return list(results_in_processes(function, items, chunksize=chunksize))


def results_in_processes(
    function: Callable[[Item], Result], items: Sequence[Item], *, chunksize: int
) -> Iterator[Result]:
    """`map_in_processes`, handing each result over as soon as it is ready, so the caller
    need not hold them all at once."""
    pool = start_workers()
    if pool is None:
        yield from map(function, items)
        return
    try:
        yield from pool.map(function, items, chunksize=chunksize)
    finally:
        # On an error or Ctrl-C, or when the caller stops early, the items not started are
        # dropped, not worked through.
        pool.shutdown(cancel_futures=True)


def start_workers() -> ProcessPoolExecutor | None:
    """Two forked worker processes to hand calls to (the caller shuts them down), or None
    where `map_in_processes` would map the items itself. They fork at the first call handed
    over, so hand one over before starting other threads."""
    if not _can_fork_workers():
        return None
    context = multiprocessing.get_context("fork")
    return ProcessPoolExecutor(PROCESSES, mp_context=context, initializer=_leave_interrupts)


def _leave_interrupts() -> None:
    """Make a worker ignore Ctrl-C: it reaches the whole process group, and only the parent
    should stop on it (a worker interrupted while it waits for work prints a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _can_fork_workers() -> bool:
    """Whether forked workers are possible here and worth it."""
    return (
        "fork" in multiprocessing.get_all_start_methods()
        and (os.cpu_count() or 1) >= PROCESSES
        and threading.active_count() == 1
    )
