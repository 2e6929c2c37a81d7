"""Sharing the CPU-bound work of large runs between two processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.connection import Connection
from typing import Generic, TypeVar

from briefing.memory import cycle_collector_paused

Item = TypeVar("Item")
Result = TypeVar("Result")
Request = TypeVar("Request")
Answer = TypeVar("Answer")

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


class Beside(Generic[Request, Answer]):
    """A forked process that handles requests one at a time, in the order they are sent,
    with the `handle` it was given, while the parent goes on with other work. It sees the
    parent's objects as they were when it forked, so only requests and answers are pickled.
    An exception `handle` raises is raised in the parent by the first `receive` that reads
    past it."""

    def __init__(self, handle: Callable[[Request], Answer]) -> None:
        context = multiprocessing.get_context("fork")
        self._connection, theirs = context.Pipe()
        self._process = context.Process(target=_serve, args=(handle, theirs), daemon=True)
        self._process.start()
        theirs.close()
        self._sent = self._read = 0
        self._answers: dict[int, Answer] = {}  # read, not yet received

    def send(self, request: Request) -> int:
        """Send a request without waiting; its number, to `receive` its answer by."""
        self._connection.send(request)
        self._sent += 1
        return self._sent - 1

    def receive(self, number: int) -> Answer:
        """The answer to request `number`, once it (and every request before it) is handled."""
        while self._read <= number:
            self._answers[self._read] = self._answer()
            self._read += 1
        return self._answers.pop(number)

    def _answer(self) -> Answer:
        try:
            failed, answer = self._connection.recv()
        except EOFError:
            raise RuntimeError("a worker process ended without answering") from None
        if failed:
            raise answer
        return answer

    def stop(self) -> None:
        """End the process, whatever it is doing."""
        self._process.kill()
        self._process.join()
        self._connection.close()


def start_beside(handle: Callable[[Request], Answer]) -> Beside[Request, Answer] | None:
    """A `Beside` process running `handle`, or None where `map_in_processes` would not fork
    either. Start it before starting other threads."""
    return Beside(handle) if _can_fork_workers() else None


@cycle_collector_paused()
def _serve(handle: Callable[[Request], Answer], connection: Connection) -> None:
    """A `Beside` process's loop: answer each request, or send back the error it raised.
    The cycle collector stays paused: the process lives for one run, and a collection
    would scan (and so copy) every object it shares with its parent."""
    _leave_interrupts()
    while True:
        try:
            request = connection.recv()
        except EOFError:  # the parent closed its end
            return
        try:
            connection.send((False, handle(request)))
        except Exception as error:  # the parent raises it
            connection.send((True, error))


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
