import os
import threading

import pytest

from briefing.parallel import map_in_processes


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
