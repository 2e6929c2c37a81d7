"""Sharing the CPU-bound work of large runs between two processes."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

PROCESSES = 2


def map_in_processes(
    function: Callable[[Item], Result], items: Sequence[Item], *, chunksize: int
) -> list[Result]:
    """`function` of each item, in order, computed by two forked worker processes.

    An exception raised by `function` is raised here, as it would be without workers. A
    process running other threads maps the items itself: forking it could leave a lock
    held forever in the child. (Forked, not spawned: a spawned worker imports the caller's
    main script again, and costs a second of imports.)
    """
    if threading.active_count() > 1:
        return list(map(function, items))
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(PROCESSES, mp_context=context) as pool:
        return list(pool.map(function, items, chunksize=chunksize))
