import gc
from collections.abc import Iterator

import pytest

from briefing.memory import cycle_collector_paused


@pytest.fixture
def collector_on() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.enable()
    yield
    if not was_enabled:
        gc.disable()


def test_the_collector_is_off_inside_and_on_again_after(collector_on: None) -> None:
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_turns_the_collector_back_on(collector_on: None) -> None:
    with pytest.raises(ValueError), cycle_collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_collector_off_until_the_outer_one_ends(
    collector_on: None,
) -> None:
    with cycle_collector_paused():
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_the_caller_turned_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with cycle_collector_paused():
        pass
    assert not gc.isenabled()


def test_as_a_decorator_it_pauses_each_call_and_passes_the_result_through(
    collector_on: None,
) -> None:
    @cycle_collector_paused()
    def collector_state(value: int) -> tuple[int, bool]:
        return value, gc.isenabled()

    assert collector_state(1) == (1, False)
    assert collector_state(2) == (2, False)
    assert gc.isenabled()
