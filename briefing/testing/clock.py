"""Clocks for tests of waiting: time passes when slept, at once, without sleeping; a timer
fires when the test says so.

    clock = VirtualClock()
    policy = RetryPolicy(clock=clock.as_clock())
    ...
    assert clock.slept == [1.0, 2.0]

`now()` is the real monotonic time plus everything slept so far, so a test still sees
the real time its requests take. Sleeps that would overlap in real time add up here (as
if the sleepers took turns): time only ever passes faster than it would. It is safe to
read from other threads (the fake server reads it to script faults that last a span of
time).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from briefing.engines.retry import Clock


class VirtualClock:
    """Monotonic time that jumps forward by each sleep instead of waiting it out."""

    def __init__(self, *, real_time: bool = True) -> None:
        """With `real_time` False, only sleeps move the clock: a test of a time budget then
        holds however long its requests take on a loaded machine."""
        self._lock = threading.Lock()
        self._offset = 0.0
        self._real_time = real_time
        self.slept: list[float] = []

    def now(self) -> float:
        """The real monotonic time (unless `real_time` is off) plus everything slept so far."""
        with self._lock:
            return (time.monotonic() if self._real_time else 0.0) + self._offset

    async def sleep(self, seconds: float) -> None:
        """Pass `seconds` at once (yielding to the event loop once, as a sleep does)."""
        with self._lock:
            self._offset += seconds
            self.slept.append(seconds)
        await asyncio.sleep(0)

    def as_clock(self) -> Clock:
        """This clock in the form `RetryPolicy` takes."""
        return Clock(now=self.now, sleep=self.sleep)


class ManualTimer:
    """A stand-in for `threading.Timer` that runs its action only when `fire` is called:

    timers: list[ManualTimer] = []
    with FakeOpenAI(timer=ManualTimer.collect(timers)) as server:
        timers[0].fire()  # the server's lifetime is over now
    """

    def __init__(self, seconds: float, action: Callable[[], None]) -> None:
        self.seconds = seconds
        self.started = False
        self.cancelled = False
        self._action = action

    @classmethod
    def collect(
        cls, timers: list[ManualTimer]
    ) -> Callable[[float, Callable[[], None]], ManualTimer]:
        """A timer factory that keeps every timer it makes in `timers`."""

        def make(seconds: float, action: Callable[[], None]) -> ManualTimer:
            timers.append(cls(seconds, action))
            return timers[-1]

        return make

    def start(self) -> None:
        """Note the start; nothing runs until `fire`."""
        self.started = True

    def cancel(self) -> None:
        """From now on, `fire` does nothing."""
        self.cancelled = True

    def fire(self) -> None:
        """Run the action now, as the real timer would when its time is up (unless cancelled)."""
        if self.started and not self.cancelled:
            self._action()
