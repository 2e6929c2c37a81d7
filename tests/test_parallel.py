import os
import signal
import subprocess
import sys
import threading

import pytest

from briefing.parallel import map_in_processes, start_beside


def _process_id(_: int) -> int:
    return os.getpid()


def test_results_come_back_in_the_order_of_the_items():
    items = list(range(-60, 60))
    assert map_in_processes(abs, items, chunksize=7) == list(map(abs, items))


def test_an_error_in_a_worker_is_raised_as_it_would_be_without_workers():
    with pytest.raises(ValueError, match="invalid literal"):
        map_in_processes(int, ["1", "2", "x"], chunksize=1)


def test_a_process_running_other_threads_maps_the_items_itself():
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert set(map_in_processes(_process_id, list(range(10)), chunksize=1)) == {os.getpid()}
    finally:
        release.set()
        waiting.join()


def test_a_system_that_cannot_fork_maps_the_items_itself(monkeypatch):
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert set(map_in_processes(_process_id, list(range(10)), chunksize=1)) == {os.getpid()}


def test_a_single_core_maps_the_items_itself(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert set(map_in_processes(_process_id, list(range(10)), chunksize=1)) == {os.getpid()}


# Item 0 waits until the test writes to the process's stdin (standing for a long chunk of
# work), the others end at once: by the fourth "started", one worker waits for work.
_INTERRUPTED_RUN = """
import os
import sys
from briefing.parallel import map_in_processes, start_beside

def work(item):
    os.write(1, b"started\\n")  # one write: two workers' lines never mix
    if item == 0:
        os.read(0, 1)
    return item

try:
    map_in_processes(work, list(range(4)), chunksize=1)
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
"""


def test_ctrl_c_stops_the_parent_without_worker_tracebacks():
    run = subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_RUN],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches one
    )
    assert run.stdout is not None
    for _ in range(4):
        assert run.stdout.readline() == b"started\n"
    os.killpg(run.pid, signal.SIGINT)
    _, errors = run.communicate(b"x", timeout=60)
    assert errors.decode().strip() == "interrupted"


class _Tally:
    """A handler that keeps state between requests: the running total, or an error."""

    def __init__(self) -> None:
        self.total = 0

    def __call__(self, request: int) -> tuple[int, int]:
        if request < 0:
            raise ValueError(f"cannot add {request}")
        self.total += request
        return self.total, os.getpid()


def test_a_process_beside_answers_in_order_keeping_its_state_between_requests():
    beside = start_beside(_Tally())
    assert beside is not None
    try:
        first, _, third = (beside.send(n) for n in (2, 3, 4))
        total, process = beside.receive(third)
        assert (total, beside.receive(first)[0]) == (9, 2)
        assert beside.receive(beside.send(1))[0] == 10
        assert process != os.getpid()
    finally:
        beside.stop()


def test_an_error_in_a_process_beside_is_raised_by_the_next_receive_reading_past_it():
    beside = start_beside(_Tally())
    assert beside is not None
    try:
        beside.send(-1)
        with pytest.raises(ValueError, match="cannot add -1"):
            beside.receive(beside.send(1))
    finally:
        beside.stop()


def test_no_process_beside_is_forked_while_other_threads_run():
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert start_beside(_Tally()) is None
    finally:
        release.set()
        waiting.join()
