"""A clock for tests of waiting: time passes when slept, at once, without sleeping.

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

from briefing.engines.retry import Clock


class VirtualClock:
    """Monotonic time that jumps forward by each sleep instead of waiting it out."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0
        self.slept: list[float] = []

    def now(self) -> float:
        """The real monotonic time plus everything slept so far."""
        with self._lock:
            return time.monotonic() + self._offset

    async def sleep(self, seconds: float) -> None:
        """Pass `seconds` at once (yielding to the event loop once, as a sleep does)."""
        with self._lock:
            self._offset += seconds
            self.slept.append(seconds)
        await asyncio.sleep(0)

    def as_clock(self) -> Clock:
        """This clock in the form `RetryPolicy` takes."""
        return Clock(now=self.now, sleep=self.sleep)
